import { describe, expect, it } from 'vitest';
import { simulate } from '../../../shared/simulator/index.ts';
import { withVrrpHolders } from '../../../shared/model/ha.ts';
import { drHa, natHa } from './designs.ts';
import { hostId, serviceId } from '../../../shared/model/ids.ts';

describe('the packet simulator on an HA design', () => {
  it('an HA design is walked in its steady state; with no holder the VIP has no owner', () => {
    expect(simulate(natHa(), { client: hostId('client'), service: serviceId('web') }, { seed: 1 }).outcome.status).toBe('ok');
    expect(
      simulate(withVrrpHolders(natHa(), new Map([['pair', null]])), { client: hostId('client'), service: serviceId('web') }, { seed: 1 }).outcome.status,
    ).not.toBe('ok');
  });
  it('NAT pair: delivered through the steady master, and through lvs2 when it holds the VIP and the DIP', () => {
    expect(simulate(withVrrpHolders(natHa()), { client: hostId('client'), service: serviceId('web') }, { seed: 1 }).outcome.status).toBe('ok');
    const viaB = simulate(withVrrpHolders(natHa(), new Map([['pair', hostId('lvs2')]])), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    expect(viaB.outcome.status).toBe('ok');
    const on = (h: string) => viaB.steps.some((s) => s.place.kind === 'host' && s.place.host === h && s.kind === 'schedule');
    expect(on('lvs2')).toBe(true);
    expect(on('lvs1')).toBe(false);
  });
  it('DR pair: delivered with either member holding the VIP', () => {
    for (const h of ['lvs1', 'lvs2'].map(hostId))
      expect(
        simulate(withVrrpHolders(drHa(), new Map([['pair', h]])), { client: hostId('client'), service: serviceId('web') }, { seed: 1 }).outcome.status,
      ).toBe('ok');
  });
});
