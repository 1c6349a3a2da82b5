/**
 * What the deploy tells about one host, for the panel's chips and the canvas badges: a tone
 * (good / bad / busy / warn) and, for real servers, their share of the end-to-end answers.
 */
import type { DeployResult, E2eResult, HostOutcome } from '../../shared/ipc/deploy.ts';
import type { Topology } from '../../shared/model/types.ts';
import type { AppState } from '../store/index.ts';
import type { HostId } from '../../shared/model/ids.ts';

export type Tone = 'good' | 'bad' | 'busy' | 'warn';

const BUSY = new Set(['connecting', 'planning', 'uploading', 'applying', 'verifying', 'rolling-back']);

/** Tone of a host after (or during) the current run; null when the run says nothing about it. */
export function hostTone(s: AppState, hostId: HostId): Tone | null {
  const d = s.deploy;
  const status = d.running || !d.result || d.result.mode === 'dry-run' ? undefined : outcomesOf(d.result).get(hostId);
  if (status) {
    switch (status) {
      case 'verified':
        return 'good';
      case 'applied':
      case 'unchanged':
        return d.result?.mode === 'dry-run' ? null : 'good';
      case 'failed':
      case 'rollback-failed':
        return 'bad';
      case 'rolled-back':
        // The host that failed stays red after its rollback; the others rolled back with it are amber.
        return d.hosts[hostId]?.failedOnce ? 'bad' : 'warn';
      default:
        return null;
    }
  }
  const phase = d.hosts[hostId]?.phase;
  if (!phase) return null;
  if (phase === 'failed') return 'bad';
  if (phase === 'verified') return 'good';
  if (phase === 'rolled-back') return 'warn';
  if (BUSY.has(phase) && d.running) return 'busy';
  return null;
}

/**
 * How many end-to-end answers named this real server (an answer whose first line contains the
 * host's name); null when there was no check or the host is not a real server of a checked service.
 */
export function e2eAnswers(s: AppState, hostId: HostId): number | null {
  const e2e = s.deploy.e2e;
  if (!e2e || e2e.checks.length === 0) return null;
  return answersOf(e2e, s.design.topology).get(hostId) ?? null;
}

// Every host card asks on every store change (a drag included): compute once per result.
const outcomeCache = new WeakMap<DeployResult, Map<string, HostOutcome['status']>>();
function outcomesOf(result: DeployResult): Map<string, HostOutcome['status']> {
  let m = outcomeCache.get(result);
  if (!m) {
    m = new Map(result.hosts.map((h) => [h.hostId, h.status]));
    outcomeCache.set(result, m);
  }
  return m;
}

let answersCache: { e2e: E2eResult; topology: Topology; answers: Map<string, number> } | null = null;
function answersOf(e2e: E2eResult, topology: Topology): Map<string, number> {
  if (answersCache?.e2e === e2e && answersCache.topology === topology) return answersCache.answers;
  const answers = new Map<string, number>();
  const realServers = new Set(topology.services.flatMap((v) => v.realServers.map((r) => r.host)));
  const lines = e2e.checks.flatMap((c) => Object.entries(c.distribution)).map(([answer, count]) => [answer.toLowerCase(), count] as const);
  for (const host of topology.hosts) {
    if (!realServers.has(host.id)) continue;
    const name = host.name.toLowerCase();
    const word = new RegExp(`(^|[^a-z0-9])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`);
    let n = 0;
    for (const [answer, count] of lines) if (word.test(answer)) n += count;
    answers.set(host.id, n);
  }
  answersCache = { e2e, topology, answers };
  return answers;
}
