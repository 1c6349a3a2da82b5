/**
 * Goal evaluation: what a submitted design achieves, decided from the design itself, the rule
 * checker and the simulator (packet walk, kernel schedulers, VRRP failover analysis). Goals with a
 * part only the real kernel decides (`weights`, `failover`) carry `lab: 'not-run'` until the lab
 * grader (electron/services/assignment/lab.ts) fills it in.
 */
import { analyseFailover } from '../ha/analysis.ts';
import { withVrrpHolders } from '../model/ha.ts';
import type { Host, Topology, VirtualService } from '../model/types.ts';
import { parseCidr } from '../addressing/ipv4.ts';
import { outcomeCode, scheduleSequence, simulate } from '../simulator/index.ts';
import { validate } from '../validation/index.ts';
import type { FilledAssignment } from './assignment.ts';
import type { Goal, GoalKind, Localized } from './schema.ts';
import { hostId } from '../model/ids.ts';
import { challengeQuiz, challengeSeed, scoreChallenge } from './challenge.ts';
import { changedElements } from './locks.ts';

/** What goals other than design checks need: the student's challenge answers (goal id → question id → value) and seed. */
export interface GoalContext {
  readonly assignmentId: string;
  readonly seed: string;
  readonly challenges?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Result of the real-kernel part of a goal. */
export interface LabPart {
  readonly status: 'pass' | 'fail' | 'not-run' | 'not-measured';
  readonly message: Localized;
}

/** The verdict on one goal. */
export interface GoalResult {
  readonly id: string;
  readonly kind: GoalKind;
  readonly title: Localized;
  readonly points: number;
  readonly awarded: number;
  readonly passed: boolean;
  /** Why it passed or failed, with the numbers. */
  readonly message: Localized;
  readonly hint: Localized;
  /** Present for goals the real kernel decides too. */
  readonly lab?: LabPart;
}

/** Goal kinds with a real-kernel part graded by `lvsd grade --lab`. */
export const LAB_GOAL_KINDS: ReadonlySet<GoalKind> = new Set(['walk', 'weights', 'failover']);

type Verdict = { readonly passed: boolean; readonly message: Localized };
const pass = (en: string, zh: string): Verdict => ({ passed: true, message: { en, zh } });
const fail = (en: string, zh: string): Verdict => ({ passed: false, message: { en, zh } });

function findService(t: Topology, ref: string): VirtualService | undefined {
  const i = ref.lastIndexOf(':');
  const vip = ref.slice(0, i);
  const port = Number(ref.slice(i + 1));
  return t.services.find((s) => s.vip === vip && s.port === port && s.protocol !== 'fwmark');
}

const noService = (ref: string): Verdict => fail(`there is no virtual service ${ref}`, `没有虚拟服务 ${ref}`);

function balances(t: Topology, g: Extract<Goal, { kind: 'balances' }>): Verdict {
  const svc = findService(t, g.service);
  if (!svc) return noService(g.service);
  if (g.scheduler && svc.scheduler !== g.scheduler)
    return fail(`${g.service} uses the scheduler ${svc.scheduler}, not ${g.scheduler}`, `${g.service} 使用的调度算法是 ${svc.scheduler}，不是 ${g.scheduler}`);
  const live = svc.realServers.filter((r) => r.weight > 0 && (!g.method || r.method === g.method));
  const how = g.method ? ` by ${g.method.toUpperCase()}` : '';
  const howZh = g.method ? `（${g.method.toUpperCase()} 方式）` : '';
  if (live.length < g.minServers)
    return fail(
      `${g.service} has ${live.length} real server(s) of weight > 0${how}; at least ${g.minServers} are needed`,
      `${g.service} 只有 ${live.length} 台权重大于 0 的真实服务器${howZh}，至少需要 ${g.minServers} 台`,
    );
  // The kernel's scheduler must actually spread new connections over them.
  const picked = new Set(scheduleSequence({ ...svc, realServers: live }, Math.max(20, live.length * 10), { lifecycle: 'keep' }).filter((x) => x !== null));
  if (picked.size < g.minServers)
    return fail(
      `the ${svc.scheduler} scheduler sends new connections to only ${picked.size} real server(s) of ${g.service} (simulated)`,
      `模拟中 ${svc.scheduler} 调度算法只把新连接分给 ${g.service} 的 ${picked.size} 台真实服务器`,
    );
  return pass(
    `${g.service} balances over ${picked.size} real servers${how} (${svc.scheduler}, simulated)`,
    `${g.service} 在 ${picked.size} 台真实服务器之间${howZh}均衡（${svc.scheduler}，模拟）`,
  );
}

function noErrors(t: Topology, g: Extract<Goal, { kind: 'no-errors' }>): Verdict {
  if (g.service && !findService(t, g.service)) return noService(g.service);
  const errors = validate(t).filter((p) => p.severity === 'error');
  if (errors.length === 0) return pass('the checker finds no error', '检查器没有发现错误');
  const first = errors[0]!;
  return fail(
    `the checker finds ${errors.length} error(s), first [${first.rule}]: ${first.message}`,
    `检查器发现 ${errors.length} 个错误，第一个 [${first.rule}]：${first.zh?.message ?? first.message}`,
  );
}

function ruleClear(t: Topology, g: Extract<Goal, { kind: 'rule-clear' }>): Verdict {
  if (g.service && !findService(t, g.service)) return noService(g.service);
  const wanted = new Set(g.rules);
  const found = validate(t).filter((p) => wanted.has(p.rule));
  if (found.length === 0) return pass(`the checker reports nothing for ${g.rules.join(', ')}`, `检查器对 ${g.rules.join('、')} 没有报告问题`);
  const first = found[0]!;
  return fail(`[${first.rule}] ${first.message}`, `[${first.rule}] ${first.zh?.message ?? first.message}`);
}

function walk(t: Topology, g: Extract<Goal, { kind: 'walk' }>): Verdict {
  const steady = withVrrpHolders(t);
  const svc = findService(steady, g.service);
  if (!svc) return noService(g.service);
  if (!steady.hosts.some((h) => h.id === g.client)) return fail(`there is no client host "${g.client}"`, `没有客户端主机“${g.client}”`);
  const servers = svc.realServers.filter((r) => r.weight > 0);
  if (servers.length === 0) return fail(`${g.service} has no real server of weight > 0 to walk to`, `${g.service} 没有权重大于 0 的真实服务器`);
  for (const r of servers) {
    const trace = simulate(steady, { client: hostId(g.client), service: svc.id, realServer: r.id }, { seed: 1 });
    if (trace.outcome.status !== 'ok')
      return fail(
        `the walk from ${g.client} to ${g.service} through ${r.host} breaks [${outcomeCode(trace.outcome)}]: ${trace.outcome.narration.en}`,
        `从 ${g.client} 到 ${g.service} 经 ${r.host} 的数据包走查中断 [${outcomeCode(trace.outcome)}]：${trace.outcome.narration.zh}`,
      );
  }
  return pass(
    `request and reply between ${g.client} and ${g.service} work through each of ${servers.length} real servers (simulated)`,
    `${g.client} 与 ${g.service} 之间的请求和应答经每台真实服务器（共 ${servers.length} 台）都能走通（模拟）`,
  );
}

/** Shares of `ratio` (host → weight) as fractions, and whether `got` is within ±tol % of each. */
export function withinRatio(ratio: Readonly<Record<string, number>>, got: Readonly<Record<string, number>>, tolerancePct: number): boolean {
  const sumR = Object.values(ratio).reduce((a, b) => a + b, 0);
  const sumG = Object.values(got).reduce((a, b) => a + b, 0);
  if (sumG === 0) return false;
  for (const k of new Set([...Object.keys(ratio), ...Object.keys(got)])) {
    const want = (ratio[k] ?? 0) / sumR;
    const share = (got[k] ?? 0) / sumG;
    if (want === 0 ? share > 0 : Math.abs(share - want) / want > tolerancePct / 100 + 1e-9) return false;
  }
  return true;
}

const fmtShares = (m: Readonly<Record<string, number>>): string =>
  Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`)
    .join(' ');

function weights(t: Topology, g: Extract<Goal, { kind: 'weights' }>): Verdict {
  const svc = findService(t, g.service);
  if (!svc) return noService(g.service);
  const configured: Record<string, number> = {};
  for (const r of svc.realServers) if (r.weight > 0) configured[r.host] = (configured[r.host] ?? 0) + r.weight;
  if (!withinRatio(g.ratio, configured, g.tolerancePct))
    return fail(
      `the weights of ${g.service} are ${fmtShares(configured) || 'none'}; the ratio asked is ${fmtShares(g.ratio)} (±${g.tolerancePct} %)`,
      `${g.service} 的权重是 ${fmtShares(configured) || '无'}，要求的比例是 ${fmtShares(g.ratio)}（±${g.tolerancePct}%）`,
    );
  const n = g.requests ?? 40;
  const hostOfRip = new Map(svc.realServers.map((r) => [r.rip, r.host]));
  const counts: Record<string, number> = {};
  for (const rip of scheduleSequence(svc, n, { lifecycle: 'keep' })) if (rip) counts[hostOfRip.get(rip) ?? rip] = (counts[hostOfRip.get(rip) ?? rip] ?? 0) + 1;
  if (!withinRatio(g.ratio, counts, g.tolerancePct))
    return fail(
      `the ${svc.scheduler} scheduler spreads ${n} simulated connections as ${fmtShares(counts)}, not ${fmtShares(g.ratio)} ±${g.tolerancePct} % (a scheduler that ignores weights?)`,
      `${svc.scheduler} 调度算法把 ${n} 个模拟连接分配为 ${fmtShares(counts)}，不符合 ${fmtShares(g.ratio)} ±${g.tolerancePct}%（调度算法忽略了权重？）`,
    );
  return pass(
    `${n} simulated connections: ${fmtShares(counts)} (weights ${fmtShares(configured)})`,
    `${n} 个模拟连接：${fmtShares(counts)}（权重 ${fmtShares(configured)}）`,
  );
}

function arpOf(h: Host): Verdict | null {
  for (const f of h.interfaces) {
    if (f.kind !== 'ethernet' || f.segment === null) continue;
    const ignore = Math.max(h.sysctl?.arpIgnore ?? 0, f.sysctl?.arpIgnore ?? 0);
    const announce = Math.max(h.sysctl?.arpAnnounce ?? 0, f.sysctl?.arpAnnounce ?? 0);
    if (ignore < 1 || announce < 2)
      return fail(
        `${h.name}: ${f.name} has arp_ignore=${ignore}, arp_announce=${announce} (the larger of conf.all and conf.${f.name}); it needs arp_ignore ≥ 1 and arp_announce ≥ 2`,
        `${h.name}：${f.name} 上 arp_ignore=${ignore}、arp_announce=${announce}（取 conf.all 与 conf.${f.name} 的较大值），需要 arp_ignore ≥ 1 且 arp_announce ≥ 2`,
      );
  }
  return null;
}

function arp(t: Topology, g: Extract<Goal, { kind: 'arp' }>): Verdict {
  const svc = findService(t, g.service);
  if (!svc) return noService(g.service);
  for (const id of g.hosts) {
    const h = t.hosts.find((x) => x.id === id);
    if (!h) return fail(`there is no host "${id}"`, `没有主机“${id}”`);
    const vipHere = h.interfaces.some(
      (f) => (f.kind === 'loopback' || f.kind === 'ipip') && f.addresses.some((a) => parseCidr(a)?.address === svc.vip && parseCidr(a)?.prefix === 32),
    );
    if (!vipHere) return fail(`${h.name} does not hold the VIP ${svc.vip}/32 on lo or tunl0`, `${h.name} 没有在 lo 或 tunl0 上配置 VIP ${svc.vip}/32`);
    const bad = arpOf(h);
    if (bad) return bad;
  }
  return pass(
    `${g.hosts.join(', ')}: VIP on lo/tunl0, arp_ignore ≥ 1 and arp_announce ≥ 2 on every cabled interface`,
    `${g.hosts.join('、')}：VIP 在 lo/tunl0 上，所有接网接口上 arp_ignore ≥ 1 且 arp_announce ≥ 2`,
  );
}

/** What a failover goal breaks, in words ("lvs1 dies", "eth1 of lvs1 goes down"). */
export function failoverEventText(g: Extract<Goal, { kind: 'failover' }>, master: string): Localized {
  return g.event === 'interface-down'
    ? { en: `${g.iface} of ${master} goes down`, zh: `${master} 的 ${g.iface} 断开` }
    : { en: `${master} dies`, zh: `${master} 宕机` };
}

function failover(t: Topology, g: Extract<Goal, { kind: 'failover' }>): Verdict {
  const analysis = analyseFailover(t, { doubles: false }).find((a) => a.group === g.group);
  if (!analysis) return fail(`there is no director group "${g.group}"`, `没有调度器组“${g.group}”`);
  if (!analysis.steadyHolder) return fail(`no member of ${g.group} becomes master when everything works`, `一切正常时 ${g.group} 中没有成员成为主节点`);
  const master = analysis.steadyHolder;
  const ev = failoverEventText(g, master);
  const s = analysis.scenarios.find((x) => {
    const f = x.failures.length === 1 ? x.failures[0]! : null;
    if (!f || !('host' in f) || f.host !== master) return false;
    return g.event === 'interface-down' ? f.kind === 'interface-down' && f.iface === g.iface : f.kind === 'host-down';
  });
  if (!s || s.outcome !== 'failover' || s.takeoverSeconds === null)
    return fail(`when ${ev.en}, no backup takes over: ${s?.text.en ?? 'no such scenario'}`, `${ev.zh}时没有备用节点接管：${s?.text.zh ?? '无此场景'}`);
  if (s.takeoverSeconds > g.withinSeconds)
    return fail(
      `a backup takes over ${s.takeoverSeconds.toFixed(2)} s after ${ev.en}; at most ${g.withinSeconds} s is asked`,
      `${ev.zh}后 ${s.takeoverSeconds.toFixed(2)} 秒备用节点才接管，要求不超过 ${g.withinSeconds} 秒`,
    );
  return pass(
    `${s.holders.join(', ')} takes over ${s.takeoverSeconds.toFixed(2)} s after ${ev.en} (computed, ≤ ${g.withinSeconds} s)`,
    `${ev.zh}后 ${s.takeoverSeconds.toFixed(2)} 秒由 ${s.holders.join('、')} 接管（计算值，≤ ${g.withinSeconds} 秒）`,
  );
}

function challenge(t: Topology, g: Extract<Goal, { kind: 'challenge' }>, ctx: GoalContext | undefined): Verdict {
  if (!ctx) return fail('no student id to draw the questions with', '没有用于出题的学号');
  const q = challengeQuiz(t, g, challengeSeed(ctx.assignmentId, g.id, ctx.seed));
  if (!q.ok) return fail(`the challenge's flow cannot be played: ${q.error.en}`, `挑战的流无法播放：${q.error.zh}`);
  const s = scoreChallenge(q.quiz, ctx.challenges?.[g.id]);
  const text = `${s.correct} of ${s.total} packet-walk questions answered correctly (${s.answered} answered); at least ${g.minCorrect} asked`;
  const zh = `${s.total} 道数据包走查题答对 ${s.correct} 道（已答 ${s.answered} 道），要求至少 ${g.minCorrect} 道`;
  return s.correct >= g.minCorrect ? pass(text, zh) : fail(text, zh);
}

/** Evaluates one goal against a design, statically and in simulation. Never throws. */
export function evaluateGoal(t: Topology, g: Goal, ctx?: GoalContext): GoalResult {
  let v: Verdict;
  try {
    switch (g.kind) {
      case 'balances':
        v = balances(t, g);
        break;
      case 'no-errors':
        v = noErrors(t, g);
        break;
      case 'rule-clear':
        v = ruleClear(t, g);
        break;
      case 'walk':
        v = walk(t, g);
        break;
      case 'weights':
        v = weights(t, g);
        break;
      case 'arp':
        v = arp(t, g);
        break;
      case 'failover':
        v = failover(t, g);
        break;
      case 'challenge':
        v = challenge(t, g, ctx);
        break;
    }
  } catch (e) {
    v = fail(`the goal could not be evaluated: ${(e as Error).message}`, `无法评估该目标：${(e as Error).message}`);
  }
  return {
    id: g.id,
    kind: g.kind,
    title: g.title,
    points: g.points,
    awarded: v.passed ? g.points : 0,
    passed: v.passed,
    message: v.message,
    hint: g.hint,
    ...(LAB_GOAL_KINDS.has(g.kind)
      ? { lab: { status: 'not-run', message: { en: 'not run on the real kernel (grade with --lab)', zh: '未在真实内核上运行（用 --lab 评分）' } } }
      : {}),
  };
}

/** Evaluates every goal of a filled assignment against `t` (with the student's challenge answers, if any). */
export function evaluateGoals(
  f: Pick<FilledAssignment, 'goals' | 'seed'> & { readonly assignment: { readonly id: string } },
  t: Topology,
  challenges?: GoalContext['challenges'],
): GoalResult[] {
  const ctx: GoalContext = { assignmentId: f.assignment.id, seed: f.seed, ...(challenges ? { challenges } : {}) };
  return f.goals.map((g) => evaluateGoal(t, g, ctx));
}

/** The locked elements (ids) that the submission removed or changed compared with the filled start. */
export function lockedViolations(f: Pick<FilledAssignment, 'assignment' | 'start'>, t: Topology): string[] {
  return changedElements(f.assignment.locked, f.start.topology, t);
}
