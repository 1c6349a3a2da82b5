/**
 * keepalived.conf importer: `virtual_server` blocks (IP PORT or fwmark N) with lvs_sched/lb_algo,
 * lvs_method/lb_kind, persistence, protocol, delay_loop and real_server blocks with weight,
 * thresholds and TCP_CHECK / HTTP_GET / SSL_GET health checks. Comments start with `#` or `!`.
 */
import { netmaskToPrefix, parseIPv4 } from '../addressing/ipv4.ts';
import type { ForwardingMethod, HealthCheck, HealthCheckOverride, HealthCheckProbe, SchedulerFlag, ServiceProtocol } from '../model/types.ts';
import { commandProblem } from '../model/health.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import type { ParsedRealServer, ParsedService } from './types.ts';
import { Problems, splitLines } from './types.ts';

/** A keyword with its words on the line and, when followed by `{`, its block (exported for the VRRP pair importer). */
export interface KeepalivedNode {
  readonly words: string[];
  readonly line: number;
  readonly text: string;
  readonly children: Node[] | null;
}

type Node = KeepalivedNode;

/** keepalived's own blocks nest at most 4 deep; anything far deeper is not a keepalived.conf. */
const MAX_DEPTH = 16;

/** Splits the text into nodes; braces may sit on the keyword's line or stand alone. */
export function parseTree(text: string, p: Problems): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  const src = splitLines(text, p);
  let last: Node | undefined;
  let tooDeep = false;
  src.forEach((raw, i) => {
    if (tooDeep) return;
    const line = i + 1;
    const body = raw.replace(/[#!].*$/, '');
    // Braces are separate tokens even when glued (`url{`, `}}`).
    const tokens = body
      .replace(/([{}])/g, ' $1 ')
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
    let words: string[] = [];
    const flush = () => {
      if (words.length > 0) {
        last = { words, line, text: raw, children: null };
        stack[stack.length - 1]!.push(last);
        words = [];
      }
    };
    for (const t of tokens) {
      if (t === '{' && stack.length > MAX_DEPTH) {
        p.error(line, raw, `blocks nested deeper than ${MAX_DEPTH} levels; the rest of the file is not read`, `块嵌套超过 ${MAX_DEPTH} 层；文件其余部分未读取`);
        tooDeep = true;
        return;
      }
      if (t === '{') {
        flush();
        if (!last || last.children !== null || last.line > line) {
          p.error(line, raw, '"{" without a keyword before it', '“{” 前面没有关键字');
          const anon: Node = { words: ['?'], line, text: raw, children: [] };
          stack[stack.length - 1]!.push(anon);
          stack.push(anon.children!);
        } else {
          (last as { children: Node[] | null }).children = [];
          stack.push(last.children!);
        }
        last = undefined;
      } else if (t === '}') {
        flush();
        if (stack.length === 1) p.error(line, raw, 'unbalanced "}"', '多余的 “}”（括号不配对）');
        else stack.pop();
        last = undefined;
      } else words.push(t);
    }
    flush();
  });
  if (stack.length > 1 && !tooDeep)
    p.error(src.length, '', `${stack.length - 1} block(s) not closed with "}" at the end of the file`, `文件结尾有 ${stack.length - 1} 个块没有用 “}” 关闭`);
  return root;
}

const METHODS: Record<string, ForwardingMethod> = { NAT: 'nat', DR: 'dr', TUN: 'tun' };
const PROTOCOLS: Record<string, ServiceProtocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const IGNORED_QUIETLY = new Set(['omega', 'ha_suspend', 'virtualhost', 'connect_ip', 'bindto', 'http_protocol', 'fast_recovery', 'warmup', 'nb_sock_retry']);

function int(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/** A command word as keepalived reads it: one word, or a double-quoted string. */
function commandOf(n: Node): string | undefined {
  const rest = n.text
    .replace(/^\s*\S+\s*/, '')
    .replace(/\s+[#!].*$/, '')
    .trim();
  if (rest === '') return undefined;
  const quoted = /^"([^"]*)"/.exec(rest);
  return quoted ? quoted[1]! : rest.split(/\s+/)[0]!;
}

/** Timing keywords a virtual_server, a real_server or a checker may carry. */
function readTiming(nodes: readonly Node[] | null, p: Problems): Partial<HealthCheckProbe> {
  const out: { -readonly [K in keyof HealthCheckProbe]?: HealthCheckProbe[K] } = {};
  for (const c of nodes ?? []) {
    const [kw, v] = c.words;
    const set = <K extends 'delayLoop' | 'connectTimeout' | 'retry' | 'delayBeforeRetry' | 'connectPort'>(key: K, min: number, max: number) => {
      const n = int(v, min, max);
      if (n === undefined)
        p.error(
          c.line,
          c.text,
          `${kw} "${v ?? ''}" is not an integer ${min}-${max} (fractions are rounded by nobody: write whole seconds)`,
          `${kw} “${v ?? ''}” 不是 ${min}-${max} 之间的整数（请写整秒）`,
        );
      else out[key] = n;
    };
    if (kw === 'delay_loop') set('delayLoop', 1, 86400);
    else if (kw === 'connect_timeout') set('connectTimeout', 1, 3600);
    else if (kw === 'retry' || kw === 'nb_get_retry') set('retry', 0, 1000);
    else if (kw === 'delay_before_retry') set('delayBeforeRetry', 1, 86400);
    else if (kw === 'connect_port') set('connectPort', 1, 65535);
    else if (kw === 'inhibit_on_failure') out.inhibitOnFailure = true;
    else if (kw === 'alpha') out.alpha = true;
  }
  return out;
}

function readChecker(n: Node, p: Problems): HealthCheckProbe | undefined {
  const kw = n.words[0]!;
  const base = readTiming(n.children, p);
  if (kw === 'TCP_CHECK') return { kind: 'tcp', ...base };
  if (kw === 'HTTP_GET' || kw === 'SSL_GET') {
    const urls = n.children?.filter((c) => c.words[0] === 'url') ?? [];
    if (urls.length > 1)
      p.warning(n.line, n.text, `${kw} checks ${urls.length} URLs; the design keeps the first`, `${kw} 检查了 ${urls.length} 个 URL；设计只保留第一个`);
    const url = urls[0];
    const path = url?.children?.find((c) => c.words[0] === 'path')?.words[1];
    const statusWord = url?.children?.find((c) => c.words[0] === 'status_code')?.words[1];
    const status = int(statusWord?.split('-')[0], 100, 599);
    const digest = url?.children?.find((c) => c.words[0] === 'digest')?.words[1];
    if (path !== undefined && !/^\/[A-Za-z0-9._~&*+,=:@%/?-]{0,1023}$/.test(path)) {
      p.error(
        n.line,
        n.text,
        `health-check path "${path}" is not a plain URL path; the check is imported without it`,
        `健康检查路径 “${path}” 不是普通的 URL 路径；导入的检查不含该路径`,
      );
    }
    const safePath = path !== undefined && /^\/[A-Za-z0-9._~&*+,=:@%/?-]{0,1023}$/.test(path) ? path : undefined;
    if (digest !== undefined && !/^[0-9a-fA-F]{32}$/.test(digest))
      p.error(
        n.line,
        n.text,
        `digest "${digest}" is not an MD5 digest (32 hex digits); imported without it`,
        `digest “${digest}” 不是 MD5 摘要（32 位十六进制）；导入时不含它`,
      );
    return {
      kind: kw === 'SSL_GET' ? 'ssl' : 'http',
      ...(safePath ? { path: safePath } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(digest !== undefined && /^[0-9a-fA-F]{32}$/.test(digest) ? { digest: digest.toLowerCase() } : {}),
      ...base,
    };
  }
  if (kw === 'MISC_CHECK') {
    const pathNode = n.children?.find((c) => c.words[0] === 'misc_path');
    const script = pathNode ? commandOf(pathNode) : undefined;
    const timeout = int(n.children?.find((c) => c.words[0] === 'misc_timeout')?.words[1], 1, 86400);
    if (n.children?.some((c) => c.words[0] === 'misc_dynamic'))
      p.warning(
        n.line,
        n.text,
        'misc_dynamic (weight from the exit code) is not part of the design model; imported as a plain MISC_CHECK',
        'misc_dynamic（由退出码决定权重）不在设计模型中；按普通 MISC_CHECK 导入',
      );
    if (script === undefined) p.error(n.line, n.text, 'MISC_CHECK without misc_path', 'MISC_CHECK 缺少 misc_path');
    else if (commandProblem(script) !== null)
      p.warning(
        n.line,
        n.text,
        `misc_path "${script}" is not an absolute path with plain arguments; the checker reports it (health/script-path)`,
        `misc_path “${script}” 不是带普通参数的绝对路径；检查器会报告它（health/script-path）`,
      );
    return { kind: 'misc', ...(script !== undefined ? { script } : {}), ...(timeout !== undefined ? { scriptTimeout: timeout } : {}), ...base };
  }
  p.warning(
    n.line,
    n.text,
    `health check ${kw} is not part of the design model; the real server is imported without it`,
    `健康检查 ${kw} 不在设计模型中；真实服务器导入时不带它`,
  );
  return undefined;
}

/** The fields of `own` that differ from `base` (a real server's override). */
function overrideOf(base: HealthCheck, own: HealthCheckProbe): HealthCheckOverride | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(own)) if ((base as unknown as Record<string, unknown>)[k] !== v) out[k] = v;
  return Object.keys(out).length > 0 ? (out as HealthCheckOverride) : undefined;
}

function readService(vs: Node, p: Problems): ParsedService | null {
  const [, a1, a2] = vs.words;
  let s: ParsedService;
  if (a1 === 'fwmark') {
    const mark = int(a2, 1, 0xffffffff);
    if (mark === undefined) {
      p.error(vs.line, vs.text, `firewall mark "${a2 ?? ''}" is not an integer 1-4294967295`, `防火墙标记 “${a2 ?? ''}” 不是 1-4294967295 之间的整数`);
      return null;
    }
    s = { key: `fwmark ${mark}`, protocol: 'fwmark', vip: '', port: 0, fwmark: mark, scheduler: 'wlc', realServers: [], line: vs.line };
  } else if (a1 === 'group') {
    p.error(
      vs.line,
      vs.text,
      'virtual_server group is not supported; write one virtual_server per address',
      '不支持 virtual_server group；请每个地址写一个 virtual_server',
    );
    return null;
  } else {
    if (a1 === undefined || parseIPv4(a1) === null) {
      p.error(vs.line, vs.text, `virtual_server address "${a1 ?? ''}" is not a valid IPv4 address`, `virtual_server 地址 “${a1 ?? ''}” 不是有效的 IPv4 地址`);
      return null;
    }
    const port = a2 === undefined ? 0 : int(a2, 0, 65535);
    if (port === undefined) {
      p.error(vs.line, vs.text, `virtual_server port "${a2}" is not a port number 0-65535`, `virtual_server 端口 “${a2}” 不是 0-65535 之间的端口号`);
      return null;
    }
    s = { key: '', protocol: 'tcp', vip: a1, port, scheduler: 'wlc', realServers: [], line: vs.line };
  }
  let method: ForwardingMethod = 'nat';
  const vsTiming = readTiming(vs.children, p);
  const policy: { -readonly [K in 'quorum' | 'hysteresis' | 'quorumUp' | 'quorumDown' | 'sorryServer']?: HealthCheck[K] } = {};
  let sorryMethod: ForwardingMethod | undefined;
  let sorryInhibit = false;
  const probes: { rs: ParsedRealServer; probe: HealthCheckProbe }[] = [];
  const servers: { node: Node; method?: ForwardingMethod }[] = [];
  let sawScheduler = false;
  for (const c of vs.children ?? []) {
    const [kw, v] = c.words;
    switch (kw) {
      case 'lvs_sched':
      case 'lb_algo':
        sawScheduler = true;
        if (v === undefined || !(SCHEDULERS as readonly string[]).includes(v))
          p.error(c.line, c.text, `unknown scheduler "${v ?? ''}"`, `未知的调度算法 “${v ?? ''}”`);
        if (v !== undefined && /^[a-z0-9]{1,16}$/.test(v)) s.scheduler = v;
        break;
      case 'lvs_method':
      case 'lb_kind': {
        const m = METHODS[(v ?? '').toUpperCase()];
        if (m === undefined)
          p.error(c.line, c.text, `unknown forwarding method "${v ?? ''}" (NAT, DR or TUN)`, `未知的转发方式 “${v ?? ''}”（NAT、DR 或 TUN）`);
        else method = m;
        if (m === 'tun' && c.words[2] !== undefined && c.words[2] !== 'ipip' && !(c.words[2] === 'type' && c.words[3] === 'ipip')) {
          p.warning(c.line, c.text, 'only IPIP tunnels are part of the design model; imported as TUN (ipip)', '设计模型只支持 IPIP 隧道；按 TUN（ipip）导入');
        }
        break;
      }
      case 'persistence_timeout': {
        const t = v === undefined ? 360 : int(v, 1, 31536000);
        if (t === undefined)
          p.error(c.line, c.text, `persistence_timeout "${v}" is not an integer 1-31536000`, `persistence_timeout “${v}” 不是 1-31536000 之间的整数`);
        else s.persistence = { ...s.persistence, timeout: t };
        break;
      }
      case 'persistence_granularity':
        if (v === undefined || parseIPv4(v) === null || netmaskToPrefix(v) === null)
          p.error(c.line, c.text, `persistence_granularity "${v ?? ''}" is not a netmask`, `persistence_granularity “${v ?? ''}” 不是子网掩码`);
        else if (v !== '255.255.255.255') s.persistence = { timeout: s.persistence?.timeout ?? 360, netmask: v };
        break;
      case 'protocol': {
        const proto = PROTOCOLS[(v ?? '').toUpperCase()];
        if (proto === undefined) p.error(c.line, c.text, `unknown protocol "${v ?? ''}" (TCP, UDP or SCTP)`, `未知的协议 “${v ?? ''}”（TCP、UDP 或 SCTP）`);
        else if (s.protocol !== 'fwmark') s.protocol = proto;
        break;
      }
      case 'delay_loop':
      case 'connect_timeout':
      case 'retry':
      case 'delay_before_retry':
      case 'inhibit_on_failure':
      case 'alpha':
        break; // readTiming
      case 'quorum':
      case 'hysteresis': {
        const n = int(v, kw === 'quorum' ? 1 : 0, 0xffffffff);
        if (n === undefined) p.error(c.line, c.text, `${kw} "${v ?? ''}" is not a whole number`, `${kw} “${v ?? ''}” 不是整数`);
        else policy[kw] = n;
        break;
      }
      case 'quorum_up':
      case 'quorum_down': {
        const cmd = commandOf(c);
        if (cmd === undefined) p.error(c.line, c.text, `${kw} without a command`, `${kw} 缺少命令`);
        else policy[kw === 'quorum_up' ? 'quorumUp' : 'quorumDown'] = cmd;
        break;
      }
      case 'sorry_server': {
        const port = int(c.words[2], 0, 65535);
        if (v === undefined || parseIPv4(v) === null || port === undefined)
          p.error(c.line, c.text, 'sorry_server needs an IPv4 address and a port', 'sorry_server 需要一个 IPv4 地址和一个端口');
        else policy.sorryServer = { ip: v, port };
        break;
      }
      case 'sorry_server_lvs_method':
      case 'sorry_server_lb_kind':
        sorryMethod = METHODS[(v ?? '').toUpperCase()];
        if (sorryMethod === undefined)
          p.error(c.line, c.text, `unknown forwarding method "${v ?? ''}" (NAT, DR or TUN)`, `未知的转发方式 “${v ?? ''}”（NAT、DR 或 TUN）`);
        break;
      case 'sorry_server_inhibit':
        sorryInhibit = true;
        break;
      case 'real_server':
        servers.push({
          node: c,
          method: METHODS[(c.children?.find((x) => x.words[0] === 'lvs_method' || x.words[0] === 'lb_kind')?.words[1] ?? '').toUpperCase()],
        });
        break;
      default:
        if (kw !== undefined && (SCHEDULER_FLAGS as readonly string[]).includes(kw)) {
          s.schedulerFlags = [...(s.schedulerFlags ?? []), kw as SchedulerFlag];
        } else if (kw !== undefined && !IGNORED_QUIETLY.has(kw)) {
          p.warning(c.line, c.text, `"${kw}" is not part of the design model; ignored`, `“${kw}” 不在设计模型中；已忽略`);
        }
    }
  }
  if (!sawScheduler) p.warning(vs.line, vs.text, 'no lvs_sched: keepalived uses wlc', '没有 lvs_sched：keepalived 默认使用 wlc');
  if (s.protocol !== 'fwmark') s.key = `${s.protocol} ${s.vip}:${s.port}`;
  for (const { node, method: own } of servers) {
    const [, rip, rportText] = node.words;
    if (rip === undefined || parseIPv4(rip) === null) {
      p.error(node.line, node.text, `real_server address "${rip ?? ''}" is not a valid IPv4 address`, `real_server 地址 “${rip ?? ''}” 不是有效的 IPv4 地址`);
      continue;
    }
    const rport = rportText === undefined ? s.port : int(rportText, 0, 65535);
    if (rport === undefined) {
      p.error(
        node.line,
        node.text,
        `real_server port "${rportText}" is not a port number 0-65535`,
        `real_server 端口 “${rportText}” 不是 0-65535 之间的端口号`,
      );
      continue;
    }
    const r: ParsedRealServer = { rip, port: rport, method: own ?? method, weight: 1, line: node.line };
    for (const c of node.children ?? []) {
      const [kw, v] = c.words;
      if (kw === 'weight') {
        const w = int(v, 0, 65535);
        if (w === undefined) p.error(c.line, c.text, `weight "${v ?? ''}" is not an integer 0-65535`, `权重 “${v ?? ''}” 不是 0-65535 之间的整数`);
        else r.weight = w;
      } else if (kw === 'uthreshold' || kw === 'lthreshold') {
        const n = int(v, 0, 65535);
        if (n === undefined) p.error(c.line, c.text, `${kw} "${v ?? ''}" is not an integer 0-65535`, `${kw} “${v ?? ''}” 不是 0-65535 之间的整数`);
        else if (n > 0) r[kw === 'uthreshold' ? 'upperThreshold' : 'lowerThreshold'] = n;
      } else if (kw === 'TCP_CHECK' || kw === 'HTTP_GET' || kw === 'SSL_GET' || (kw !== undefined && /_CHECK$/.test(kw))) {
        const hc = readChecker(c, p);
        if (hc && probes.some((x) => x.rs === r))
          p.warning(c.line, c.text, 'more than one checker on this real_server; the design keeps the first', '这个 real_server 有多个检查器；设计只保留第一个');
        else if (hc) probes.push({ rs: r, probe: { ...vsTiming, ...readTiming(node.children, p), ...hc } });
      } else if (['delay_loop', 'connect_timeout', 'retry', 'delay_before_retry', 'inhibit_on_failure', 'alpha'].includes(kw ?? '')) {
        // read with the checker (readTiming)
      } else if (kw !== 'lvs_method' && kw !== 'lb_kind' && kw !== undefined && !IGNORED_QUIETLY.has(kw)) {
        p.warning(c.line, c.text, `"${kw}" in real_server is not part of the design model; ignored`, `real_server 中的 “${kw}” 不在设计模型中；已忽略`);
      }
    }
    if (r.method !== 'nat' && s.protocol !== 'fwmark' && r.port !== s.port) {
      p.warning(
        node.line,
        node.text,
        `real server port ${r.port} differs from the service port ${s.port}; ${r.method.toUpperCase()} cannot map ports, the kernel uses ${s.port}`,
        `真实服务器端口 ${r.port} 与服务端口 ${s.port} 不同；${r.method.toUpperCase()} 不能映射端口，内核使用 ${s.port}`,
      );
      r.port = s.port;
    }
    if (s.realServers.some((o) => o.rip === r.rip && o.port === r.port)) {
      p.error(
        node.line,
        node.text,
        `real_server ${r.rip}:${r.port} appears twice in this virtual_server`,
        `real_server ${r.rip}:${r.port} 在这个 virtual_server 中出现了两次`,
      );
      continue;
    }
    s.realServers.push(r);
  }
  const first = probes[0];
  if (first) {
    if (policy.sorryServer)
      policy.sorryServer = { ...policy.sorryServer, ...(sorryMethod ? { method: sorryMethod } : {}), ...(sorryInhibit ? { inhibit: true } : {}) };
    const check: HealthCheck = { ...first.probe, ...policy };
    s.healthCheck = check;
    for (const { rs, probe } of probes.slice(1)) {
      const own = overrideOf(check, probe);
      if (own) rs.healthCheck = own;
    }
    for (const rs of s.realServers) {
      if (!probes.some((x) => x.rs === rs))
        p.warning(
          rs.line,
          '',
          `real_server ${rs.rip}:${rs.port} has no checker while others in this virtual_server do; imported with the service's check`,
          `real_server ${rs.rip}:${rs.port} 没有检查器，而此 virtual_server 中的其他真实服务器有；按服务的检查导入`,
        );
    }
  } else if (Object.keys(policy).length > 0) {
    p.warning(
      vs.line,
      vs.text,
      'sorry_server/quorum without any checker: keepalived never removes a server here, so they are not imported',
      'sorry_server/quorum 没有任何检查器：keepalived 在这里从不移除服务器，因此不导入它们',
    );
  }
  return s;
}

/** How to read what keepalived.conf refers to outside its own text. */
export interface KeepalivedImportOptions {
  /**
   * keepalived's config id (`keepalived -i ID`, default the host name): `@ID line` is read only for
   * this id, `@^ID line` for every other. Without one, `@ID` lines are skipped and `@^ID` lines kept.
   */
  readonly configId?: string;
  /**
   * Reads an `include`d file, given as a normalised path relative to the directory of the imported
   * file (never absolute, never leaving that directory); null when it cannot be read. Without it,
   * includes are reported and not read.
   */
  readonly include?: (relativePath: string) => string | null;
}

const MAX_INCLUDE_DEPTH = 8;
const MAX_INCLUDED_FILES = 64;

/** One line of the expanded text and where it came from. */
interface Origin {
  readonly file: string;
  readonly line: number;
  /** The line of the top-level file this one stands for (the include line for included text). */
  readonly topLine: number;
}

/** `dir/../x` → `x`; null when the path leaves the base directory. */
function normaliseRelative(dir: string, path: string): string | null {
  const parts: string[] = dir === '' ? [] : dir.split('/');
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}

/** Applies `@id` conditional lines and splices `include`d files in, keeping each line's origin. */
function expand(text: string, options: KeepalivedImportOptions, p: Problems): { lines: string[]; origins: Origin[] } {
  const lines: string[] = [];
  const origins: Origin[] = [];
  const skippedIds = new Set<string>();
  let files = 0;
  const visit = (src: string, file: string, dir: string, depth: number, topLine: number | null, stack: readonly string[]) => {
    src
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .forEach((raw, i) => {
        const here = topLine ?? i + 1;
        let line = raw;
        const cond = /^\s*@(\^?)([A-Za-z0-9_.-]+)\s+(.*)$/.exec(line);
        if (cond) {
          const [, not, id, rest] = cond;
          const matches = options.configId !== undefined && options.configId === id;
          if ((not === '^') === matches) {
            if (options.configId === undefined) skippedIds.add(id!);
            return;
          }
          line = rest!;
        }
        const inc = /^\s*include\s+(\S+)/.exec(line.replace(/[#!].*$/, ''));
        if (inc) {
          const target = inc[1]!.replace(/^"(.*)"$/, '$1');
          const where = (msg: string, zh: string) =>
            p.warning(here, raw, file === '' ? msg : `${msg} (in ${file} line ${i + 1})`, file === '' ? zh : `${zh}（在 ${file} 第 ${i + 1} 行）`);
          if (!options.include)
            where(`include ${target}: included files are not read here; import them separately`, `include ${target}：这里不读取被包含的文件；请分别导入`);
          else if (target.startsWith('/'))
            where(
              `include ${target}: an absolute path is outside the imported file's directory; refused`,
              `include ${target}：绝对路径在导入文件所在目录之外；已拒绝`,
            );
          else if (/[*?[\]{}]/.test(target))
            where(`include ${target}: wildcards are not read; include each file by name`, `include ${target}：不读取通配符；请逐个按名称包含文件`);
          else {
            const rel = normaliseRelative(dir, target);
            if (rel === null) where(`include ${target}: leaves the imported file's directory; refused`, `include ${target}：离开了导入文件所在目录；已拒绝`);
            else if (stack.includes(rel)) where(`include ${target}: includes itself (loop); not read again`, `include ${target}：包含了自身（循环）；不再读取`);
            else if (depth >= MAX_INCLUDE_DEPTH || files >= MAX_INCLUDED_FILES)
              where(
                `include ${target}: more than ${MAX_INCLUDE_DEPTH} levels or ${MAX_INCLUDED_FILES} files; not read`,
                `include ${target}：超过 ${MAX_INCLUDE_DEPTH} 层或 ${MAX_INCLUDED_FILES} 个文件；不读取`,
              );
            else {
              const content = options.include(rel);
              if (content === null) where(`include ${target}: cannot be read`, `include ${target}：无法读取`);
              else {
                files++;
                visit(content, rel, rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '', depth + 1, here, [...stack, rel]);
              }
            }
          }
          return;
        }
        lines.push(line);
        origins.push({ file, line: i + 1, topLine: here });
      });
  };
  visit(text, '', '', 0, null, []);
  if (skippedIds.size > 0) {
    p.warning(
      0,
      '',
      `lines for config id ${[...skippedIds].map((x) => `@${x}`).join(', ')} were skipped (no config id given: keepalived would use the host name)`,
      `配置 id 为 ${[...skippedIds].map((x) => `@${x}`).join('、')} 的行已跳过（未给出配置 id：keepalived 会使用主机名）`,
    );
  }
  return { lines, origins };
}

/** Parses the virtual_server blocks of a keepalived.conf (other sections are skipped). */
export function parseKeepalived(
  text: string,
  p: Problems = new Problems(),
  options: KeepalivedImportOptions = {},
): { services: ParsedService[]; problems: Problems } {
  const outer = p;
  const { lines, origins } = expand(text, options, outer);
  // Problems of the expanded text are moved back to the line of the top-level file.
  p = new Problems();
  text = lines.join('\n');
  const tree = parseTree(text, p);
  const services: ParsedService[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      const kw = n.words[0];
      if (kw === 'virtual_server') {
        if (n.children === null) {
          p.error(n.line, n.text, 'virtual_server without a { … } block', 'virtual_server 缺少 { … } 块');
          continue;
        }
        const s = readService(n, p);
        if (s === null) continue;
        if (services.some((o) => o.key === s.key))
          p.error(n.line, n.text, `virtual_server ${s.key} appears twice; the second is ignored`, `virtual_server ${s.key} 出现了两次；第二个被忽略`);
        else services.push(s);
      } else if (kw === 'virtual_server_group') {
        p.warning(n.line, n.text, 'virtual_server_group is not supported; its members are not imported', '不支持 virtual_server_group；其成员未导入');
      } else if (n.children && !['global_defs', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'static_ipaddress', 'static_routes'].includes(kw ?? '')) {
        walk(n.children);
      }
    }
  };
  walk(tree);
  if (services.length === 0) p.error(0, '', 'no virtual_server blocks found', '没有找到 virtual_server 块');
  const relocate = (line: number): number => (line >= 1 && line <= origins.length ? origins[line - 1]!.topLine : line);
  const fromFileZh = (line: number): string =>
    line >= 1 && line <= origins.length && origins[line - 1]!.file !== '' ? `（在 ${origins[line - 1]!.file} 第 ${origins[line - 1]!.line} 行）` : '';
  const fromFile = (line: number): string =>
    line >= 1 && line <= origins.length && origins[line - 1]!.file !== '' ? ` (in ${origins[line - 1]!.file} line ${origins[line - 1]!.line})` : '';
  for (const x of p.list) outer.add(x.severity, relocate(x.line), x.text, `${x.message}${fromFile(x.line)}`, `${x.messageZh}${fromFileZh(x.line)}`);
  for (const s of services) {
    s.line = relocate(s.line);
    for (const r of s.realServers) r.line = relocate(r.line);
  }
  return { services, problems: outer };
}
