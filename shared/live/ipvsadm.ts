/**
 * Parsers for what `ipvsadm` prints: the rule list (`-Ln`), counters (`-Ln --stats --exact`), rates
 * (`-Ln --rate --exact`), the connection table (`-Lnc`), timeouts (`-L --timeout`) and the sync
 * daemon (`-L --daemon`). Tolerant: every line that does not fit is reported in `unparsed`, the rest
 * is still returned, so output from another ipvsadm version or a hostile host never breaks the view.
 */

/** A line that could not be understood, with its 1-based number. */
export interface Unparsed {
  readonly line: number;
  readonly text: string;
}

/** Protocol column of ipvsadm: TCP, UDP, SCTP or FWM (firewall mark). */
export type IpvsProto = 'tcp' | 'udp' | 'sctp' | 'fwmark';

/** Stable key of a virtual service as ipvsadm prints it: `tcp 10.0.0.1:80` or `fwmark 7`. */
export type ServiceKey = string;

const PROTOS: Readonly<Record<string, IpvsProto>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp', FWM: 'fwmark' };

/** `tcp 10.0.0.1:80`, `fwmark 7`. */
export const serviceKey = (proto: IpvsProto, address: string): ServiceKey => `${proto} ${address}`;

/** ipvsadm's forwarding column. */
export type IpvsForward = 'nat' | 'dr' | 'tun' | 'local' | 'bypass';
const FORWARDS: Readonly<Record<string, IpvsForward>> = { Masq: 'nat', Route: 'dr', Tunnel: 'tun', Local: 'local', Bypass: 'bypass' };

/** `10.0.0.1:80` or `[2001:db8::1]:80` → address and port; `null` when it is neither. */
export function splitAddressPort(s: string): { address: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  if (m[2] && m[2].split('.').some((o) => Number(o) > 255)) return null;
  return { address: (m[1] ?? m[2])!, port };
}

/** A real server line of `ipvsadm -Ln`. */
export interface IpvsDestRule {
  /** `ip:port` exactly as printed. */
  readonly address: string;
  readonly forward: IpvsForward;
  readonly weight: number;
  /** Established connections (ipvsadm's ActiveConn). */
  readonly activeConns: number;
  /** Connections in any other state, e.g. FIN_WAIT, TIME_WAIT, SYN_RECV (InActConn). */
  readonly inactiveConns: number;
}

/** A virtual service of `ipvsadm -Ln`. */
export interface IpvsServiceRule {
  readonly key: ServiceKey;
  readonly proto: IpvsProto;
  /** `vip:port`, or the mark number for fwmark services. */
  readonly address: string;
  readonly scheduler: string;
  /** Persistence timeout in seconds, when `persistent N` is shown. */
  readonly persistent?: number;
  /** Persistence netmask (`mask 255.255.255.0`). */
  readonly netmask?: string;
  /** One-packet scheduling (`ops`). */
  readonly ops?: boolean;
  /** Scheduler flags such as `sh-port`, `mh-fallback`. */
  readonly flags: readonly string[];
  readonly dests: readonly IpvsDestRule[];
}

export interface IpvsList {
  /** `1.2.1` from the banner, when present. */
  readonly version?: string;
  /** Connection hash table size from the banner. */
  readonly tableSize?: number;
  readonly services: readonly IpvsServiceRule[];
  readonly unparsed: readonly Unparsed[];
}

const BANNER = /^IP Virtual Server version (\S+) \(size=(\d+)\)/;
const isHeader = (l: string): boolean => /^\s*(Prot LocalAddress|-> RemoteAddress)/.test(l);
const toInt = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** Parses `ipvsadm -Ln` (also with `--thresholds`-less default columns). */
export function parseIpvsList(text: string): IpvsList {
  let version: string | undefined;
  let tableSize: number | undefined;
  const services: (IpvsServiceRule & { dests: IpvsDestRule[] })[] = [];
  const unparsed: Unparsed[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const b = BANNER.exec(line);
    if (b) {
      version = b[1];
      tableSize = Number(b[2]);
      continue;
    }
    if (isHeader(line)) continue;
    const f = line.trim().split(/\s+/);
    if (f[0] === '->') {
      const cur = services[services.length - 1];
      const fwd = FORWARDS[f[2] ?? ''];
      const [w, a, ia] = [toInt(f[3]), toInt(f[4]), toInt(f[5])];
      if (cur && f[1] && (splitAddressPort(f[1]) || /^\S+:\d+$/.test(f[1])) && fwd && w !== null && a !== null && ia !== null) {
        cur.dests.push({ address: f[1], forward: fwd, weight: w, activeConns: a, inactiveConns: ia });
      } else unparsed.push({ line: i + 1, text: line });
      continue;
    }
    const proto = PROTOS[f[0] ?? ''];
    if (!proto || !f[1] || !f[2] || !/^[a-z0-9]+$/.test(f[2]) || (proto === 'fwmark' ? toInt(f[1]) === null : !splitAddressPort(f[1]))) {
      unparsed.push({ line: i + 1, text: line });
      continue;
    }
    const svc: IpvsServiceRule & { dests: IpvsDestRule[]; flags: string[] } = {
      key: serviceKey(proto, f[1]),
      proto,
      address: f[1],
      scheduler: f[2],
      flags: [],
      dests: [],
    };
    let bad = false;
    const mutable = svc as { persistent?: number; netmask?: string; ops?: boolean };
    for (let k = 3; k < f.length; k++) {
      const t = f[k]!;
      if (t === 'persistent' && toInt(f[k + 1]) !== null) mutable.persistent = Number(f[++k]);
      else if (t === 'mask' && f[k + 1]) mutable.netmask = f[++k]!;
      else if (t === 'ops') mutable.ops = true;
      else if (t === 'pe' && f[k + 1]) k++;
      else if (/^\(?[a-z0-9-]+(,[a-z0-9-]+)*\)?$/.test(t)) svc.flags.push(...t.replace(/[()]/g, '').split(','));
      else bad = true;
    }
    if (bad) unparsed.push({ line: i + 1, text: line });
    services.push(svc);
  }
  return { ...(version ? { version } : {}), ...(tableSize !== undefined ? { tableSize } : {}), services, unparsed };
}

/**
 * A counter as ipvsadm prints it: an exact integer (`--exact`), or rounded with a K/M/G suffix
 * (powers of 1000) without `--exact`. `null` for anything else.
 */
export function parseCounter(s: string): { value: number; exact: boolean } | null {
  const m = /^(\d+)([KMG]?)$/.exec(s);
  if (!m) return null;
  const mult = m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : m[2] === 'G' ? 1e9 : 1;
  return { value: Number(m[1]) * mult, exact: mult === 1 };
}

/** Five counters of `--stats` (totals since the service was added) or `--rate` (per second). */
export interface IpvsCounters {
  /** `--stats`: connections; `--rate`: connections per second. */
  readonly conns: number;
  /** Packets client → real server (through the director). */
  readonly inPkts: number;
  /** Packets real server → client through the director (0 in DR/TUN: replies bypass it). */
  readonly outPkts: number;
  readonly inBytes: number;
  readonly outBytes: number;
}

export interface IpvsCounterTable {
  readonly kind: 'stats' | 'rate';
  /** False when a rounded value (K/M/G) was seen: the numbers are approximate. */
  readonly exact: boolean;
  readonly services: readonly {
    readonly key: ServiceKey;
    readonly counters: IpvsCounters;
    readonly dests: readonly { readonly address: string; readonly counters: IpvsCounters }[];
  }[];
  readonly unparsed: readonly Unparsed[];
}

function parseCounterTable(text: string, kind: 'stats' | 'rate'): IpvsCounterTable {
  let exact = true;
  const services: { key: ServiceKey; counters: IpvsCounters; dests: { address: string; counters: IpvsCounters }[] }[] = [];
  const unparsed: Unparsed[] = [];
  const lines = text.split('\n');
  const counters = (f: readonly string[], from: number): IpvsCounters | null => {
    const v: number[] = [];
    for (let k = from; k < from + 5; k++) {
      const c = parseCounter(f[k] ?? '');
      if (!c) return null;
      if (!c.exact) exact = false;
      v.push(c.value);
    }
    if (f.length !== from + 5) return null;
    return { conns: v[0]!, inPkts: v[1]!, outPkts: v[2]!, inBytes: v[3]!, outBytes: v[4]! };
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || BANNER.test(line) || isHeader(line)) continue;
    const f = line.trim().split(/\s+/);
    if (f[0] === '->') {
      const cur = services[services.length - 1];
      const c = counters(f, 2);
      if (cur && c && f[1]) cur.dests.push({ address: f[1], counters: c });
      else unparsed.push({ line: i + 1, text: line });
      continue;
    }
    const proto = PROTOS[f[0] ?? ''];
    const c = counters(f, 2);
    if (!proto || !f[1] || !c) {
      unparsed.push({ line: i + 1, text: line });
      continue;
    }
    services.push({ key: serviceKey(proto, f[1]), counters: c, dests: [] });
  }
  return { kind, exact, services, unparsed };
}

/** Parses `ipvsadm -Ln --stats [--exact]`. */
export const parseIpvsStats = (text: string): IpvsCounterTable => parseCounterTable(text, 'stats');
/** Parses `ipvsadm -Ln --rate [--exact]` (CPS InPPS OutPPS InBPS OutBPS). */
export const parseIpvsRate = (text: string): IpvsCounterTable => parseCounterTable(text, 'rate');

/** One entry of the IPVS connection table (`ipvsadm -Lnc`). */
export interface IpvsConnection {
  readonly proto: string;
  /** Seconds until the entry expires. */
  readonly expires: number;
  /** TCP state (ESTABLISHED, FIN_WAIT, SYN_RECV, …), `NONE` for persistence templates, UDP, … */
  readonly state: string;
  readonly client: string;
  readonly clientPort: number;
  /** `vip:port` of the service (for fwmark templates, the mark shown as an address). */
  readonly virtual: string;
  /** `rip:port` the connection was given to. */
  readonly destination: string;
  /** A persistence template (client port 0, state NONE): it pins the client to `destination`. */
  readonly template: boolean;
}

/** Bounded view of the connection table: the first entries, templates, and exact counts. */
export interface IpvsConnectionSummary {
  /** Entries in the table (all of them, even the ones not kept). */
  readonly total: number;
  /** The first `limit` connections and the first `limit` templates, in table order. */
  readonly entries: readonly IpvsConnection[];
  /** Entries per `virtual destination state` (templates are counted under state `NONE`). */
  readonly counts: readonly { readonly virtual: string; readonly destination: string; readonly state: string; readonly count: number }[];
  readonly unparsed: readonly Unparsed[];
  /** Unparsed lines beyond the ones kept in `unparsed` (at most 50 are kept). */
  readonly unparsedMore: number;
}

const MMSS = /^(\d+):(\d\d)$/;
const MAX_UNPARSED = 50;

function connectionOf(f: readonly string[]): IpvsConnection | null {
  if (f.length !== 6) return null;
  const e = MMSS.exec(f[1]!);
  const src = splitAddressPort(f[3]!);
  if (!e || !src || !/^[A-Z0-9_]+$/.test(f[2]!) || !/^[A-Z0-9]+$/.test(f[0]!)) return null;
  if (!splitAddressPort(f[4]!) || !splitAddressPort(f[5]!)) return null;
  return {
    proto: f[0]!,
    expires: Number(e[1]) * 60 + Number(e[2]),
    state: f[2]!,
    client: src.address,
    clientPort: src.port,
    virtual: f[4]!,
    destination: f[5]!,
    template: src.port === 0 && f[2] === 'NONE',
  };
}

/** Cheap shape check of `a.b.c.d:port` / `[v6]:port` in `text[from, to)` (the full check runs on kept entries only). */
function looksLikeAddrPort(text: string, from: number, to: number): boolean {
  let colon = -1;
  for (let k = to - 1; k > from; k--) {
    if (text.charCodeAt(k) === 58) {
      colon = k;
      break;
    }
  }
  if (colon < 0 || colon > to - 2 || to - colon > 6) return false;
  for (let k = colon + 1; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  for (let k = from; k < colon; k++) {
    const c = text.charCodeAt(k);
    // digits . : [ ] a-f A-F
    if (!((c >= 48 && c <= 58) || c === 46 || c === 91 || c === 93 || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 13;

/**
 * Parses `ipvsadm -Lnc` into a bounded summary: keeps the first `limit` connections and templates,
 * counts everything. One pass over the text without regexes or per-field strings (the fields are
 * index ranges): 100,000 entries (8 MB) well under 200 ms (`npm run bench`).
 */
export function parseConnections(text: string, limit = 200): IpvsConnectionSummary {
  const entries: IpvsConnection[] = [];
  // "virtual  destination" (as printed) → state → count
  const counts = new Map<string, Map<string, number>>();
  const unparsed: Unparsed[] = [];
  let unparsedMore = 0;
  let total = 0;
  let kept = 0;
  let keptTemplates = 0;
  let lineNo = 0;
  const fs = new Int32Array(7);
  const fe = new Int32Array(7);
  const len = text.length;
  let start = 0;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = len;
    const ls = start;
    start = end + 1;
    lineNo++;
    if (end === ls) continue;
    // field boundaries
    let n = 0;
    let i = ls;
    while (i < end && n < 7) {
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i >= end) break;
      fs[n] = i;
      while (i < end && !isBlank(text.charCodeAt(i))) i++;
      fe[n++] = i;
    }
    if (n === 0) continue;
    const first = text.charCodeAt(fs[0]!);
    const ok =
      n === 6 &&
      first >= 65 &&
      first <= 90 &&
      fe[1]! - fs[1]! >= 4 &&
      text.charCodeAt(fe[1]! - 3) === 58 &&
      looksLikeAddrPort(text, fs[3]!, fe[3]!) &&
      looksLikeAddrPort(text, fs[4]!, fe[4]!) &&
      looksLikeAddrPort(text, fs[5]!, fe[5]!);
    if (!ok) {
      const line = text.slice(ls, end);
      if (line.startsWith('IPVS connection entries') || line.startsWith('pro expire')) continue;
      if (unparsed.length < MAX_UNPARSED) unparsed.push({ line: lineNo, text: line.slice(0, 200) });
      else unparsedMore++;
      continue;
    }
    const state = text.slice(fs[2]!, fe[2]!);
    const template = state === 'NONE' && text.charCodeAt(fe[3]! - 1) === 48 && text.charCodeAt(fe[3]! - 2) === 58;
    if (template ? keptTemplates < limit : kept < limit) {
      const c = connectionOf(text.slice(ls, end).trim().split(/\s+/));
      if (!c) {
        if (unparsed.length < MAX_UNPARSED) unparsed.push({ line: lineNo, text: text.slice(ls, end).slice(0, 200) });
        else unparsedMore++;
        continue;
      }
      entries.push(c);
      if (template) keptTemplates++;
      else kept++;
    }
    total++;
    const pair = text.slice(fs[4]!, fe[5]!);
    let byState = counts.get(pair);
    if (!byState) counts.set(pair, (byState = new Map()));
    byState.set(state, (byState.get(state) ?? 0) + 1);
  }
  // The same pair may be printed with different padding; merge by the bare fields.
  const merged = new Map<string, { virtual: string; destination: string; state: string; count: number }>();
  for (const [pair, byState] of counts) {
    const [virtual, destination] = pair.split(/\s+/) as [string, string];
    for (const [state, count] of byState) {
      const key = `${virtual} ${destination} ${state}`;
      const x = merged.get(key);
      if (x) x.count += count;
      else merged.set(key, { virtual, destination, state, count });
    }
  }
  return { total, entries, counts: [...merged.values()], unparsed, unparsedMore };
}

/**
 * The awk program the live poll runs on the host after `ipvsadm -Lnc`, so a 100,000-entry table
 * does not cross the network: it prints the first `limit` connection lines and templates, then
 * `@@count VIRTUAL DEST STATE N` per group and `@@total N`. {@link parseConnectionDigest} reads it.
 */
export function connectionDigestAwk(limit: number): string {
  const n = Math.max(0, Math.trunc(limit));
  return `awk 'NR>2 && NF==6 { t++; k=$5" "$6" "$3; c[k]++; if ($3=="NONE" && $4 ~ /:0$/) { if (tp++ < ${n}) print; next } if (cp++ < ${n}) print; next } NR>2 { print } END { for (k in c) print "@@count", k, c[k]; print "@@total", t+0 }'`;
}

/** Parses the output of {@link connectionDigestAwk} (entry lines, `@@count` and `@@total` lines). */
export function parseConnectionDigest(text: string): IpvsConnectionSummary {
  const entries: IpvsConnection[] = [];
  const counts: { virtual: string; destination: string; state: string; count: number }[] = [];
  const unparsed: Unparsed[] = [];
  let unparsedMore = 0;
  let total: number | null = null;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const f = line.trim().split(/\s+/);
    if (f[0] === '@@count' && f.length === 5 && toInt(f[4]) !== null && splitAddressPort(f[1]!) && splitAddressPort(f[2]!)) {
      counts.push({ virtual: f[1]!, destination: f[2]!, state: f[3]!, count: Number(f[4]) });
      return;
    }
    if (f[0] === '@@total' && toInt(f[1]) !== null) {
      total = Number(f[1]);
      return;
    }
    const c = connectionOf(f);
    if (c) entries.push(c);
    else if (unparsed.length < MAX_UNPARSED) unparsed.push({ line: i + 1, text: line.slice(0, 200) });
    else unparsedMore++;
  });
  if (total === null) unparsed.push({ line: 0, text: '(no @@total line: the connection table output was cut off)' });
  return { total: total ?? entries.length, entries, counts, unparsed, unparsedMore };
}

/** IPVS protocol timeouts in seconds (`ipvsadm -L --timeout`). */
export interface IpvsTimeouts {
  readonly tcp: number;
  readonly tcpFin: number;
  readonly udp: number;
}

/** Parses `Timeout (tcp tcpfin udp): 900 120 300`; `null` when the line is not there. */
export function parseTimeouts(text: string): IpvsTimeouts | null {
  const m = /Timeout \(tcp tcpfin udp\):\s*(\d+)\s+(\d+)\s+(\d+)/.exec(text);
  return m ? { tcp: Number(m[1]), tcpFin: Number(m[2]), udp: Number(m[3]) } : null;
}

/** A connection sync daemon (`ipvsadm -L --daemon`). */
export interface SyncDaemon {
  readonly role: 'master' | 'backup';
  /** Multicast interface (`mcast=`). */
  readonly interface: string;
  readonly syncId: number;
  /** Other settings as printed (maxlen, group, port, ttl). */
  readonly options: Readonly<Record<string, string>>;
}

/** Parses `ipvsadm -L --daemon`: none, master, backup or both. */
export function parseSyncDaemons(text: string): { daemons: SyncDaemon[]; unparsed: Unparsed[] } {
  const daemons: SyncDaemon[] = [];
  const unparsed: Unparsed[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^\s*(master|backup) sync daemon \((.*)\)\s*$/.exec(line);
    if (!m) {
      unparsed.push({ line: i + 1, text: line });
      return;
    }
    const options: Record<string, string> = {};
    for (const part of m[2]!.split(',')) {
      const [k, v] = part.trim().split('=');
      if (k && v !== undefined) options[k] = v;
    }
    daemons.push({ role: m[1] as 'master' | 'backup', interface: options['mcast'] ?? '', syncId: Number(options['syncid'] ?? 0), options });
  });
  return { daemons, unparsed };
}
