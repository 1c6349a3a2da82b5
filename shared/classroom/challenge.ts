/**
 * Challenge mode of the packet walk: multiple-choice questions asked before a step is shown
 * ("what is the destination MAC on this wire?", "which netfilter hook next?", "which real server?").
 * Pure and seeded: the same design, trace and seed give the same quiz. The correct answer is read
 * from the trace step itself; the distractors come from the design's own addresses and MACs, most
 * plausible first (the value before the step, the other header field, VIP vs RIP vs DIP, the other
 * addresses and MACs on the path). A result record (zod schema below) is what the classroom exports
 * and what the instructor feature reads (docs/classroom.md, "Challenge mode").
 */
import * as z from 'zod';
import type { Topology } from '../model/types.ts';
import type { Narration, NetfilterHook, PacketPlace, Trace, TraceStep } from '../simulator/types.ts';
import { createRng, type Rng } from '../simulator/rng.ts';

/**
 * What a question asks: the Ethernet destination MAC, the IPv4 source/destination address of the
 * client packet, the outer IPIP source/destination (LVS-TUN), the next netfilter hook, or the real
 * server the IPVS scheduler picks.
 */
export type QuestionKind = 'eth.dst' | 'ip.src' | 'ip.dst' | 'outer.src' | 'outer.dst' | 'hook' | 'real-server';

export const QUESTION_KINDS: readonly QuestionKind[] = ['eth.dst', 'ip.src', 'ip.dst', 'outer.src', 'outer.dst', 'hook', 'real-server'];

/** One answer offered: `value` is what is compared and exported, `label` what is shown. */
export interface Choice {
  readonly value: string;
  readonly label: string;
}

/** A question asked before step `stepIndex` of the trace is shown. */
export interface Question {
  /** Stable within one quiz: `q<step>-<kind>`. */
  readonly id: string;
  readonly stepIndex: number;
  readonly kind: QuestionKind;
  /** The question in both UI languages, naming the place (host or wire). */
  readonly prompt: Narration;
  /** 2–4 distinct choices in display order (A–D); exactly one equals `answer`. */
  readonly choices: readonly Choice[];
  /** The correct `value`. */
  readonly answer: string;
}

/** Options of {@link buildChallenge}. */
export interface ChallengeOptions {
  /** Most questions per quiz (8 when absent); the scheduler and IPIP steps always get theirs. */
  readonly max?: number;
}

const HOOKS: readonly NetfilterHook[] = ['PREROUTING', 'LOCAL_IN', 'FORWARD', 'LOCAL_OUT', 'POSTROUTING'];
const BROADCAST = 'ff:ff:ff:ff:ff:ff';

const below = (rng: Rng, n: number): number => rng.nextU32() % n;

function shuffle<T>(rng: Rng, xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = below(rng, i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const bare = (cidr: string): string => cidr.split('/')[0]!;

function hostName(t: Topology, id: string): string {
  return t.hosts.find((h) => h.id === id)?.name ?? id;
}

function placeText(t: Topology, p: PacketPlace): { en: string; zh: string } {
  if (p.kind === 'host') {
    const n = hostName(t, p.host);
    return { en: `on ${n}`, zh: `在 ${n} 上` };
  }
  const seg = t.segments.find((s) => s.id === p.segment)?.name ?? p.segment;
  const from = hostName(t, p.from.host);
  const to = p.to ? hostName(t, p.to.host) : '*';
  return { en: `on the wire ${seg} (${from} → ${to})`, zh: `在链路 ${seg} 上（${from} → ${to}）` };
}

function prompt(kind: QuestionKind, where: { en: string; zh: string }): Narration {
  switch (kind) {
    case 'eth.dst':
      return { en: `What is the destination MAC of the frame ${where.en}?`, zh: `${where.zh}，这个帧的目的 MAC 是什么？` };
    case 'ip.src':
      return { en: `What is the source IP of the client packet ${where.en}?`, zh: `${where.zh}，客户端数据包的源 IP 是什么？` };
    case 'ip.dst':
      return { en: `What is the destination IP of the client packet ${where.en}?`, zh: `${where.zh}，客户端数据包的目的 IP 是什么？` };
    case 'outer.src':
      return { en: `What is the source IP of the outer IPIP header ${where.en}?`, zh: `${where.zh}，外层 IPIP 头的源 IP 是什么？` };
    case 'outer.dst':
      return { en: `What is the destination IP of the outer IPIP header ${where.en}?`, zh: `${where.zh}，外层 IPIP 头的目的 IP 是什么？` };
    case 'hook':
      return { en: `Which netfilter hook does the packet traverse next ${where.en}?`, zh: `${where.zh}，数据包接下来经过哪个 Netfilter 钩子？` };
    case 'real-server':
      return { en: `Which real server does the IPVS scheduler pick ${where.en}?`, zh: `${where.zh}，IPVS 调度器选择哪台真实服务器？` };
  }
}

/** The kinds a step can be asked about, most telling first. */
function kindsFor(step: TraceStep): QuestionKind[] {
  const p = step.packet;
  if (step.kind === 'schedule' && step.conn) return ['real-server'];
  if (step.kind === 'encapsulate' && p?.outer) return ['outer.dst', 'outer.src'];
  if (step.kind === 'rewrite' && p?.ip) {
    const ks: QuestionKind[] = [];
    if (step.changed.includes('ip.dst')) ks.push('ip.dst');
    if (step.changed.includes('ip.src')) ks.push('ip.src');
    if (step.changed.includes('eth.dst') && p.eth) ks.push('eth.dst');
    return ks;
  }
  if (step.kind === 'hook' && step.hook) return ['hook'];
  if (step.kind === 'transmit' && p?.ip && p.eth) {
    const ks: QuestionKind[] = ['eth.dst', 'ip.dst', 'ip.src'];
    if (p.outer) ks.push('outer.src', 'outer.dst');
    return ks;
  }
  return [];
}

/** The correct value of a question kind at a step (undefined when the step does not carry it). */
export function answerOf(trace: Trace, step: TraceStep, kind: QuestionKind): string | undefined {
  const p = step.packet;
  switch (kind) {
    case 'eth.dst':
      return p?.eth?.dst;
    case 'ip.src':
      return p?.ip?.src;
    case 'ip.dst':
      return p?.ip?.dst;
    case 'outer.src':
      return p?.outer?.src;
    case 'outer.dst':
      return p?.outer?.dst;
    case 'hook':
      return step.hook;
    case 'real-server':
      return step.conn?.realServer ?? trace.realServer;
  }
}

/** The same packet's value of the field before this step (the "pre-step" distractor). */
function before(trace: Trace, step: TraceStep, kind: QuestionKind): string | undefined {
  for (let i = step.index - 1; i >= 0; i--) {
    const s = trace.steps[i]!;
    if (s.phase !== step.phase || !s.packet?.ip) continue;
    const v = answerOf(trace, s, kind);
    if (v !== undefined) return v;
  }
  return undefined;
}

function pathHosts(trace: Trace): Set<string> {
  const hs = new Set<string>();
  for (const s of trace.steps) {
    if (s.place.kind === 'host') hs.add(s.place.host);
    else {
      hs.add(s.place.from.host);
      if (s.place.to) hs.add(s.place.to.host);
    }
  }
  return hs;
}

/** Plausible wrong IPs, most plausible first: pre-step value, the other field, VIP/RIPs/DIP, the path. */
function ipPool(t: Topology, trace: Trace, step: TraceStep, kind: QuestionKind): Pool {
  const p = step.packet;
  const strong: string[] = [];
  const out: string[] = [];
  const add = (v: string | undefined): void => void (v && out.push(v));
  const must = (v: string | undefined): void => void (v && strong.push(v));
  must(before(trace, step, kind));
  if (kind === 'ip.src') must(p?.ip?.dst);
  if (kind === 'ip.dst') must(p?.ip?.src);
  if (kind === 'outer.src') {
    must(p?.outer?.dst);
    add(p?.ip?.src);
  }
  if (kind === 'outer.dst') {
    must(p?.ip?.dst);
    add(p?.outer?.src);
  }
  const svc = trace.service ? t.services.find((v) => v.id === trace.service!.id) : undefined;
  add(trace.service?.vip);
  for (const r of svc?.realServers ?? []) add(r.rip);
  const director = svc ? t.hosts.find((h) => h.id === svc.director) : undefined;
  for (const f of director?.interfaces ?? []) for (const a of f.addresses) add(bare(a));
  for (const s of trace.steps) {
    add(s.packet?.ip?.src);
    add(s.packet?.ip?.dst);
    add(s.packet?.outer?.src);
    add(s.packet?.outer?.dst);
    add(s.route?.nextHop);
  }
  const on = pathHosts(trace);
  for (const h of t.hosts) if (on.has(h.id)) for (const f of h.interfaces) for (const a of f.addresses) add(bare(a));
  return { strong, weak: out };
}

function macPool(trace: Trace, step: TraceStep): Pool {
  const strong = [before(trace, step, 'eth.dst'), step.packet?.eth?.src].filter((v): v is string => !!v);
  const out: string[] = [];
  const add = (v: string | undefined): void => void (v && out.push(v));
  for (const s of trace.steps) {
    add(s.packet?.eth?.src);
    add(s.packet?.eth?.dst === BROADCAST ? undefined : s.packet?.eth?.dst);
    add(s.packet?.arp?.senderMac);
  }
  add(BROADCAST);
  return { strong, weak: out };
}

function hookPool(step: TraceStep): Pool {
  // The hooks a student mixes up with the right one come first.
  const near: Record<NetfilterHook, NetfilterHook[]> = {
    PREROUTING: ['LOCAL_IN', 'FORWARD', 'POSTROUTING'],
    LOCAL_IN: ['FORWARD', 'PREROUTING', 'POSTROUTING'],
    FORWARD: ['LOCAL_IN', 'POSTROUTING', 'PREROUTING'],
    LOCAL_OUT: ['POSTROUTING', 'PREROUTING', 'LOCAL_IN'],
    POSTROUTING: ['FORWARD', 'LOCAL_OUT', 'PREROUTING'],
  };
  return { strong: [], weak: step.hook ? [...near[step.hook], ...HOOKS] : [...HOOKS] };
}

/** Distractor candidates: `strong` ones (the value before the step, the other field) are always offered. */
interface Pool {
  readonly strong: readonly string[];
  readonly weak: readonly string[];
}

function labelOf(t: Topology, trace: Trace, kind: QuestionKind, value: string): string {
  if (kind !== 'real-server') return value;
  const svc = trace.service ? t.services.find((v) => v.id === trace.service!.id) : undefined;
  const r = svc?.realServers.find((x) => x.id === value);
  return r ? `${hostName(t, r.host)} (${r.rip})` : value;
}

function questionAt(t: Topology, trace: Trace, step: TraceStep, kind: QuestionKind, rng: Rng): Question | undefined {
  const answer = answerOf(trace, step, kind);
  if (answer === undefined) return undefined;
  let pool: Pool;
  if (kind === 'eth.dst') pool = macPool(trace, step);
  else if (kind === 'hook') pool = hookPool(step);
  else if (kind === 'real-server') {
    const svc = trace.service ? t.services.find((v) => v.id === trace.service!.id) : undefined;
    pool = { strong: [], weak: (svc?.realServers ?? []).map((r) => r.id) };
  } else pool = ipPool(t, trace, step, kind);
  const strong = [...new Set(pool.strong)].filter((v) => v !== answer).slice(0, 3);
  const weak = [...new Set(pool.weak)].filter((v) => v !== answer && !strong.includes(v));
  // The rest drawn from the next most plausible, so two seeds differ but stay sensible.
  const wrong = [...strong, ...shuffle(rng, weak.slice(0, 5 - strong.length))].slice(0, 3);
  if (wrong.length === 0) return undefined;
  const values = shuffle(rng, [answer, ...wrong]);
  return {
    id: `q${step.index}-${kind}`,
    stepIndex: step.index,
    kind,
    prompt: prompt(kind, placeText(t, step.place)),
    choices: values.map((v) => ({ value: v, label: labelOf(t, trace, kind, v) })),
    answer,
  };
}

/**
 * Builds the quiz of a trace: at most one question per step, in trace order. Steps where the
 * scheduler picks a real server, IPIP encapsulation and NAT rewrites are always asked; the other
 * candidates (frames on a wire, hooks) are sampled with `seed`. Same inputs, same quiz.
 * @example buildChallenge(drLab(), simulate(drLab(), flow, { seed: 1 }), 7)
 */
export function buildChallenge(t: Topology, trace: Trace, seed: number, options: ChallengeOptions = {}): Question[] {
  const max = Math.max(1, options.max ?? 8);
  const rng = createRng(seed ^ 0x5eed);
  const key: TraceStep[] = [];
  const rest: TraceStep[] = [];
  for (const s of trace.steps) {
    if (kindsFor(s).length === 0) continue;
    (s.kind === 'schedule' || s.kind === 'encapsulate' || s.kind === 'rewrite' ? key : rest).push(s);
  }
  const picked = new Set(key.slice(0, max).map((s) => s.index));
  // Hooks are the most numerous steps; at most a third of the quiz, so addresses and MACs get asked too.
  let hooks = 0;
  const shuffled = shuffle(rng, rest);
  for (const s of shuffled) {
    if (picked.size >= max) break;
    if (s.kind === 'hook' && hooks >= Math.max(1, Math.floor(max / 3))) continue;
    if (s.kind === 'hook') hooks++;
    picked.add(s.index);
  }
  for (const s of shuffled) if (picked.size < max) picked.add(s.index);
  const out: Question[] = [];
  for (const s of trace.steps) {
    if (!picked.has(s.index)) continue;
    const kinds = kindsFor(s);
    // The first kind of a key step is the point of that step; elsewhere any kind will do.
    const first = key.includes(s) ? 0 : below(rng, kinds.length);
    for (let k = 0; k < kinds.length; k++) {
      const q = questionAt(t, trace, s, kinds[(first + k) % kinds.length]!, rng);
      if (q) {
        out.push(q);
        break;
      }
    }
  }
  return out;
}

/** Running score: questions answered, answered right, and in the quiz. */
export interface Score {
  readonly answered: number;
  readonly correct: number;
  readonly total: number;
}

/** The score of `answers` (question id → chosen value) against `questions`. */
export function scoreOf(questions: readonly Question[], answers: Readonly<Record<string, string>>): Score {
  let answered = 0;
  let correct = 0;
  for (const q of questions) {
    const a = answers[q.id];
    if (a === undefined) continue;
    answered++;
    if (a === q.answer) correct++;
  }
  return { answered, correct, total: questions.length };
}

/** Format tag and version of an exported challenge result. */
export const CHALLENGE_RESULT_FORMAT = 'lvs-designer/challenge-result';
export const CHALLENGE_RESULT_VERSION = 1;

/** zod schema of one exported challenge result (documented in docs/classroom.md). */
export const challengeResultSchema = z.object({
  format: z.literal(CHALLENGE_RESULT_FORMAT),
  version: z.literal(CHALLENGE_RESULT_VERSION),
  /** The design's name (metadata), when it has one. */
  design: z.string(),
  /** The quiz seed (= the walk's seed). */
  seed: z.number().int(),
  flow: z.object({
    client: z.string(),
    service: z.string(),
    realServer: z.string().nullable(),
    method: z.enum(['nat', 'dr', 'tun']).nullable(),
  }),
  /** ISO 8601 time of the export. */
  exportedAt: z.string(),
  score: z.object({ answered: z.number().int().min(0), correct: z.number().int().min(0), total: z.number().int().min(0) }),
  questions: z.array(
    z.object({
      id: z.string(),
      stepIndex: z.number().int().min(0),
      kind: z.enum(['eth.dst', 'ip.src', 'ip.dst', 'outer.src', 'outer.dst', 'hook', 'real-server']),
      prompt: z.object({ en: z.string(), zh: z.string() }),
      choices: z.array(z.string()).min(2).max(4),
      answer: z.string(),
      /** The value chosen, null when not answered. */
      chosen: z.string().nullable(),
      correct: z.boolean(),
    }),
  ),
});

export type ChallengeResult = z.infer<typeof challengeResultSchema>;

/** Builds the exportable result record of a quiz. */
export function challengeResult(
  meta: { design: string; seed: number; flow: ChallengeResult['flow']; exportedAt: string },
  questions: readonly Question[],
  answers: Readonly<Record<string, string>>,
): ChallengeResult {
  return {
    format: CHALLENGE_RESULT_FORMAT,
    version: CHALLENGE_RESULT_VERSION,
    design: meta.design,
    seed: meta.seed,
    flow: meta.flow,
    exportedAt: meta.exportedAt,
    score: scoreOf(questions, answers),
    questions: questions.map((q) => ({
      id: q.id,
      stepIndex: q.stepIndex,
      kind: q.kind,
      prompt: q.prompt,
      choices: q.choices.map((c) => c.value),
      answer: q.answer,
      chosen: answers[q.id] ?? null,
      correct: answers[q.id] === q.answer,
    })),
  };
}
