/**
 * Parsers for keepalived's own state dumps, read by the live poll without installing anything:
 * the JSON dump (`/tmp/keepalived.json`, written on `SIGJSON` when keepalived was built with
 * `--enable-json`), the VRRP data dump (`/tmp/keepalived.data`, written on `SIGUSR1`) and the checker
 * data dump (`/tmp/keepalived_check.data`, same signal, written by the checker process).
 */
import type { Unparsed } from './ipvsadm.ts';

/** VRRP state of one instance on one director. */
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'INIT' | 'STOP' | 'UNKNOWN';

export interface VrrpInstanceState {
  readonly name: string;
  readonly state: VrrpState;
  readonly virtualRouterId?: number;
  readonly priority?: number;
  readonly effectivePriority?: number;
  readonly interface?: string;
  /** The virtual addresses as keepalived prints them (`10.0.0.100/24 dev eth0 scope global set`). */
  readonly vips: readonly string[];
  /** Unix time (seconds) of the last state change. */
  readonly lastTransition?: number;
  /** Times this instance became master, when the JSON dump says so. */
  readonly becameMaster?: number;
}

/** Checker view of one real server. */
export interface CheckerRealServer {
  /** `vip:port` or `fwmark N` of the virtual server. */
  readonly virtual: string;
  /** `rip:port`. */
  readonly realServer: string;
  readonly weight?: number;
  /** Whether keepalived considers it alive (its checkers pass). */
  readonly alive: boolean;
  readonly failedCheckers?: number;
}

export interface KeepalivedState {
  readonly source: 'json' | 'data' | 'none';
  readonly instances: readonly VrrpInstanceState[];
  readonly realServers: readonly CheckerRealServer[];
  readonly unparsed: readonly Unparsed[];
}

/** keepalived's numeric VRRP states (vrrp.h). */
const JSON_STATES: Readonly<Record<number, VrrpState>> = { 0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT', 98: 'STOP' };
const TEXT_STATES = new Set<VrrpState>(['MASTER', 'BACKUP', 'FAULT', 'INIT', 'STOP']);

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses `/tmp/keepalived.json` (an array of `{ data, stats }` per VRRP instance). */
export function parseKeepalivedJson(text: string): KeepalivedState {
  const unparsed: Unparsed[] = [];
  const instances: VrrpInstanceState[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { source: 'json', instances, realServers: [], unparsed: [{ line: 1, text: `not keepalived JSON: ${text.trim().slice(0, 200)}` }] };
  }
  if (!Array.isArray(data))
    return { source: 'json', instances, realServers: [], unparsed: [{ line: 1, text: 'keepalived JSON is not an array of instances' }] };
  data.forEach((entry: unknown, i) => {
    const d = (entry as { data?: Record<string, unknown> } | null)?.data;
    const s = (entry as { stats?: Record<string, unknown> } | null)?.stats;
    if (!d || typeof d['iname'] !== 'string') {
      unparsed.push({ line: i + 1, text: `instance ${i + 1} has no data.iname` });
      return;
    }
    const st = num(d['state']);
    const ifname = d['ifp_ifname'];
    const lastTransition = num(d['last_transition']);
    const vrid = num(d['vrid']);
    const prio = num(d['base_priority']);
    const eff = num(d['effective_priority']);
    const became = num(s?.['become_master']);
    instances.push({
      name: d['iname'],
      state: st !== undefined ? (JSON_STATES[st] ?? 'UNKNOWN') : 'UNKNOWN',
      vips: Array.isArray(d['vips']) ? d['vips'].filter((v): v is string => typeof v === 'string') : [],
      ...(vrid !== undefined ? { virtualRouterId: vrid } : {}),
      ...(prio !== undefined ? { priority: prio } : {}),
      ...(eff !== undefined ? { effectivePriority: eff } : {}),
      ...(typeof ifname === 'string' ? { interface: ifname } : {}),
      ...(lastTransition !== undefined ? { lastTransition } : {}),
      ...(became !== undefined ? { becameMaster: became } : {}),
    });
  });
  return { source: 'json', instances, realServers: [], unparsed };
}

/**
 * Parses `/tmp/keepalived.data` (VRRP) and/or `/tmp/keepalived_check.data` (checker) text. Only the
 * lines that matter are read; the many other settings lines are skipped, not reported.
 */
export function parseKeepalivedData(text: string): KeepalivedState {
  const instances: (VrrpInstanceState & { vips: string[] })[] = [];
  const realServers: CheckerRealServer[] = [];
  const unparsed: Unparsed[] = [];
  let cur: (VrrpInstanceState & { vips: string[] }) | null = null;
  let inVips = false;
  let vs: string | null = null;
  let rs: { realServer: string; weight?: number; alive?: boolean; failed?: number } | null = null;
  const flushRs = () => {
    if (rs && vs) {
      if (rs.alive === undefined) unparsed.push({ line: 0, text: `real server ${rs.realServer} of ${vs}: no "alive" line` });
      else
        realServers.push({
          virtual: vs,
          realServer: rs.realServer,
          alive: rs.alive,
          ...(rs.weight !== undefined ? { weight: rs.weight } : {}),
          ...(rs.failed !== undefined ? { failedCheckers: rs.failed } : {}),
        });
    }
    rs = null;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let m: RegExpExecArray | null;
    if (/^------< /.test(line)) {
      cur = null;
      inVips = false;
      flushRs();
      vs = null;
      continue;
    }
    if ((m = /^ VRRP Instance = (\S+)/.exec(line))) {
      cur = { name: m[1]!, state: 'UNKNOWN', vips: [] };
      instances.push(cur);
      inVips = false;
      continue;
    }
    if (cur) {
      if ((m = /^ {3}State = (\S+)/.exec(line))) {
        const s = m[1] as VrrpState;
        (cur as { state: VrrpState }).state = TEXT_STATES.has(s) ? s : 'UNKNOWN';
        if (!TEXT_STATES.has(s)) unparsed.push({ line: i + 1, text: line.trim() });
      } else if ((m = /^ {3}Virtual Router ID = (\d+)/.exec(line))) (cur as { virtualRouterId?: number }).virtualRouterId = Number(m[1]);
      else if ((m = /^ {3}Priority = (\d+)/.exec(line))) (cur as { priority?: number }).priority = Number(m[1]);
      else if ((m = /^ {3}Effective priority = (\d+)/.exec(line))) (cur as { effectivePriority?: number }).effectivePriority = Number(m[1]);
      else if ((m = /^ {3}Interface = (\S+)/.exec(line))) (cur as { interface?: string }).interface = m[1]!;
      else if ((m = /^ {3}Last transition = ([\d.]+)/.exec(line))) (cur as { lastTransition?: number }).lastTransition = Number(m[1]);
      else if (/^ {3}Virtual IP \(\d+\):/.test(line)) inVips = true;
      else if (inVips && /^ {5}\S/.test(line)) cur.vips.push(line.trim());
      else inVips = false;
      continue;
    }
    if ((m = /^ VS VIP = (\S+), VPORT = (\d+)/.exec(line))) {
      flushRs();
      vs = m[1]!.includes(':') ? `[${m[1]}]:${m[2]}` : `${m[1]}:${m[2]}`;
    } else if ((m = /^ VS FWMARK = (\d+)/.exec(line))) {
      flushRs();
      vs = `fwmark ${m[1]}`;
    } else if (vs && (m = /^ {3}RIP = (\S+), RPORT = (\d+), WEIGHT = (-?\d+)/.exec(line))) {
      flushRs();
      rs = { realServer: m[1]!.includes(':') ? `[${m[1]}]:${m[2]}` : `${m[1]}:${m[2]}`, weight: Number(m[3]) };
    } else if (rs && (m = /^ {3}alive = (\d+)/.exec(line))) rs.alive = m[1] !== '0';
    else if (rs && (m = /^ {3}num failed checkers = (\d+)/.exec(line))) rs.failed = Number(m[1]);
  }
  flushRs();
  return { source: 'data', instances, realServers, unparsed };
}
