/**
 * The one read-only command the live view runs per host and poll: `sh -s` with this script on stdin.
 * Every section is framed by `@@begin NAME` / `@@end NAME EXIT`, so one failing command (no
 * ipvsadm, no awk, not root) spoils only its own section. Only the commands in
 * {@link LIVE_READ_ONLY_COMMANDS} appear (tests/unit/live/script.test.ts checks this).
 */
import { connectionDigestAwk } from './ipvsadm.ts';

/** Version of the section format, printed first so the parser can refuse a future one. */
export const LIVE_SCRIPT_VERSION = 1;

/** How many connection entries and templates each poll brings back at most. */
export const LIVE_CONNECTION_LIMIT = 100;

/** Where keepalived writes its dumps (keepalived's `KA_TMP_DIR`, /tmp by default). */
export const KEEPALIVED_FILES = { json: '/tmp/keepalived.json', data: '/tmp/keepalived.data', check: '/tmp/keepalived_check.data' } as const;

/** The program names the live scripts use; nothing else may appear (all of them only read). */
export const LIVE_READ_ONLY_COMMANDS = [
  'ipvsadm -L',
  'printf',
  'ip -j addr',
  'grep -H',
  'cat',
  'awk',
  'date +%s',
  'stat -c %Y',
  'keepalived --signum=',
  'kill -0',
  'kill -',
] as const;

const section = (name: string, command: string): string => `echo '@@begin ${name}'\n{ ${command} ; } 2>&1\necho "@@end ${name} $?"\n`;

const SYSCTLS = 'grep -H . /proc/sys/net/ipv4/conf/*/arp_ignore /proc/sys/net/ipv4/conf/*/arp_announce /proc/sys/net/ipv4/conf/*/rp_filter';

/**
 * keepalived: read the dumps the previous poll asked for (with their age), then ask for fresh ones
 * for the next poll (`SIGJSON`, else `SIGUSR1`), so no poll waits for keepalived. The signal only
 * makes keepalived write its state into /tmp; it changes no configuration, address or IPVS rule.
 */
const KEEPALIVED = `p=
for f in /run/keepalived.pid /var/run/keepalived.pid; do [ -z "$p" ] && [ -r "$f" ] && p=$(cat "$f"); done
if [ -z "$p" ] || ! kill -0 "$p" 2>/dev/null; then echo '@@none keepalived is not running'; else
  echo "@@now $(date +%s)"
  for f in ${KEEPALIVED_FILES.json} ${KEEPALIVED_FILES.data} ${KEEPALIVED_FILES.check}; do
    [ -r "$f" ] && { echo "@@file $f $(stat -c %Y "$f" 2>/dev/null)"; cat "$f"; echo; }
  done
  s=$(keepalived --signum=JSON 2>/dev/null) || s=
  if [ -n "$s" ] && [ "$s" -gt 0 ] 2>/dev/null; then kill -"$s" "$p"; else kill -USR1 "$p"; fi
fi`;

/**
 * Collects the whole answer and prints it in one write: every `echo` of the sections would
 * otherwise become its own SSH data packet, and per-packet work dominates the poll's CPU cost.
 */
const buffered = (body: string): string => `o=$(\n${body}); printf '%s\\n' "$o"\n`;

const directorBody = (limit: number): string =>
  `echo '@@lvsd-live ${LIVE_SCRIPT_VERSION} director'\n` +
  'IP=${LVSD_IP:-ip}\n' +
  section('list', 'ipvsadm -Ln') +
  section('stats', 'ipvsadm -Ln --stats --exact') +
  section('rate', 'ipvsadm -Ln --rate --exact') +
  section('conns', `ipvsadm -Lnc | ${connectionDigestAwk(limit)}`) +
  section('timeout', 'ipvsadm -L --timeout') +
  section('daemon', 'ipvsadm -L --daemon') +
  section('addr', '"$IP" -j addr') +
  section('sysctl', SYSCTLS) +
  section('keepalived', KEEPALIVED);

const hostBody = (): string =>
  `echo '@@lvsd-live ${LIVE_SCRIPT_VERSION} host'\n` + 'IP=${LVSD_IP:-ip}\n' + section('addr', '"$IP" -j addr') + section('sysctl', SYSCTLS);

/** Ends each answer of the poll loop: `@@lvsd-poll-end N`, N the number of the poll asked for. */
export const POLL_END = '@@lvsd-poll-end';

/**
 * The poll loop's definitions: a shell function `lvsd_poll N` that runs the director's (or host's)
 * script and prints its whole answer followed by `@@lvsd-poll-end N`, in one write. The live view
 * sends this once into a `sh -s` that stays open and then one short line per poll, so a poll costs
 * one SSH data packet each way instead of opening a channel, sending the script and closing (the
 * SSH packets and their socket writes were most of the poller's CPU). The body runs inside `$(…)`,
 * a subshell: nothing one poll sets is seen by the next.
 */
export function pollLoopScript(role: 'director' | 'host', limit = LIVE_CONNECTION_LIMIT): string {
  const body = role === 'director' ? directorBody(limit) : hostBody();
  return `lvsd_poll() {\no=$(\n${body}); printf '%s\\n${POLL_END} %s\\n' "$o" "$1"\n}\n`;
}

/** The director script: IPVS rules, counters, rates, bounded connections, timeouts, sync daemon, addresses, sysctls, keepalived. */
export function directorScript(limit = LIVE_CONNECTION_LIMIT): string {
  return buffered(directorBody(limit));
}

/** The script for every other host (real servers, routers): addresses and ARP/rp_filter sysctls. */
export function hostScript(): string {
  return buffered(hostBody());
}

/** A section of the script output: its text and the exit status of its command. */
export interface LiveSection {
  readonly name: string;
  readonly text: string;
  /** Exit status; `null` when the section never ended (output cut off). */
  readonly exit: number | null;
}

/** Splits the script output into sections; text outside any section is returned as `stray`. */
export function splitSections(output: string): { version: number | null; role: string | null; sections: Map<string, LiveSection>; stray: string[] } {
  const sections = new Map<string, LiveSection>();
  const stray: string[] = [];
  let version: number | null = null;
  let role: string | null = null;
  let open: { name: string; lines: string[] } | null = null;
  for (const line of output.split('\n')) {
    const head = /^@@lvsd-live (\d+) (\S+)$/.exec(line);
    if (head && !open) {
      version = Number(head[1]);
      role = head[2]!;
      continue;
    }
    const b = /^@@begin ([a-z-]+)$/.exec(line);
    if (b && !open) {
      open = { name: b[1]!, lines: [] };
      continue;
    }
    const e = /^@@end ([a-z-]+) (\d+)$/.exec(line);
    if (e && open && e[1] === open.name) {
      sections.set(open.name, { name: open.name, text: open.lines.join('\n'), exit: Number(e[2]) });
      open = null;
      continue;
    }
    if (open) open.lines.push(line);
    else if (line.trim()) stray.push(line);
  }
  if (open) sections.set(open.name, { name: open.name, text: open.lines.join('\n'), exit: null });
  return { version, role, sections, stray };
}
