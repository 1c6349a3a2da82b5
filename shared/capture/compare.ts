/**
 * Real versus simulated: lines up the wire steps of the captured walk with the wire steps of the
 * simulated trace (longest common subsequence over kind, phase, segment and the two hosts) and lists
 * every difference: a step missing from the capture, an extra captured step, or a header field that
 * differs on a matched step (addresses, MACs, ports, the IPIP outer header, TTL).
 */
import type { HeaderStack, Lang, Narration, PacketPlace, Trace, TraceEventKind, TracePhase, TraceStep } from '../simulator/types.ts';
import type { CapturedStep } from './walk.ts';

/** One difference between the captured and the simulated walk. */
export type WalkDifference =
  | { readonly kind: 'missing'; readonly simulated: number; readonly what: Narration }
  | { readonly kind: 'extra'; readonly captured: number; readonly what: Narration }
  | {
      readonly kind: 'field';
      readonly simulated: number;
      readonly captured: number;
      /** Dotted field name, e.g. `eth.dst`, `ip.ttl`, `outer.src`, `arp.targetMac`. */
      readonly field: string;
      readonly expected: string;
      readonly actual: string;
    };

/** The comparison: matched step pairs (simulated index, captured index) and the differences. */
export interface WalkComparison {
  readonly pairs: readonly (readonly [number, number])[];
  readonly differences: readonly WalkDifference[];
}

/** The simulated trace's steps on a wire, the ones a capture can see. */
export function wireSteps(trace: Trace): readonly TraceStep[] {
  return trace.steps.filter((s) => s.place.kind === 'link' && (s.kind === 'transmit' || s.kind === 'arp-request' || s.kind === 'arp-reply'));
}

function placeKey(p: PacketPlace): string {
  return p.kind === 'link' ? `${p.segment}|${p.from.host}|${p.to?.host ?? '*'}` : `host|${p.host}`;
}

const stepKey = (s: TraceStep): string => `${s.kind}|${s.phase}|${placeKey(s.place)}`;

/** The words of a step description, per language (typed so a new phase or wire kind needs both). */
const PHASE: Record<Lang, Record<TracePhase, string>> = {
  en: { request: 'request', reply: 'reply' },
  zh: { request: '请求', reply: '应答' },
};

/** Only the wire kinds ever reach a missing/extra line; the rest fall back to the kind's own name. */
const KIND: Record<Lang, Partial<Record<TraceEventKind, string>>> = {
  en: { transmit: 'frame', 'arp-request': 'ARP request', 'arp-reply': 'ARP reply' },
  zh: { transmit: '帧', 'arp-request': 'ARP 请求', 'arp-reply': 'ARP 应答' },
};

/** Describes a step in a few words (for a missing/extra line), in English and Simplified Chinese. */
export function describeStep(s: TraceStep): Narration {
  const p = s.place;
  const say = (lang: Lang): string => {
    const what = `${PHASE[lang][s.phase]} ${KIND[lang][s.kind] ?? s.kind}`;
    if (p.kind !== 'link') return lang === 'en' ? `${what} on ${p.host}` : `${p.host} 上的${what}`;
    const to = p.to?.host ?? (lang === 'en' ? 'all' : '所有主机');
    return lang === 'en' ? `${what} ${p.from.host} → ${to} on ${p.segment}` : `链路 ${p.segment} 上 ${p.from.host} → ${to} 的${what}`;
  };
  return { en: say('en'), zh: say('zh') };
}

function fields(h: HeaderStack | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  if (h.eth) Object.assign(out, { 'eth.src': h.eth.src, 'eth.dst': h.eth.dst, 'eth.type': h.eth.type });
  if (h.arp) for (const [k, v] of Object.entries(h.arp)) out[`arp.${k}`] = String(v);
  out['outer'] = h.outer ? 'ipip' : 'none';
  if (h.outer) Object.assign(out, { 'outer.src': h.outer.src, 'outer.dst': h.outer.dst, 'outer.ttl': String(h.outer.ttl) });
  if (h.ip) Object.assign(out, { 'ip.src': h.ip.src, 'ip.dst': h.ip.dst, 'ip.ttl': String(h.ip.ttl) });
  if (h.l4) Object.assign(out, { 'l4.sport': String(h.l4.sport), 'l4.dport': String(h.l4.dport) });
  return out;
}

const signed = (n: number | undefined): string => (n === undefined ? '—' : `${n >= 0 ? '+' : '−'}${Math.abs(n)}`);

/**
 * How much bigger each IP frame is than the first IP frame of its phase (bytes): 0 on every hop of
 * NAT and DR (the director rewrites addresses, never the length), +20 on an IPIP hop of TUN (the
 * outer header). Compared instead of the absolute size, which the simulator does not model per
 * segment (docs/live.md, "Real packets": it puts the request's and the response's message size on
 * the walk's packets, the wire carries a 74-byte SYN and SYN-ACK).
 */
function growth(steps: readonly TraceStep[]): Map<number, number> {
  const first: Partial<Record<TracePhase, number>> = {};
  const out = new Map<number, number>();
  for (const s of steps) {
    if (!s.packet?.ip) continue;
    const base = (first[s.phase] ??= s.packet.size);
    out.set(s.index, s.packet.size - base);
  }
  return out;
}

/**
 * How far each captured TCP segment's seq and ack are from those of the first hop of its phase
 * (mod 2^32). The director relays the same segment in NAT, DR and TUN and must not renumber it, so
 * both are 0 on every hop: the relative sequence numbers of the client and the real server agree
 * end to end.
 */
function tcpDrift(steps: readonly CapturedStep[]): Map<number, { seq: number; ack: number }> {
  const first: Partial<Record<TracePhase, { seq: number; ack: number }>> = {};
  const out = new Map<number, { seq: number; ack: number }>();
  const d = (a: number, b: number): number => ((((a - b) % 2 ** 32) + 2 ** 32 + 2 ** 31) % 2 ** 32) - 2 ** 31;
  for (const s of steps) {
    if (!s.wireTcp) continue;
    const base = (first[s.phase] ??= s.wireTcp);
    out.set(s.index, { seq: d(s.wireTcp.seq, base.seq), ack: d(s.wireTcp.ack, base.ack) });
  }
  return out;
}

/**
 * Compares a captured walk with the simulated trace. The simulated trace should be run with the
 * captured client port (`flow.sport = walk.clientPort`) so the ports compare equal. Besides the
 * header fields: `size.growth` (frame size relative to the phase's first IP frame, both walks) and
 * `tcp.seq.drift`/`tcp.ack.drift` (captured seq/ack relative to the phase's first hop; must be +0).
 */
export function compareWalks(trace: Trace, captured: readonly CapturedStep[]): WalkComparison {
  const sim = wireSteps(trace);
  const a = sim.map(stepKey);
  const b = captured.map(stepKey);
  // LCS table; walks are a few dozen steps, bounded by the callers
  const n = a.length;
  const m = b.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const pairs: [number, number][] = [];
  const differences: WalkDifference[] = [];
  const simGrowth = growth(sim);
  const capGrowth = growth(captured);
  const capTcp = tcpDrift(captured);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      pairs.push([sim[i]!.index, captured[j]!.index]);
      const fs = fields(sim[i]!.packet);
      const fc = fields(captured[j]!.packet);
      for (const k of new Set([...Object.keys(fs), ...Object.keys(fc)])) {
        if (k === 'eth.type') continue;
        if (fs[k] !== fc[k])
          differences.push({ kind: 'field', simulated: sim[i]!.index, captured: captured[j]!.index, field: k, expected: fs[k] ?? '—', actual: fc[k] ?? '—' });
      }
      const push = (field: string, expected: string, actual: string): void => {
        if (expected !== actual) differences.push({ kind: 'field', simulated: sim[i]!.index, captured: captured[j]!.index, field, expected, actual });
      };
      const gs = simGrowth.get(sim[i]!.index);
      const gc = capGrowth.get(captured[j]!.index);
      if (gs !== undefined || gc !== undefined) push('size.growth', signed(gs), signed(gc));
      const drift = capTcp.get(captured[j]!.index);
      if (drift) {
        push('tcp.seq.drift', '+0', signed(drift.seq));
        push('tcp.ack.drift', '+0', signed(drift.ack));
      }
      i++;
      j++;
    } else if (j < m && (i >= n || L[i]![j + 1]! >= L[i + 1]![j]!)) {
      differences.push({ kind: 'extra', captured: captured[j]!.index, what: describeStep(captured[j]!) });
      j++;
    } else {
      differences.push({ kind: 'missing', simulated: sim[i]!.index, what: describeStep(sim[i]!) });
      i++;
    }
  }
  return { pairs, differences };
}

/** A difference as one line of text (CLI and tests), in English or Simplified Chinese. */
export function differenceText(d: WalkDifference, lang: Lang = 'en'): string {
  if (lang === 'zh') {
    if (d.kind === 'missing') return `抓包中缺少：模拟第 ${d.simulated} 步（${d.what.zh}）`;
    if (d.kind === 'extra') return `抓包中多出：抓到的第 ${d.captured} 步（${d.what.zh}）`;
    return `模拟第 ${d.simulated} 步 ↔ 抓到的第 ${d.captured} 步：${d.field} 模拟为 ${d.expected}，抓到的是 ${d.actual}`;
  }
  if (d.kind === 'missing') return `missing in the capture: simulated step ${d.simulated} (${d.what.en})`;
  if (d.kind === 'extra') return `extra in the capture: captured step ${d.captured} (${d.what.en})`;
  return `step ${d.simulated} ↔ captured ${d.captured}: ${d.field} simulated ${d.expected}, captured ${d.actual}`;
}
