/**
 * "Why did this client land on rs2?": replays the scheduler decision for a live `-Lnc` entry (or a
 * persistence template) in the exact simulator, with the live weights and — for the schedulers that
 * count connections — the live ActiveConn/InActConn, and says in English and Chinese what decided.
 */
import type { RealServerId, VirtualService } from '../model/types.ts';
import { formatIPv4, netmaskToPrefix, parseIPv4, prefixMask } from '../addressing/ipv4.ts';
import { IpvsScheduler } from '../simulator/index.ts';
import type { PickExplanation } from '../simulator/index.ts';
import type { IpvsConnection } from './ipvsadm.ts';
import { splitAddressPort } from './ipvsadm.ts';
import type { LiveService } from './view.ts';

export interface LandingExplanation {
  /** The designed real server the entry points at (undefined when the address is not in the design). */
  readonly landedOn?: RealServerId;
  /** What the replay picks; `undefined` when the scheduler cannot be replayed (twos is random). */
  readonly replayed?: RealServerId | null;
  /** How sure the replay is: `exact` (hashing: only the client address and weights matter), `counters-now` (uses today's counters, not the ones at the decision), `order-unknown` (rr/wrr: the cursor is kernel-internal), `random`. */
  readonly certainty: 'exact' | 'counters-now' | 'order-unknown' | 'random';
  /** A persistence template pinned this client (the scheduler ran only for its first connection). */
  readonly template?: { readonly client: string; readonly realServer: string; readonly expires: number };
  readonly pick: PickExplanation;
  readonly en: string;
  readonly zh: string;
}

const HASHING = new Set(['sh', 'dh', 'mh']);
const COUNTING = new Set(['lc', 'wlc', 'sed', 'nq', 'fo', 'ovf', 'lblc', 'lblcr']);
const MAX_REPLAY_CONNS = 200_000;

/**
 * Explains one live entry. `live` is the service as the live view sees it (weights, counters),
 * `templates` the persistence templates of the last poll. Returns an error text for an entry that
 * does not belong to `service` or is not IPv4.
 */
export function explainLanding(
  service: VirtualService,
  live: LiveService,
  entry: IpvsConnection,
  templates: readonly IpvsConnection[] = [],
): LandingExplanation | string {
  const caddr = parseIPv4(entry.client);
  const vip = splitAddressPort(entry.virtual);
  if (caddr === null || !vip) return `only IPv4 entries can be replayed (${entry.client} → ${entry.virtual})`;
  if (vip.address !== service.vip || (service.protocol !== 'fwmark' && vip.port !== service.port)) return `${entry.virtual} is not service ${service.id}`;
  const byAddr = new Map(service.realServers.map((r) => [`${r.rip}:${r.port}`, r]));
  const landedOn = byAddr.get(entry.destination)?.id;
  const weights = new Map(live.dests.map((d) => [d.address, d.weight]));
  const specs = service.realServers.map((r) => ({ ...r, weight: weights.get(`${r.rip}:${r.port}`) ?? 0 }));
  const s = new IpvsScheduler(service.scheduler, specs, service.schedulerFlags ? { flags: service.schedulerFlags } : {});
  const name = service.scheduler;
  if (COUNTING.has(name)) {
    // Load today's counters without this connection: one server eligible at a time, then the live weights back.
    const counts = new Map(live.dests.map((d) => [d.address, { a: d.activeConns, i: d.inactiveConns }]));
    const mine = counts.get(entry.destination);
    if (mine && !entry.template) {
      if (entry.state === 'ESTABLISHED' && mine.a > 0) mine.a--;
      else if (mine.i > 0) mine.i--;
    }
    let budget = MAX_REPLAY_CONNS;
    for (const r of specs) {
      const c = counts.get(`${r.rip}:${r.port}`);
      if (!c || (c.a === 0 && c.i === 0)) continue;
      for (const o of specs) s.setWeight(o.id, o.id === r.id ? 1 : 0);
      for (let k = 0; k < c.a + c.i && budget-- > 0; k++) {
        const d = s.connect(0, 0, 0, 0);
        if (d && k < c.a) s.establish(d);
      }
    }
    for (const r of specs) s.setWeight(r.id, r.weight);
  }
  const pick = s.explain(caddr, entry.clientPort, parseIPv4(vip.address) ?? 0);
  const replayed = pick.wouldPick;
  const certainty = HASHING.has(name) ? 'exact' : COUNTING.has(name) ? 'counters-now' : name === 'twos' ? 'random' : 'order-unknown';
  let template: LandingExplanation['template'];
  if (service.persistence) {
    const prefix = service.persistence.netmask ? (netmaskToPrefix(service.persistence.netmask) ?? 32) : 32;
    const key = formatIPv4((caddr & prefixMask(prefix)) >>> 0);
    const t = entry.template ? entry : templates.find((x) => x.template && x.client === key && x.virtual.split(':')[0] === vip.address);
    if (t) template = { client: t.client, realServer: t.destination, expires: t.expires };
  }
  const rsName = (id: RealServerId | null | undefined): string => (id ? id : id === null ? 'none' : '?');
  const land = landedOn ?? entry.destination;
  const tEn = template
    ? `A persistence template (${template.client} → ${template.realServer}, ${template.expires} s left) pins this client: the scheduler only chose for its first connection. `
    : '';
  const tZh = template
    ? `持久化模板（${template.client} → ${template.realServer}，剩余 ${template.expires} 秒）把该客户端固定到此服务器：调度器只为它的第一个连接做了选择。`
    : '';
  const agree = replayed === landedOn;
  let en: string;
  let zh: string;
  if (certainty === 'exact') {
    en = `${pick.rule.en} ${entry.client} falls in bucket ${pick.bucket}, which belongs to ${rsName(replayed)} with the live weights: ${agree ? 'that is where it landed' : `but it landed on ${land} (weights or servers changed since)`}.`;
    zh = `${pick.rule.zh} ${entry.client} 落入桶 ${pick.bucket}，按当前权重属于 ${rsName(replayed)}：${agree ? '正是它所在的服务器' : `但它落在 ${land}（之后权重或服务器有变化）`}。`;
  } else if (certainty === 'counters-now') {
    const best = pick.candidates
      .filter((c) => c.eligible)
      .map((c) => `${c.id} ${c.metric !== undefined ? Number(c.metric.toFixed(2)) : '-'}`)
      .join(', ');
    en = `${pick.rule.en} With the counters now (${best}) the kernel would pick ${rsName(replayed)}; ${agree ? 'the same server it landed on' : `it landed on ${land} — the counters were different when it arrived`}. (The replay uses today's counters, not those of that moment.)`;
    zh = `${pick.rule.zh} 按当前计数（${best}），内核会选 ${rsName(replayed)}；${agree ? '与实际落点相同' : `实际落在 ${land}——它到达时的计数与现在不同`}。（回放使用的是当前计数，而非当时的计数。）`;
  } else if (certainty === 'random') {
    en = `${pick.rule.en} The choice is random, so it cannot be replayed; ${land} was one of the two drawn.`;
    zh = `${pick.rule.zh} 选择是随机的，无法回放；${land} 是抽中的两台之一。`;
  } else {
    const w = live.dests.map((d) => `${d.realServerId ?? d.address}=${d.weight}`).join(', ');
    en = `${pick.rule.en} The cursor is inside the kernel (ipvsadm does not show it), so which turn this connection was cannot be told; with the live weights (${w}) ${land} gets its share of every round.`;
    zh = `${pick.rule.zh} 游标在内核中（ipvsadm 不显示），因此无法判断这个连接是第几轮；按当前权重（${w}），${land} 在每一轮中得到它的份额。`;
  }
  return {
    ...(landedOn ? { landedOn } : {}),
    ...(replayed !== undefined ? { replayed } : {}),
    certainty,
    ...(template ? { template } : {}),
    pick,
    en: tEn + en,
    zh: tZh + zh,
  };
}
