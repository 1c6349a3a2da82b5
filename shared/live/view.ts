/**
 * The live state against the design: who holds each VIP, what drifted from the design per host (with
 * a diff), and per service the live counters per real server with the observed distribution of
 * connections next to the one the scheduler should give (from the live weights, by the simulator).
 */
import type { Host, HostId, RealServerId, ServiceId, Topology, VirtualService } from '../model/types.ts';
import { scheduleSequence } from '../simulator/index.ts';
import type { IpvsCounters, IpvsServiceRule, ServiceKey } from './ipvsadm.ts';
import { serviceKey } from './ipvsadm.ts';
import type { HostObservation } from './observation.ts';
import type { VrrpState } from './keepalived.ts';
import { refAsHostId } from '../model/ids.ts';

/** Who holds a VIP on a non-loopback, non-tunnel interface (the holder answers ARP for it). */
export interface VipHolding {
  readonly vip: string;
  readonly services: readonly ServiceId[];
  readonly holders: readonly HostId[];
  /** Hosts that could hold it but could not be read this time. */
  readonly unknown: readonly HostId[];
  /** `ok`: exactly one holder; `none` and `split` (two or more) are outages; `unknown`: no holder seen but some host unread. */
  readonly status: 'ok' | 'none' | 'split' | 'unknown';
}

/** One difference between the design and a host. */
export interface DriftItem {
  readonly area: 'ipvs' | 'address' | 'sysctl';
  /** What is concerned, e.g. `tcp 10.0.0.1:80 → 10.0.0.11:80`, `eth0`, `net.ipv4.conf.all.arp_ignore`. */
  readonly subject: string;
  /** As designed (absent: not in the design). */
  readonly expected?: string;
  /** As found on the host (absent: missing on the host). */
  readonly observed?: string;
}

export interface HostDrift {
  readonly hostId: HostId;
  readonly items: readonly DriftItem[];
  /** `-` design / `+` host lines, like a diff of the two. */
  readonly diff: string;
}

/** Live figures of one real server of one service on one director. */
export interface LiveDest {
  /** `rip:port` as ipvsadm prints it. */
  readonly address: string;
  /** The designed real server, when this address is one. */
  readonly realServerId?: RealServerId;
  readonly hostId?: HostId;
  readonly weight: number;
  readonly designWeight?: number;
  readonly activeConns: number;
  readonly inactiveConns: number;
  /** Totals since the rule was added (`--stats`). */
  readonly stats?: IpvsCounters;
  /** Per second (`--rate`): conns = connections/s, inBytes = bytes/s in. */
  readonly rate?: IpvsCounters;
  /** keepalived's checker verdict, when keepalived checks it. */
  readonly checkerAlive?: boolean;
  /** `up`; `weight0` (quiesced: no new connections); `down` (its health check fails). */
  readonly state: 'up' | 'weight0' | 'down';
}

/** Observed against expected share of new connections for one real server. */
export interface DistributionRow {
  readonly address: string;
  readonly realServerId?: RealServerId;
  /** Connections it got (`--stats` Conns). */
  readonly observed: number;
  /** Share of the service's connections, 0..1. */
  readonly observedShare: number;
  /** Share the scheduler gives it with the live weights (simulator), 0..1. */
  readonly expectedShare: number;
  /** observedShare − expectedShare, in percentage points. */
  readonly deviation: number;
}

export interface LiveService {
  readonly serviceId: ServiceId;
  readonly key: ServiceKey;
  readonly director: HostId;
  /** False when the director was read but has no such IPVS service. */
  readonly present: boolean;
  readonly scheduler?: string;
  readonly dests: readonly LiveDest[];
  readonly stats?: IpvsCounters;
  readonly rate?: IpvsCounters;
  readonly distribution: readonly DistributionRow[];
  /** Largest |deviation| in percentage points (0 with fewer than {@link MIN_CONNS_FOR_DEVIATION} connections). */
  readonly maxDeviation: number;
}

export interface VrrpRow {
  readonly hostId: HostId;
  readonly instance: string;
  readonly state: VrrpState;
  readonly vips: readonly string[];
  readonly priority?: number;
}

/** Everything the overlay, the CLI table and `--json` show. */
export interface LiveView {
  readonly at: number;
  readonly hosts: readonly { readonly hostId: HostId; readonly status: HostObservation['status']; readonly error?: string; readonly problems: number }[];
  readonly vips: readonly VipHolding[];
  readonly services: readonly LiveService[];
  readonly drift: readonly HostDrift[];
  readonly vrrp: readonly VrrpRow[];
}

/** Below this many connections the deviation is noise and is reported as 0. */
export const MIN_CONNS_FOR_DEVIATION = 20;

/** The key ipvsadm shows for a designed service. */
export function designServiceKey(s: VirtualService): ServiceKey {
  return s.protocol === 'fwmark' ? serviceKey('fwmark', String(s.fwmark ?? 0)) : serviceKey(s.protocol, `${s.vip}:${s.port}`);
}

const FORWARD_OF = { nat: 'nat', dr: 'dr', tun: 'tun' } as const;
const bare = (cidr: string): string => cidr.split('/')[0]!;

/** Hosts holding `vip` where it answers ARP (not lo, not an IPIP tunnel). */
function holdersOf(vip: string, obs: ReadonlyMap<HostId, HostObservation>): HostId[] {
  const out: HostId[] = [];
  for (const [id, o] of obs) {
    if (o.status !== 'ok' || !o.addresses) continue;
    if (o.addresses.some((a) => a.address === vip && a.linkType !== 'loopback' && a.linkType !== 'ipip' && a.interface !== 'lo' && a.up)) out.push(id);
  }
  return out;
}

/** The VIPs of the design and who holds each one now. */
export function vipHoldings(t: Topology, obs: ReadonlyMap<HostId, HostObservation>): VipHolding[] {
  const byVip = new Map<string, ServiceId[]>();
  for (const s of t.services) if (s.protocol !== 'fwmark' || s.vip) byVip.set(s.vip, [...(byVip.get(s.vip) ?? []), s.id]);
  // Only hosts that could hold a VIP answering ARP: directors and routers (real servers keep it on lo/tunl0).
  const candidates = t.hosts.filter((h) => h.role === 'director' || h.role === 'router').map((h) => h.id);
  return [...byVip].map(([vip, services]) => {
    const holders = holdersOf(vip, obs);
    const unknown = candidates.filter((id) => obs.get(id)?.status !== 'ok');
    const status = holders.length === 1 ? 'ok' : holders.length > 1 ? 'split' : unknown.length ? 'unknown' : 'none';
    return { vip, services, holders, unknown, status };
  });
}

function ruleText(svc: { scheduler: string; persistent?: number }): string {
  return `scheduler ${svc.scheduler}${svc.persistent ? ` persistent ${svc.persistent}` : ''}`;
}

function destText(d: { forward: string; weight: number }): string {
  return `${d.forward} weight ${d.weight}`;
}

/** Differences between the design and what one host runs. */
export function hostDrift(t: Topology, host: Host, o: HostObservation): HostDrift {
  const items: DriftItem[] = [];
  const kaVips = new Set((o.keepalived?.instances ?? []).flatMap((i) => i.vips.map((v) => bare(v.split(/\s+/)[0]!))));
  const downByChecker = new Set((o.keepalived?.realServers ?? []).filter((r) => !r.alive).map((r) => `${r.virtual} ${r.realServer}`));
  // IPVS rules (directors)
  const list = o.ipvs?.list;
  if (list) {
    const designed = t.services.filter((s) => s.director === host.id);
    const seen = new Map(list.services.map((s) => [s.key, s]));
    for (const s of designed) {
      const key = designServiceKey(s);
      const live = seen.get(key);
      seen.delete(key);
      const want = { scheduler: s.scheduler, ...(s.persistence ? { persistent: s.persistence.timeout } : {}) };
      if (!live) {
        items.push({ area: 'ipvs', subject: key, expected: ruleText(want) });
        continue;
      }
      if (ruleText(live) !== ruleText(want)) items.push({ area: 'ipvs', subject: key, expected: ruleText(want), observed: ruleText(live) });
      const dests = new Map(live.dests.map((d) => [d.address, d]));
      for (const r of s.realServers) {
        const addr = `${r.rip}:${r.port}`;
        const d = dests.get(addr);
        dests.delete(addr);
        const wantD = { forward: FORWARD_OF[r.method], weight: r.weight };
        if (!d) items.push({ area: 'ipvs', subject: `${key} → ${addr}`, expected: destText(wantD) });
        else if (d.forward !== wantD.forward || (d.weight !== wantD.weight && !(d.weight === 0 && downByChecker.has(`${key.split(' ')[1]} ${addr}`)))) {
          items.push({ area: 'ipvs', subject: `${key} → ${addr}`, expected: destText(wantD), observed: destText(d) });
        }
      }
      for (const d of dests.values()) items.push({ area: 'ipvs', subject: `${key} → ${d.address}`, observed: destText(d) });
    }
    for (const extra of seen.values()) items.push({ area: 'ipvs', subject: extra.key, observed: `${ruleText(extra)}, ${extra.dests.length} real server(s)` });
  }
  // Addresses: every designed address present; no extra IPv4 address on a designed interface.
  if (o.addresses) {
    for (const iface of host.interfaces) {
      const have = o.addresses.filter((a) => a.interface === iface.name && a.family === 'inet');
      for (const a of iface.addresses) {
        const ip = bare(a);
        if (kaVips.has(ip)) continue;
        if (!have.some((h) => h.address === ip)) items.push({ area: 'address', subject: `${iface.name} ${a}`, expected: 'present' });
      }
      for (const h of have) {
        if (h.address.startsWith('127.') || kaVips.has(h.address)) continue;
        if (!iface.addresses.some((a) => bare(a) === h.address))
          items.push({ area: 'address', subject: `${iface.name} ${h.address}/${h.prefix}`, observed: 'present' });
      }
    }
  }
  // ARP / rp_filter sysctls that the design sets.
  if (o.sysctls) {
    const check = (ifname: string, key: 'arpIgnore' | 'arpAnnounce' | 'rpFilter', want: number | undefined) => {
      if (want === undefined) return;
      const got = o.sysctls?.[ifname]?.[key];
      const name = `net.ipv4.conf.${ifname}.${key === 'arpIgnore' ? 'arp_ignore' : key === 'arpAnnounce' ? 'arp_announce' : 'rp_filter'}`;
      if (got !== want) items.push({ area: 'sysctl', subject: name, expected: String(want), ...(got !== undefined ? { observed: String(got) } : {}) });
    };
    check('all', 'arpIgnore', host.sysctl?.arpIgnore);
    check('all', 'arpAnnounce', host.sysctl?.arpAnnounce);
    check('all', 'rpFilter', host.sysctl?.rpFilter);
    for (const i of host.interfaces) {
      check(i.name, 'arpIgnore', i.sysctl?.arpIgnore);
      check(i.name, 'arpAnnounce', i.sysctl?.arpAnnounce);
      check(i.name, 'rpFilter', i.sysctl?.rpFilter);
    }
  }
  const diff = items
    .flatMap((i) => [
      ...(i.expected !== undefined ? [`- ${i.area} ${i.subject}: ${i.expected}`] : []),
      ...(i.observed !== undefined ? [`+ ${i.area} ${i.subject}: ${i.observed}`] : []),
    ])
    .join('\n');
  return { hostId: host.id, items, diff };
}

/**
 * Shares of new connections the scheduler gives each real server with these (live) weights: the
 * exact simulator run for `n` connections from distinct clients.
 */
export function expectedShares(s: VirtualService, liveWeights: ReadonlyMap<string, number>, n = 1000): Map<string, number> {
  // Polls repeat the same service and weights every 2 s: remember the last answers (pure: same input, same output).
  const memoKey = JSON.stringify([
    s.scheduler,
    s.schedulerFlags ?? [],
    s.vip,
    s.port,
    s.realServers.map((r) => [r.id, r.rip, r.port, liveWeights.get(`${r.rip}:${r.port}`) ?? r.weight]),
    n,
  ]);
  const hit = SHARES_MEMO.get(memoKey);
  if (hit) return new Map(hit);
  const shares = computeShares(s, liveWeights, n);
  if (SHARES_MEMO.size >= 512) SHARES_MEMO.delete(SHARES_MEMO.keys().next().value!);
  SHARES_MEMO.set(memoKey, shares);
  return new Map(shares);
}

const SHARES_MEMO = new Map<string, ReadonlyMap<string, number>>();

function computeShares(s: VirtualService, liveWeights: ReadonlyMap<string, number>, n: number): Map<string, number> {
  const { persistence: _persistence, ...rest } = s;
  void _persistence;
  const service: VirtualService = { ...rest, realServers: s.realServers.map((r) => ({ ...r, weight: liveWeights.get(`${r.rip}:${r.port}`) ?? r.weight })) };
  const seq = scheduleSequence(service, n, { lifecycle: 'keep' });
  const counts = new Map<string, number>();
  let total = 0;
  for (const rip of seq) {
    if (rip === null) continue;
    const r = service.realServers.find((x) => x.rip === rip);
    if (!r) continue;
    const key = `${r.rip}:${r.port}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  const shares = new Map<string, number>();
  for (const r of service.realServers) shares.set(`${r.rip}:${r.port}`, total ? (counts.get(`${r.rip}:${r.port}`) ?? 0) / total : 0);
  return shares;
}

function liveService(t: Topology, s: VirtualService, director: HostId, o: HostObservation): LiveService {
  const key = designServiceKey(s);
  const rule: IpvsServiceRule | undefined = o.ipvs?.list?.services.find((x) => x.key === key);
  const stats = o.ipvs?.stats?.services.find((x) => x.key === key);
  const rate = o.ipvs?.rate?.services.find((x) => x.key === key);
  const checker = new Map(
    (o.keepalived?.realServers ?? []).filter((r) => `${s.protocol} ${r.virtual}` === key || r.virtual === key).map((r) => [r.realServer, r.alive]),
  );
  const byAddr = new Map(s.realServers.map((r) => [`${r.rip}:${r.port}`, r]));
  const dests: LiveDest[] = (rule?.dests ?? []).map((d) => {
    const r = byAddr.get(d.address);
    const alive = checker.get(d.address);
    const st = stats?.dests.find((x) => x.address === d.address)?.counters;
    const rt = rate?.dests.find((x) => x.address === d.address)?.counters;
    return {
      address: d.address,
      ...(r ? { realServerId: r.id, hostId: r.host, designWeight: r.weight } : {}),
      weight: d.weight,
      activeConns: d.activeConns,
      inactiveConns: d.inactiveConns,
      ...(st ? { stats: st } : {}),
      ...(rt ? { rate: rt } : {}),
      ...(alive !== undefined ? { checkerAlive: alive } : {}),
      state: alive === false ? 'down' : d.weight === 0 ? 'weight0' : 'up',
    };
  });
  const total = dests.reduce((a, d) => a + (d.stats?.conns ?? 0), 0);
  const expected = rule ? expectedShares(s, new Map(dests.map((d) => [d.address, d.weight]))) : new Map<string, number>();
  const distribution: DistributionRow[] = dests.map((d) => {
    const observedShare = total ? (d.stats?.conns ?? 0) / total : 0;
    const expectedShare = expected.get(d.address) ?? 0;
    return {
      address: d.address,
      ...(d.realServerId ? { realServerId: d.realServerId } : {}),
      observed: d.stats?.conns ?? 0,
      observedShare,
      expectedShare,
      deviation: (observedShare - expectedShare) * 100,
    };
  });
  const maxDeviation = total >= MIN_CONNS_FOR_DEVIATION ? Math.max(0, ...distribution.map((d) => Math.abs(d.deviation))) : 0;
  void t;
  return {
    serviceId: s.id,
    key,
    director,
    present: !!rule,
    ...(rule ? { scheduler: rule.scheduler } : {}),
    dests,
    ...(stats ? { stats: stats.counters } : {}),
    ...(rate ? { rate: rate.counters } : {}),
    distribution,
    maxDeviation,
  };
}

/** Builds the live view from the latest observation of each host. */
export function buildLiveView(t: Topology, observations: readonly HostObservation[], at = Date.now()): LiveView {
  const obs = new Map(observations.map((o) => [o.hostId, o]));
  const services: LiveService[] = [];
  for (const s of t.services) {
    const o = obs.get(refAsHostId(s.director));
    if (o?.status === 'ok' && o.ipvs?.list) services.push(liveService(t, s, refAsHostId(s.director), o));
  }
  const drift: HostDrift[] = [];
  for (const h of t.hosts) {
    const o = obs.get(h.id);
    if (o?.status !== 'ok') continue;
    const d = hostDrift(t, h, o);
    if (d.items.length) drift.push(d);
  }
  const vrrp: VrrpRow[] = observations.flatMap((o) =>
    (o.keepalived?.instances ?? []).map((i) => ({
      hostId: o.hostId,
      instance: i.name,
      state: i.state,
      vips: i.vips,
      ...(i.priority !== undefined ? { priority: i.priority } : {}),
    })),
  );
  return {
    at,
    hosts: observations.map((o) => ({ hostId: o.hostId, status: o.status, ...(o.error ? { error: o.error } : {}), problems: o.problems.length })),
    vips: vipHoldings(t, obs),
    services,
    drift,
    vrrp,
  };
}
