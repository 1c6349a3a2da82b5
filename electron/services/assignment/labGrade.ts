/**
 * The real-kernel part of grading (`lvsd grade --lab`): each submission's design is built in the
 * built-in qemu lab (one network namespace per host, the generated configuration applied as a
 * deploy would), then the goals with a kernel part are checked with real requests from the
 * client's namespace: `walk` (every request to VIP:PORT answered by a real server) and `weights`
 * (the shares of N requests, by the host names the lab's web servers answer with) and `failover`
 * (keepalived runs in every member's namespace; the master is crashed — every link down — or one
 * of its interfaces goes down, and the time until a backup holds the VIP and the client's requests
 * are answered again is measured in the VM and graded against the goal's limit).
 *
 * One submission after another; each has a time budget. A submission that overruns it is marked
 * `timeout`, the commands still running are waited for (each has its own SSH timeout), and its
 * hosts are removed before the next one starts: nothing of one student's design meets another's,
 * and no namespace stays behind.
 */
import type { Topology } from '../../../shared/model/types.ts';
import type { Goal, Grade, GoalResult, LabPart, AcceptedSubmission } from '../../../shared/assignment/index.ts';
import { failoverEventText, totalled, withinRatio } from '../../../shared/assignment/index.ts';
import type { LabVm } from '../lab/vm.ts';
import { LabError, sshToLab } from '../lab/vm.ts';
import { createHosts, destroyHosts, runInHost } from '../lab/hosts.ts';
import { applyDesign } from '../lab/apply.ts';
import { hostId } from '../../../shared/model/ids.ts';
import { analyseFailover } from '../../../shared/ha/analysis.ts';

/** What the lab grader needs from a lab: injectable so the batch logic is testable without qemu. */
export interface LabBackend {
  /** Builds the design's hosts and applies its configuration (throws with the failing host's output). */
  build(t: Topology): Promise<void>;
  /** Up to `n` HTTP GETs from `host` to `url`, one after another; each body's first line, or `FAILED` (it stops after 3 of those). */
  fetch(host: string, url: string, n: number, timeoutMs: number): Promise<string[]>;
  /** Removes every design host (and stops the keepalived daemons running for them). */
  clear(): Promise<void>;
  /**
   * Restarts keepalived on every member of `spec.members` (links up again), waits until one holds
   * `spec.vip` and the client is answered, breaks the holder as `spec.event` says and measures.
   */
  failover(spec: FailoverSpec): Promise<FailoverMeasure>;
  /** Whether the lab still answers. */
  alive(): Promise<boolean>;
}

/** What {@link LabBackend.failover} does. */
export interface FailoverSpec {
  /** The group's members with their cabled interfaces (brought up again before the measurement). */
  readonly members: readonly { readonly host: string; readonly ifaces: readonly string[] }[];
  /** The first virtual address of the group (no prefix). */
  readonly vip: string;
  /** The member that holds it when everything works (the VRRP analysis); the measurement starts once it alone does. */
  readonly master: string | null;
  readonly client: string;
  readonly url: string;
  readonly event: 'crash' | 'interface-down';
  /** For `interface-down`. */
  readonly iface?: string;
  /** Measuring stops this many seconds after the failure. */
  readonly limitSeconds: number;
}

/** What the kernel did (seconds from the failure, by the VM's clock). */
export type FailoverMeasure =
  | { readonly settled: false; readonly detail: string }
  | {
      readonly settled: true;
      /** The member that held the VIP before. */
      readonly master: string;
      /** The backup that took the VIP (null: none within the limit). */
      readonly newHolder: string | null;
      readonly takeoverSeconds: number | null;
      /** When the client was first answered again after the takeover (null: not within the limit). */
      readonly servedSeconds: number | null;
    };

const hostRe = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The VM-side script of one failover measurement. keepalived runs as the design's director
 * (`lvsd-enter`: its namespace and /etc) with the generated keepalived.conf the deploy pushed to
 * /run/lvsd/HOST/ and its own pid files there: the lab's hosts share /run, so the one daemon per
 * machine that apply.sh starts (pid file /run/keepalived.pid) cannot serve two directors.
 */
export function failoverScript(spec: FailoverSpec, settleOnly = false): string {
  for (const m of spec.members) {
    if (!hostRe.test(m.host) || m.ifaces.some((i) => !/^[A-Za-z0-9_.-]{1,15}$/.test(i))) throw new LabError(`bad member ${m.host}`);
  }
  if (spec.master !== null && !hostRe.test(spec.master)) throw new LabError('bad master');
  if (!hostRe.test(spec.client) || !/^\d{1,3}(\.\d{1,3}){3}$/.test(spec.vip) || !/^http:\/\/\d{1,3}(\.\d{1,3}){3}:\d{1,5}\/$/.test(spec.url))
    throw new LabError('bad failover spec');
  if (spec.iface !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(spec.iface)) throw new LabError('bad interface');
  const hosts = spec.members.map((m) => m.host).join(' ');
  const links = spec.members.flatMap((m) => m.ifaces.map((i) => `/sbin/ip netns exec lvsd-${m.host} /sbin/ip link set ${i} up`));
  const limit = Math.max(1, Math.ceil(spec.limitSeconds));
  const ifacesOf = (h: string) => spec.members.find((m) => m.host === h)?.ifaces ?? [];
  const crashCases = spec.members.map(
    (m) =>
      `${m.host}) ${
        ifacesOf(m.host)
          .map((i) => `/sbin/ip netns exec lvsd-${m.host} /sbin/ip link set ${i} down`)
          .join(' && ') || 'false'
      } ;;`,
  );
  return [
    'now() { cut -d" " -f1 /proc/uptime; }',
    'since() { awk -v a="$1" -v b="$(now)" \'BEGIN{printf "%.2f", b-a}\'; }',
    'before() { awk -v a="$1" -v b="$(now)" -v l="$2" \'BEGIN{exit !(b-a<l)}\'; }',
    `holds() { /sbin/ip netns exec "lvsd-$1" /sbin/ip -4 -o addr show 2>/dev/null | grep -q " ${spec.vip}/"; }`,
    `answered() { /sbin/ip netns exec lvsd-${spec.client} timeout 2 wget -qO- ${spec.url} 2>/dev/null | head -n 1 | grep -q .; }`,
    'stopka() { for f in "$@"; do p=$(cat "$f" 2>/dev/null) || continue; kill "$p" 2>/dev/null; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; rm -f "$f"; done; }',
    // the daemon apply.sh started (if any) and the ones of an earlier measurement
    `stopka /run/keepalived.pid ${spec.members.map((m) => `/run/lvsd/${m.host}/ka.pid`).join(' ')}`,
    ...links,
    `for h in ${hosts}; do d=/run/lvsd/$h; /usr/sbin/lvsd-enter "$h" sh -c "keepalived -t -f $d/keepalived.conf >$d/ka-t.log 2>&1 && { setsid keepalived --dont-fork --log-console -f $d/keepalived.conf -p $d/ka.pid -c $d/ka-c.pid -r $d/ka-v.pid </dev/null >>$d/ka.log 2>&1 & }" || { echo "keepalived-failed $h $(tail -n 3 $d/ka-t.log | tr '\n' ' ')"; exit 0; }; done`,
    // settle: one member holds the VIP and (before a measurement) the client is answered; at most 40 s
    't=$(now); m=',
    `while before "$t" 40; do n=0; for h in ${hosts}; do holds "$h" && { n=$((n+1)); m=$h; }; done; [ "$n" = 1 ] && ${spec.master ? `[ "$m" = ${spec.master} ] && ` : ''}${settleOnly ? 'true' : 'answered'} && break; m=; sleep 0.2; done`,
    `[ -n "$m" ] || { echo "unsettled $(for h in ${hosts}; do holds "$h" && printf '%s ' "$h"; done)"; exit 0; }`,
    'echo "master $m"',
    ...(settleOnly
      ? []
      : [
          spec.event === 'crash'
            ? `case $m in ${crashCases.join(' ')} esac || { echo "action-failed"; exit 0; }`
            : `/sbin/ip netns exec "lvsd-$m" /sbin/ip link set ${spec.iface} down || { echo "action-failed"; exit 0; }`,
          't0=$(now); nh=',
          `while [ -z "$nh" ] && before "$t0" ${limit}; do for h in ${hosts}; do [ "$h" != "$m" ] && holds "$h" && { nh=$h; echo "took $h $(since "$t0")"; }; done; [ -n "$nh" ] || sleep 0.05; done`,
          `if [ -n "$nh" ]; then while before "$t0" ${limit}; do answered && { echo "served $(since "$t0")"; break; }; sleep 0.1; done; fi`,
          'echo end',
        ]),
  ].join('\n');
}

/** Reads what {@link failoverScript} printed. */
export function parseFailover(out: string): FailoverMeasure {
  const unsettled = /^unsettled ?(.*)$/m.exec(out);
  if (unsettled)
    return {
      settled: false,
      detail: unsettled[1]!.trim()
        ? `not the expected master alone holds the VIP within 40 s (held by ${unsettled[1]!.trim()})`
        : 'no member holds the VIP with the client answered within 40 s',
    };
  const ka = /^keepalived-failed (\S+) ?(.*)$/m.exec(out);
  if (ka) return { settled: false, detail: `keepalived does not start on ${ka[1]}: ${ka[2]!.trim()}` };
  const master = /^master (\S+)$/m.exec(out)?.[1];
  if (!master) return { settled: false, detail: `no result (${out.trim().slice(-200) || 'no output'})` };
  if (/^action-failed$/m.test(out)) return { settled: false, detail: `the failure could not be caused on ${master}` };
  const took = /^took (\S+) ([\d.]+)$/m.exec(out);
  const served = /^served ([\d.]+)$/m.exec(out);
  return {
    settled: true,
    master,
    newHolder: took?.[1] ?? null,
    takeoverSeconds: took ? Number(took[2]) : null,
    servedSeconds: served ? Number(served[1]) : null,
  };
}

/** The backend of a running lab VM. */
export function vmBackend(vm: LabVm): LabBackend {
  return {
    async build(t) {
      await createHosts(vm, t);
      await applyDesign(vm, t);
      // keepalived-owned directors: one daemon per member (see failoverScript), the VIP settled
      for (const g of t.directorGroups ?? []) {
        const spec = failoverSpecOf(t, g.id, {});
        if (!spec) continue;
        const r = await sshToLab(vm, 'sh -s', { input: failoverScript(spec, true), timeoutMs: 120_000 });
        const m = parseFailover(r.stdout);
        if (!m.settled) throw new LabError(`director group ${g.id}: ${m.detail}`);
      }
    },
    async failover(spec) {
      const r = await sshToLab(vm, 'sh -s', { input: failoverScript(spec), timeoutMs: (spec.limitSeconds + 120) * 1000 });
      if (r.code !== 0) throw new LabError(`the failover measurement failed (exit ${r.code}): ${r.stderr.trim()}`);
      return parseFailover(r.stdout);
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
      // keepalived keeps a deleted namespace alive: stop every daemon started for the hosts first
      await sshToLab(
        vm,
        `for f in /run/keepalived.pid /run/lvsd/*/ka.pid; do p=$(cat "$f" 2>/dev/null) || continue; kill "$p" 2>/dev/null; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; rm -f "$f"; done; true`,
        { timeoutMs: 60_000 },
      );
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
  if (g.kind === 'failover') {
    const spec = failoverSpecOf(t, g.group, g);
    if (!spec)
      return part('fail', `there is no director group ${g.group} with a client and a service on its addresses`, `没有带客户端和服务的调度器组 ${g.group}`);
    const m = await b.failover(spec);
    if (!m.settled) return part('fail', `the pair did not settle on the kernel: ${m.detail}`, `主备对在真实内核上没有稳定：${m.detail}`);
    const ev = failoverEventText(g, m.master);
    if (m.newHolder === null || m.takeoverSeconds === null)
      return part(
        'fail',
        `${ev.en}: no backup held ${spec.vip} within ${spec.limitSeconds} s on the real kernel${g.event === 'interface-down' ? ` (${m.master} kept it: its priority minus the track weight stays above the backup's?)` : ''}`,
        `${ev.zh}：真实内核上 ${spec.limitSeconds} 秒内没有备用节点持有 ${spec.vip}${g.event === 'interface-down' ? `（${m.master} 仍持有它：它的优先级减去跟踪权重后仍高于备用节点？）` : ''}`,
      );
    const took = `${m.newHolder} held ${spec.vip} ${m.takeoverSeconds.toFixed(2)} s after ${ev.en}`;
    const tookZh = `${ev.zh}后 ${m.takeoverSeconds.toFixed(2)} 秒 ${m.newHolder} 持有 ${spec.vip}`;
    if (m.servedSeconds === null)
      return part(
        'fail',
        `${took}, but ${spec.client} got no answer from ${spec.url} within ${spec.limitSeconds} s (measured)`,
        `${tookZh}，但 ${spec.limitSeconds} 秒内 ${spec.client} 没有收到 ${spec.url} 的应答（实测）`,
      );
    return m.servedSeconds <= g.withinSeconds
      ? part(
          'pass',
          `${took}; ${spec.client} answered again after ${m.servedSeconds.toFixed(2)} s (measured, ≤ ${g.withinSeconds} s)`,
          `${tookZh}；${m.servedSeconds.toFixed(2)} 秒后 ${spec.client} 重新得到应答（实测，≤ ${g.withinSeconds} 秒）`,
        )
      : part(
          'fail',
          `${took}; ${spec.client} answered again only after ${m.servedSeconds.toFixed(2)} s (measured), more than ${g.withinSeconds} s`,
          `${tookZh}；${m.servedSeconds.toFixed(2)} 秒后 ${spec.client} 才重新得到应答（实测），超过 ${g.withinSeconds} 秒`,
        );
  }
  return null;
}

/**
 * What the lab measures for a failover of group `groupId`: its members and their cabled
 * interfaces, the first virtual address, the client and the service URL on the group's addresses.
 * Null when the design has no such group, client or service.
 */
export function failoverSpecOf(
  t: Topology,
  groupId: string,
  g: { event?: 'crash' | 'interface-down'; iface?: string; client?: string; service?: string; withinSeconds?: number },
): FailoverSpec | null {
  const group = (t.directorGroups ?? []).find((x) => x.id === groupId);
  if (!group || group.members.length < 2 || group.virtualAddresses.length === 0) return null;
  const client = g.client ?? t.hosts.find((h) => h.role === 'client')?.id;
  if (!client || !t.hosts.some((h) => h.id === client)) return null;
  const vas = new Set(group.virtualAddresses.map((v) => v.address.split('/')[0]!));
  const svc = g.service ?? t.services.filter((s) => s.protocol === 'tcp' && vas.has(s.vip)).map((s) => `${s.vip}:${s.port}`)[0];
  if (!svc) return null;
  const vip = svc.slice(0, svc.lastIndexOf(':'));
  const members = group.members.map((m) => ({
    host: m.host as string,
    ifaces: (t.hosts.find((h) => h.id === m.host)?.interfaces ?? []).filter((f) => f.kind === 'ethernet' && f.segment !== null).map((f) => f.name),
  }));
  return {
    members,
    vip,
    master: analyseFailover(t, { doubles: false }).find((a) => a.group === groupId)?.steadyHolder ?? null,
    client,
    url: `http://${svc}/`,
    event: g.event ?? 'crash',
    ...(g.iface !== undefined ? { iface: g.iface } : {}),
    limitSeconds: Math.min(120, Math.ceil((g.withinSeconds ?? 5) + 10)),
  };
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
  // Failover goals break the pair: they run after the others (each restarts keepalived first).
  const order = [...grade.goals.keys()].sort((x, y) => Number(grade.goals[x]!.kind === 'failover') - Number(grade.goals[y]!.kind === 'failover'));
  const out: GoalResult[] = [...grade.goals];
  for (const i of order) {
    const r = grade.goals[i]!;
    const g = goals.get(r.id);
    if (!g || !r.lab) continue;
    out[i] = merge(r, built ?? (await labPartOf(b, g, t, left())));
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
