/**
 * The ipvsadm command grammar, shared by the `-S` importer (strict lines) and the pasted-commands
 * importer (lenient: glued or split flags are read the way the author meant them, and reported).
 */
import { netmaskToPrefix, parseIPv4, prefixToNetmask } from '../addressing/ipv4.ts';
import type { ForwardingMethod, SchedulerFlag, ServiceProtocol } from '../model/types.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import type { ParsedService, Problems } from './types.ts';

type Op = 'A' | 'E' | 'D' | 'a' | 'e' | 'd' | 'C' | 'readonly';
type Arg = 'none' | 'value' | 'optional-number';

const OPTIONS: Record<string, { key: string; arg: Arg }> = {};
function opt(names: string[], key: string, arg: Arg): void {
  for (const n of names) OPTIONS[n] = { key, arg };
}
opt(['-A', '--add-service'], 'op:A', 'none');
opt(['-E', '--edit-service'], 'op:E', 'none');
opt(['-D', '--delete-service'], 'op:D', 'none');
opt(['-a', '--add-server'], 'op:a', 'none');
opt(['-e', '--edit-server'], 'op:e', 'none');
opt(['-d', '--delete-server'], 'op:d', 'none');
opt(['-C', '--clear'], 'op:C', 'none');
for (const n of [
  '-L',
  '-l',
  '--list',
  '-S',
  '--save',
  '-R',
  '--restore',
  '-Z',
  '--zero',
  '-h',
  '--help',
  '-v',
  '--version',
  '--set',
  '--start-daemon',
  '--stop-daemon',
]) {
  OPTIONS[n] = { key: 'op:readonly', arg: 'none' };
}
opt(['-t', '--tcp-service'], 'svc:tcp', 'value');
opt(['-u', '--udp-service'], 'svc:udp', 'value');
opt(['--sctp-service'], 'svc:sctp', 'value');
opt(['-f', '--fwmark-service'], 'svc:fwmark', 'value');
opt(['-s', '--scheduler'], 'scheduler', 'value');
opt(['-p', '--persistent'], 'persistent', 'optional-number');
opt(['-M', '--netmask'], 'netmask', 'value');
opt(['-b', '--sched-flags'], 'flags', 'value');
opt(['-r', '--real-server'], 'server', 'value');
opt(['-w', '--weight'], 'weight', 'value');
opt(['-x', '--u-threshold'], 'upper', 'value');
opt(['-y', '--l-threshold'], 'lower', 'value');
opt(['-g', '--gatewaying'], 'method:dr', 'none');
opt(['-i', '--ipip'], 'method:tun', 'none');
opt(['-m', '--masquerading'], 'method:nat', 'none');
opt(
  [
    '-n',
    '--numeric',
    '-o',
    '--ops',
    '--exact',
    '-c',
    '--connection',
    '--stats',
    '--rate',
    '--thresholds',
    '--persistent-conn',
    '--nosort',
    '--sort',
    '--timeout',
    '--daemon',
    '--tun-info',
  ],
  'ignore',
  'none',
);
opt(['-6'], 'ipv6', 'none');
opt(['--pe', '--tun-type', '--tun-port', '--mcast-interface', '--syncid', '--mcast-group', '--mcast-port', '--mcast-ttl', '--sync-maxlen'], 'extra', 'value');
opt(['--tun-nocsum', '--tun-csum', '--tun-remcsum'], 'extra-flag', 'none');

/** One parsed ipvsadm invocation. */
export interface IpvsadmCommand {
  op: Op;
  protocol?: ServiceProtocol;
  vip?: string;
  port?: number;
  fwmark?: number;
  scheduler?: string;
  persistent?: number;
  netmask?: string;
  flags?: SchedulerFlag[];
  rip?: string;
  rport?: number;
  method?: ForwardingMethod;
  weight?: number;
  upper?: number;
  lower?: number;
  /** Tokens after the command that are not part of it (prose in a pasted text). */
  rest: string[];
  /** A virtual-service address that looks like a mistyped dotted quad (`1172.17.253.100`); `vip` is unset. */
  badVip?: string;
}

/**
 * Splits tokens the way a sloppy paste meant them: `-m-w` → `-m -w`, `- r` → `-r`,
 * `10.0.0.1:80-m` → `10.0.0.1:80 -m`. Each repair is reported as an error (ipvsadm would reject
 * the text as written).
 */
export function repairTokens(tokens: readonly string[], line: number, text: string, p: Problems): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // Valid popt syntax, expanded silently: bundled flags (`-Ln`) and attached values (`-w1`).
    if (/^-[A-Za-z]{2,}$/.test(tok) && [...tok.slice(1)].every((c) => OPTIONS[`-${c}`]?.arg === 'none')) {
      out.push(...[...tok.slice(1)].map((c) => `-${c}`));
      continue;
    }
    const longValue = /^(--[a-z-]+)=(.*)$/.exec(tok);
    if (longValue && OPTIONS[longValue[1]!]?.arg !== 'none') {
      out.push(longValue[1]!, longValue[2]!);
      continue;
    }
    const attached = /^-([wxyps])(\d+)$/.exec(tok);
    if (attached) {
      out.push(`-${attached[1]}`, attached[2]!);
      continue;
    }
    const glued = /^(-[A-Za-z])(-[A-Za-z].*)$/.exec(tok);
    if (glued) {
      p.error(
        line,
        text,
        `flags glued together: "${tok}" (needs a space); read as "${glued[1]} ${glued[2]}"`,
        `选项粘在一起：“${tok}”（需要空格）；按 “${glued[1]} ${glued[2]}” 读取`,
      );
      out.push(...repairTokens([glued[1]!, glued[2]!], line, text, p));
      continue;
    }
    if (tok === '-' && i + 1 < tokens.length && /^[A-Za-z]$/.test(tokens[i + 1]!)) {
      p.error(
        line,
        text,
        `flag split by a space: "- ${tokens[i + 1]}"; read as "-${tokens[i + 1]}"`,
        `选项被空格拆开：“- ${tokens[i + 1]}”；按 “-${tokens[i + 1]}” 读取`,
      );
      out.push(`-${tokens[i + 1]}`);
      i++;
      continue;
    }
    const tail = /^([0-9.]+:[0-9]+)(-[A-Za-z])$/.exec(tok);
    if (tail) {
      p.error(
        line,
        text,
        `address and flag glued together: "${tok}"; read as "${tail[1]} ${tail[2]}"`,
        `地址和选项粘在一起：“${tok}”；按 “${tail[1]} ${tail[2]}” 读取`,
      );
      out.push(tail[1]!, tail[2]!);
      continue;
    }
    out.push(tok);
  }
  return out;
}

/** The Chinese name of a field named in a remark. */
const WHAT_ZH: Record<string, string> = {
  'virtual service address': '虚拟服务地址',
  'real server address': '真实服务器地址',
  weight: '权重',
  'upper threshold (-x)': '连接上限（-x）',
  'lower threshold (-y)': '连接下限（-y）',
};
const whatZh = (what: string): string => WHAT_ZH[what] ?? what;

function parseAddress(value: string, what: string, line: number, text: string, p: Problems): { address: string; port?: number } | null {
  if (value.startsWith('[')) {
    p.error(line, text, `${what} ${value}: IPv6 is not supported by LVS Designer`, `${whatZh(what)} ${value}：LVS Designer 不支持 IPv6`);
    return null;
  }
  const m = /^([^:]+)(?::([^:]*))?$/.exec(value);
  if (!m) {
    p.error(line, text, `${what} "${value}" is not ADDRESS[:PORT]`, `${whatZh(what)} “${value}” 不是 地址[:端口] 格式`);
    return null;
  }
  const address = m[1]!;
  if (parseIPv4(address) === null) {
    const hint = /^\d+\.\d+\.\d+\.\d+$/.test(address)
      ? ' (each of the four numbers must be 0-255)'
      : /[a-z]/i.test(address)
        ? ' (use numeric addresses: ipvsadm -n)'
        : '';
    const hintZh = /^\d+\.\d+\.\d+\.\d+$/.test(address) ? '（四个数都必须在 0-255 之间）' : /[a-z]/i.test(address) ? '（请使用数字地址：ipvsadm -n）' : '';
    p.error(line, text, `${what} "${address}" is not a valid IPv4 address${hint}`, `${whatZh(what)} “${address}” 不是有效的 IPv4 地址${hintZh}`);
    return null;
  }
  if (m[2] === undefined) return { address };
  if (!/^\d{1,5}$/.test(m[2]) || Number(m[2]) > 65535) {
    p.error(line, text, `${what} port "${m[2]}" is not a port number 0-65535`, `${whatZh(what)}的端口 “${m[2]}” 不是 0-65535 之间的端口号`);
    return null;
  }
  return { address, port: Number(m[2]) };
}

function parseU16(value: string, what: string, line: number, text: string, p: Problems): number | undefined {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    p.error(line, text, `${what} "${value}" is not an integer 0-65535`, `${whatZh(what)} “${value}” 不是 0-65535 之间的整数`);
    return undefined;
  }
  return Number(value);
}

/**
 * Parses the arguments of one ipvsadm call (without the word `ipvsadm`). Returns null when the
 * call is unusable (the problem is reported). Unknown tokens end the command; they are returned in
 * `rest` for the caller to judge.
 */
export function parseIpvsadmArgs(tokens: readonly string[], line: number, text: string, p: Problems): IpvsadmCommand | null {
  let op: Op | undefined;
  const cmd: IpvsadmCommand = { op: 'readonly', rest: [] };
  let bad = false;
  let i = 0;
  for (; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const spec = OPTIONS[tok];
    if (!spec) {
      if (tok.startsWith('-') && tok.length > 1 && !/^-\d/.test(tok)) {
        p.error(line, text, `unknown ipvsadm option "${tok}"`, `未知的 ipvsadm 选项 “${tok}”`);
        bad = true;
        continue;
      }
      break;
    }
    let value: string | undefined;
    if (spec.arg === 'value') {
      value = tokens[i + 1];
      if (value === undefined || (OPTIONS[value] !== undefined && value.startsWith('-'))) {
        p.error(line, text, `option ${tok} needs a value`, `选项 ${tok} 需要一个值`);
        bad = true;
        continue;
      }
      i++;
    } else if (spec.arg === 'optional-number' && /^\d+$/.test(tokens[i + 1] ?? '')) {
      value = tokens[++i];
    }
    const [kind, sub] = spec.key.split(':') as [string, string | undefined];
    switch (kind) {
      case 'op':
        if (op !== undefined && op !== sub) {
          p.error(line, text, `two commands in one call (-${op} and ${tok})`, `一次调用中有两个命令（-${op} 和 ${tok}）`);
          bad = true;
        }
        op = sub as Op;
        break;
      case 'svc': {
        cmd.protocol = sub as ServiceProtocol;
        if (sub === 'fwmark') {
          const n = /^\d{1,10}$/.test(value!) ? Number(value) : NaN;
          if (!(n >= 1 && n <= 0xffffffff)) {
            p.error(line, text, `firewall mark "${value}" is not an integer 1-4294967295`, `防火墙标记 “${value}” 不是 1-4294967295 之间的整数`);
            bad = true;
          } else {
            cmd.fwmark = n;
            cmd.vip = '';
            cmd.port = 0;
          }
        } else {
          const a = parseAddress(value!, 'virtual service address', line, text, p);
          const typo = a === null ? /^(\d{1,5}(?:\.\d{1,5}){3})(?::(\d{1,5}))?$/.exec(value!) : null;
          if (typo !== null && Number(typo[2] ?? 0) <= 65535) {
            // A mistyped dotted quad (`1172.17.253.100`): the table decides which service was meant,
            // so the real server on this line is imported with a problem instead of dropped.
            cmd.badVip = typo[1]!;
            cmd.port = Number(typo[2] ?? 0);
          } else if (a === null) bad = true;
          else {
            cmd.vip = a.address;
            cmd.port = a.port ?? 0;
          }
        }
        break;
      }
      case 'scheduler':
        if (!(SCHEDULERS as readonly string[]).includes(value!)) {
          p.error(line, text, `unknown scheduler "${value}" (known: ${SCHEDULERS.join(', ')})`, `未知的调度算法 “${value}”（已知：${SCHEDULERS.join(', ')}）`);
          if (!/^[a-z0-9]{1,16}$/.test(value!)) bad = true;
        }
        cmd.scheduler = value;
        break;
      case 'persistent':
        cmd.persistent = value === undefined ? 300 : Number(value);
        if (cmd.persistent < 1 || cmd.persistent > 31536000) {
          p.error(line, text, `persistence timeout ${value} is out of range 1-31536000`, `持久连接超时 ${value} 超出范围 1-31536000`);
          bad = true;
        }
        break;
      case 'netmask': {
        const prefix = /^\d{1,2}$/.test(value!) && Number(value) <= 32 ? Number(value) : netmaskToPrefix(value!);
        if (prefix === null) {
          p.error(line, text, `netmask "${value}" is not a contiguous netmask or prefix length`, `子网掩码 “${value}” 不是连续的掩码或前缀长度`);
          bad = true;
        } else cmd.netmask = prefixToNetmask(prefix);
        break;
      }
      case 'flags': {
        const flags: SchedulerFlag[] = [];
        for (const f of value!.split(',')) {
          if ((SCHEDULER_FLAGS as readonly string[]).includes(f)) flags.push(f as SchedulerFlag);
          // ipvsadm prints the bits as flag-1/flag-2 for schedulers other than sh and mh.
          else if (f === 'flag-1' || f === 'flag-2') flags.push(f === 'flag-1' ? 'sh-fallback' : 'sh-port');
          else
            p.error(
              line,
              text,
              `unknown scheduler flag "${f}" (known: ${SCHEDULER_FLAGS.join(', ')}, flag-1, flag-2)`,
              `未知的调度标志 “${f}”（已知：${SCHEDULER_FLAGS.join(', ')}、flag-1、flag-2）`,
            );
        }
        cmd.flags = flags;
        break;
      }
      case 'server': {
        const typo = /^(\d{1,5}(?:\.\d{1,5}){1,4})(?::(\d{1,5}))?$/.exec(value!);
        if (typo !== null && parseIPv4(typo[1]!) === null && Number(typo[2] ?? 0) <= 65535) {
          // A mistyped dotted quad (`192.168.163.1000`): the real server is imported with the
          // address as typed, so the design shows it and the checker's addr/malformed flags it.
          p.error(
            line,
            text,
            `real server address "${typo[1]}" is not a valid IPv4 address (four numbers 0-255): the real server is imported with it as typed — correct it`,
            `真实服务器地址 “${typo[1]}” 不是有效的 IPv4 地址（四个 0-255 的数）：真实服务器按原样导入——请改正`,
            typo[1],
          );
          cmd.rip = typo[1]!;
          if (typo[2] !== undefined) cmd.rport = Number(typo[2]);
          break;
        }
        const a = parseAddress(value!, 'real server address', line, text, p);
        if (a === null) bad = true;
        else {
          cmd.rip = a.address;
          if (a.port !== undefined) cmd.rport = a.port;
        }
        break;
      }
      case 'weight':
      case 'upper':
      case 'lower': {
        const n = parseU16(value!, kind === 'weight' ? 'weight' : kind === 'upper' ? 'upper threshold (-x)' : 'lower threshold (-y)', line, text, p);
        if (n === undefined) bad = true;
        else cmd[kind] = n;
        break;
      }
      case 'method':
        if (cmd.method !== undefined && cmd.method !== sub)
          p.error(line, text, `two forwarding methods in one command; the last (${tok}) is used`, `一条命令中有两种转发方式；使用最后一个（${tok}）`);
        cmd.method = sub as ForwardingMethod;
        break;
      case 'ipv6':
        p.error(line, text, 'IPv6 services (-6) are not supported by LVS Designer', 'LVS Designer 不支持 IPv6 服务（-6）');
        bad = true;
        break;
      case 'extra':
        if (tok === '--tun-type' && value === 'ipip') break;
        p.warning(line, text, `${tok} ${value ?? ''} is not part of the design model; ignored`, `${tok} ${value ?? ''} 不在设计模型中；已忽略`);
        break;
      case 'extra-flag':
        p.warning(line, text, `${tok} is not part of the design model; ignored`, `${tok} 不在设计模型中；已忽略`);
        break;
      default:
        break;
    }
  }
  cmd.rest = tokens.slice(i);
  if (op === undefined) {
    p.error(line, text, 'no ipvsadm command (-A, -a, -E, -e, -D, -d or -C) in this call', '这次调用中没有 ipvsadm 命令（-A、-a、-E、-e、-D、-d 或 -C）');
    return null;
  }
  cmd.op = op;
  return bad ? null : cmd;
}

/** The identity of a service: `tcp 10.0.0.1:80` or `fwmark 7`. */
export const serviceKey = (c: { protocol?: ServiceProtocol; vip?: string; port?: number; fwmark?: number }): string =>
  c.protocol === 'fwmark' ? `fwmark ${c.fwmark}` : `${c.protocol} ${c.vip}:${c.port}`;

/**
 * An IPVS table built by applying commands in order, with ipvsadm's semantics (add fails on an
 * existing entry, edit and delete on a missing one), so the result is what the kernel would hold.
 */
export class IpvsTable {
  readonly services: ParsedService[] = [];

  private readonly byKey = new Map<string, ParsedService>();

  find(key: string): ParsedService | undefined {
    const s = this.byKey.get(key);
    return s !== undefined && this.services.includes(s) ? s : undefined;
  }

  private readonly servers = new WeakMap<ParsedService, Set<string>>();

  private add(s: ParsedService): void {
    this.services.push(s);
    this.byKey.set(s.key, s);
  }

  private serverKeys(s: ParsedService): Set<string> {
    let set = this.servers.get(s);
    if (!set) {
      set = new Set(s.realServers.map((r) => `${r.rip}:${r.port}`));
      this.servers.set(s, set);
    }
    return set;
  }

  private hasServer(s: ParsedService, rip: string, port: number): boolean {
    return this.serverKeys(s).has(`${rip}:${port}`);
  }

  /**
   * The service a mistyped VIP most likely meant: same protocol and port, the VIP with the fewest
   * character edits from the typo (ties: the service added last, as tutorials add real servers
   * right after their service).
   */
  private likelyService(c: IpvsadmCommand): ParsedService | undefined {
    let best: ParsedService | undefined;
    let bestDistance = Infinity;
    for (const s of this.services) {
      if (s.protocol !== c.protocol || s.port !== c.port || s.vip === '') continue;
      const d = editDistance(s.vip, c.badVip!);
      if (d <= bestDistance) {
        best = s;
        bestDistance = d;
      }
    }
    return bestDistance <= 4 ? best : undefined;
  }

  /** Applies one command; a mistyped VIP (`badVip`) is resolved to the service it most likely meant first. */
  apply(c: IpvsadmCommand, line: number, text: string, p: Problems): void {
    if (c.badVip !== undefined) {
      const meant = (c.op === 'a' || c.op === 'e' || c.op === 'd') && c.rip !== undefined ? this.likelyService(c) : undefined;
      if (meant === undefined) {
        p.error(line, text, `the line is not imported: no virtual service to read "${c.badVip}" as`, `这一行未导入：没有可以代替 “${c.badVip}” 的虚拟服务`);
        return;
      }
      p.error(
        line,
        text,
        `"${c.badVip}" read as ${meant.key}, the service this address is closest to: the real server is imported there — check it`,
        `“${c.badVip}” 按最接近的服务 ${meant.key} 读取：真实服务器导入到该服务中——请检查`,
        c.rip,
      );
      this.applyResolved({ ...c, vip: meant.vip, badVip: undefined }, line, text, p);
      return;
    }
    this.applyResolved(c, line, text, p);
  }

  private applyResolved(c: IpvsadmCommand, line: number, text: string, p: Problems): void {
    let op = c.op;
    if (op === 'readonly') return;
    if (op === 'C') {
      this.services.length = 0;
      this.byKey.clear();
      return;
    }
    if (c.protocol === undefined) {
      p.error(line, text, `-${op} needs a virtual service (-t, -u, --sctp-service or -f)`, `-${op} 需要一个虚拟服务（-t、-u、--sctp-service 或 -f）`);
      return;
    }
    if (op === 'a' && c.rip === undefined && (c.scheduler !== undefined || c.persistent !== undefined)) {
      p.error(
        line,
        text,
        '-a adds a real server and needs -r; with -s this looks like -A (add a virtual service) was meant: read as -A',
        '-a 用于添加真实服务器，需要 -r；带 -s 看起来本意是 -A（添加虚拟服务）：按 -A 读取',
      );
      op = 'A';
    }
    const key = serviceKey(c);
    const existing = this.find(key);
    if (op === 'A' || op === 'E') {
      if (op === 'A' && existing) {
        p.error(
          line,
          text,
          `virtual service ${key} already exists (ipvsadm: "Service already exists"); this line is ignored`,
          `虚拟服务 ${key} 已经存在（ipvsadm：“Service already exists”）；忽略这一行`,
        );
        return;
      }
      if (op === 'E' && !existing) {
        p.error(line, text, `no virtual service ${key} to edit`, `没有可编辑的虚拟服务 ${key}`);
        return;
      }
      if (c.port === 0 && c.protocol !== 'fwmark' && c.persistent === undefined) {
        p.warning(line, text, `port 0 ("all ports") is only allowed for a persistent service (-p)`, '端口 0（“所有端口”）只允许用于持久服务（-p）');
      }
      if (c.netmask !== undefined && c.persistent === undefined)
        p.warning(line, text, '-M (persistence netmask) has no effect without -p', '-M（持久连接掩码）没有 -p 时不起作用');
      const s: ParsedService = existing ?? { key, protocol: c.protocol, vip: c.vip ?? '', port: c.port ?? 0, scheduler: 'wlc', realServers: [], line };
      if (c.fwmark !== undefined) s.fwmark = c.fwmark;
      if (c.scheduler !== undefined) s.scheduler = c.scheduler;
      if (c.flags !== undefined) s.schedulerFlags = c.flags;
      if (c.persistent !== undefined) {
        s.persistence = { timeout: c.persistent, ...(c.netmask !== undefined && c.netmask !== '255.255.255.255' ? { netmask: c.netmask } : {}) };
      }
      if (!existing) this.add(s);
      return;
    }
    if (op === 'D') {
      if (!existing) p.error(line, text, `no virtual service ${key} to delete`, `没有可删除的虚拟服务 ${key}`);
      else {
        this.services.splice(this.services.indexOf(existing), 1);
        this.byKey.delete(key);
      }
      return;
    }
    // Real-server commands.
    if (c.rip === undefined) {
      p.error(line, text, `-${op} needs a real server (-r ADDRESS[:PORT])`, `-${op} 需要一台真实服务器（-r 地址[:端口]）`);
      return;
    }
    let s = existing;
    if (!s) {
      p.error(
        line,
        text,
        `real server added to ${key}, which was not created with -A (ipvsadm: "No such service"); the service is created with the default scheduler wlc`,
        `真实服务器被加到 ${key}，但该服务没有用 -A 创建（ipvsadm：“No such service”）；按默认调度算法 wlc 创建该服务`,
      );
      s = { key, protocol: c.protocol, vip: c.vip ?? '', port: c.port ?? 0, scheduler: 'wlc', realServers: [], line };
      if (c.fwmark !== undefined) s.fwmark = c.fwmark;
      this.add(s);
    }
    const service = s;
    const method = c.method ?? 'dr';
    let rport = c.rport ?? service.port;
    if (method !== 'nat' && service.protocol !== 'fwmark' && c.rport !== undefined && c.rport !== service.port) {
      p.warning(
        line,
        text,
        `real server port ${c.rport} differs from the service port ${service.port}; ${method.toUpperCase()} cannot map ports, the kernel uses ${service.port}`,
        `真实服务器端口 ${c.rport} 与服务端口 ${service.port} 不同；${method.toUpperCase()} 不能映射端口，内核使用 ${service.port}`,
      );
      rport = service.port;
    }
    // Adds at the end are the common case (a restore file): look there first, then search.
    const lastRs = service.realServers[service.realServers.length - 1];
    const at =
      lastRs !== undefined && lastRs.rip === c.rip && lastRs.port === rport
        ? service.realServers.length - 1
        : op === 'a' && !this.hasServer(service, c.rip, rport)
          ? -1
          : service.realServers.findIndex((r) => r.rip === c.rip && r.port === rport);
    if (op === 'a') {
      if (at >= 0) {
        p.error(
          line,
          text,
          `real server ${c.rip}:${rport} is already in ${key} (ipvsadm: "Destination already exists"); ignored`,
          `真实服务器 ${c.rip}:${rport} 已经在 ${key} 中（ipvsadm：“Destination already exists”）；已忽略`,
        );
        return;
      }
      this.serverKeys(service).add(`${c.rip}:${rport}`);
      service.realServers.push({
        rip: c.rip,
        port: rport,
        method,
        weight: c.weight ?? 1,
        ...(c.upper ? { upperThreshold: c.upper } : {}),
        ...(c.lower ? { lowerThreshold: c.lower } : {}),
        line,
      });
      return;
    }
    if (at < 0) {
      p.error(
        line,
        text,
        `no real server ${c.rip}:${rport} in ${key} to ${op === 'e' ? 'edit' : 'delete'}`,
        `${key} 中没有可${op === 'e' ? '编辑' : '删除'}的真实服务器 ${c.rip}:${rport}`,
      );
      return;
    }
    if (op === 'd') {
      service.realServers.splice(at, 1);
      this.serverKeys(service).delete(`${c.rip}:${rport}`);
      return;
    }
    const r = service.realServers[at]!;
    r.method = method;
    r.weight = c.weight ?? 1;
    if (c.upper !== undefined) r.upperThreshold = c.upper;
    if (c.lower !== undefined) r.lowerThreshold = c.lower;
  }
}

/** Levenshtein distance of two short strings (addresses, at most ~21 characters each). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8 || a.length > 32 || b.length > 32) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
