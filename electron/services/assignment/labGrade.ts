/**
 * The real-kernel part of grading (`lvsd grade --lab`): each submission's design is built in the
 * built-in qemu lab (one network namespace per host, the generated configuration applied as a
 * deploy would), then the goals with a kernel part are checked with real requests from the
 * client's namespace: `walk` (every request to VIP:PORT answered by a real server) and `weights`
 * (the shares of N requests, by the host names the lab's web servers answer with). `failover` is
 * decided by the computed VRRP takeover; its kernel measurement is not part of this version and
 * says so (`not-measured`).
 *
 * One submission after another; each has a time budget. A submission that overruns it is marked
 * `timeout`, the commands still running are waited for (each has its own SSH timeout), and its
 * hosts are removed before the next one starts: nothing of one student's design meets another's,
 * and no namespace stays behind.
 */
import type { Topology } from '../../../shared/model/types.ts';
import type { Goal, Grade, GoalResult, LabPart, AcceptedSubmission } from '../../../shared/assignment/index.ts';
import { totalled, withinRatio } from '../../../shared/assignment/index.ts';
import type { LabVm } from '../lab/vm.ts';
import { LabError, sshToLab } from '../lab/vm.ts';
import { createHosts, destroyHosts, runInHost } from '../lab/hosts.ts';
import { applyDesign } from '../lab/apply.ts';
import { hostId } from '../../../shared/model/ids.ts';

/** What the lab grader needs from a lab: injectable so the batch logic is testable without qemu. */
export interface LabBackend {
  /** Builds the design's hosts and applies its configuration (throws with the failing host's output). */
  build(t: Topology): Promise<void>;
  /** Up to `n` HTTP GETs from `host` to `url`, one after another; each body's first line, or `FAILED` (it stops after 3 of those). */
  fetch(host: string, url: string, n: number, timeoutMs: number): Promise<string[]>;
  /** Removes every design host. */
  clear(): Promise<void>;
  /** Whether the lab still answers. */
  alive(): Promise<boolean>;
}

/** The backend of a running lab VM. */
export function vmBackend(vm: LabVm): LabBackend {
  return {
    async build(t) {
      await createHosts(vm, t);
      await applyDesign(vm, t);
    },
    async fetch(host, url, n, timeoutMs) {
      if (!/^http:\/\/\d{1,3}(\.\d{1,3}){3}:\d{1,5}\/$/.test(url)) throw new LabError(`refusing URL ${url}`);
      // No `wget -T`: the lab's busybox wget crashes on it (exit 139); `timeout` bounds each request.
      // After 3 unanswered requests the rest are not sent: a broken design costs ~15 s, not n × 5 s.
      const script = `i=0 f=0; while [ $i -lt ${n} ] && [ $f -lt 3 ]; do i=$((i+1)); timeout 5 wget -qO- ${url} 2>/dev/null | head -n 1 | grep . || { echo FAILED; f=$((f+1)); }; done`;
      const r = await runInHost(vm, hostId(host), script, {}, timeoutMs);
      if (r.code !== 0) throw new LabError(`requests from ${host} failed (exit ${r.code}): ${r.stderr.trim()}`);
      return r.stdout.trim().split('\n');
    },
    async clear() {
      await destroyHosts(vm);
    },
    async alive() {
      return sshToLab(vm, 'true', { timeoutMs: 15_000 })
        .then((r) => r.code === 0)
        .catch(() => false);
    },
  };
}

/** Options of {@link gradeInLab}. */
export interface LabGradeOptions {
  /** Time budget of one submission in the lab (build + requests); default 300 s (a DR lab takes 15–25 s on a quiet machine, over 2 min on a loaded one). */
  readonly timeoutMs?: number;
  /** Called before and after each submission. */
  readonly onProgress?: (e: {
    readonly index: number;
    readonly total: number;
    readonly file: string;
    readonly phase: 'start' | 'done';
    readonly grade?: Grade;
    readonly ms?: number;
  }) => void;
}

const part = (status: LabPart['status'], en: string, zh: string): LabPart => ({ status, message: { en, zh } });

const counts = (bodies: readonly string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const b of bodies) if (b !== 'FAILED') out[b] = (out[b] ?? 0) + 1;
  return out;
};

const fmt = (m: Readonly<Record<string, number>>): string =>
  Object.entries(m)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}:${v}`)
    .join(' ') || 'none';

async function labPartOf(b: LabBackend, g: Goal, t: Topology, requestTimeoutMs: number): Promise<LabPart | null> {
  const clientOf = (id?: string) => id ?? t.hosts.find((h) => h.role === 'client')?.id;
  if (g.kind === 'walk' || g.kind === 'weights') {
    const client = clientOf(g.client);
    if (!client || !t.hosts.some((h) => h.id === client)) return part('fail', `no client host to send requests from`, `没有可发送请求的客户端主机`);
    const url = `http://${g.service}/`;
    if (g.kind === 'walk') {
      const n = Math.max(2, 2 * (t.services.find((s) => `${s.vip}:${s.port}` === g.service)?.realServers.length ?? 1));
      const bodies = await b.fetch(client, url, n, requestTimeoutMs);
      const failed = bodies.filter((x) => x === 'FAILED').length;
      return failed === 0
        ? part(
            'pass',
            `${n} requests from ${client} to ${g.service} answered (${fmt(counts(bodies))})`,
            `从 ${client} 到 ${g.service} 的 ${n} 个请求都有应答（${fmt(counts(bodies))}）`,
          )
        : part(
            'fail',
            `${failed} of ${bodies.length} requests from ${client} to ${g.service} got no answer`,
            `从 ${client} 到 ${g.service} 的 ${bodies.length} 个请求中有 ${failed} 个没有应答`,
          );
    }
    const n = g.requests ?? 40;
    const bodies = await b.fetch(client, url, n, requestTimeoutMs);
    const got = counts(bodies);
    const unanswered = bodies.filter((x) => x === 'FAILED').length;
    if (unanswered > 0)
      return part(
        'fail',
        `${unanswered} of ${bodies.length} requests on the real kernel got no answer (${fmt(got)})`,
        `真实内核上 ${bodies.length} 个请求中有 ${unanswered} 个没有应答（${fmt(got)}）`,
      );
    return withinRatio(g.ratio, got, g.tolerancePct)
      ? part('pass', `${n} requests on the real kernel: ${fmt(got)}`, `真实内核上的 ${n} 个请求：${fmt(got)}`)
      : part(
          'fail',
          `${n} requests on the real kernel: ${fmt(got)}, not ${fmt(g.ratio)} ±${g.tolerancePct} %`,
          `真实内核上的 ${n} 个请求：${fmt(got)}，不符合 ${fmt(g.ratio)} ±${g.tolerancePct}%`,
        );
  }
  if (g.kind === 'failover')
    return part(
      'not-measured',
      'the takeover time is the computed one; this version does not measure it on the kernel',
      '接管时间采用计算值；此版本不在真实内核上测量',
    );
  return null;
}

function merge(r: GoalResult, lab: LabPart | null): GoalResult {
  if (!lab) return r;
  const passed = r.passed && lab.status !== 'fail';
  return { ...r, lab, passed, awarded: passed ? r.points : 0 };
}

/** Runs the kernel part of one accepted, statically graded submission. Throws on a lab failure. */
async function runOne(b: LabBackend, grade: Grade, s: AcceptedSubmission, deadline: number): Promise<Grade> {
  const t = s.design.topology;
  const left = () => Math.max(1_000, deadline - Date.now());
  const goals = new Map(s.filled.goals.map((g) => [g.id, g] as const));
  let built: LabPart | null = null;
  try {
    await b.build(t);
  } catch (e) {
    if (!(e instanceof LabError)) throw e;
    // The student's configuration did not apply: every kernel part fails with the output.
    built = part('fail', `the design could not be built in the lab: ${e.message}`, `设计无法在实验环境中构建：${e.message}`);
  }
  const out: GoalResult[] = [];
  for (const r of grade.goals) {
    const g = goals.get(r.id);
    if (!g || !r.lab) {
      out.push(r);
      continue;
    }
    out.push(merge(r, built ?? (await labPartOf(b, g, t, left()))));
  }
  return totalled({ ...grade, goals: out, lab: true });
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve({ done: false }), ms);
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve({ done: true, value });
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * Grades the kernel parts of `items` in the lab, one after another, and returns the grades in the
 * same order. Items whose grade is not `graded` (malformed, wrong seed …) or that have no kernel
 * goal are passed through. The lab's hosts are removed after every submission and at the end.
 */
export async function gradeInLab(
  b: LabBackend,
  items: readonly { grade: Grade; accepted: AcceptedSubmission | null }[],
  opts: LabGradeOptions = {},
): Promise<Grade[]> {
  const budget = opts.timeoutMs ?? 300_000;
  const out: Grade[] = [];
  let labDead: string | null = null;
  try {
    for (const [i, item] of items.entries()) {
      const { grade, accepted } = item;
      if (!accepted || grade.status !== 'graded' || !grade.goals.some((g) => g.lab)) {
        out.push(grade);
        continue;
      }
      if (labDead) {
        out.push({ ...grade, status: 'lab-error', reason: { en: `not run: ${labDead}`, zh: `未运行：${labDead}` }, points: 0 });
        continue;
      }
      opts.onProgress?.({ index: i, total: items.length, file: grade.file, phase: 'start' });
      const t0 = Date.now();
      const running = runOne(b, grade, accepted, t0 + budget);
      let result: Grade;
      try {
        const r = await withTimeout(running, budget);
        if (r.done) result = r.value;
        else {
          result = {
            ...grade,
            status: 'timeout',
            points: 0,
            reason: {
              en: `stopped after ${(budget / 1000).toFixed(budget < 10_000 ? 1 : 0)} s in the lab`,
              zh: `在实验环境中运行 ${(budget / 1000).toFixed(budget < 10_000 ? 1 : 0)} 秒后被停止`,
            },
          };
          // Its commands end by their own SSH timeouts; the next design must not meet them.
          await running.catch(() => null);
        }
      } catch (e) {
        const msg = (e as Error).message;
        result = { ...grade, status: 'lab-error', points: 0, reason: { en: `the lab failed: ${msg}`, zh: `实验环境出错：${msg}` } };
        if (!(await b.alive())) labDead = `the lab VM stopped answering (${msg})`;
      }
      if (!labDead) await b.clear().catch((e: unknown) => void (labDead = `cannot remove the lab hosts: ${(e as Error).message}`));
      opts.onProgress?.({ index: i, total: items.length, file: grade.file, phase: 'done', grade: result, ms: Date.now() - t0 });
      out.push(result);
    }
  } finally {
    if (!labDead) await b.clear().catch(() => null);
  }
  return out;
}
