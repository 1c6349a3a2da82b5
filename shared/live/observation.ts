/**
 * One host's live state as read by one poll, parsed from the live script's output
 * ({@link parseLiveOutput}). Serializable (it crosses the IPC bridge and goes into `--json`).
 */
import type { HostId } from '../model/types.ts';
import type { IpvsConnectionSummary, IpvsCounterTable, IpvsList, IpvsTimeouts, SyncDaemon, Unparsed } from './ipvsadm.ts';
import { parseConnectionDigest, parseIpvsList, parseIpvsRate, parseIpvsStats, parseSyncDaemons, parseTimeouts } from './ipvsadm.ts';
import type { ObservedAddress, ObservedSysctl } from './hostState.ts';
import { parseIpJsonAddr, parseSysctls } from './hostState.ts';
import type { KeepalivedState } from './keepalived.ts';
import { parseKeepalivedData, parseKeepalivedJson } from './keepalived.ts';
import { LIVE_SCRIPT_VERSION, splitSections } from './script.ts';

/** Something the poll could not read or parse, per section; shown to the user as is. */
export interface LiveProblem {
  /** Section (`list`, `stats`, `addr`, …) or `output` for the whole answer. */
  readonly section: string;
  readonly message: string;
  /** A few of the lines that could not be parsed. */
  readonly lines?: readonly string[];
}

/** The IPVS part of a director's observation; each table is absent when its command failed. */
export interface IpvsObservation {
  readonly list?: IpvsList;
  readonly stats?: IpvsCounterTable;
  readonly rate?: IpvsCounterTable;
  readonly connections?: IpvsConnectionSummary;
  readonly timeouts?: IpvsTimeouts;
  readonly syncDaemons?: readonly SyncDaemon[];
}

/** keepalived as seen on a director. */
export interface KeepalivedObservation extends KeepalivedState {
  /** Age of the dump in seconds (it is written on the previous poll's request). */
  readonly ageSeconds?: number;
  /** True when keepalived is not running on the host. */
  readonly notRunning?: boolean;
}

/** What one poll of one host saw. */
export interface HostObservation {
  readonly hostId: HostId;
  /** When the answer arrived (ms since the epoch). */
  readonly at: number;
  readonly status: 'ok' | 'unreachable';
  /** Why the host could not be read (status `unreachable`). */
  readonly error?: string;
  /** Consecutive failed polls (0 when this one worked). */
  readonly failures?: number;
  readonly ipvs?: IpvsObservation;
  readonly addresses?: readonly ObservedAddress[];
  readonly sysctls?: Readonly<Record<string, ObservedSysctl>>;
  readonly keepalived?: KeepalivedObservation;
  readonly problems: readonly LiveProblem[];
}

const sample = (u: readonly Unparsed[]): string[] => u.slice(0, 5).map((x) => (x.line ? `${x.line}: ${x.text}` : x.text));

/** Parses the live script's output of one host. Never throws: what fails becomes a problem. */
export function parseLiveOutput(hostId: HostId, output: string, at: number): HostObservation {
  const problems: LiveProblem[] = [];
  const { version, sections, stray } = splitSections(output);
  if (version === null) {
    return {
      hostId,
      at,
      status: 'ok',
      problems: [{ section: 'output', message: 'the answer is not the live script output (no @@lvsd-live header)', lines: output.split('\n').slice(0, 5) }],
    };
  }
  if (version !== LIVE_SCRIPT_VERSION) problems.push({ section: 'output', message: `live script format ${version}, expected ${LIVE_SCRIPT_VERSION}` });
  if (stray.length) problems.push({ section: 'output', message: `${stray.length} line(s) outside any section`, lines: stray.slice(0, 5) });
  const take = <T>(name: string, parse: (text: string) => T & { unparsed?: readonly Unparsed[] }): T | undefined => {
    const s = sections.get(name);
    if (!s) return undefined;
    if (s.exit === null) problems.push({ section: name, message: 'output cut off' });
    else if (s.exit !== 0) {
      problems.push({ section: name, message: `command failed (exit ${s.exit})`, lines: s.text.split('\n').filter(Boolean).slice(0, 3) });
      return undefined;
    }
    const r = parse(s.text);
    if (r.unparsed && r.unparsed.length) problems.push({ section: name, message: `${r.unparsed.length} line(s) not understood`, lines: sample(r.unparsed) });
    return r;
  };
  let ipvs: IpvsObservation | undefined;
  if (sections.has('list')) {
    const timeoutsSection = sections.get('timeout');
    const timeouts = timeoutsSection && timeoutsSection.exit === 0 ? parseTimeouts(timeoutsSection.text) : null;
    if (timeoutsSection && timeoutsSection.exit === 0 && !timeouts)
      problems.push({ section: 'timeout', message: 'no "Timeout (tcp tcpfin udp)" line', lines: timeoutsSection.text.split('\n').slice(0, 3) });
    const list = take('list', parseIpvsList);
    const stats = take('stats', parseIpvsStats);
    const rate = take('rate', parseIpvsRate);
    const connections = take('conns', parseConnectionDigest);
    const daemons = take('daemon', parseSyncDaemons);
    ipvs = {
      ...(list ? { list } : {}),
      ...(stats ? { stats } : {}),
      ...(rate ? { rate } : {}),
      ...(connections ? { connections } : {}),
      ...(timeouts ? { timeouts } : {}),
      ...(daemons ? { syncDaemons: daemons.daemons } : {}),
    };
  }
  const addr = take('addr', parseIpJsonAddr);
  const sys = take('sysctl', parseSysctls);
  let keepalived: KeepalivedObservation | undefined;
  const ka = sections.get('keepalived');
  if (ka) keepalived = parseKeepalivedSection(ka.text, problems);
  return {
    hostId,
    at,
    status: 'ok',
    ...(ipvs ? { ipvs } : {}),
    ...(addr ? { addresses: addr.addresses } : {}),
    ...(sys ? { sysctls: sys.byInterface } : {}),
    ...(keepalived ? { keepalived } : {}),
    problems,
  };
}

function parseKeepalivedSection(text: string, problems: LiveProblem[]): KeepalivedObservation {
  if (/^@@none /m.test(text)) return { source: 'none', instances: [], realServers: [], unparsed: [], notRunning: true };
  const now = Number(/^@@now (\d+)/m.exec(text)?.[1] ?? NaN);
  const files = new Map<string, { mtime: number; body: string }>();
  let cur: { name: string; mtime: number; lines: string[] } | null = null;
  const close = () => {
    if (cur) files.set(cur.name, { mtime: cur.mtime, body: cur.lines.join('\n') });
  };
  for (const line of text.split('\n')) {
    const m = /^@@file (\S+) ?(\d*)$/.exec(line);
    if (m) {
      close();
      cur = { name: m[1]!, mtime: Number(m[2] || NaN), lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  close();
  const json = [...files].find(([n]) => n.endsWith('.json'));
  const data = [...files].filter(([n]) => n.endsWith('.data'));
  let state: KeepalivedState;
  let mtime = NaN;
  if (json) {
    state = parseKeepalivedJson(json[1].body);
    mtime = json[1].mtime;
    // The JSON dump has no checker part; take real servers from the checker data file when there.
    const check = data.find(([n]) => n.includes('check'));
    if (check) state = { ...state, realServers: parseKeepalivedData(check[1].body).realServers };
  } else if (data.length) {
    const parsed = data.map(([, f]) => parseKeepalivedData(f.body));
    state = {
      source: 'data',
      instances: parsed.flatMap((p) => p.instances),
      realServers: parsed.flatMap((p) => p.realServers),
      unparsed: parsed.flatMap((p) => p.unparsed),
    };
    mtime = Math.max(...data.map(([, f]) => f.mtime));
  } else {
    problems.push({ section: 'keepalived', message: 'keepalived runs but has not written a state dump yet (asked for one; it shows on the next poll)' });
    return { source: 'none', instances: [], realServers: [], unparsed: [] };
  }
  if (state.unparsed.length)
    problems.push({ section: 'keepalived', message: `${state.unparsed.length} part(s) not understood`, lines: sample(state.unparsed) });
  const ageSeconds = Number.isFinite(now) && Number.isFinite(mtime) ? Math.max(0, now - mtime) : undefined;
  return { ...state, ...(ageSeconds !== undefined ? { ageSeconds } : {}) };
}

/** The observation of a host that could not be polled. */
export function unreachable(hostId: HostId, error: string, at: number, failures: number): HostObservation {
  return { hostId, at, status: 'unreachable', error, failures, problems: [] };
}
