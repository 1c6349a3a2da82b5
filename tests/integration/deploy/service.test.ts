/**
 * The `deploy:*` bridge channels end to end: BridgeRegistry → deployDomain → DeployService →
 * engine → a real sshd in a network namespace. Prompts travel as `prompt` events and are answered
 * through `trustHost`, as the renderer does. Skipped when not root / no sshd / no `ip netns`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent, DeployPlan, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Result } from '../../../shared/util/result.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { BridgeRegistry } from '../../../electron/services/bridge/registry.ts';
import { deployDomain } from '../../../electron/services/bridge/domains/deploy.ts';
import { DeployService } from '../../../electron/services/deploy/service.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import type { NsHost } from './netns.ts';
import { NetnsLab, inNs, netnsUnavailable } from './netns.ts';
import { hostId, interfaceId, segmentId } from '../../../shared/model/ids.ts';

const unavailable = netnsUnavailable();
let lab: NetnsLab;
let rs: NsHost;
let topology: Topology;

function bridge(knownHosts: string, answer: (e: DeployEvent, service: DeployService) => void) {
  const events: DeployEvent[] = [];
  const service: DeployService = new DeployService({
    emit: (e) => {
      events.push(e);
      // Answer like a renderer would: after the event was delivered, through the service API.
      setImmediate(() => answer(e, service));
    },
    knownHostsFile: knownHosts,
    readOnlyKnownHosts: [],
    secrets: new MemorySecretStore(),
    engine: { remoteEnv: () => ({ LVSD_STATE_DIR: rs.stateDir, LVSD_BOOT_ROOT: join(rs.dir, 'root') }) },
  });
  const registry = new BridgeRegistry().register('deploy', deployDomain(service));
  return { registry, events, service };
}

const trustAll = (e: DeployEvent, s: DeployService) => {
  if (e.type === 'prompt' && e.prompt.kind === 'host-key') s.trustHost(e.deployId, e.prompt.promptId, true);
};

describe.skipIf(unavailable !== null)(`deploy bridge channels${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    // A real server without a service: its ARP sysctls are what changes (apply.sh only raises VIPs).
    lab = new NetnsLab();
    [rs] = (await lab.addHosts(1)) as [NsHost];
    topology = {
      name: 'bridge deploy',
      segments: [{ id: segmentId('lan'), name: 'lan', cidr: `10.231.${lab.subnet}.0/24` }],
      hosts: [
        {
          id: hostId('rs1'),
          name: 'rs1',
          role: 'real-server',
          sysctl: { arpIgnore: 1, arpAnnounce: 2 },
          interfaces: [{ id: interfaceId('rs1-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${rs.ip}/24`] }],
          ssh: { host: rs.ip, port: 22, user: 'root', auth: 'key', keyPath: lab.clientKey },
        },
      ],
      services: [],
    };
  }, 60_000);

  afterAll(async () => {
    await lab?.close();
  }, 60_000);

  it('refuses bad payloads before the engine sees them', async () => {
    const { registry } = bridge(join(lab.work, 'kh0'), () => undefined);
    expect((await registry.call('deploy:plan', [{ deployId: '../etc', topology }])).kind).toBe('invalid');
    expect((await registry.call('deploy:plan', [{ deployId: 'ok', topology: { ...topology, hosts: 'nope' } }])).kind).toBe('invalid');
    expect((await registry.call('deploy:apply', [{ deployId: 'ok', topology, extra: 1 }])).kind).toBe('invalid');
    expect((await registry.call('deploy:provideCredential', ['ok', 'p1', 'x'.repeat(5000)])).kind).toBe('invalid');
    expect(await registry.call('deploy:available', [])).toEqual({ kind: 'ok', value: true });
  });

  it('plans with a host-key prompt answered through trustHost, applies, keeps the log', async () => {
    const { registry, events } = bridge(join(lab.work, 'kh1'), trustAll);
    const plan = await registry.call('deploy:plan', [{ deployId: 'plan-1', topology }]);
    expect(plan.kind).toBe('ok');
    const p = (plan as { value: Result<DeployPlan> }).value;
    expect(p.ok && p.value.hosts[0]!.changes.length).toBeGreaterThan(0);
    const prompt = events.find((e) => e.type === 'prompt');
    expect(prompt && prompt.type === 'prompt' && prompt.prompt.kind === 'host-key' ? prompt.prompt.fingerprint : '').toMatch(/^SHA256:/);
    expect(events.at(-1)?.type).toBe('done');

    const applied = (await registry.call('deploy:apply', [{ deployId: 'apply-1', topology, e2eRequests: 0 }])) as { kind: 'ok'; value: Result<DeployResult> };
    expect(
      applied.value.ok && applied.value.value.outcome,
      events
        .map((e) => JSON.stringify(e))
        .join('\n')
        .slice(-3000),
    ).toBe('success');
    expect(inNs(rs.ns, 'sysctl', '-n', 'net.ipv4.conf.all.arp_ignore').trim()).toBe('1');
    const log = (await registry.call('deploy:log', ['apply-1'])) as { kind: 'ok'; value: string };
    expect(log.value).toContain('rs1: verified');
    expect(await registry.call('deploy:log', ['unknown-id'])).toEqual({ kind: 'ok', value: null });
    // A second run with the same id while none is running is fine; a wrong prompt id is refused.
    expect(await registry.call('deploy:trustHost', ['apply-1', 'p999', true])).toEqual({ kind: 'ok', value: false });
  });

  it('cancel while a host-key question is open ends the run as cancelled, nothing changed', async () => {
    const { registry, service } = bridge(join(lab.work, 'kh2'), (e, s) => {
      if (e.type === 'prompt') s.cancel(e.deployId);
    });
    const before = inNs(rs.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'lo');
    const r = (await registry.call('deploy:apply', [{ deployId: 'cancel-1', topology: { ...topology, name: 'changed' } }])) as {
      kind: 'ok';
      value: Result<DeployResult>;
    };
    expect(r.value.ok && r.value.value.outcome).toBe('cancelled');
    expect(inNs(rs.ns, 'ip', '-o', '-4', 'addr', 'show', 'dev', 'lo')).toBe(before);
    expect(service.cancel('cancel-1')).toBe(false);
  });

  it('the deploy gate: checker errors block plan and apply through the bridge; the explicit override is logged', async () => {
    const { registry, events } = bridge(join(lab.work, 'kh3'), trustAll);
    // A route via a gateway no host owns: addr/gateway-unreachable is an error.
    const bad: Topology = {
      ...topology,
      hosts: topology.hosts.map((h) => ({ ...h, routes: [{ destination: '10.97.0.0/16', via: `10.231.${lab.subnet}.250` }] })),
    };
    const before = inNs(rs.ns, 'ip', '-4', 'route', 'show');
    const plan = (await registry.call('deploy:plan', [{ deployId: 'gate-1', topology: bad }])) as { kind: 'ok'; value: Result<DeployPlan> };
    expect(plan.value.ok).toBe(false);
    const applied = (await registry.call('deploy:apply', [{ deployId: 'gate-2', topology: bad, e2eRequests: 0 }])) as {
      kind: 'ok';
      value: Result<DeployResult>;
    };
    expect(applied.value.ok && applied.value.value.outcome).toBe('failed');
    const log2 = (await registry.call('deploy:log', ['gate-2'])) as { kind: 'ok'; value: string };
    expect(log2.value).toMatch(/checker error.*\n.*addr\/gateway-unreachable/);
    expect(
      events.some((e) => e.type === 'prompt' && e.deployId === 'gate-2'),
      'blocked before connecting',
    ).toBe(false);
    expect(inNs(rs.ns, 'ip', '-4', 'route', 'show')).toBe(before);
    const forced = (await registry.call('deploy:plan', [{ deployId: 'gate-3', topology: bad, overrideErrors: true }])) as {
      kind: 'ok';
      value: Result<DeployPlan>;
    };
    expect(forced.value.ok).toBe(true);
    const log3 = (await registry.call('deploy:log', ['gate-3'])) as { kind: 'ok'; value: string };
    expect(log3.value).toMatch(/OVERRIDE: going on despite 1 checker error/);
  });
});
