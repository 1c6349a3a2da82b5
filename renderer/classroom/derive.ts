/**
 * Pure derivations for the classroom: the memoised trace of the chosen flow, the visible steps
 * (ARP filter), simulated step times, place labels, header rows with their changed marks, the IPVS
 * connection table at the cursor, the director's bytes, and the Markdown/HTML handouts.
 */
import type { ForwardingMethod, Host, Topology, VirtualService } from '../../shared/model/types.ts';
import type { ConnEntry, FailureScenario, HeaderField, Lang, PacketPlace, Trace, TraceStep } from '../../shared/simulator/index.ts';
import type { TcpSegment } from '../../shared/simulator/tcp.ts';
import { simulate } from '../../shared/simulator/index.ts';
import { withVrrpHolders } from '../../shared/model/ha.ts';
import type { AppState } from '../store/index.ts';
import type { FailureChoice, SimulationState } from './simulationSlice.ts';
import { classroomEn, classroomZh } from './strings.ts';
import type { RealServerId } from '../../shared/model/ids.ts';

const texts = (lang: Lang) => (lang === 'zh' ? classroomZh : classroomEn);

/** The narration language of a UI language code (`zh-CN` → `zh`). */
export const langOf = (code: string): Lang => (code.toLowerCase().startsWith('zh') ? 'zh' : 'en');

/** The flow the classroom plays: explicit choices, else the first client and the first service. */
export interface ResolvedFlow {
  readonly client: Host | undefined;
  readonly service: VirtualService | undefined;
  readonly realServer: RealServerId | null;
  readonly seed: number;
  /** The failure scenario of the walk, when real servers of the service are marked down. */
  readonly failure?: FailureScenario;
}

export function resolveFlow(t: Topology, sim: Pick<SimulationState, 'client' | 'service' | 'realServer' | 'seed'> & Partial<FailureChoice>): ResolvedFlow {
  const client = t.hosts.find((h) => h.id === sim.client) ?? t.hosts.find((h) => h.role === 'client');
  const service = t.services.find((v) => v.id === sim.service) ?? t.services[0];
  const realServer = (sim.realServer && service?.realServers.find((r) => r.id === sim.realServer)?.id) || null;
  const down = (sim.down ?? []).flatMap((id) => service?.realServers.find((r) => r.id === id)?.id ?? []);
  const failure: FailureScenario | undefined =
    down.length > 0
      ? { down, mode: sim.failMode ?? 'silent', since: sim.failSince ?? 0, ...(sim.expireNodestConn ? { expireNodestConn: true } : {}) }
      : undefined;
  return { client, service, realServer, seed: sim.seed, ...(failure ? { failure } : {}) };
}

/** Why there is nothing to play, when there is nothing. */
export type TraceResult = { readonly trace: Trace } | { readonly missing: 'client' | 'service' };

/** Simulates a flow of a topology (the caller memoises). */
export function traceOf(t: Topology, f: ResolvedFlow): TraceResult {
  if (!f.client) return { missing: 'client' };
  if (!f.service) return { missing: 'service' };
  return {
    // HA groups: the steady-state master holds the group's addresses.
    trace: simulate(
      withVrrpHolders(t),
      { client: f.client.id, service: f.service.id, ...(f.realServer ? { realServer: f.realServer } : {}) },
      { seed: f.seed, ...(f.failure ? { failure: f.failure } : {}) },
    ),
  };
}

/**
 * Builds the memoised trace selector: recomputed only when the topology or the flow choice
 * changed (cursor moves and playback never re-simulate).
 */
export function makeTraceSelector(): (s: AppState) => TraceResult {
  let key: readonly unknown[] = [];
  let last: TraceResult = { missing: 'client' };
  return (s) => {
    const sim = s.simulation;
    const k = [s.design.topology, sim.client, sim.service, sim.realServer, sim.seed, sim.down, sim.failMode, sim.failSince, sim.expireNodestConn];
    if (k.length === key.length && k.every((x, i) => x === key[i])) return last;
    key = k;
    last = traceOf(s.design.topology, resolveFlow(s.design.topology, sim));
    return last;
  };
}

/** One shared instance: every classroom component reads the same cached trace. */
export const selectTrace = makeTraceSelector();

export const isArp = (s: TraceStep): boolean => s.kind === 'arp-request' || s.kind === 'arp-reply' || s.kind === 'arp-learn';

/** Indices of the steps shown with the ARP filter. */
export function visibleSteps(trace: Trace, showArp: boolean): number[] {
  const out: number[] = [];
  for (const s of trace.steps) if (showArp || !isArp(s) || s.severity === 'error') out.push(s.index);
  return out;
}

/**
 * A row of the step list: one step; one TCP segment folded over the wires it crosses (and the IPVS
 * state step it causes); or a run of TCP data segments / ACKs folded into one line.
 */
export type StepRow =
  | { readonly kind: 'step'; readonly index: number; readonly shown: number }
  | {
      readonly kind: 'segment';
      /** `seg:<first step>`: the key `open` holds when the segment shows each wire. */
      readonly key: string;
      readonly members: readonly number[];
      readonly shown: number;
      /** Wires the segment crosses (its `segment` steps). */
      readonly hops: number;
      /** The IPVS state the segment moved the entry to, when it did. */
      readonly state: string | null;
    }
  | {
      readonly kind: 'group';
      /** `grp:<first step>`. */
      readonly key: string;
      readonly members: readonly number[];
      readonly shown: number;
      readonly data: number;
      readonly acks: number;
      readonly bytes: number;
    };

const isTcpStep = (s: TraceStep | undefined): boolean => !!s?.tcp && (s.kind === 'segment' || s.kind === 'conn-state');

/**
 * Rows of the step list, so a class sees the story of the connection in about twenty lines:
 * - every TCP segment is one row over the wires it crosses (`seg:<first step>` in `open` shows each wire);
 * - runs of at least three visible segments of the `data`/`data-ack` group become one group row
 *   (`grp:<first step>` in `open` unfolds it into its segment rows): "8 data segments, 4 ACKs".
 * `shown` is the 1-based number of the row's first step.
 */
export function stepRows(trace: Trace, visible: readonly number[], open: ReadonlySet<string>): StepRow[] {
  const out: StepRow[] = [];
  const at = (k: number): TraceStep | undefined => trace.steps[visible[k]!];
  const segmentRows = (from: number, to: number): void => {
    for (let k = from; k < to;) {
      const n = at(k)!.tcp!.n;
      let end = k;
      while (end < to && at(end)!.tcp!.n === n) end++;
      const key = `seg:${visible[k]!}`;
      const members = visible.slice(k, end);
      if (open.has(key)) for (let j = k; j < end; j++) out.push({ kind: 'step', index: visible[j]!, shown: j + 1 });
      else {
        const change = members.map((i) => trace.steps[i]!).find((x) => x.kind === 'conn-state');
        out.push({
          kind: 'segment',
          key,
          members,
          shown: k + 1,
          hops: members.filter((i) => trace.steps[i]!.kind === 'segment').length,
          state: change?.conn?.state ?? null,
        });
      }
      k = end;
    }
  };
  for (let k = 0; k < visible.length;) {
    if (!isTcpStep(at(k))) {
      out.push({ kind: 'step', index: visible[k]!, shown: k + 1 });
      k++;
      continue;
    }
    let end = k;
    if (at(k)!.tcp!.group) while (end < visible.length && isTcpStep(at(end)) && at(end)!.tcp!.group) end++;
    const members = visible.slice(k, end);
    const segments = members.map((i) => trace.steps[i]!).filter((x) => x.kind === 'segment' && (x.tcp!.hop?.n ?? 1) === 1);
    if (segments.length >= 3 && !open.has(`grp:${visible[k]!}`)) {
      const tcp = segments.map((x) => x.tcp!);
      out.push({
        kind: 'group',
        key: `grp:${visible[k]!}`,
        members,
        shown: k + 1,
        data: tcp.filter((x) => x.group === 'data').length,
        acks: tcp.filter((x) => x.group === 'data-ack').length,
        bytes: tcp.reduce((a, x) => a + x.payload, 0),
      });
      k = end;
      continue;
    }
    if (end === k) {
      // One segment that is not part of a data run: up to the next segment number.
      const n = at(k)!.tcp!.n;
      while (end < visible.length && isTcpStep(at(end)) && at(end)!.tcp!.n === n) end++;
    }
    segmentRows(k, end);
    k = end;
  }
  return out;
}

/** The open row keys (`seg:` / `grp:`) that fold around step `i`: what a close button next to it folds. */
export function openKeysAt(
  trace: Trace,
  visible: readonly number[],
  open: ReadonlySet<string>,
  i: number,
): { readonly group?: string; readonly segment?: string } {
  const s = trace.steps[i];
  if (!isTcpStep(s)) return {};
  const k = visible.indexOf(i);
  let first = k;
  while (first > 0 && isTcpStep(trace.steps[visible[first - 1]!]) && trace.steps[visible[first - 1]!]!.tcp!.n === s!.tcp!.n) first--;
  let runStart = k;
  if (s!.tcp!.group) while (runStart > 0 && isTcpStep(trace.steps[visible[runStart - 1]!]) && trace.steps[visible[runStart - 1]!]!.tcp!.group) runStart--;
  const seg = `seg:${visible[first]!}`;
  const grp = `grp:${visible[runStart]!}`;
  return {
    ...(s!.tcp!.group && runStart === k && open.has(grp) ? { group: grp } : {}),
    ...(open.has(seg) && first === k ? { segment: seg } : {}),
  };
}

/** The cursor clamped to the trace and moved onto a visible step (the next one, else the last). */
export function effectiveCursor(trace: Trace, cursor: number, visible: readonly number[]): number {
  if (visible.length === 0) return 0;
  const c = Math.min(Math.max(0, cursor), trace.steps.length - 1);
  return visible.find((i) => i >= c) ?? visible[visible.length - 1]!;
}

/** Next/previous visible step from `cursor` (stays put at the ends). */
export function neighbour(visible: readonly number[], cursor: number, dir: 1 | -1): number {
  if (dir > 0) return visible.find((i) => i > cursor) ?? cursor;
  for (let k = visible.length - 1; k >= 0; k--) if (visible[k]! < cursor) return visible[k]!;
  return cursor;
}

/** Link speed assumed for the time column: 1 Gbit/s, plus 1 µs per hop on the wire. */
const LINK_BPS = 1e9;
const WIRE_DELAY_S = 1e-6;

/**
 * Simulated time of each step in microseconds: frames on a wire cost their serialisation time at
 * 1 Gbit/s plus 1 µs; work inside a host is counted as instantaneous.
 */
export function stepTimes(trace: Trace): number[] {
  let t = 0;
  return trace.steps.map((s) => {
    if (s.place.kind === 'link' && s.packet) t += (s.packet.size * 8) / LINK_BPS + WIRE_DELAY_S;
    return Math.round(t * 1e7) / 10;
  });
}

export function hostName(t: Topology, id: string): string {
  return t.hosts.find((h) => h.id === id)?.name ?? id;
}

function ifaceName(t: Topology, host: string, iface: string | undefined): string {
  if (!iface) return '';
  return t.hosts.find((h) => h.id === host)?.interfaces.find((f) => f.id === iface)?.name ?? iface;
}

/** `director/eth0` or `lan: director → rs2` (`→ *` for a broadcast). */
export function placeLabel(t: Topology, p: PacketPlace): string {
  if (p.kind === 'host') {
    const i = ifaceName(t, p.host, p.iface);
    return i ? `${hostName(t, p.host)}/${i}` : hostName(t, p.host);
  }
  const seg = t.segments.find((s) => s.id === p.segment)?.name ?? p.segment;
  return `${seg}: ${hostName(t, p.from.host)} → ${p.to ? hostName(t, p.to.host) : '*'}`;
}

/** Where a folded TCP segment goes: its first sender and last receiver over the wires (`client → director → rs2`). */
export function segmentEnds(t: Topology, trace: Trace, members: readonly number[]): string {
  const hosts: string[] = [];
  for (const i of members) {
    const p = trace.steps[i]!.place;
    if (p.kind !== 'link') continue;
    if (hosts.length === 0) hosts.push(p.from.host);
    hosts.push(p.to?.host ?? '*');
  }
  if (hosts.length === 0) return placeLabel(t, trace.steps[members[0]!]!.place);
  return hosts.map((h) => (h === '*' ? h : hostName(t, h))).join(' → ');
}

/** The host a step acts on (for a wire step: the receiving host, or the sender of a broadcast). */
export function actingHosts(p: PacketPlace): string[] {
  if (p.kind === 'host') return [p.host];
  return p.to ? [p.from.host, p.to.host] : [p.from.host];
}

/** Short event label: the hook name for hook steps, else the kind, in the UI language. */
export function eventLabel(s: TraceStep, lang: Lang = 'en'): string {
  if (s.kind === 'hook' && s.hook) return s.hook;
  const ev = texts(lang).events;
  if (s.kind === 'rewrite' && s.hook) return ev.rewriteAt.replace('{{hook}}', s.hook);
  if (s.kind === 'segment' && s.tcp) return `TCP ${s.tcp.flags.join(',')}`;
  if (s.kind === 'conn-state' && s.tcp) return `IPVS → ${s.tcp.ipvsState}`;
  return ev[s.kind];
}

/** One header layer as label/value rows, with the changed field names. */
export interface HeaderLayer {
  readonly id: 'eth' | 'arp' | 'outer' | 'ip' | 'l4';
  readonly title: string;
  readonly rows: readonly { readonly field: string; readonly label: string; readonly value: string; readonly changed: boolean }[];
}

/** The header stack of a step, layer by layer (outermost first), changed fields marked, labels in `lang`. */
export function headerLayers(s: TraceStep, lang: Lang = 'en'): HeaderLayer[] {
  const p = s.packet;
  if (!p) return [];
  const { layers: L, fields: F } = texts(lang);
  const ch = new Set<HeaderField | string>(s.changed);
  const row = (field: string, label: string, value: string | number) => ({ field, label, value: String(value), changed: ch.has(field) });
  const out: HeaderLayer[] = [];
  if (p.eth)
    out.push({
      id: 'eth',
      title: L.eth,
      rows: [
        row('eth.src', F.srcMac, p.eth.src),
        row('eth.dst', F.dstMac, p.eth.dst),
        row('eth.type', F.type, p.eth.type === 'arp' ? 'ARP (0x0806)' : 'IPv4 (0x0800)'),
      ],
    });
  if (p.arp)
    out.push({
      id: 'arp',
      title: L.arp.replace('{{op}}', L.arpOp[p.arp.op]),
      rows: [
        row('arp.senderMac', F.senderMac, p.arp.senderMac),
        row('arp.senderIp', F.senderIp, p.arp.senderIp),
        row('arp.targetMac', F.targetMac, p.arp.targetMac),
        row('arp.targetIp', F.targetIp, p.arp.targetIp),
      ],
    });
  if (p.outer) {
    const outerNew = ch.has('outer');
    out.push({
      id: 'outer',
      title: L.outer,
      rows: [
        { ...row('outer.src', F.src, p.outer.src), changed: outerNew },
        { ...row('outer.dst', F.dst, p.outer.dst), changed: outerNew },
        { ...row('outer.ttl', 'TTL', p.outer.ttl), changed: outerNew || ch.has('outer.ttl') },
        row('outer.protocol', F.protocol, `${p.outer.protocol} (4)`),
      ],
    });
  }
  if (p.ip)
    out.push({
      id: 'ip',
      title: p.outer ? L.inner : L.ip,
      rows: [row('ip.src', F.src, p.ip.src), row('ip.dst', F.dst, p.ip.dst), row('ip.ttl', 'TTL', p.ip.ttl), row('ip.protocol', F.protocol, p.ip.protocol)],
    });
  if (p.l4) {
    // What the segment carries: the simulator's words "request"/"response" translated, TCP flags as they are.
    const carried = p.l4.segment === 'request' ? F.request : p.l4.segment === 'response' ? F.response : p.l4.segment;
    out.push({
      id: 'l4',
      title: p.l4.protocol.toUpperCase(),
      rows: [row('l4.sport', F.sport, p.l4.sport), row('l4.dport', F.dport, p.l4.dport), row('l4.segment', F.carries, carried)],
    });
  }
  return out;
}

/** Compact one-line header summary for lists and handouts. */
export function headerSummary(s: TraceStep): string {
  const p = s.packet;
  if (!p) return '';
  const parts: string[] = [];
  if (p.eth) parts.push(`${p.eth.src} → ${p.eth.dst}`);
  if (p.arp) parts.push(p.arp.op === 'request' ? `ARP who-has ${p.arp.targetIp} tell ${p.arp.senderIp}` : `ARP ${p.arp.senderIp} is-at ${p.arp.senderMac}`);
  if (p.outer) parts.push(`[IPIP ${p.outer.src} → ${p.outer.dst}]`);
  if (p.ip) parts.push(`${p.ip.src} → ${p.ip.dst} ttl ${p.ip.ttl}`);
  if (p.l4) parts.push(`${p.l4.protocol} ${p.l4.sport} → ${p.l4.dport}`);
  return parts.join(' | ');
}

/** The value of a changed field at a step, e.g. `ip.dst → 192.168.111.102`. */
export function changedSummary(s: TraceStep): string {
  const p = s.packet;
  if (!p || s.changed.length === 0) return '';
  return s.changed
    .map((f) => {
      switch (f) {
        case 'eth.src':
          return `eth.src ${p.eth?.src ?? ''}`;
        case 'eth.dst':
          return `eth.dst ${p.eth?.dst ?? ''}`;
        case 'ip.src':
          return `ip.src ${p.ip?.src ?? ''}`;
        case 'ip.dst':
          return `ip.dst ${p.ip?.dst ?? ''}`;
        case 'ip.ttl':
          return `ttl ${p.ip?.ttl ?? ''}`;
        case 'l4.sport':
          return `sport ${p.l4?.sport ?? ''}`;
        case 'l4.dport':
          return `dport ${p.l4?.dport ?? ''}`;
        case 'outer':
          return p.outer ? `+IPIP ${p.outer.src} → ${p.outer.dst}` : '−IPIP';
        case 'outer.ttl':
          return `outer.ttl ${p.outer?.ttl ?? ''}`;
      }
      return f;
    })
    .join(', ');
}

/** The director's IPVS connection table at a step: the newest entry created or used so far. */
export function connAt(trace: Trace, cursor: number): ConnEntry | null {
  for (let i = Math.min(cursor, trace.steps.length - 1); i >= 0; i--) {
    const c = trace.steps[i]!.conn;
    if (c) return c;
  }
  return null;
}

/** The steps of the same host run around the cursor (the hooks the packet went through here). */
export function hooksSoFarOnHost(trace: Trace, cursor: number): Set<string> {
  const cur = trace.steps[cursor];
  const out = new Set<string>();
  if (!cur || cur.place.kind !== 'host') return out;
  const host = cur.place.host;
  for (let i = cursor; i >= 0; i--) {
    const s = trace.steps[i]!;
    // Only this packet's pass through the host (a reply does not light the request's hooks).
    if (s.place.kind !== 'host' || s.place.host !== host || s.phase !== cur.phase) break;
    if (s.hook) out.add(s.hook);
    if (s.kind === 'route') out.add('ROUTE');
    if (s.kind === 'originate' || s.kind === 'deliver') out.add('LOCAL');
    if (s.kind === 'schedule' || (s.kind === 'rewrite' && s.hook === 'LOCAL_IN')) out.add('IPVS');
  }
  return out;
}

/** The box of the netfilter diagram a step is in: a hook, `ROUTE`, `LOCAL` (a socket) or ''. */
export function netfilterBox(s: TraceStep): string {
  if (s.kind === 'route') return 'ROUTE';
  if (s.kind === 'originate' || s.kind === 'deliver') return 'LOCAL';
  if (s.hook) return s.hook;
  if (s.kind === 'schedule') return 'LOCAL_IN';
  return '';
}

/** Where on its host a step is; a drop inherits the box of the step before it on the same host. */
export function netfilterBoxAt(trace: Trace, cursor: number): string {
  const s = trace.steps[cursor];
  if (!s) return '';
  const own = netfilterBox(s);
  if (own || s.kind !== 'drop' || s.place.kind !== 'host') return own;
  if (s.route) return 'ROUTE';
  const prev = trace.steps[cursor - 1];
  return prev && prev.place.kind === 'host' && prev.place.host === s.place.host ? netfilterBox(prev) : '';
}

/** The topology with every real server of one service forwarding by `method`. */
export function convertMethod(t: Topology, serviceId: string, method: ForwardingMethod): Topology {
  return { ...t, services: t.services.map((v) => (v.id === serviceId ? { ...v, realServers: v.realServers.map((r) => ({ ...r, method })) } : v)) };
}

/** Bytes the director received, by phase (ARP excluded). */
/** Bytes the director receives in the trace (only up to step index `upTo` when given). */
export function directorBytes(t: Topology, trace: Trace, upTo = Infinity): { director: string | null; request: number; reply: number } {
  const svc = trace.service ? t.services.find((v) => v.id === trace.service!.id) : undefined;
  const director = svc?.director ?? null;
  let request = 0;
  let reply = 0;
  if (!director) return { director, request, reply };
  for (const s of trace.steps) {
    if (s.index > upTo) break;
    if (s.kind !== 'transmit' || s.place.kind !== 'link' || !s.packet || isArp(s)) continue;
    // What the director receives: the request always, the reply only when it routes it (NAT).
    if (s.place.to?.host !== director) continue;
    if (s.phase === 'request') request += s.packet.size;
    else reply += s.packet.size;
  }
  return { director, request, reply };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export interface HandoutText {
  readonly title: string;
  readonly flowLine: string;
  readonly columns: readonly string[];
  readonly outcome: string;
}

/** The walkthrough as Markdown: one row per step, headers and changes, the narration. */
export function handoutMarkdown(t: Topology, trace: Trace, steps: readonly number[], lang: Lang, text: HandoutText): string {
  const times = stepTimes(trace);
  const lines = [`# ${text.title}`, '', text.flowLine, '', `| ${text.columns.join(' | ')} |`, `|${text.columns.map(() => '---').join('|')}|`];
  for (const i of steps) {
    const s = trace.steps[i]!;
    lines.push(
      `| ${i} | ${s.articleStep ? `(${s.articleStep})` : ''} | ${times[i]!.toFixed(1)} | ${mdCell(placeLabel(t, s.place))} | ${mdCell(eventLabel(s, lang))} | ${mdCell(headerSummary(s))} | ${mdCell(changedSummary(s))} | ${mdCell(s.narration[lang])} |`,
    );
  }
  lines.push('', `**${text.outcome}**`, '');
  if (trace.conn) lines.push('```', trace.conn.ipvsadm, '```', '');
  return lines.join('\n');
}

/** The same walkthrough as a standalone printable HTML page. */
export function handoutHtml(t: Topology, trace: Trace, steps: readonly number[], lang: Lang, text: HandoutText): string {
  const times = stepTimes(trace);
  const rows = steps
    .map((i) => {
      const s = trace.steps[i]!;
      const cls = s.severity === 'error' ? ' class="error"' : s.severity === 'warning' ? ' class="warning"' : '';
      return `<tr${cls}><td>${i}</td><td>${s.articleStep ? `(${s.articleStep})` : ''}</td><td>${times[i]!.toFixed(1)}</td><td>${esc(placeLabel(t, s.place))}</td><td>${esc(eventLabel(s, lang))}</td><td class="mono">${esc(headerSummary(s))}</td><td class="mono changed">${esc(changedSummary(s))}</td><td>${esc(s.narration[lang])}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(text.title)}</title>
<style>
body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:24px;color:#1d2330}
table{border-collapse:collapse;width:100%;font-size:12px}td,th{border:1px solid #c5cad3;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eef1f5}.mono{font-family:'DejaVu Sans Mono',monospace;font-size:11px}.changed{color:#b54708;font-weight:600}
tr.error td{background:#fdecea}tr.warning td{background:#fff6e0}pre{background:#f4f5f7;padding:8px}
@media print{body{margin:0}tr{page-break-inside:avoid}}
</style></head><body>
<h1>${esc(text.title)}</h1><p>${esc(text.flowLine)}</p>
<table><thead><tr>${text.columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<p><strong>${esc(text.outcome)}</strong></p>
${trace.conn ? `<pre>${esc(trace.conn.ipvsadm)}</pre>` : ''}
</body></html>
`;
}

/** A row of the TCP table: one segment, or the reply's data segments and their ACKs as one group. */
export type TcpRow =
  | { readonly kind: 'single'; readonly segment: TcpSegment }
  | { readonly kind: 'group'; readonly segments: readonly TcpSegment[]; readonly data: number; readonly acks: number; readonly bytes: number };

/** Collapses each run of reply data segments and their ACKs into one group (a class sees the story, not 20 segments). */
export function tcpRows(segments: readonly TcpSegment[]): TcpRow[] {
  const out: TcpRow[] = [];
  let run: TcpSegment[] = [];
  const flush = (): void => {
    if (run.length > 0) {
      const data = run.filter((s) => s.kind === 'data');
      out.push({ kind: 'group', segments: run, data: data.length, acks: run.length - data.length, bytes: data.reduce((a, s) => a + s.payload, 0) });
    }
    run = [];
  };
  for (const s of segments) {
    if (s.kind === 'data' || s.kind === 'data-ack') run.push(s);
    else {
      flush();
      out.push({ kind: 'single', segment: s });
    }
  }
  flush();
  return out;
}
