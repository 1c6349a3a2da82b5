/**
 * Read helpers over HA director groups: which hosts a service runs on, a member's effective VRRP
 * priority, and keepalived's timers (master-down interval and skew) computed the way keepalived
 * computes them.
 */
import type { Host, HostId, Topology, VirtualService } from './types.ts';
import type { DirectorGroup, VrrpMember, VrrpScript } from './vrrp.ts';
import { VRRP_DEFAULTS } from './vrrp.ts';
import { refAsHostId } from './ids.ts';

/** The director group with id `id`, if any. */
export const groupById = (t: Topology, id: string): DirectorGroup | undefined => (t.directorGroups ?? []).find((g) => g.id === id);

/** The director group a service belongs to (its `director` names a group), if any. */
export const groupOfService = (t: Topology, service: VirtualService): DirectorGroup | undefined => groupById(t, service.director);

/** Groups `host` is a member of. */
export const groupsOfHost = (t: Topology, host: HostId): DirectorGroup[] => (t.directorGroups ?? []).filter((g) => g.members.some((m) => m.host === host));

/** The member entry of `host` in `group`, if it is one. */
export const memberOf = (group: DirectorGroup, host: HostId): VrrpMember | undefined => group.members.find((m) => m.host === host);

/** Host ids that run a service: the group's members, or the single director. */
export function directorHostsOf(t: Topology, service: VirtualService): HostId[] {
  const g = groupOfService(t, service);
  return g ? g.members.map((m) => m.host) : [refAsHostId(service.director)];
}

/** True when `host` runs `service` (it is its director or a member of its group). */
export function runsService(t: Topology, service: VirtualService, host: HostId): boolean {
  if (service.director === host) return true;
  const g = groupOfService(t, service);
  return g !== undefined && g.members.some((m) => m.host === host);
}

/** Seconds between adverts of a group (keepalived default 1). */
export const advertIntOf = (g: DirectorGroup): number => g.advertInt ?? VRRP_DEFAULTS.advertInt;

/** VRRP version of a group (keepalived default 2). */
export const vrrpVersionOf = (g: DirectorGroup): 2 | 3 => g.version ?? VRRP_DEFAULTS.version;

const MICROS = 1_000_000;

/**
 * Skew time in microseconds for a backup of `priority`, as keepalived's `VRRP_TIMER_SKEW`:
 * VRRPv2 `(256 − priority) × 1 s / 256` (independent of advert_int), VRRPv3 (RFC 5798)
 * `(256 − priority) × advert_int / 256`, both in integer arithmetic.
 */
export function skewMicros(version: 2 | 3, advertIntSeconds: number, priority: number): number {
  const p = 256 - priority;
  if (version === 3) return Math.floor((p * (advertIntSeconds * 100) * 625) / 16);
  return Math.floor((p * MICROS) / 256);
}

/**
 * Master-down interval in microseconds: how long a backup of `priority` waits without an advert
 * before it declares the master dead and becomes master (`3 × advert_int + skew`).
 */
export function masterDownMicros(version: 2 | 3, advertIntSeconds: number, priority: number): number {
  return 3 * advertIntSeconds * MICROS + skewMicros(version, advertIntSeconds, priority);
}

/** Master-down interval in seconds of `member` in `group` (its base priority). */
export const masterDownSeconds = (g: DirectorGroup, priority: number): number => masterDownMicros(vrrpVersionOf(g), advertIntOf(g), priority) / MICROS;

/** What is broken on a member, as far as its VRRP priority is concerned. */
export interface MemberCondition {
  /** Names of tracked scripts that currently fail. */
  readonly failedScripts?: ReadonlySet<string>;
  /** Names of tracked interfaces that are down. */
  readonly downInterfaces?: ReadonlySet<string>;
}

/** One term of an effective-priority sum, for showing the arithmetic. */
export interface PriorityTerm {
  readonly what: 'script' | 'interface';
  readonly name: string;
  readonly weight: number;
  /** Whether the term currently applies (positive weight: item up; negative: item failed). */
  readonly applies: boolean;
}

/** A member's effective priority: base plus applying weights, clamped to 1..254; or FAULT. */
export interface EffectivePriority {
  readonly base: number;
  readonly priority: number;
  /** A weight-0 tracked item failed (or the VRRP interface is down): the instance is in FAULT and sends nothing. */
  readonly fault: boolean;
  readonly terms: readonly PriorityTerm[];
}

const scriptOf = (g: DirectorGroup, name: string): VrrpScript | undefined => (g.scripts ?? []).find((s) => s.name === name);

/** The weight a member's track_script entry uses: its own override, else the vrrp_script's, else 0. */
export function trackScriptWeight(g: DirectorGroup, entry: { readonly name: string; readonly weight?: number }): number {
  return entry.weight ?? scriptOf(g, entry.name)?.weight ?? 0;
}

/**
 * Effective priority of `member` under `condition`, as keepalived computes it: a positive weight is
 * added while the tracked item is up, a negative weight subtracted while it has failed, weight 0
 * means FAULT on failure; the result is clamped to 1..254 (255 stays 255 only for an owner with
 * nothing tracked). A down VRRP interface, or the interface of a virtual address, is a FAULT.
 */
export function effectivePriority(g: DirectorGroup, member: VrrpMember, condition: MemberCondition = {}): EffectivePriority {
  const terms: PriorityTerm[] = [];
  // keepalived also tracks the interface of every virtual address (no `dont_track` is generated): one
  // going down is a FAULT whatever the weights — measured in the lab (tests/lab/grade-lab.test.ts:
  // lvs1 at priority 200 with eth1 tracked at -60 still resigns the moment eth1, the DIP's, goes down).
  let fault =
    (condition.downInterfaces?.has(member.interface) ?? false) ||
    g.virtualAddresses.some((v) => condition.downInterfaces?.has(v.dev ?? member.interface) ?? false);
  let sum = member.priority;
  const add = (what: PriorityTerm['what'], name: string, weight: number, failed: boolean) => {
    if (weight === 0) {
      if (failed) fault = true;
      return;
    }
    const applies = weight > 0 ? !failed : failed;
    terms.push({ what, name, weight, applies });
    if (applies) sum += weight;
  };
  for (const t of member.trackScripts ?? []) add('script', t.name, trackScriptWeight(g, t), condition.failedScripts?.has(t.name) ?? false);
  for (const t of member.trackInterfaces ?? []) add('interface', t.name, t.weight ?? 0, condition.downInterfaces?.has(t.name) ?? false);
  const priority = member.priority === 255 && terms.length === 0 ? 255 : Math.min(254, Math.max(1, sum));
  return { base: member.priority, priority, fault, terms };
}

/**
 * How far `member`'s priority can fall through its weighted tracked items: every negative weight
 * applying plus every positive bonus lost. Weight-0 items go to FAULT instead and are not counted.
 */
export function maxPriorityDrop(g: DirectorGroup, member: VrrpMember): number {
  let drop = 0;
  for (const t of member.trackScripts ?? []) drop += Math.abs(trackScriptWeight(g, t));
  for (const t of member.trackInterfaces ?? []) drop += Math.abs(t.weight ?? 0);
  return drop;
}

/**
 * The member that becomes master when every member is healthy and started together: the highest
 * effective priority; keepalived breaks a tie by the higher primary address (`tieBreak` gives it).
 */
export function electedMaster(g: DirectorGroup, priorityOf: (m: VrrpMember) => number, tieBreak: (m: VrrpMember) => number = () => 0): VrrpMember | undefined {
  let best: VrrpMember | undefined;
  for (const m of g.members) {
    if (!best) best = m;
    else {
      const a = priorityOf(m);
      const b = priorityOf(best);
      if (a > b || (a === b && tieBreak(m) > tieBreak(best))) best = m;
    }
  }
  return best;
}

/** The members' hosts, in member order (missing hosts skipped). */
export function memberHosts(t: Topology, g: DirectorGroup): Host[] {
  const out: Host[] = [];
  for (const m of g.members) {
    const h = t.hosts.find((x) => x.id === m.host);
    if (h) out.push(h);
  }
  return out;
}

/** The primary IPv4 address of a member's VRRP interface as a number (keepalived's tie-break), 0 when unknown. */
export function memberPrimaryAddress(t: Topology, member: VrrpMember): number {
  const text =
    member.unicastSrcIp ??
    t.hosts
      .find((h) => h.id === member.host)
      ?.interfaces.find((f) => f.name === member.interface)
      ?.addresses[0]?.split('/')[0];
  const m = text === undefined ? null : /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return 0;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}

/** The member that is master once every member is up and healthy (highest effective priority, then higher address). */
export function steadyMaster(t: Topology, g: DirectorGroup): VrrpMember | undefined {
  return electedMaster(
    g,
    (m) => effectivePriority(g, m).priority,
    (m) => memberPrimaryAddress(t, m),
  );
}

/**
 * The design as the kernel sees it while the given members hold their groups' addresses: each
 * group's virtual addresses are added to its holder's interface (`dev`, else the VRRP interface)
 * and each group service's `director` becomes that holder. `holders` maps a group id to the host
 * that is master; groups not in it take their steady-state master. With no holder (`null`) the
 * services keep the group id as director and no host carries the addresses. The result has no
 * groups: it is the plain single-director design of that moment.
 */
export function withVrrpHolders(t: Topology, holders: ReadonlyMap<string, HostId | null> = new Map()): Topology {
  const groups = t.directorGroups ?? [];
  if (groups.length === 0) return t;
  const holderOf = new Map<string, HostId | null>();
  for (const g of groups) holderOf.set(g.id, holders.has(g.id) ? holders.get(g.id)! : (steadyMaster(t, g)?.host ?? null));
  const extra = new Map<HostId, { iface: string; address: string }[]>();
  for (const g of groups) {
    const holder = holderOf.get(g.id);
    const member = holder ? memberOf(g, holder) : undefined;
    if (!member) continue;
    const list = extra.get(member.host) ?? [];
    for (const a of g.virtualAddresses) list.push({ iface: a.dev ?? member.interface, address: a.address });
    extra.set(member.host, list);
  }
  const hosts = t.hosts.map((h) => {
    const add = extra.get(h.id);
    if (!add) return h;
    return {
      ...h,
      interfaces: h.interfaces.map((f) => {
        const mine = add.filter((a) => a.iface === f.name && !f.addresses.includes(a.address));
        return mine.length === 0 ? f : { ...f, addresses: [...f.addresses, ...mine.map((a) => a.address)] };
      }),
    };
  });
  const services = t.services.map((s) => {
    const holder = holderOf.get(s.director);
    return holder ? { ...s, director: holder } : s;
  });
  const { directorGroups: _groups, ...plain } = t;
  return { ...plain, hosts, services };
}
