/**
 * "Will it fail over?" — enumerates single and double failures of every HA director group and
 * works out, the way keepalived's VRRP state machine would, which member ends up holding the
 * group's addresses, whether two do (split brain), how long the takeover takes and what clients of
 * the group's services see.
 *
 * The election model: a member takes part when its host is up, keepalived runs and it is not in
 * FAULT. It hears another member's adverts when the link between them works, the sender advertises
 * to it (multicast on a shared segment, or it is in the sender's unicast peers) and both agree on
 * vrid, advert_int and authentication. Starting from the steady-state master, a backup takes over
 * when it hears no master; with preemption also when the master's effective priority is below its
 * own (`nopreempt` backups accept a lower-priority master). A master steps down when it hears a
 * master of higher priority (equal priority: the higher address wins).
 */
import type { DirectorGroup, HostId, Topology, VrrpMember } from '../model/types.ts';
import {
  effectivePriority,
  masterDownSeconds,
  memberPrimaryAddress,
  skewMicros,
  steadyMaster,
  advertIntOf,
  vrrpVersionOf,
  withVrrpHolders,
} from '../model/ha.ts';
import { validate } from '../validation/index.ts';

/** One thing that breaks. */
export type Failure =
  | { readonly kind: 'host-down'; readonly host: HostId }
  | { readonly kind: 'keepalived-stopped'; readonly host: HostId }
  | { readonly kind: 'interface-down'; readonly host: HostId; readonly iface: string }
  | { readonly kind: 'script-failing'; readonly host: HostId; readonly script: string }
  | { readonly kind: 'link-cut'; readonly a: HostId; readonly b: HostId };

/** What clients of the group's services see in a scenario. */
export type Outcome = 'unchanged' | 'failover' | 'no-failover' | 'outage' | 'split-brain' | 'broken-holder';

/** One row of the analysis table. */
export interface Scenario {
  readonly failures: readonly Failure[];
  /** Members that end up MASTER (holding the VIPs). */
  readonly holders: readonly HostId[];
  readonly outcome: Outcome;
  /** Seconds from the failure until the new holder has the addresses (null when the holder does not change). */
  readonly takeoverSeconds: number | null;
  /** Whether established connections survive (null when the holder does not change or nothing is served). */
  readonly connectionsSurvive: boolean | null;
  /** The scenario and the clients' view, in English and Simplified Chinese. */
  readonly text: { readonly en: string; readonly zh: string };
}

/** The analysis of one group. */
export interface GroupAnalysis {
  readonly group: string;
  readonly name: string;
  /** Holder when everything works. */
  readonly steadyHolder: HostId | null;
  readonly scenarios: readonly Scenario[];
}

interface MemberView {
  readonly m: VrrpMember;
  readonly address: number;
  readonly segments: ReadonlySet<string>;
}

/** A failure in words, in English and Simplified Chinese (`name` turns a host id into its name). */
export const describeFailure = (f: Failure, name: (h: HostId) => string): { en: string; zh: string } => {
  switch (f.kind) {
    case 'host-down':
      return { en: `${name(f.host)} down`, zh: `${name(f.host)} 宕机` };
    case 'keepalived-stopped':
      return { en: `keepalived stopped on ${name(f.host)}`, zh: `${name(f.host)} 上的 keepalived 停止` };
    case 'interface-down':
      return { en: `${name(f.host)} ${f.iface} down`, zh: `${name(f.host)} 的 ${f.iface} 断开` };
    case 'script-failing':
      return { en: `${f.script} failing on ${name(f.host)}`, zh: `${name(f.host)} 上 ${f.script} 检查失败` };
    case 'link-cut':
      return { en: `link ${name(f.a)} ↔ ${name(f.b)} cut`, zh: `${name(f.a)} 与 ${name(f.b)} 之间的链路断开` };
  }
};

/** The single failures worth trying on a group: each member down, stopped, each tracked item, each member link. */
export function singleFailures(g: DirectorGroup): Failure[] {
  const out: Failure[] = [];
  for (const m of g.members) {
    out.push({ kind: 'host-down', host: m.host }, { kind: 'keepalived-stopped', host: m.host }, { kind: 'interface-down', host: m.host, iface: m.interface });
    for (const t of m.trackInterfaces ?? []) if (t.name !== m.interface) out.push({ kind: 'interface-down', host: m.host, iface: t.name });
    for (const t of m.trackScripts ?? []) out.push({ kind: 'script-failing', host: m.host, script: t.name });
  }
  for (let i = 0; i < g.members.length; i++)
    for (let j = i + 1; j < g.members.length; j++) out.push({ kind: 'link-cut', a: g.members[i]!.host, b: g.members[j]!.host });
  return out;
}

/** Elects the masters of `g` under `failures`, starting from `start` (the holder before them). */
export function electMasters(t: Topology, g: DirectorGroup, failures: readonly Failure[], start: HostId | null): { masters: HostId[]; fault: Set<HostId> } {
  const hosts = new Map(t.hosts.map((h) => [h.id, h]));
  const views: MemberView[] = g.members.map((m) => ({
    m,
    address: memberPrimaryAddress(t, m),
    segments: new Set(hosts.get(m.host) ? vrrpSegments(t, m) : []),
  }));
  const fault = new Set<HostId>();
  const prio = new Map<HostId, number>();
  const alive = new Set<HostId>();
  for (const v of views) {
    const h = v.m.host;
    if (failures.some((f) => (f.kind === 'host-down' || f.kind === 'keepalived-stopped') && f.host === h)) continue;
    const downInterfaces = new Set(failures.filter((f) => f.kind === 'interface-down' && f.host === h).map((f) => (f as { iface: string }).iface));
    const failedScripts = new Set(failures.filter((f) => f.kind === 'script-failing' && f.host === h).map((f) => (f as { script: string }).script));
    const p = effectivePriority(g, v.m, { downInterfaces, failedScripts });
    if (p.fault) {
      fault.add(h);
      continue;
    }
    alive.add(h);
    prio.set(h, p.priority);
  }
  const cut = (a: HostId, b: HostId) => failures.some((f) => f.kind === 'link-cut' && ((f.a === a && f.b === b) || (f.a === b && f.b === a)));
  const agrees = (v: VrrpMember) =>
    (v.differs?.vrid ?? g.vrid) === g.vrid &&
    (v.differs?.advertInt ?? advertIntOf(g)) === advertIntOf(g) &&
    (v.differs?.authentication === undefined || (v.differs.authentication?.pass ?? null) === (g.authentication?.pass ?? null));
  const sourceOf = (v: MemberView) =>
    v.m.unicastSrcIp ??
    hosts
      .get(v.m.host)
      ?.interfaces.find((f) => f.name === v.m.interface)
      ?.addresses[0]?.split('/')[0];
  /** True when `to` receives the adverts `from` sends. */
  const hears = (to: MemberView, from: MemberView): boolean => {
    if (cut(to.m.host, from.m.host)) return false;
    if (agrees(to.m) !== agrees(from.m)) return false;
    if (from.m.unicastPeers !== undefined) {
      const src = sourceOf(to);
      if (src === undefined || !from.m.unicastPeers.includes(src)) return false;
      // A multicast receiver does not listen to unicast adverts (and vice versa).
      return to.m.unicastPeers !== undefined;
    }
    if (to.m.unicastPeers !== undefined) return false;
    return [...from.segments].some((s) => to.segments.has(s));
  };
  const rank = (v: MemberView): [number, number] => [prio.get(v.m.host) ?? 0, v.address];
  const beats = (a: MemberView, b: MemberView) => {
    const [pa, aa] = rank(a);
    const [pb, ab] = rank(b);
    return pa > pb || (pa === pb && aa > ab);
  };
  // Highest priority first: its master-down timer (shorter skew) expires first.
  const live = views.filter((v) => alive.has(v.m.host)).sort((a, b) => (beats(a, b) ? -1 : beats(b, a) ? 1 : 0));
  // Who is master right after the failures: the previous holder if it still runs, nobody else yet.
  const masters = new Set<HostId>(start !== null && alive.has(start) ? [start] : []);
  for (let round = 0; round < live.length * 2 + 2; round++) {
    let changed = false;
    for (const v of live) {
      const heard = live.filter((o) => o !== v && masters.has(o.m.host) && hears(v, o));
      if (masters.has(v.m.host)) {
        if (heard.some((o) => beats(o, v))) {
          masters.delete(v.m.host);
          changed = true;
        }
      } else {
        const takeOver = heard.length === 0 || (!g.nopreempt && heard.every((o) => beats(v, o)));
        if (takeOver) {
          masters.add(v.m.host);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return { masters: views.filter((v) => masters.has(v.m.host)).map((v) => v.m.host), fault };
}

function vrrpSegments(t: Topology, m: VrrpMember): string[] {
  const h = t.hosts.find((x) => x.id === m.host);
  if (!h) return [];
  const f = h.interfaces.find((x) => x.name === m.interface);
  return f?.segment ? [f.segment] : [];
}

/**
 * Seconds until `to` holds the addresses after `failures` took them from `from`: a master that
 * leaves MASTER cleanly (keepalived stopped, or FAULT) sends a priority-0 advert and the backup takes
 * over after its skew time; a silent master (host or VRRP interface down, link cut) after the
 * master-down interval; a master whose priority merely dropped after the master-down interval too
 * (the backup ignores its lower-priority adverts) plus `preempt_delay`.
 */
function takeoverSeconds(g: DirectorGroup, failures: readonly Failure[], from: HostId | null, to: VrrpMember): number {
  const p = effectivePriority(g, to, conditionOf(failures, to.host)).priority;
  const fromMember = g.members.find((m) => m.host === from);
  if (!fromMember) return masterDownSeconds(g, p);
  const on = (f: Failure) => f.kind !== 'link-cut' && f.host === fromMember.host;
  const silent = failures.some(
    (f) =>
      (f.kind === 'host-down' && on(f)) ||
      (f.kind === 'interface-down' && on(f) && f.iface === fromMember.interface) ||
      (f.kind === 'link-cut' && (f.a === fromMember.host || f.b === fromMember.host)),
  );
  if (silent) return masterDownSeconds(g, p);
  const stopped = failures.some((f) => f.kind === 'keepalived-stopped' && on(f));
  if (stopped || effectivePriority(g, fromMember, conditionOf(failures, fromMember.host)).fault)
    return skewMicros(vrrpVersionOf(g), advertIntOf(g), p) / 1_000_000;
  return masterDownSeconds(g, p) + (g.preemptDelay ?? 0);
}

const conditionOf = (failures: readonly Failure[], host: HostId) => ({
  downInterfaces: new Set(failures.filter((f) => f.kind === 'interface-down' && f.host === host).map((f) => (f as { iface: string }).iface)),
  failedScripts: new Set(failures.filter((f) => f.kind === 'script-failing' && f.host === host).map((f) => (f as { script: string }).script)),
});

/**
 * Errors the design has for the group's services while `holder` holds the addresses, with the
 * holder's failed interfaces unplugged (cached per holder and failed interfaces).
 */
function holderProblems(t: Topology, g: DirectorGroup, holder: HostId, failures: readonly Failure[], cache: Map<string, number>): number {
  const down = failures
    .filter((f) => f.kind === 'interface-down' && f.host === holder)
    .map((f) => (f as { iface: string }).iface)
    .sort();
  const key = `${g.id}|${holder}|${down.join(',')}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const services = new Set<string>();
  for (const s of t.services) {
    if (s.director !== g.id) continue;
    services.add(s.id);
    for (const r of s.realServers) services.add(r.id).add(r.host);
  }
  const unplugged: Topology =
    down.length === 0
      ? t
      : {
          ...t,
          hosts: t.hosts.map((h) =>
            h.id !== holder ? h : { ...h, interfaces: h.interfaces.map((f) => (down.includes(f.name) ? { ...f, segment: null } : f)) },
          ),
        };
  const view = withVrrpHolders(unplugged, new Map([[g.id, holder]]));
  const n = validate(view).filter((p) => p.severity === 'error' && !p.rule.startsWith('ha/') && p.refs.some((r) => services.has(r) || r === holder)).length;
  cache.set(key, n);
  return n;
}

/** Options of {@link analyseFailover}. */
export interface AnalysisOptions {
  /** Also combine every two single failures (default true). */
  readonly doubles?: boolean;
}

/** Analyses every director group of the design. */
export function analyseFailover(t: Topology, options: AnalysisOptions = {}): GroupAnalysis[] {
  const cache = new Map<string, number>();
  const name = (h: HostId) => t.hosts.find((x) => x.id === h)?.name ?? h;
  return (t.directorGroups ?? []).map((g) => {
    const steady = steadyMaster(t, g)?.host ?? null;
    const singles = singleFailures(g);
    const lists: Failure[][] = [[], ...singles.map((f) => [f])];
    if (options.doubles !== false) {
      for (let i = 0; i < singles.length; i++) {
        for (let j = i + 1; j < singles.length; j++) {
          const a = singles[i]!;
          const b = singles[j]!;
          // "host down" already covers everything else on that host.
          const hostOf = (f: Failure) => (f.kind === 'link-cut' ? null : f.host);
          if (hostOf(a) !== null && hostOf(a) === hostOf(b)) continue;
          lists.push([a, b]);
        }
      }
    }
    const scenarios = lists.map((failures) => scenario(t, g, steady, failures, name, cache));
    return { group: g.id, name: g.name, steadyHolder: steady, scenarios };
  });
}

function scenario(
  t: Topology,
  g: DirectorGroup,
  steady: HostId | null,
  failures: readonly Failure[],
  name: (h: HostId) => string,
  cache: Map<string, number>,
): Scenario {
  const { masters } = electMasters(t, g, failures, steady);
  const what =
    failures.length === 0
      ? { en: 'nothing fails', zh: '没有故障' }
      : failures.map((f) => describeFailure(f, name)).reduce((a, b) => ({ en: `${a.en} + ${b.en}`, zh: `${a.zh} + ${b.zh}` }));
  const sync = g.sync !== undefined;
  if (masters.length === 0) {
    return {
      failures,
      holders: [],
      outcome: 'outage',
      takeoverSeconds: null,
      connectionsSurvive: null,
      text: { en: `${what.en}: nobody holds the VIP — the service is down.`, zh: `${what.zh}：没有成员持有 VIP，服务中断。` },
    };
  }
  if (masters.length > 1) {
    const who = masters.map(name).join(' and ');
    return {
      failures,
      holders: masters,
      outcome: 'split-brain',
      takeoverSeconds: null,
      connectionsSurvive: false,
      text: {
        en: `${what.en}: split brain — ${who} both hold the VIP; the router's ARP cache follows the last gratuitous ARP, so clients reach either director and connections reset at random.`,
        zh: `${what.zh}：脑裂——${masters.map(name).join(' 和 ')} 同时持有 VIP；路由器的 ARP 缓存跟随最后一个免费 ARP，客户端随机到达任一台 director，连接被随机重置。`,
      },
    };
  }
  const holder = masters[0]!;
  const member = g.members.find((m) => m.host === holder)!;
  const broken = holderProblems(t, g, holder, failures, cache) > 0;
  if (holder === steady) {
    const masterHurt = failures.some((f) => f.kind !== 'link-cut' && f.host === steady);
    if (masterHurt) {
      return {
        failures,
        holders: masters,
        outcome: 'no-failover',
        takeoverSeconds: null,
        connectionsSurvive: null,
        text: {
          en: `${what.en}: ${name(holder)} keeps the VIP (its priority stays above every backup's${g.nopreempt ? ', and nopreempt backups accept a lower-priority master' : ''}) — clients hit the failure.`,
          zh: `${what.zh}：${name(holder)} 仍持有 VIP（其优先级仍高于所有 BACKUP${g.nopreempt ? '，且 nopreempt 的 BACKUP 接受优先级更低的 MASTER' : ''}）——客户端会遇到这个故障。`,
        },
      };
    }
    return {
      failures,
      holders: masters,
      outcome: broken ? 'broken-holder' : 'unchanged',
      takeoverSeconds: null,
      connectionsSurvive: null,
      text: { en: `${what.en}: ${name(holder)} keeps the VIP; clients notice nothing.`, zh: `${what.zh}：${name(holder)} 继续持有 VIP，客户端没有感觉。` },
    };
  }
  const secs = Math.round(takeoverSeconds(g, failures, steady, member) * 1000) / 1000;
  const conn = sync
    ? { en: 'established connections continue (the sync daemon copied them)', zh: '已建立的连接继续（同步进程已复制连接表）' }
    : { en: 'established connections break: the new master has an empty connection table', zh: '已建立的连接中断：新 MASTER 的连接表是空的' };
  return {
    failures,
    holders: masters,
    outcome: broken ? 'broken-holder' : 'failover',
    takeoverSeconds: secs,
    connectionsSurvive: sync,
    text: broken
      ? {
          en: `${what.en}: ${name(holder)} takes the VIP after ${secs} s but cannot serve it (the design has errors with ${name(holder)} as master).`,
          zh: `${what.zh}：${name(holder)} 在 ${secs} 秒后接管 VIP，但无法提供服务（以 ${name(holder)} 为 MASTER 时设计有错误）。`,
        }
      : {
          en: `${what.en}: ${name(holder)} takes the VIP after ${secs} s and sends gratuitous ARPs; new connections work, ${conn.en}.`,
          zh: `${what.zh}：${name(holder)} 在 ${secs} 秒后接管 VIP 并发送免费 ARP；新连接正常，${conn.zh}。`,
        },
  };
}
