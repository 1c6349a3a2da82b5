/**
 * Parsers for ipvsadm output: `ipvsadm -S -n` (restore format), `ipvsadm -L -n` (the table, also
 * with `--thresholds`), and a pasted list of ipvsadm commands such as a tutorial's.
 */
import { parseIPv4 } from '../addressing/ipv4.ts';
import type { ForwardingMethod, SchedulerFlag } from '../model/types.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import { IpvsTable, parseIpvsadmArgs, repairTokens } from './ipvsadm-args.ts';
import type { ParsedService } from './types.ts';
import { MAX_LINE_CHARS, Problems, splitLines } from './types.ts';

/** Parses `ipvsadm -S -n` / `ipvsadm-save -n` output. Every non-empty line must be `-A …` or `-a …`. */
export function parseIpvsadmSave(text: string, p: Problems = new Problems()): { services: ParsedService[]; problems: Problems } {
  const table = new IpvsTable();
  splitLines(text, p).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/#.*$/, '').trim();
    if (body === '') return;
    const tokens = body.split(/\s+/);
    if (tokens[0] !== '-A' && tokens[0] !== '-a') {
      p.error(
        line,
        raw,
        'not an ipvsadm -S line (expected "-A …" for a service or "-a …" for a real server)',
        '不是 ipvsadm -S 的行（服务应为 “-A …”，真实服务器应为 “-a …”）',
      );
      return;
    }
    const cmd = parseIpvsadmArgs(repairTokens(tokens, line, raw, p), line, raw, p);
    if (cmd === null) return;
    if (cmd.rest.length > 0) p.error(line, raw, `unexpected text after the rule: "${cmd.rest.join(' ')}"`, `规则后面有多余的文字：“${cmd.rest.join(' ')}”`);
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
  const destinations = new Map<ParsedService, Set<string>>();
  splitLines(text, p).forEach((raw, i) => {
    const line = i + 1;
    const body = raw.trim();
    if (body === '') return;
    if (/^IP Virtual Server version/.test(body)) return;
    if (/^Prot LocalAddress:Port/.test(body) || /^->\s+RemoteAddress:Port/.test(body)) {
      if (/Uthreshold\s+Lthreshold/.test(body)) mode = 'thresholds';
      else if (/Conns\s+InPkts|CPS\s+InPPS/.test(body)) {
        mode = 'counters';
        p.error(
          line,
          raw,
          'ipvsadm --stats/--rate output has no scheduler, forwarding method or weight; import plain ipvsadm -L -n output',
          'ipvsadm --stats/--rate 的输出没有调度算法、转发方式和权重；请导入普通的 ipvsadm -L -n 输出',
        );
      }
      return;
    }
    if (mode === 'counters') return;
    const f = body.split(/\s+/);
    if (f[0] === '->') {
      if (!current) {
        p.error(line, raw, 'real server line before any service line', '真实服务器行出现在任何服务行之前');
        return;
      }
      const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(f[1] ?? '');
      if (!m || parseIPv4(m[1]!) === null || Number(m[2]) > 65535) {
        p.error(
          line,
          raw,
          `"${f[1] ?? ''}" is not a numeric ADDRESS:PORT (use ipvsadm -L -n)`,
          `“${f[1] ?? ''}” 不是数字形式的 地址:端口（请用 ipvsadm -L -n）`,
        );
        return;
      }
      let method: ForwardingMethod = 'dr';
      let weight = 1;
      let upper = 0;
      let lower = 0;
      if (mode === 'thresholds') {
        if (!/^\d+$/.test(f[2] ?? '') || !/^\d+$/.test(f[3] ?? '') || Number(f[2]) > 65535 || Number(f[3]) > 65535) {
          p.error(line, raw, `thresholds "${f[2] ?? ''} ${f[3] ?? ''}" are not integers 0-65535`, `阈值 “${f[2] ?? ''} ${f[3] ?? ''}” 不是 0-65535 之间的整数`);
          return;
        }
        upper = Number(f[2]);
        lower = Number(f[3]);
        if (!noMethodReported) {
          p.warning(
            line,
            raw,
            '--thresholds output has no forwarding method or weight: real servers are imported as DR with weight 1; import plain ipvsadm -L -n for those',
            '--thresholds 输出没有转发方式和权重：真实服务器按 DR、权重 1 导入；如需这些请导入普通的 ipvsadm -L -n',
          );
          noMethodReported = true;
        }
      } else {
        const m2 = FORWARD[f[2] ?? ''];
        if (m2 === undefined) {
          p.error(
            line,
            raw,
            `unknown forwarding method "${f[2] ?? ''}" (expected Masq, Route, Tunnel or Local)`,
            `未知的转发方式 “${f[2] ?? ''}”（应为 Masq、Route、Tunnel 或 Local）`,
          );
          return;
        }
        method = m2;
        if (f[2] === 'Local')
          p.warning(
            line,
            raw,
            'forwarding "Local": the real server is the director itself; imported as DR (-g), as ipvsadm -S saves it',
            '转发方式 “Local”：真实服务器就是调度器本身；按 DR（-g）导入，与 ipvsadm -S 保存的一致',
          );
        weight = Number(f[3]);
        if (!/^\d+$/.test(f[3] ?? '') || weight > 65535) {
          p.error(line, raw, `weight "${f[3] ?? ''}" is not an integer 0-65535`, `权重 “${f[3] ?? ''}” 不是 0-65535 之间的整数`);
          return;
        }
      }
      const rport = Number(m[2]);
      const seen = destinations.get(current) ?? new Set<string>();
      destinations.set(current, seen);
      if (seen.has(`${m[1]}:${rport}`)) {
        // The kernel holds one destination per address and port: a repeated line is a copy-paste slip.
        p.error(
          line,
          raw,
          `real server ${m[1]}:${rport} appears twice in ${current.key}; this line is ignored`,
          `真实服务器 ${m[1]}:${rport} 在 ${current.key} 中出现了两次；忽略这一行`,
        );
        return;
      }
      seen.add(`${m[1]}:${rport}`);
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
          p.error(line, raw, `firewall mark "${f[1] ?? ''}" is not an integer 1-4294967295`, `防火墙标记 “${f[1] ?? ''}” 不是 1-4294967295 之间的整数`);
          return;
        }
        if (f[2] === 'IPv6') {
          p.error(line, raw, 'IPv6 services are not supported by LVS Designer', 'LVS Designer 不支持 IPv6 服务');
          return;
        }
        s = { key: `fwmark ${mark}`, protocol: 'fwmark', vip: '', port: 0, fwmark: mark, scheduler: 'wlc', realServers: [], line };
        rest = f.slice(2);
      } else {
        const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(f[1] ?? '');
        if (!m || parseIPv4(m[1]!) === null || Number(m[2]) > 65535) {
          p.error(
            line,
            raw,
            `"${f[1] ?? ''}" is not a numeric VIP:PORT (IPv6 is not supported; use ipvsadm -L -n)`,
            `“${f[1] ?? ''}” 不是数字形式的 VIP:端口（不支持 IPv6；请用 ipvsadm -L -n）`,
          );
          return;
        }
        const protocol = proto.toLowerCase() as 'tcp' | 'udp' | 'sctp';
        s = { key: `${protocol} ${m[1]}:${m[2]}`, protocol, vip: m[1]!, port: Number(m[2]), scheduler: 'wlc', realServers: [], line };
        rest = f.slice(2);
      }
      const sched = rest.shift();
      if (sched === undefined) {
        p.error(line, raw, 'service line without a scheduler', '服务行没有调度算法');
        return;
      }
      if (!(SCHEDULERS as readonly string[]).includes(sched)) p.error(line, raw, `unknown scheduler "${sched}"`, `未知的调度算法 “${sched}”`);
      s.scheduler = sched;
      for (let k = 0; k < rest.length; k++) {
        const w = rest[k]!;
        if (w === 'persistent') s.persistence = { timeout: Number(rest[++k]) || 300 };
        else if (w === 'mask') {
          const mask = rest[++k] ?? '';
          if (parseIPv4(mask) === null)
            p.error(line, raw, `persistence mask "${mask}" is not a dotted netmask`, `持久连接掩码 “${mask}” 不是点分十进制的子网掩码`);
          else if (s.persistence && mask !== '255.255.255.255') s.persistence = { ...s.persistence, netmask: mask };
        } else if (w === 'pe')
          p.warning(
            line,
            raw,
            `persistence engine "${rest[++k] ?? ''}" is not part of the design model; ignored`,
            `持久化引擎 “${rest[k] ?? ''}” 不在设计模型中；已忽略`,
          );
        else if (w === 'ops')
          p.warning(line, raw, 'one-packet scheduling (ops) is not part of the design model; ignored', '单包调度（ops）不在设计模型中；已忽略');
        else {
          const flags = w
            .replace(/[()]/g, '')
            .split(',')
            .filter((x) => x !== '');
          const known = flags.filter((x): x is SchedulerFlag => (SCHEDULER_FLAGS as readonly string[]).includes(x));
          if (known.length > 0) s.schedulerFlags = [...(s.schedulerFlags ?? []), ...known];
          for (const x of flags)
            if (!known.includes(x as SchedulerFlag))
              p.warning(line, raw, `"${x}" on the service line is not understood; ignored`, `服务行上的 “${x}” 无法识别；已忽略`);
        }
      }
      if (services.some((o) => o.key === s.key)) {
        p.error(line, raw, `service ${s.key} appears twice`, `服务 ${s.key} 出现了两次`);
        return;
      }
      services.push(s);
      current = s;
      return;
    }
    p.error(line, raw, 'not a line of ipvsadm -L -n output', '不是 ipvsadm -L -n 输出中的行');
  });
  return { services, problems: p };
}

/**
 * The host setup that usually comes with pasted commands (sysctl keys, /proc/sys paths, ifconfig)
 * is not imported, but its typos are exactly what breaks a lab, so they are reported.
 */
function checkSetupText(line: number, raw: string, p: Problems): void {
  // Word by word (one linear pass) instead of /[\w.]*ip[._]forward/, which backtracks over every
  // start position of a long word and was quadratic on long lines.
  const followedByEquals = /\s*=/y;
  for (const m of raw.matchAll(/[\w.]+/g)) {
    if (!/ip[._]forward$/i.test(m[0])) continue;
    followedByEquals.lastIndex = m.index + m[0].length;
    if (!followedByEquals.test(raw)) continue;
    const key = m[0];
    if (key !== 'net.ipv4.ip_forward' && key !== 'ip_forward') {
      p.warning(line, raw, `"${key}" is not a sysctl key; IP forwarding is net.ipv4.ip_forward`, `“${key}” 不是 sysctl 键名；IP 转发是 net.ipv4.ip_forward`);
    }
  }
  for (const m of raw.matchAll(/arp_(?:ignore|announce)\w*/gi)) {
    const word = m[0];
    const base = /^arp_(?:ignore|announce)/i.exec(word)![0];
    if (base !== base.toLowerCase())
      p.warning(
        line,
        raw,
        `"${base}" is spelled with capitals; sysctl names are case-sensitive: ${base.toLowerCase()}`,
        `“${base}” 用了大写字母；sysctl 名称区分大小写：${base.toLowerCase()}`,
      );
    if (word.length > base.length)
      p.warning(
        line,
        raw,
        `"${word}": the sysctl name runs into the next word (missing space or newline after ${base})`,
        `“${word}”：sysctl 名称和下一个词连在了一起（${base} 后面缺少空格或换行）`,
      );
  }
  // Bounded repetition: each match looks at most ~300 characters ahead, so the scan stays linear.
  for (const m of raw.matchAll(/\/\s{0,8}proc\/sys\/[\w/ ]{0,200}?\s{1,8}\w[\w/]{0,100}/g)) {
    if (/\/\s+\w|\/\s*proc\/sys\/\s/.test(m[0]) || /^\/\s+proc/.test(m[0])) {
      p.warning(line, raw, `"${m[0].trim()}": a space breaks the /proc/sys path`, `“${m[0].trim()}”：空格把 /proc/sys 路径断开了`);
    }
  }
  for (const m of raw.matchAll(/\b(ifconfig|route)(lo|add|del)\b/g)) {
    p.warning(line, raw, `"${m[0]}": missing space between "${m[1]}" and "${m[2]}"`, `“${m[0]}”：“${m[1]}” 和 “${m[2]}” 之间缺少空格`);
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
  const all = splitLines(text, p);
  // Join `\` continuations, remembering the first line number; a joined line is capped like a line.
  const logical: { line: number; text: string }[] = [];
  for (let i = 0; i < all.length; i++) {
    const parts = [all[i]!];
    const start = i + 1;
    let length = parts[0]!.length;
    while (/\\\s*$/.test(parts[parts.length - 1]!) && i + 1 < all.length && length <= MAX_LINE_CHARS) {
      parts[parts.length - 1] = parts[parts.length - 1]!.replace(/\\\s*$/, ' ');
      parts.push(all[++i]!);
      length += parts[parts.length - 1]!.length;
    }
    let t = parts.join('');
    if (t.length > MAX_LINE_CHARS) {
      p.error(
        start,
        t.slice(0, 120),
        `the command continued with "\\" from line ${start} is longer than ${MAX_LINE_CHARS} characters; only the first ${MAX_LINE_CHARS} are read`,
        `从第 ${start} 行起用 “\\” 续行的命令超过 ${MAX_LINE_CHARS} 个字符；只读取前 ${MAX_LINE_CHARS} 个`,
      );
      t = t.slice(0, MAX_LINE_CHARS);
    }
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
      if (!inCommand)
        p.warning(
          line,
          raw,
          `"${m[0]}" in the text is not a valid IPv4 address (each of the four numbers must be 0-255)`,
          `文本中的 “${m[0]}” 不是有效的 IPv4 地址（四个数都必须在 0-255 之间）`,
        );
    }
    checkSetupText(line, raw, p);
    for (let k = 0; k < starts.length; k++) {
      const from = starts[k]!;
      const to = k + 1 < starts.length ? starts[k + 1]! : raw.length;
      let segment = raw.slice(from, to);
      // Only the word right before the command matters (`yum install ipvsadm`): look at a bounded window.
      const before =
        raw
          .slice(Math.max(0, from - 48), from)
          .trim()
          .split(/\s+/)
          .pop() ?? '';
      if (/^(install|remove|purge|-y)$/.test(before) || /^(yum|apt|apt-get|dnf|zypper|apk)$/.test(before)) continue;
      const cut = segment.search(/#|\/\/|;|&&|\|\||\|/);
      if (cut >= 0) segment = segment.slice(0, cut);
      const tokens = segment
        .trim()
        .split(/\s+/)
        .filter((t) => t !== '');
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
        if (!/^[\d,.;:]+$/.test(prose))
          p.warning(
            line,
            cmdText,
            `text after the command is not ipvsadm syntax and was ignored: "${prose.length > 60 ? `${prose.slice(0, 57)}...` : prose}"`,
            `命令后面的文字不是 ipvsadm 语法，已忽略：“${prose.length > 60 ? `${prose.slice(0, 57)}...` : prose}”`,
          );
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
        `DR 配置中用了 -m（NAT）：文本同时把真实服务器配置成 DR（第 ${drMarker.line} 行：VIP 在 lo 上 / arp_ignore），这需要 -g；用 -m 时回复必须经过调度器返回`,
      );
    }
  }
  if (commands === 0) p.error(0, '', 'no ipvsadm commands found in the text', '文本中没有找到 ipvsadm 命令');
  return { services: table.services, problems: p };
}
