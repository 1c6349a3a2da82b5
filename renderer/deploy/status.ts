/**
 * What the deploy tells about one host, for the panel's chips and the canvas badges: a tone
 * (good / bad / busy / warn) and, for real servers, their share of the end-to-end answers.
 */
import type { AppState } from '../store/index.ts';

export type Tone = 'good' | 'bad' | 'busy' | 'warn';

const BUSY = new Set(['connecting', 'planning', 'uploading', 'applying', 'verifying', 'rolling-back']);

/** Tone of a host after (or during) the current run; null when the run says nothing about it. */
export function hostTone(s: AppState, hostId: string): Tone | null {
  const d = s.deploy;
  const outcome = d.running || d.result?.mode === 'dry-run' ? undefined : d.result?.hosts.find((h) => h.hostId === hostId);
  if (outcome) {
    switch (outcome.status) {
      case 'verified':
        return 'good';
      case 'applied':
      case 'unchanged':
        return d.result?.mode === 'dry-run' ? null : 'good';
      case 'failed':
      case 'rollback-failed':
        return 'bad';
      case 'rolled-back':
        return 'warn';
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
export function e2eAnswers(s: AppState, hostId: string): number | null {
  const e2e = s.deploy.e2e;
  if (!e2e || e2e.checks.length === 0) return null;
  const topology = s.design.topology;
  const host = topology.hosts.find((h) => h.id === hostId);
  if (!host || !topology.services.some((v) => v.realServers.some((r) => r.host === hostId))) return null;
  const name = host.name.toLowerCase();
  const word = new RegExp(`(^|[^a-z0-9])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9]|$)`);
  let n = 0;
  for (const c of e2e.checks) for (const [answer, count] of Object.entries(c.distribution)) if (word.test(answer.toLowerCase())) n += count;
  return n;
}
