/**
 * The live view as plain text (`lvsd status`): hosts, VIP holders, services with their live
 * counters and distribution, VRRP, drift diffs and what could not be read.
 */
import type { Topology } from '../model/types.ts';
import type { LiveHostDetail } from '../ipc/live.ts';
import type { LiveView } from './view.ts';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

/** Bytes/s in a short human form (`833 B/s`, `1.2 MB/s`). */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1000) return `${bytesPerSecond} B/s`;
  if (bytesPerSecond < 1e6) return `${(bytesPerSecond / 1e3).toFixed(1)} kB/s`;
  if (bytesPerSecond < 1e9) return `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  return `${(bytesPerSecond / 1e9).toFixed(1)} GB/s`;
}

function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map(
        (r) =>
          indent +
          r
            .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
            .join('  ')
            .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** The whole status as text. */
export function formatLiveStatus(t: Topology, view: LiveView, hosts: readonly LiveHostDetail[]): string {
  let out = `LVS live status of "${t.name}" at ${new Date(view.at).toISOString().replace('T', ' ').slice(0, 19)} UTC\n\nHOSTS\n`;
  const rows: string[][] = [];
  for (const h of t.hosts) {
    const d = hosts.find((x) => x.hostId === h.id);
    const state = !h.ssh
      ? 'not polled (no SSH endpoint)'
      : !d
        ? 'waiting'
        : d.status === 'ok'
          ? 'ok'
          : `UNREACHABLE: ${d.error ?? ''}${d.failures ? ` (${d.failures} failed polls)` : ''}`;
    rows.push([h.id, h.role, state]);
  }
  out += table(rows);
  out += '\nVIPS\n';
  out += view.vips.length
    ? table(
        view.vips.map((v) => [
          v.vip,
          v.holders.length ? `held by ${v.holders.join(', ')}` : 'held by nobody',
          v.status === 'ok'
            ? 'ok'
            : v.status === 'none'
              ? 'DOWN: no host holds it'
              : v.status === 'split'
                ? 'SPLIT: two or more hosts hold it'
                : `unknown (${v.unknown.join(', ')} not read)`,
        ]),
      )
    : '  (none)\n';
  out += '\nSERVICES\n';
  for (const s of view.services) {
    out += `  ${s.serviceId}  ${s.key}  ${s.scheduler ?? '-'}  on ${s.director}${s.present ? '' : '  MISSING on the director'}`;
    if (s.rate) out += `  ${s.rate.conns} conn/s  in ${formatRate(s.rate.inBytes)}  out ${formatRate(s.rate.outBytes)}`;
    out += '\n';
    if (s.dests.length) {
      const dist = new Map(s.distribution.map((d) => [d.address, d]));
      out += table(
        [
          ['real server', 'address', 'weight', 'ActiveConn', 'InActConn', 'conns', 'conn/s', 'in', 'state', 'share', 'expected', 'dev (pts)'],
          ...s.dests.map((d) => {
            const x = dist.get(d.address);
            return [
              d.realServerId ?? '(not in design)',
              d.address,
              d.designWeight !== undefined && d.designWeight !== d.weight ? `${d.weight} (design ${d.designWeight})` : String(d.weight),
              String(d.activeConns),
              String(d.inactiveConns),
              String(d.stats?.conns ?? '-'),
              String(d.rate?.conns ?? '-'),
              d.rate ? formatRate(d.rate.inBytes) : '-',
              d.state,
              x ? pct(x.observedShare) : '-',
              x ? pct(x.expectedShare) : '-',
              x ? signed(x.deviation) : '-',
            ];
          }),
        ],
        '    ',
      );
    }
  }
  if (!view.services.length) out += '  (no director answered yet)\n';
  if (view.vrrp.length) {
    out += '\nVRRP (keepalived)\n';
    out += table(view.vrrp.map((v) => [v.hostId, v.instance, v.state, v.priority !== undefined ? `priority ${v.priority}` : '', v.vips.join(' ')]));
  }
  out += '\nDRIFT from the design\n';
  out += view.drift.length ? view.drift.map((d) => `  ${d.hostId}:\n${d.diff.replace(/^/gm, '    ')}\n`).join('') : '  none\n';
  const problems = hosts.flatMap((h) =>
    h.problems.map((p) => `  ${h.hostId} ${p.section}: ${p.message}${p.lines?.length ? `\n${p.lines.map((l) => `      ${l}`).join('\n')}` : ''}`),
  );
  if (problems.length) out += `\nCOULD NOT READ\n${problems.join('\n')}\n`;
  return out;
}

/**
 * True when something needs attention: a host unreachable, a VIP down or split, drift, a service
 * missing on its director or whose IPVS table could not be read.
 */
export function liveNeedsAttention(t: Topology, view: LiveView): boolean {
  return (
    view.hosts.some((h) => h.status !== 'ok') ||
    view.vips.some((v) => v.status === 'none' || v.status === 'split') ||
    view.drift.length > 0 ||
    view.services.some((s) => !s.present) ||
    t.services.some((s) => !view.services.some((x) => x.serviceId === s.id))
  );
}
