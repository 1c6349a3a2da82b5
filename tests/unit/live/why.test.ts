/** "Why did this client land on rs2?" replays on the exact simulator. */
import { describe, expect, it } from 'vitest';
import type { VirtualService } from '../../../shared/model/types.ts';
import { explainLanding } from '../../../shared/live/why.ts';
import type { LiveService } from '../../../shared/live/view.ts';
import type { IpvsConnection } from '../../../shared/live/ipvsadm.ts';
import { scheduleSequence } from '../../../shared/simulator/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const svc = (scheduler: VirtualService['scheduler'], extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('web'),
  director: directorRef('d'),
  protocol: 'tcp',
  vip: '10.0.0.100',
  port: 80,
  scheduler,
  realServers: [
    { id: realServerId('rs1'), host: hostId('h1'), rip: '10.0.1.11', port: 80, method: 'dr', weight: 1 },
    { id: realServerId('rs2'), host: hostId('h2'), rip: '10.0.1.12', port: 80, method: 'dr', weight: 1 },
  ],
  ...extra,
});

const live = (d: [number, number, number][]): LiveService => ({
  serviceId: serviceId('web'),
  key: 'tcp 10.0.0.100:80',
  director: hostId('d'),
  present: true,
  dests: d.map(([w, a, i], k) => ({
    address: `10.0.1.${11 + k}:80`,
    realServerId: realServerId(`rs${k + 1}`),
    weight: w,
    activeConns: a,
    inactiveConns: i,
    state: 'up' as const,
  })),
  distribution: [],
  maxDeviation: 0,
});

const entry = (client: string, dest: string, state = 'ESTABLISHED', port = 40000): IpvsConnection => ({
  proto: 'TCP',
  expires: 800,
  state,
  client,
  clientPort: port,
  virtual: '10.0.0.100:80',
  destination: dest,
  template: false,
});

describe('explainLanding', () => {
  it('sh: exact — the bucket of the client address decides, same as the simulator', () => {
    const s = svc('sh');
    const client = '192.0.2.77';
    const truth = scheduleSequence(s, 1, { clients: [client] })[0]!;
    const x = explainLanding(
      s,
      live([
        [1, 0, 0],
        [1, 0, 0],
      ]),
      entry(client, `${truth}:80`),
    );
    if (typeof x === 'string') throw new Error(x);
    expect(x.certainty).toBe('exact');
    expect(x.replayed).toBe(x.landedOn);
    expect(x.en).toMatch(/bucket \d+/);
    expect(x.zh).toMatch(/桶/);
  });

  it('wlc: the live counters decide; the connection itself is not counted', () => {
    // rs1 has 5 active, rs2 1 active (this one): without it rs2 was empty, so wlc picked rs2.
    const x = explainLanding(
      svc('wlc'),
      live([
        [1, 5, 0],
        [1, 1, 0],
      ]),
      entry('192.0.2.1', '10.0.1.12:80'),
    );
    if (typeof x === 'string') throw new Error(x);
    expect(x.certainty).toBe('counters-now');
    expect(x.pick.candidates.find((c) => c.id === 'rs1')!.active).toBe(5);
    expect(x.pick.candidates.find((c) => c.id === 'rs2')!.active).toBe(0);
    expect(x.replayed).toBe('rs2');
    expect(x.en).toMatch(/the same server it landed on/);
    // rs1 weight 0 in the live table: only rs2 is eligible
    const y = explainLanding(
      svc('wlc'),
      live([
        [0, 0, 0],
        [1, 9, 0],
      ]),
      entry('192.0.2.1', '10.0.1.12:80'),
    );
    expect(typeof y !== 'string' && y.replayed).toBe('rs2');
  });

  it('rr: says the cursor is not visible; persistence template named', () => {
    const s = svc('rr', { persistence: { timeout: 300 } });
    const tpl: IpvsConnection = { ...entry('192.0.2.5', '10.0.1.11:80', 'NONE', 0), template: true, expires: 120 };
    const x = explainLanding(
      s,
      live([
        [1, 0, 1],
        [1, 0, 0],
      ]),
      entry('192.0.2.5', '10.0.1.11:80'),
      [tpl],
    );
    if (typeof x === 'string') throw new Error(x);
    expect(x.certainty).toBe('order-unknown');
    expect(x.template).toEqual({ client: '192.0.2.5', realServer: '10.0.1.11:80', expires: 120 });
    expect(x.en).toMatch(/^A persistence template/);
    expect(x.zh).toMatch(/^持久化模板/);
  });

  it('refuses an entry of another service or IPv6', () => {
    expect(explainLanding(svc('rr'), live([]), { ...entry('192.0.2.1', '10.0.1.11:80'), virtual: '10.0.0.9:80' })).toMatch(/not service web/);
    expect(explainLanding(svc('rr'), live([]), { ...entry('2001:db8::1', '10.0.1.11:80') })).toMatch(/only IPv4/);
  });
});
