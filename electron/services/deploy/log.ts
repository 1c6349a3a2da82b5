/**
 * The deploy log: every event of a run as a line of text, secrets already redacted (events are
 * redacted before they are recorded), ready to be saved by the user.
 */
import { writeFile } from 'node:fs/promises';
import type { DeployEvent, DeployPlan, HostChange } from '../../../shared/ipc/deploy.ts';

/** One-line description of a change, e.g. `+ address lo 10.0.0.1/32`. */
export function formatChange(c: HostChange): string {
  const sign = c.action === 'add' ? '+' : c.action === 'remove' ? '-' : '~';
  const fromTo =
    c.action === 'change' && c.from !== undefined ? ` (${c.from} -> ${c.to ?? ''})` : c.to !== undefined && c.kind !== 'address' ? ` = ${c.to}` : '';
  return `${sign} ${c.kind} ${c.subject}${fromTo}`;
}

/** The plan as human text. */
export function formatPlan(plan: DeployPlan): string {
  const lines = [`Plan ${plan.deployId} for "${plan.designName}"`];
  plan.stages.forEach((s, i) => lines.push(`  stage ${i + 1}: ${s.join(', ') || '(none)'}`));
  for (const h of plan.hosts) {
    const head = `  ${h.hostId} (${h.role}${h.endpoint ? `, ${h.endpoint}` : ''})`;
    if (h.status === 'skipped') lines.push(`${head}: skipped${h.error ? ` - ${h.error}` : ''}`);
    else if (h.status === 'failed') lines.push(`${head}: FAILED - ${h.error ?? 'unknown error'}`);
    else if (h.changes.length === 0) lines.push(`${head}: no changes`);
    else {
      lines.push(`${head}: ${h.changes.length} change${h.changes.length === 1 ? '' : 's'}`);
      for (const c of h.changes) lines.push(`      ${formatChange(c)}`);
    }
    for (const n of h.notes) lines.push(`      note: ${n}`);
  }
  lines.push(plan.noChanges ? 'No changes: every host is already as designed.' : '');
  return lines.filter((l, i, a) => l !== '' || i !== a.length - 1).join('\n');
}

/** One event as one or more log lines (without timestamp). */
export function formatEvent(e: DeployEvent): string {
  switch (e.type) {
    case 'host': {
      const step = e.step ? ` [${e.step.index}/${e.step.total} ${e.step.label}]` : '';
      const msg = e.message ? `: ${e.message}` : '';
      const err = e.stderr ? `\n${e.stderr.replace(/^/gm, `    ${e.hostId} ! `)}` : '';
      return `${e.hostId}: ${e.phase}${step}${msg}${err}`;
    }
    case 'host-key':
      return `${e.hostId}: host key ${e.status} (${e.keyType} ${e.fingerprint} for ${e.endpoint}): ${e.message}`;
    case 'log':
      return `${e.hostId ? `${e.hostId}: ` : ''}${e.level === 'output' ? '| ' : e.level === 'info' ? '' : `${e.level}: `}${e.text}`;
    case 'plan':
      return formatPlan(e.plan);
    case 'prompt':
      return `${e.prompt.hostId}: waiting for ${e.prompt.kind === 'host-key' ? 'host-key trust' : e.prompt.kind}`;
    case 'e2e':
      return [
        `end-to-end check from ${e.result.clientHostId}:`,
        ...e.result.checks.map(
          (c) =>
            `  ${c.service}: ${c.succeeded}/${c.requests} answered${c.error ? ` (${c.error})` : ''}${
              Object.keys(c.distribution).length
                ? ` - ${Object.entries(c.distribution)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(', ')}`
                : ''
            }`,
        ),
      ].join('\n');
    case 'done':
      return `${e.result.mode} ${e.deployId} finished: ${e.result.outcome}\n${e.result.hosts
        .map((h) => `  ${h.hostId}: ${h.status}${h.message ? ` - ${h.message}` : ''}`)
        .join('\n')}`;
  }
}

export class DeployLog {
  readonly #lines: string[] = [];

  /** Records an (already redacted) event. */
  record(e: DeployEvent, at: Date = new Date()): void {
    const stamp = at.toISOString();
    for (const line of formatEvent(e).split('\n')) this.#lines.push(`${stamp} ${line}`);
  }

  text(): string {
    return this.#lines.length ? `${this.#lines.join('\n')}\n` : '';
  }

  /** Writes the log (mode 0600: it names hosts and users). */
  async save(path: string): Promise<void> {
    await writeFile(path, this.text(), { mode: 0o600 });
  }
}
