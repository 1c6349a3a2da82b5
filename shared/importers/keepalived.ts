/**
 * keepalived.conf importer: `virtual_server` blocks (IP PORT or fwmark N) with lvs_sched/lb_algo,
 * lvs_method/lb_kind, persistence, protocol, delay_loop and real_server blocks with weight,
 * thresholds and TCP_CHECK / HTTP_GET / SSL_GET health checks. Comments start with `#` or `!`.
 */
import { netmaskToPrefix, parseIPv4 } from '../addressing/ipv4.ts';
import type { ForwardingMethod, HealthCheck, SchedulerFlag, ServiceProtocol } from '../model/types.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import type { ParsedRealServer, ParsedService } from './types.ts';
import { Problems } from './types.ts';

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
  const src = text.replace(/\r\n?/g, '\n').split('\n');
  let last: Node | undefined;
  let tooDeep = false;
  src.forEach((raw, i) => {
    if (tooDeep) return;
    const line = i + 1;
    const body = raw.replace(/[#!].*$/, '');
    // Braces are separate tokens even when glued (`url{`, `}}`).
    const tokens = body.replace(/([{}])/g, ' $1 ').trim().split(/\s+/).filter((t) => t !== '');
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
        p.error(line, raw, `blocks nested deeper than ${MAX_DEPTH} levels; the rest of the file is not read`);
        tooDeep = true;
        return;
      }
      if (t === '{') {
        flush();
        if (!last || last.children !== null || last.line > line) {
          p.error(line, raw, '"{" without a keyword before it');
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
        if (stack.length === 1) p.error(line, raw, 'unbalanced "}"');
        else stack.pop();
        last = undefined;
      } else words.push(t);
    }
    flush();
  });
  if (stack.length > 1 && !tooDeep) p.error(src.length, '', `${stack.length - 1} block(s) not closed with "}" at the end of the file`);
  return root;
}

const METHODS: Record<string, ForwardingMethod> = { NAT: 'nat', DR: 'dr', TUN: 'tun' };
const PROTOCOLS: Record<string, ServiceProtocol> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const IGNORED_QUIETLY = new Set(['alpha', 'omega', 'quorum', 'hysteresis', 'ha_suspend', 'virtualhost', 'retry', 'delay_before_retry', 'nb_get_retry', 'connect_port', 'connect_ip', 'bindto', 'http_protocol', 'fast_recovery', 'inhibit_on_failure', 'warmup', 'nb_sock_retry']);

function int(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

function readChecker(n: Node, p: Problems): HealthCheck | undefined {
  const kw = n.words[0]!;
  const timeout = int(n.children?.find((c) => c.words[0] === 'connect_timeout')?.words[1], 1, 3600);
  const loop = int(n.children?.find((c) => c.words[0] === 'delay_loop')?.words[1], 1, 86400);
  const base = { ...(timeout !== undefined ? { connectTimeout: timeout } : {}), ...(loop !== undefined ? { delayLoop: loop } : {}) };
  if (kw === 'TCP_CHECK') return { kind: 'tcp', ...base };
  if (kw === 'HTTP_GET' || kw === 'SSL_GET') {
    if (kw === 'SSL_GET') p.warning(n.line, n.text, 'SSL_GET is imported as an HTTP check (the design model has no TLS checks)');
    const url = n.children?.find((c) => c.words[0] === 'url');
    const path = url?.children?.find((c) => c.words[0] === 'path')?.words[1];
    const statusWord = url?.children?.find((c) => c.words[0] === 'status_code')?.words[1];
    const status = int(statusWord?.split('-')[0], 100, 599);
    if (path !== undefined && !/^\/[A-Za-z0-9._~&*+,=:@%/?-]{0,1023}$/.test(path)) {
      p.error(n.line, n.text, `health-check path "${path}" is not a plain URL path; the check is imported without it`);
    }
    const safePath = path !== undefined && /^\/[A-Za-z0-9._~&*+,=:@%/?-]{0,1023}$/.test(path) ? path : undefined;
    return { kind: 'http', ...(safePath ? { path: safePath } : {}), ...(status !== undefined ? { status } : {}), ...base };
  }
  p.warning(n.line, n.text, `health check ${kw} is not part of the design model; the real server is imported without it`);
  return undefined;
}

function readService(vs: Node, p: Problems): ParsedService | null {
  const [, a1, a2] = vs.words;
  let s: ParsedService;
  if (a1 === 'fwmark') {
    const mark = int(a2, 1, 0xffffffff);
    if (mark === undefined) {
      p.error(vs.line, vs.text, `firewall mark "${a2 ?? ''}" is not an integer 1-4294967295`);
      return null;
    }
    s = { key: `fwmark ${mark}`, protocol: 'fwmark', vip: '', port: 0, fwmark: mark, scheduler: 'wlc', realServers: [], line: vs.line };
  } else if (a1 === 'group') {
    p.error(vs.line, vs.text, 'virtual_server group is not supported; write one virtual_server per address');
    return null;
  } else {
    if (a1 === undefined || parseIPv4(a1) === null) {
      p.error(vs.line, vs.text, `virtual_server address "${a1 ?? ''}" is not a valid IPv4 address`);
      return null;
    }
    const port = a2 === undefined ? 0 : int(a2, 0, 65535);
    if (port === undefined) {
      p.error(vs.line, vs.text, `virtual_server port "${a2}" is not a port number 0-65535`);
      return null;
    }
    s = { key: '', protocol: 'tcp', vip: a1, port, scheduler: 'wlc', realServers: [], line: vs.line };
  }
  let method: ForwardingMethod = 'nat';
  let interval: number | undefined;
  let check: HealthCheck | undefined;
  const servers: { node: Node; method?: ForwardingMethod }[] = [];
  let sawScheduler = false;
  for (const c of vs.children ?? []) {
    const [kw, v] = c.words;
    switch (kw) {
      case 'lvs_sched':
      case 'lb_algo':
        sawScheduler = true;
        if (v === undefined || !(SCHEDULERS as readonly string[]).includes(v)) p.error(c.line, c.text, `unknown scheduler "${v ?? ''}"`);
        if (v !== undefined && /^[a-z0-9]{1,16}$/.test(v)) s.scheduler = v;
        break;
      case 'lvs_method':
      case 'lb_kind': {
        const m = METHODS[(v ?? '').toUpperCase()];
        if (m === undefined) p.error(c.line, c.text, `unknown forwarding method "${v ?? ''}" (NAT, DR or TUN)`);
        else method = m;
        if (m === 'tun' && c.words[2] !== undefined && c.words[2] !== 'ipip' && !(c.words[2] === 'type' && c.words[3] === 'ipip')) {
          p.warning(c.line, c.text, 'only IPIP tunnels are part of the design model; imported as TUN (ipip)');
        }
        break;
      }
      case 'persistence_timeout': {
        const t = v === undefined ? 360 : int(v, 1, 31536000);
        if (t === undefined) p.error(c.line, c.text, `persistence_timeout "${v}" is not an integer 1-31536000`);
        else s.persistence = { ...s.persistence, timeout: t };
        break;
      }
      case 'persistence_granularity':
        if (v === undefined || parseIPv4(v) === null || netmaskToPrefix(v) === null) p.error(c.line, c.text, `persistence_granularity "${v ?? ''}" is not a netmask`);
        else if (v !== '255.255.255.255') s.persistence = { timeout: s.persistence?.timeout ?? 360, netmask: v };
        break;
      case 'protocol': {
        const proto = PROTOCOLS[(v ?? '').toUpperCase()];
        if (proto === undefined) p.error(c.line, c.text, `unknown protocol "${v ?? ''}" (TCP, UDP or SCTP)`);
        else if (s.protocol !== 'fwmark') s.protocol = proto;
        break;
      }
      case 'delay_loop':
        interval = int(v, 1, 86400);
        break;
      case 'real_server':
        servers.push({ node: c, method: METHODS[(c.children?.find((x) => x.words[0] === 'lvs_method' || x.words[0] === 'lb_kind')?.words[1] ?? '').toUpperCase()] });
        break;
      default:
        if (kw !== undefined && (SCHEDULER_FLAGS as readonly string[]).includes(kw)) {
          s.schedulerFlags = [...(s.schedulerFlags ?? []), kw as SchedulerFlag];
        } else if (kw !== undefined && !IGNORED_QUIETLY.has(kw)) {
          p.warning(c.line, c.text, `"${kw}" is not part of the design model; ignored`);
        }
    }
  }
  if (!sawScheduler) p.warning(vs.line, vs.text, 'no lvs_sched: keepalived uses wlc');
  if (s.protocol !== 'fwmark') s.key = `${s.protocol} ${s.vip}:${s.port}`;
  for (const { node, method: own } of servers) {
    const [, rip, rportText] = node.words;
    if (rip === undefined || parseIPv4(rip) === null) {
      p.error(node.line, node.text, `real_server address "${rip ?? ''}" is not a valid IPv4 address`);
      continue;
    }
    const rport = rportText === undefined ? s.port : int(rportText, 0, 65535);
    if (rport === undefined) {
      p.error(node.line, node.text, `real_server port "${rportText}" is not a port number 0-65535`);
      continue;
    }
    const r: ParsedRealServer = { rip, port: rport, method: own ?? method, weight: 1, line: node.line };
    for (const c of node.children ?? []) {
      const [kw, v] = c.words;
      if (kw === 'weight') {
        const w = int(v, 0, 65535);
        if (w === undefined) p.error(c.line, c.text, `weight "${v ?? ''}" is not an integer 0-65535`);
        else r.weight = w;
      } else if (kw === 'uthreshold' || kw === 'lthreshold') {
        const n = int(v, 0, 65535);
        if (n === undefined) p.error(c.line, c.text, `${kw} "${v ?? ''}" is not an integer 0-65535`);
        else if (n > 0) r[kw === 'uthreshold' ? 'upperThreshold' : 'lowerThreshold'] = n;
      } else if (kw === 'TCP_CHECK' || kw === 'HTTP_GET' || kw === 'SSL_GET' || (kw !== undefined && /_CHECK$/.test(kw))) {
        const hc = readChecker(c, p);
        if (hc && check === undefined) check = hc;
      } else if (kw !== 'lvs_method' && kw !== 'lb_kind' && kw !== undefined && !IGNORED_QUIETLY.has(kw)) {
        p.warning(c.line, c.text, `"${kw}" in real_server is not part of the design model; ignored`);
      }
    }
    if (r.method !== 'nat' && s.protocol !== 'fwmark' && r.port !== s.port) {
      p.warning(node.line, node.text, `real server port ${r.port} differs from the service port ${s.port}; ${r.method.toUpperCase()} cannot map ports, the kernel uses ${s.port}`);
      r.port = s.port;
    }
    if (s.realServers.some((o) => o.rip === r.rip && o.port === r.port)) {
      p.error(node.line, node.text, `real_server ${r.rip}:${r.port} appears twice in this virtual_server`);
      continue;
    }
    s.realServers.push(r);
  }
  if (check || interval !== undefined) {
    s.healthCheck = { ...(check ?? { kind: 'tcp' }), ...(interval !== undefined && check?.delayLoop === undefined ? { delayLoop: interval } : {}) };
    if (!check) p.warning(vs.line, vs.text, 'delay_loop without a health check: imported as a TCP check');
  }
  return s;
}

/** Parses the virtual_server blocks of a keepalived.conf (other sections are skipped). */
export function parseKeepalived(text: string, p: Problems = new Problems()): { services: ParsedService[]; problems: Problems } {
  const tree = parseTree(text, p);
  const services: ParsedService[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      const kw = n.words[0];
      if (kw === 'include') p.warning(n.line, n.text, `include ${n.words[1] ?? ''}: included files are not read; import them separately`);
      if (kw === 'virtual_server') {
        if (n.children === null) {
          p.error(n.line, n.text, 'virtual_server without a { … } block');
          continue;
        }
        const s = readService(n, p);
        if (s === null) continue;
        if (services.some((o) => o.key === s.key)) p.error(n.line, n.text, `virtual_server ${s.key} appears twice; the second is ignored`);
        else services.push(s);
      } else if (kw === 'virtual_server_group') {
        p.warning(n.line, n.text, 'virtual_server_group is not supported; its members are not imported');
      } else if (n.children && !['global_defs', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'static_ipaddress', 'static_routes'].includes(kw ?? '')) {
        walk(n.children);
      }
    }
  };
  walk(tree);
  if (services.length === 0) p.error(0, '', 'no virtual_server blocks found');
  return { services, problems: p };
}
