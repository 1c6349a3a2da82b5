/**
 * `lvsd schedule FILE --service VIP:PORT --connections N [--clients N] [--rate N] [--active S|MIN-MAX]
 * [--seed N] [--first N] [--json]` — runs the service's kernel scheduler over N connections and prints
 * how they spread over the real servers, and the first assignments in order.
 * Exit 0: done (even if some connections found no server — that is reported); 2: bad usage or file.
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import type { ConnectionsResult } from '../../../shared/simulator/index.ts';
import { resolveService, simulateConnections } from '../../../shared/simulator/index.ts';
import type { VirtualService } from '../../../shared/model/types.ts';
import { intOption, parseCommandLine } from '../options.ts';
import { loadDesign } from '../loadDesign.ts';

const USAGE =
  'usage: lvsd schedule FILE --service VIP:PORT|ID --connections N [--clients N] [--rate N] [--active SECONDS|MIN-MAX] [--seed N] [--first N] [--json]\n';

/** Formats a scheduling run as a table per real server plus the first assignments. */
export function formatDistribution(svc: VirtualService, r: ConnectionsResult, first: number): string {
  const out: string[] = [];
  out.push(`${svc.protocol.toUpperCase()} ${svc.vip}:${svc.port} scheduler ${svc.scheduler}${svc.persistence ? ` persistent ${svc.persistence.timeout}` : ''}`);
  out.push(`kernel list order (newest first): ${r.kernelOrder.join(', ')}`);
  const rows = r.totals.map((t) => {
    const rs = svc.realServers.find((x) => x.id === t.realServer)!;
    return [
      t.realServer,
      t.rip,
      String(rs.weight),
      String(t.connections),
      `${t.percent.toFixed(2)}%`,
      String(t.peakActive),
      '#'.repeat(Math.round(t.percent / 2)),
    ];
  });
  const head = ['real server', 'RIP', 'weight', 'connections', 'share', 'peak active', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (x: readonly string[]): string =>
    x
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  out.push(line(head));
  for (const x of rows) out.push(line(x));
  if (r.unscheduled > 0) out.push(`no destination available for ${r.unscheduled} connection(s)`);
  const shown = r.assignments.slice(0, first);
  if (shown.length > 0) out.push(`first ${shown.length} assignments: ${shown.map((a) => a ?? '-').join(' ')}`);
  return `${out.join('\n')}\n`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    {
      command: 'schedule',
      usage: USAGE,
      options: {
        service: { type: 'string' },
        connections: { type: 'string' },
        clients: { type: 'string' },
        rate: { type: 'string' },
        active: { type: 'string' },
        seed: { type: 'string' },
        first: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const usageError = parsed.usageError;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) return usageError('missing FILE');
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}"`);
  if (v.service === undefined) return usageError('missing --service VIP:PORT');
  if (v.connections === undefined) return usageError('missing --connections N');
  const connections = intOption(v.connections, 1, 10_000_000);
  const clients = intOption(v.clients, 1, 1_000_000);
  const rate = intOption(v.rate, 1, 10_000_000);
  const seed = intOption(v.seed, 0, 0xffffffff);
  const first = intOption(v.first, 0, 10_000);
  if (connections === undefined || Number.isNaN(connections)) return usageError('--connections must be an integer 1..10000000');
  if (Number.isNaN(clients)) return usageError('--clients must be an integer 1..1000000');
  if (Number.isNaN(rate)) return usageError('--rate must be an integer ≥ 1 (connections per second)');
  if (Number.isNaN(seed)) return usageError('--seed must be an integer 0..4294967295');
  if (Number.isNaN(first)) return usageError('--first must be an integer 0..10000');
  let active: number | { min: number; max: number } | undefined;
  if (v.active !== undefined) {
    const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(v.active);
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) return usageError('--active must be SECONDS or MIN-MAX');
    active = m[2] !== undefined ? { min: Number(m[1]), max: Number(m[2]) } : Number(m[1]);
  }
  const design = await loadDesign('schedule', file, io);
  if (!design) return EXIT.unusable;
  const svc = resolveService(design.topology, v.service);
  if (!svc) {
    const known = design.topology.services.map((s) => `${s.vip}:${s.port} (${s.id})`).join(', ') || 'none';
    io.stderr(`lvsd schedule: no virtual service "${v.service}" in ${file}; services: ${known}\n`);
    return EXIT.unusable;
  }
  const shown = first ?? 20;
  let result: ConnectionsResult;
  try {
    result = simulateConnections(design.topology, svc.id, {
      connections,
      recordAssignments: Math.max(shown, v.json ? 100 : shown),
      ...(clients !== undefined ? { clients } : {}),
      ...(rate !== undefined ? { ratePerSecond: rate } : {}),
      ...(active !== undefined ? { activeSeconds: active } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
  } catch (e) {
    io.stderr(`lvsd schedule: ${(e as Error).message}\n`);
    return EXIT.unusable;
  }
  if (v.json) {
    const { timeline, ...rest } = result;
    io.stdout(`${JSON.stringify({ ...rest, assignments: rest.assignments.slice(0, shown), samples: timeline.length, timeline })}\n`);
  } else io.stdout(formatDistribution(svc, result, shown));
  return EXIT.ok;
};
