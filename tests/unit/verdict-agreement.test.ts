/**
 * One verdict: the checker and the packet walk must never disagree. A design whose walk breaks
 * (for any client, service and real server) has at least one checker error, and every fault the
 * simulator knows is reported by the rule that explains it. New rules get a demo (catalogue test),
 * new faults a scenario here: the completeness check below fails until they do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../shared/model/file.ts';
import type { Host, Topology } from '../../shared/model/types.ts';
import { simulate } from '../../shared/simulator/index.ts';
import type { FaultId } from '../../shared/simulator/index.ts';
import { validate } from '../../shared/validation/index.ts';
import { DEMOS } from './validation/demos.ts';
import { damage, drLab, natLab, tunLab } from './validation/builders.ts';
import { hostId, interfaceId, segmentId } from '../../shared/model/ids.ts';

function lab(name: 'nat' | 'dr' | 'tun'): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
}
const editHosts = (t: Topology, ids: readonly string[], fn: (h: Host) => Host): Topology => ({
  ...t,
  hosts: t.hosts.map((h) => (ids.includes(h.id) ? fn(h) : h)),
});
const RS = ['rs1', 'rs2'];

/** Every walk of a design: each client host × service × real server, a few seeds. */
function brokenWalks(t: Topology): { fault: FaultId; walk: string }[] {
  const out: { fault: FaultId; walk: string }[] = [];
  for (const s of t.services)
    for (const c of t.hosts.filter((h) => h.role === 'client'))
      // undefined: the scheduler chooses (a quiesced or empty service breaks there); then each real server forced.
      for (const r of [undefined, ...s.realServers.map((x) => x.id)])
        for (const seed of [1, 2, 3]) {
          const tr = simulate(t, { client: c.id, service: s.id, ...(r ? { realServer: r } : {}) }, { seed });
          if (tr.outcome.status === 'broken') out.push({ fault: tr.outcome.fault, walk: `${c.id} → ${s.id} via ${r ?? 'the scheduler'} (seed ${seed})` });
        }
  return out;
}

const errorRules = (t: Topology): string[] =>
  validate(t)
    .filter((p) => p.severity === 'error')
    .map((p) => p.rule);

/** A design the simulator breaks with one fault, and the rules that explain that fault. */
interface Scenario {
  readonly name: string;
  readonly fault: FaultId;
  readonly rules: readonly string[];
  readonly design: () => Topology;
}

const natWithRouter = (t: Topology): Topology => ({
  ...t,
  hosts: [
    ...t.hosts.map((h) => (h.role === 'real-server' ? { ...h, gateway: '192.168.111.1' } : h)),
    {
      id: hostId('router'),
      name: 'router',
      role: 'router',
      sysctl: { ipForward: true },
      interfaces: [
        { id: interfaceId('router-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('public'), addresses: ['172.16.111.1/24'] },
        { id: interfaceId('router-eth1'), name: 'eth1', kind: 'ethernet', segment: segmentId('lan'), addresses: ['192.168.111.1/24'] },
      ],
    },
  ],
});

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'NAT real servers route replies around the director',
    fault: 'nat-reply-bypasses-director',
    rules: ['nat/reply-not-via-director'],
    design: () => natWithRouter(lab('nat')),
  },
  {
    name: 'DR real servers use the DIP as gateway (the seed article)',
    fault: 'reply-via-director',
    rules: ['dr/reply-via-director'],
    design: () =>
      editHosts(
        editHosts(lab('dr'), RS, (h) => ({ ...h, gateway: '192.168.163.101' })),
        ['director'],
        (h) => ({ ...h, sysctl: { ipForward: true } }),
      ),
  },
  {
    name: 'NAT director without ip_forward',
    fault: 'no-ip-forward',
    rules: ['nat/ip-forward-off'],
    design: () => editHosts(lab('nat'), ['director'], (h) => ({ ...h, sysctl: { ipForward: false } })),
  },
  {
    name: "DR on one LAN without arp_ignore/arp_announce (the VIP asker shares the real servers' segment)",
    fault: 'arp-race',
    rules: ['dr/arp-not-configured'],
    design: () => DEMOS['dr/arp-not-configured']!(),
  },
  {
    name: 'DR real server off the director segment',
    fault: 'dr-no-l2-path',
    rules: ['dr/same-segment'],
    design: () => editHosts(lab('dr'), ['director'], (h) => ({ ...h, interfaces: h.interfaces.filter((f) => f.id !== 'director-eth1') })),
  },
  {
    name: 'TUN real servers with strict rp_filter',
    fault: 'rp-filter',
    rules: ['tun/rp-filter'],
    design: () => editHosts(lab('tun'), RS, (h) => ({ ...h, sysctl: { ...h.sysctl, rpFilter: 1 } })),
  },
  {
    name: 'TUN real servers without tunl0',
    fault: 'no-ipip-tunnel',
    rules: ['tun/vip-missing-on-tunnel'],
    design: () => editHosts(lab('tun'), RS, (h) => ({ ...h, interfaces: h.interfaces.filter((f) => f.kind !== 'ipip') })),
  },
  {
    name: 'TUN real servers with tunl0 but no VIP',
    fault: 'missing-vip-on-rs',
    rules: ['tun/vip-missing-on-tunnel'],
    design: () => editHosts(lab('tun'), RS, (h) => ({ ...h, interfaces: h.interfaces.map((f) => (f.kind === 'ipip' ? { ...f, addresses: [] } : f)) })),
  },
  {
    name: 'DR real servers without the VIP on lo',
    fault: 'missing-vip-on-rs',
    rules: ['dr/vip-missing-on-rs'],
    design: () => editHosts(lab('dr'), RS, (h) => ({ ...h, interfaces: h.interfaces.map((f) => (f.kind === 'loopback' ? { ...f, addresses: [] } : f)) })),
  },
  {
    name: 'every real server quiesced (weight 0)',
    fault: 'all-quiesced',
    rules: ['service/all-weights-zero'],
    design: () => ({ ...lab('nat'), services: lab('nat').services.map((s) => ({ ...s, realServers: s.realServers.map((r) => ({ ...r, weight: 0 })) })) }),
  },
  {
    name: 'a service without real servers',
    fault: 'no-real-server',
    rules: ['service/no-real-servers'],
    design: () => ({ ...lab('nat'), services: lab('nat').services.map((s) => ({ ...s, realServers: [] })) }),
  },
  {
    name: 'VIP not on the director',
    fault: 'vip-not-on-director',
    rules: ['service/vip-not-on-director'],
    design: () => ({ ...lab('nat'), services: lab('nat').services.map((s) => ({ ...s, vip: '172.16.111.124' })) }),
  },
];

/**
 * Faults that describe the flow asked for rather than the design (a client that is not in the
 * design, a step budget), or that only arise inside another fault's walk; each says why.
 */
const FLOW_ONLY: Readonly<Partial<Record<FaultId, string>>> = {
  'no-service': 'the flow names a client or service the design does not have',
  'step-limit': 'the caller capped the walk (maxSteps)',
};

describe('checker and simulator give one verdict', () => {
  it.each(Object.keys(DEMOS))('rule demo %s: a broken walk comes with a checker error', (id) => {
    const t = DEMOS[id]!();
    const broken = brokenWalks(t);
    if (broken.length > 0) expect(errorRules(t), `${id}: ${broken[0]!.walk} breaks with ${broken[0]!.fault}`).not.toEqual([]);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('fault scenario: %s', (_name, s) => {
    const t = s.design();
    const faults = new Set(brokenWalks(t).map((b) => b.fault));
    expect([...faults], 'the walk breaks with the scenario fault').toContain(s.fault);
    const errors = errorRules(t);
    expect(
      errors.filter((r) => s.rules.includes(r)),
      `checker errors: ${errors.join(', ')}`,
    ).not.toEqual([]);
  });

  it('randomly damaged seed labs: a broken walk comes with a checker error (900 designs)', () => {
    // No exceptions: a disagreement here is a checker or simulator bug (the last two, a subnet on
    // tunl0 or lo that swallows a real network, became addr/wide-virtual-prefix).
    const disagreements: string[] = [];
    for (const [name, build] of [
      ['nat', natLab],
      ['dr', drLab],
      ['tun', tunLab],
    ] as const) {
      for (let seed = 1; seed <= 300; seed++) {
        const t = damage(build(), seed);
        if (errorRules(t).length > 0) continue;
        const broken = brokenWalks(t);
        if (broken.length > 0) disagreements.push(`${name}#${seed}: ${broken[0]!.walk} breaks with ${broken[0]!.fault}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('the seed labs walk cleanly and have no checker error', () => {
    for (const name of ['nat', 'dr', 'tun'] as const) {
      expect(brokenWalks(lab(name)), name).toEqual([]);
      expect(errorRules(lab(name)), name).toEqual([]);
    }
  });

  it('a dead real server is a runtime event, not a design fault: failure walks of the seed labs end ok or failed, never broken', () => {
    // SimulateOptions.failure replays keepalived's reaction to a dead server; the outcome is then
    // 'failed' (a RuntimeFailure), which brokenWalks() above never counts, so it needs no checker error.
    const seen = new Set<string>();
    for (const name of ['nat', 'dr', 'tun'] as const)
      for (const check of [undefined, { kind: 'tcp' as const, delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 2 }]) {
        const base = lab(name);
        const t: Topology = { ...base, services: base.services.map((s) => (check ? { ...s, healthCheck: check } : s)) };
        expect(errorRules(t), name).toEqual([]);
        const svc = t.services[0]!;
        const client = t.hosts.find((h) => h.role === 'client')!.id;
        for (const down of [[svc.realServers[0]!.id], svc.realServers.map((r) => r.id)])
          for (const mode of ['silent', 'refused'] as const)
            for (const since of [0, 5, 60, 3600])
              for (const r of [undefined, ...svc.realServers.map((x) => x.id)]) {
                const tr = simulate(t, { client, service: svc.id, ...(r ? { realServer: r } : {}) }, { seed: 1, failure: { down, mode, since } });
                const what = `${name} ${check ? 'checked' : 'unchecked'} down=${down.join('+')} ${mode} ${since} s via ${r ?? 'the scheduler'}`;
                expect(tr.outcome.status, `${what}: ${tr.outcome.narration.en}`).not.toBe('broken');
                seen.add(tr.outcome.status === 'failed' ? tr.outcome.failure : 'ok');
              }
      }
    expect([...seen].sort()).toEqual(['no-destination', 'ok', 'rs-down-refused', 'rs-down-silent']);
  });
  it('the scenarios cover the design faults the simulator knows', () => {
    const covered = new Set<string>([...SCENARIOS.map((s) => s.fault), ...Object.keys(FLOW_ONLY)]);
    // Faults reached only through a damaged design that another fault already explains, listed so a new fault id fails here until it gets a scenario.
    const KNOWN_WITHOUT_SCENARIO: readonly FaultId[] = [
      'rs-no-route-back',
      'arp-announce',
      'no-listener',
      'client-on-director',
      'arp-unanswered',
      'no-route',
      'martian-source',
      'ttl-exceeded',
      'unexpected-reply',
      'not-for-this-host',
    ];
    for (const f of KNOWN_WITHOUT_SCENARIO) covered.add(f);
    const all: FaultId[] = [
      'nat-reply-bypasses-director',
      'rs-no-route-back',
      'reply-via-director',
      'arp-race',
      'arp-announce',
      'all-quiesced',
      'no-listener',
      'dr-no-l2-path',
      'rp-filter',
      'no-real-server',
      'client-on-director',
      'no-ip-forward',
      'missing-vip-on-rs',
      'no-ipip-tunnel',
      'vip-not-on-director',
      'arp-unanswered',
      'no-route',
      'martian-source',
      'ttl-exceeded',
      'unexpected-reply',
      'not-for-this-host',
      'no-service',
      'step-limit',
    ];
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});
