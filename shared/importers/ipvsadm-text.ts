/**
 * Parsers for ipvsadm output: `ipvsadm -S -n` (restore format), `ipvsadm -L -n` (the table, also
 * with `--thresholds`), and a pasted list of ipvsadm commands such as a tutorial's.
 */
import { parseIPv4 } from '../addressing/ipv4.ts';
import type { ForwardingMethod, SchedulerFlag } from '../model/types.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import { IpvsTable, parseIpvsadmArgs, repairTokens } from './ipvsadm-args.ts';
import type { ParsedService } from './types.ts';
import { Problems } from './types.ts';

const lines = (text: string): string[] => text.replace(/\r\n?/g, '\n').split('\n');

/** Parses `ipvsadm -S -n` / `ipvsadm-save -n` output. Every non-empty line must be `-A …` or `-a …`. */
export function parseIpvsadmSave(text: string, p: Problems = new Problems()): { services: ParsedService[]; problems: Problems } {
  const table = new IpvsTable();
  lines(text).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/#.*$/, '').trim();
    if (body === '') return;
    const tokens = body.split(/\s+/);
    if (tokens[0] !== '-A' && tokens[0] !== '-a') {
      p.error(line, raw, 'not an ipvsadm -S line (expected "-A …" for a service or "-a …" for a real server)');
      return;
    }
    const cmd = parseIpvsadmArgs(repairTokens(tokens, line, raw, p), line, raw, p);
    if (cmd === null) return;
    if (cmd.rest.length > 0) p.error(line, raw, `unexpected text after the rule: "${cmd.rest.join(' ')}"`);
    table.apply(cmd, line, raw, p);
  });
  return { services: table.services, problems: p };
}

const FORWARD: Record<string, ForwardingMethod> = { Masq: 'nat', Route: 'dr', Tunnel: 'tun', Local: 'dr' };

/** Parses `ipvsadm -L -n` output (optionally with `--thresholds`; `--stats`/`--rate` columns are ignored). */
export function parseIpvsadmList(text: string, p: Problems = new Problems()): { services: ParsedService[]; problems: Problems } {
  const services: ParsedService[] = [];
  let current: ParsedService | undefined;
  // `--thresholds` replaces the Forward and Weight columns by Uthreshold/Lthreshold; `--stats` and
  // `--rate` drop the scheduler as well, so they cannot be imported.
  let mode: 'table' | 'thresholds' | 'counters' = 'table';
  let noMethodReported = false;
  lines(text).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.trim();
    if (body === '') return;
    if (/^IP Virtual Server version/.test(body)) return;
    if (/^Prot LocalAddress:Port/.test(body) || /^->\s+RemoteAddress:Port/.test(body)) {
      if (/Uthreshold\s+Lthreshold/.test(body)) mode = 'thresholds';
      else if (/Conns\s+InPkts|CPS\s+InPPS/.test(body)) {
        mode = 'counters';
        p.error(line, raw, 'ipvsadm --stats/--rate output has no scheduler, forwarding method or weight; import plain ipvsadm -L -n output');
      }
      return;
    }
    if (mode === 'counters') return;
    const f = body.split(/\s+/);
    if (f[0] === '->') {
      if (!current) {
        p.error(line, raw, 'real server line before any service line');
        return;
      }
      const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(f[1] ?? '');
      if (!m || parseIPv4(m[1]!) === null || Number(m[2]) > 65535) {
        p.error(line, raw, `"${f[1] ?? ''}" is not a numeric ADDRESS:PORT (use ipvsadm -L -n)`);
        return;
      }
      let method: ForwardingMethod = 'dr';
      let weight = 1;
      let upper = 0;
      let lower = 0;
      if (mode === 'thresholds') {
        if (!/^\d+$/.test(f[2] ?? '') || !/^\d+$/.test(f[3] ?? '') || Number(f[2]) > 65535 || Number(f[3]) > 65535) {
          p.error(line, raw, `thresholds "${f[2] ?? ''} ${f[3] ?? ''}" are not integers 0-65535`);
          return;
        }
        upper = Number(f[2]);
        lower = Number(f[3]);
        if (!noMethodReported) {
          p.warning(line, raw, '--thresholds output has no forwarding method or weight: real servers are imported as DR with weight 1; import plain ipvsadm -L -n for those');
          noMethodReported = true;
        }
      } else {
        const m2 = FORWARD[f[2] ?? ''];
        if (m2 === undefined) {
          p.error(line, raw, `unknown forwarding method "${f[2] ?? ''}" (expected Masq, Route, Tunnel or Local)`);
          return;
        }
        method = m2;
        if (f[2] === 'Local') p.warning(line, raw, 'forwarding "Local": the real server is the director itself; imported as DR (-g), as ipvsadm -S saves it');
        weight = Number(f[3]);
        if (!/^\d+$/.test(f[3] ?? '') || weight > 65535) {
          p.error(line, raw, `weight "${f[3] ?? ''}" is not an integer 0-65535`);
          return;
        }
      }
      current.realServers.push({
        rip: m[1]!,
        port: Number(m[2]),
        method,
        weight,
        ...(upper > 0 ? { upperThreshold: upper } : {}),
        ...(lower > 0 ? { lowerThreshold: lower } : {}),
        line,
      });
      return;
    }
    const proto = f[0];
    if (proto === 'TCP' || proto === 'UDP' || proto === 'SCTP' || proto === 'FWM') {
      current = undefined;
      let s: ParsedService;
      let rest: string[];
      if (proto === 'FWM') {
        const mark = Number(f[1]);
        if (!/^\d+$/.test(f[1] ?? '') || mark < 1 || mark > 0xffffffff) {
          p.error(line, raw, `firewall mark "${f[1] ?? ''}" is not an integer 1-4294967295`);
          return;
        }
        if (f[2] === 'IPv6') {
          p.error(line, raw, 'IPv6 services are not supported by LVS Designer');
          return;
        }
        s = { key: `fwmark ${mark}`, protocol: 'fwmark', vip: '', port: 0, fwmark: mark, scheduler: 'wlc', realServers: [], line };
        rest = f.slice(2);
      } else {
        const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(f[1] ?? '');
        if (!m || parseIPv4(m[1]!) === null || Number(m[2]) > 65535) {
          p.error(line, raw, `"${f[1] ?? ''}" is not a numeric VIP:PORT (IPv6 is not supported; use ipvsadm -L -n)`);
          return;
        }
        const protocol = proto.toLowerCase() as 'tcp' | 'udp' | 'sctp';
        s = { key: `${protocol} ${m[1]}:${m[2]}`, protocol, vip: m[1]!, port: Number(m[2]), scheduler: 'wlc', realServers: [], line };
        rest = f.slice(2);
      }
      const sched = rest.shift();
      if (sched === undefined) {
        p.error(line, raw, 'service line without a scheduler');
        return;
      }
      if (!(SCHEDULERS as readonly string[]).includes(sched)) p.error(line, raw, `unknown scheduler "${sched}"`);
      s.scheduler = sched;
      for (let k = 0; k < rest.length; k++) {
        const w = rest[k]!;
        if (w === 'persistent') s.persistence = { timeout: Number(rest[++k]) || 300 };
        else if (w === 'mask') {
          const mask = rest[++k] ?? '';
          if (parseIPv4(mask) === null) p.error(line, raw, `persistence mask "${mask}" is not a dotted netmask`);
          else if (s.persistence && mask !== '255.255.255.255') s.persistence = { ...s.persistence, netmask: mask };
        } else if (w === 'pe') p.warning(line, raw, `persistence engine "${rest[++k] ?? ''}" is not part of the design model; ignored`);
        else if (w === 'ops') p.warning(line, raw, 'one-packet scheduling (ops) is not part of the design model; ignored');
        else {
          const flags = w.replace(/[()]/g, '').split(',').filter((x) => x !== '');
          const known = flags.filter((x): x is SchedulerFlag => (SCHEDULER_FLAGS as readonly string[]).includes(x));
          if (known.length > 0) s.schedulerFlags = [...(s.schedulerFlags ?? []), ...known];
          for (const x of flags) if (!known.includes(x as SchedulerFlag)) p.warning(line, raw, `"${x}" on the service line is not understood; ignored`);
        }
      }
      if (services.some((o) => o.key === s.key)) {
        p.error(line, raw, `service ${s.key} appears twice`);
        return;
      }
      services.push(s);
      current = s;
      return;
    }
    p.error(line, raw, 'not a line of ipvsadm -L -n output');
  });
  return { services, problems: p };
}

/**
 * The host setup that usually comes with pasted commands (sysctl keys, /proc/sys paths, ifconfig)
 * is not imported, but its typos are exactly what breaks a lab, so they are reported.
 */
function checkSetupText(line: number, raw: string, p: Problems): void {
  for (const m of raw.matchAll(/[\w.]*ip[._]forward(?=\s*=)/gi)) {
    if (m[0] !== 'net.ipv4.ip_forward' && m[0] !== 'ip_forward') {
      p.warning(line, raw, `"${m[0]}" is not a sysctl key; IP forwarding is net.ipv4.ip_forward`);
    }
  }
  for (const m of raw.matchAll(/arp_(?:ignore|announce)\w*/gi)) {
    const word = m[0];
    const base = /^arp_(?:ignore|announce)/i.exec(word)![0];
    if (base !== base.toLowerCase()) p.warning(line, raw, `"${base}" is spelled with capitals; sysctl names are case-sensitive: ${base.toLowerCase()}`);
    if (word.length > base.length) p.warning(line, raw, `"${word}": the sysctl name runs into the next word (missing space or newline after ${base})`);
  }
  for (const m of raw.matchAll(/\/\s*proc\/sys\/[\w/ ]*?\s+\w[\w/]*/g)) {
    if (/\/\s+\w|\/\s*proc\/sys\/\s/.test(m[0]) || /^\/\s+proc/.test(m[0])) {
      p.warning(line, raw, `"${m[0].trim()}": a space breaks the /proc/sys path`);
    }
  }
  for (const m of raw.matchAll(/\b(ifconfig|route)(lo|add|del)\b/g)) {
    p.warning(line, raw, `"${m[0]}": missing space between "${m[1]}" and "${m[2]}"`);
  }
}

const DR_MARKERS = /arp_ignore|arp_announce|\blo:\d|dev\s+lo\b|\blo\s+\$?vip|tunl0/i;
const COMMAND_START = /(?:^|[\s;|&(,`])ipvsadm(?![-\w])|^\s*-[AaEeDdC]\s/g;

/**
 * Parses text with ipvsadm commands pasted from a shell history, a script or an article:
 * comments (`#`, `//`), prose between commands, `\` continuations, and the usual slips (glued or
 * split flags, `-a` where `-A` is meant, malformed addresses). Every slip is reported with its line.
 */
export function parseIpvsadmCommands(text: string, p: Problems = new Problems()): { services: ParsedService[]; problems: Problems } {
  const table = new IpvsTable();
  const all = lines(text);
  // Join `\` continuations, remembering the first line number.
  const logical: { line: number; text: string }[] = [];
  for (let i = 0; i < all.length; i++) {
    let t = all[i]!;
    const start = i + 1;
    while (/\\\s*$/.test(t) && i + 1 < all.length) t = t.replace(/\\\s*$/, ' ') + all[++i]!;
    logical.push({ line: start, text: t });
  }
  const drMarker = logical.find((l) => DR_MARKERS.test(l.text));
  let commands = 0;
  const natCommands: { line: number; text: string }[] = [];
  for (const { line, text: raw } of logical) {
    const starts: number[] = [];
    for (const m of raw.matchAll(COMMAND_START)) {
      const at = m.index + m[0].search(/ipvsadm|-/);
      starts.push(at);
    }
    // Malformed dotted quads in prose (a gateway "192.168.111.2000") are worth a warning.
    for (const m of raw.matchAll(/(?<![\d.])\d{1,4}\.\d{1,4}\.\d{1,4}\.\d{1,4}(?![\d.])/g)) {
      if (parseIPv4(m[0]) !== null) continue;
      const inCommand = starts.some((s) => m.index >= s && m.index - s < 120 && !/#|\/\//.test(raw.slice(s, m.index)));
      if (!inCommand) p.warning(line, raw, `"${m[0]}" in the text is not a valid IPv4 address (each of the four numbers must be 0-255)`);
    }
    checkSetupText(line, raw, p);
    for (let k = 0; k < starts.length; k++) {
      const from = starts[k]!;
      const to = k + 1 < starts.length ? starts[k + 1]! : raw.length;
      let segment = raw.slice(from, to);
      const before = raw.slice(0, from).trim().split(/\s+/).pop() ?? '';
      if (/^(install|remove|purge|-y)$/.test(before) || /^(yum|apt|apt-get|dnf|zypper|apk)$/.test(before)) continue;
      const cut = segment.search(/#|\/\/|;|&&|\|\||\|/);
      if (cut >= 0) segment = segment.slice(0, cut);
      const tokens = segment.trim().split(/\s+/).filter((t) => t !== '');
      if (tokens[0] === 'ipvsadm') tokens.shift();
      if (tokens.length === 0 || !tokens[0]!.startsWith('-')) continue;
      // Listing and saving do not change the table.
      if (tokens.every((t) => /^-[LlnSZcR]+$|^--(list|numeric|save|stats|rate|help|version|thresholds|exact|zero)$/.test(t))) continue;
      const cmdText = segment.trim();
      const cmd = parseIpvsadmArgs(repairTokens(tokens, line, cmdText, p), line, cmdText, p);
      if (cmd === null) continue;
      commands++;
      if (cmd.rest.length > 0) {
        const prose = cmd.rest.join(' ');
        if (!/^[\d,.;:]+$/.test(prose)) p.warning(line, cmdText, `text after the command is not ipvsadm syntax and was ignored: "${prose.length > 60 ? `${prose.slice(0, 57)}...` : prose}"`);
      }
      table.apply(cmd, line, cmdText, p);
      if ((cmd.op === 'a' || cmd.op === 'e') && cmd.method === 'nat') natCommands.push({ line, text: cmdText });
    }
  }
  if (drMarker) {
    for (const c of natCommands) {
      p.warning(
        c.line,
        c.text,
        `-m (NAT) in a DR setup: the text also configures the real servers for DR (line ${drMarker.line}: VIP on lo / arp_ignore), which needs -g; with -m the replies must go back through the director`,
      );
    }
  }
  if (commands === 0) p.error(0, '', 'no ipvsadm commands found in the text');
  return { services: table.services, problems: p };
}
