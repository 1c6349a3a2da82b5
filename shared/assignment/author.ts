/**
 * Authoring: an assignment from a teacher's finished design. {@link suggestGoals} proposes the
 * goals the design meets (the teacher ticks which to keep), {@link templatizeDesign} turns the
 * design's segments into per-student subnet variables, and {@link authorAssignment} puts it together.
 */
import { formatIPv4, parseCidr, parseIPv4 } from '../addressing/ipv4.ts';
import { analyseFailover } from '../ha/analysis.ts';
import type { DesignFile, Topology, VirtualService } from '../model/types.ts';
import type { AssignmentFile, Goal, Localized, PlanVariable } from './schema.ts';
import { ASSIGNMENT_FORMAT_VERSION } from './schema.ts';

const WEIGHTED = new Set(['wrr', 'wlc', 'sed', 'nq', 'lblc', 'lblcr', 'ovf', 'mh']);

const ref = (s: VirtualService): string => `${s.vip}:${s.port}`;

/** The goals `t` meets by construction, 10 points each, with generic hints (edit them freely). */
export function suggestGoals(t: Topology): Goal[] {
  const out: Goal[] = [];
  const client = t.hosts.find((h) => h.role === 'client')?.id;
  const services = t.services.filter((s) => s.protocol !== 'fwmark' && s.port > 0);
  for (const [i, s] of services.entries()) {
    const n = i === 0 ? '' : `-${i + 1}`;
    const live = s.realServers.filter((r) => r.weight > 0);
    const methods = [...new Set(live.map((r) => r.method))];
    const method = methods.length === 1 ? methods[0]! : undefined;
    const M = method ? method.toUpperCase() : '';
    out.push({
      id: `balances${n}`,
      kind: 'balances',
      points: 10,
      service: ref(s),
      minServers: Math.max(1, live.length),
      ...(method ? { method } : {}),
      scheduler: s.scheduler,
      title: {
        en: `${ref(s)} balances over ${live.length} real servers${M ? ` by ${M}` : ''} (${s.scheduler})`,
        zh: `${ref(s)} 在 ${live.length} 台真实服务器之间均衡${M ? `（${M} 方式）` : ''}（${s.scheduler}）`,
      },
      hint: {
        en: `Create the virtual service ${ref(s)} on the director with the ${s.scheduler} scheduler and add every real server.`,
        zh: `在调度器上创建虚拟服务 ${ref(s)}，调度算法 ${s.scheduler}，并添加所有真实服务器。`,
      },
    });
    if (client)
      out.push({
        id: `walk${n}`,
        kind: 'walk',
        points: 10,
        client,
        service: ref(s),
        title: { en: `The packet walk from ${client} to ${ref(s)} works`, zh: `从 ${client} 到 ${ref(s)} 的数据包走查能走通` },
        hint: { en: 'Run the packet walk for each real server and read where it breaks.', zh: '对每台真实服务器运行数据包走查，看它在哪里中断。' },
      });
    const weights = new Set(live.map((r) => r.weight));
    if (WEIGHTED.has(s.scheduler) && weights.size > 1) {
      const ratio: Record<string, number> = {};
      for (const r of live) ratio[r.host] = (ratio[r.host] ?? 0) + r.weight;
      const text = Object.values(ratio).join(':');
      out.push({
        id: `weights${n}`,
        kind: 'weights',
        points: 10,
        service: ref(s),
        ratio,
        tolerancePct: 10,
        // Enough requests that each share is a whole number of rounds of the weights.
        requests: Math.min(1000, Math.max(40, 10 * Object.values(ratio).reduce((a, b) => a + b, 0))),
        title: { en: `Real servers share new connections ${text} (±10 %)`, zh: `真实服务器按 ${text}（±10%）分担新连接` },
        hint: { en: `Give the real servers the weights ${text} and use a weighted scheduler.`, zh: `把真实服务器的权重设为 ${text}，并使用带权重的调度算法。` },
      });
    }
    const quiet = [...new Set(live.filter((r) => r.method === 'dr' || r.method === 'tun').map((r) => r.host))];
    if (quiet.length > 0)
      out.push({
        id: `arp${n}`,
        kind: 'arp',
        points: 10,
        service: ref(s),
        hosts: quiet,
        title: { en: `${quiet.join(', ')} hold the VIP and never answer ARP for it`, zh: `${quiet.join('、')} 持有 VIP 且从不应答它的 ARP` },
        hint: {
          en: 'VIP/32 on lo (DR) or tunl0 (TUN); arp_ignore=1 and arp_announce=2 on the real servers.',
          zh: 'VIP/32 配在 lo（DR）或 tunl0（TUN）上；真实服务器上 arp_ignore=1、arp_announce=2。',
        },
      });
  }
  for (const a of analyseFailover(t, { doubles: false })) {
    const s = a.scenarios.find((x) => x.failures.length === 1 && x.failures[0]!.kind === 'host-down' && x.failures[0]!.host === a.steadyHolder);
    if (!s || s.outcome !== 'failover' || s.takeoverSeconds === null) continue;
    const within = Math.ceil(s.takeoverSeconds + 1);
    out.push({
      id: `failover-${a.group}`
        .slice(0, 48)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
      kind: 'failover',
      points: 10,
      group: a.group,
      withinSeconds: within,
      title: { en: `${a.name}: a backup takes over within ${within} s`, zh: `${a.name}：备用节点在 ${within} 秒内接管` },
      hint: {
        en: 'Check priorities, advert_int and that the backup shares the VIP’s segment.',
        zh: '检查优先级、advert_int，以及备用节点是否与 VIP 处于同一网段。',
      },
    });
  }
  if (services.length > 0)
    out.push({
      id: 'no-errors',
      kind: 'no-errors',
      points: 10,
      service: ref(services[0]!),
      title: { en: 'The checker finds no error', zh: '检查器没有发现错误' },
      hint: { en: 'Open the Problems panel: each error names the host and the fix.', zh: '打开“问题”面板：每个错误都指出了主机和修改方法。' },
    });
  return out;
}

const POOLS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/**
 * Per-student subnets for the segments of `t`: every segment of prefix 16..30 becomes a `subnet`
 * variable drawn from the private range it lies in (its own /16 otherwise), and every address
 * inside it, anywhere in `value`, becomes `{{NAME.offset}}`. Returns the variables and the
 * templated value (the design, its goals — anything JSON).
 */
export function templatizeDesign<T>(t: Topology, value: T): { variables: PlanVariable[]; template: T } {
  const variables: PlanVariable[] = [];
  const segs: { name: string; network: number; prefix: number }[] = [];
  const used = new Set<string>();
  for (const s of t.segments) {
    const c = parseCidr(s.cidr);
    if (!c || c.prefix < 16 || c.prefix > 30) continue;
    let name = s.id.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
    if (!/^[A-Z]/.test(name)) name = `NET_${name}`;
    name = name.slice(0, 28);
    for (let k = 2; used.has(name); k++) name = `${name.slice(0, 28)}_${k}`;
    used.add(name);
    const pool = POOLS.find((p) => (c.network & ~(2 ** (32 - p.prefix) - 1)) >>> 0 === p.network && p.prefix <= c.prefix);
    variables.push({
      name,
      kind: 'subnet',
      pool: pool ? `${formatIPv4(pool.network)}/${pool.prefix}` : `${formatIPv4((c.network & 0xffff0000) >>> 0)}/16`,
      prefix: c.prefix,
    });
    segs.push({ name, network: c.network, prefix: c.prefix });
  }
  const text = JSON.stringify(value).replace(/\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g, (m) => {
    const a = parseIPv4(m);
    if (a === null) return m;
    const seg = segs.find((s) => a >= s.network && a < s.network + 2 ** (32 - s.prefix));
    return seg ? `{{${seg.name}.${a - seg.network}}}` : m;
  });
  return { variables, template: JSON.parse(text) as T };
}

/** Options of {@link authorAssignment}. */
export interface AuthorOptions {
  readonly id: string;
  readonly title: Localized;
  readonly instructions?: Localized;
  /** Goal ids of {@link suggestGoals} to keep (all when absent). */
  readonly goals?: readonly string[];
  /** Draw each segment's subnet per student (default true). */
  readonly randomise?: boolean;
  /** What the student starts from: the design without its virtual services (default), an empty design, or the design itself. */
  readonly start?: 'no-services' | 'empty' | 'solution';
  /** Exam mode with this many minutes. */
  readonly examMinutes?: number;
  /** Ids the student may not change (default: every segment, client and router; none for an empty start). */
  readonly locked?: readonly string[];
}

/** The elements locked unless the teacher picks others: every segment, client and router. */
export function defaultLocked(t: Topology): string[] {
  return [...t.segments.map((s) => s.id), ...t.hosts.filter((h) => h.role === 'client' || h.role === 'router').map((h) => h.id)];
}

/** An assignment whose solution is `design`. */
export function authorAssignment(design: DesignFile, o: AuthorOptions): AssignmentFile {
  const t = design.topology;
  const wanted = o.goals ? new Set(o.goals) : null;
  const goals = suggestGoals(t).filter((g) => !wanted || wanted.has(g.id));
  const startTopology: Topology =
    o.start === 'empty' ? { name: t.name, segments: [], hosts: [], services: [] } : o.start === 'solution' ? t : { ...t, services: [] };
  const startFile: DesignFile = { ...design, topology: startTopology, layout: o.start === 'empty' ? { positions: {} } : design.layout };
  const locked = o.locked ? [...o.locked] : o.start === 'empty' ? [] : defaultLocked(t);
  const raw = { start: startFile, solution: design, goals };
  const { variables, template } = o.randomise === false ? { variables: [], template: raw } : templatizeDesign(t, raw);
  const planLine = variables.map((v) => `{{${v.name}}}`).join(', ');
  const instructions = o.instructions ?? {
    en: `# ${o.title.en}\n\n${planLine ? `Your address plan: ${planLine}.\n\n` : ''}Complete the design so that every goal below is met.`,
    zh: `# ${o.title.zh}\n\n${planLine ? `你的地址规划：${planLine}。\n\n` : ''}完成设计，使下面的每个目标都达成。`,
  };
  return {
    format: 'lvs-assignment',
    formatVersion: ASSIGNMENT_FORMAT_VERSION,
    id: o.id,
    title: o.title,
    instructions,
    ...(o.examMinutes ? { exam: { minutes: o.examMinutes } } : {}),
    plan: { variables },
    start: template.start as unknown as AssignmentFile['start'],
    locked,
    goals: template.goals as unknown as AssignmentFile['goals'],
    solution: template.solution as unknown as AssignmentFile['solution'],
  };
}
