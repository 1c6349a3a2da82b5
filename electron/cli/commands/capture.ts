/**
 * `lvsd capture FILE --service VIP:PORT|ID [--client HOST] [--json]` — real packets of one request in
 * the built-in qemu lab: boots (or reuses) the lab, creates the design's hosts, applies the design,
 * records the request with tcpdump on every interface, and prints the captured walk and its
 * differences from the simulated walk. Exit 0: real and simulated walks agree; 1: they differ or the
 * capture failed; 2: bad usage, unreadable file or no lab here. Docs: docs/live.md, "Real packets".
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';
import { loadDesign } from '../loadDesign.ts';
import { withVrrpHolders } from '../../../shared/model/ha.ts';
import { resolveService } from '../../../shared/simulator/index.ts';
import { differenceText } from '../../../shared/capture/compare.ts';
import { LabError, labUnavailableReason } from '../../services/lab/vm.ts';
import { labUp } from '../../services/lab/up.ts';
import { applyDesign } from '../../services/lab/apply.ts';
import { captureRequest } from '../../services/lab/capture.ts';
import type { CaptureResult } from '../../services/lab/capture.ts';
import { hostId } from '../../../shared/model/ids.ts';

const USAGE = 'usage: lvsd capture FILE --service VIP:PORT|ID [--client HOST] [--json]\n';

/** The captured walk and the differences as text. */
export function formatCapture(r: CaptureResult): string {
  const out: string[] = [`captured one request to ${r.vip}:${r.vport}: ${r.walk.steps.length} wire step(s), client port ${r.walk.clientPort ?? '?'}`];
  for (const s of r.walk.steps) {
    const p = s.place.kind === 'link' ? `${s.place.segment}: ${s.place.from.host} → ${s.place.to?.host ?? '*'}` : s.place.host;
    const h = s.packet;
    out.push(
      `  ${String(s.index).padStart(2)}  +${(s.atUs / 1000).toFixed(3)} ms  ${s.phase.padEnd(7)}  ${p.padEnd(36)}  ${h?.eth ? `${h.eth.src} → ${h.eth.dst}` : ''}  ${s.narration.en}`,
    );
  }
  for (const p of r.problems) out.push(`problem: ${p}`);
  const d = r.comparison.differences;
  out.push('', d.length === 0 ? 'real and simulated walks agree on every wire step and header field' : `${d.length} difference(s) from the simulated walk:`);
  for (const x of d) out.push(`  ${differenceText(x)}`);
  return `${out.join('\n')}\n`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    { command: 'capture', usage: USAGE, options: { service: { type: 'string' }, client: { type: 'string' }, json: { type: 'boolean', default: false } } },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) return parsed.usageError('missing FILE');
  if (extra.length > 0) return parsed.usageError(`unexpected argument "${extra[0]}"`);
  if (v.service === undefined) return parsed.usageError('missing --service VIP:PORT');
  const design = await loadDesign('capture', file, io);
  if (!design) return EXIT.unusable;
  const topology = withVrrpHolders(design.topology);
  const service = resolveService(topology, v.service);
  if (!service) {
    io.stderr(
      `lvsd capture: no virtual service "${v.service}" in ${file}; services: ${topology.services.map((s) => `${s.vip}:${s.port}`).join(', ') || 'none'}\n`,
    );
    return EXIT.unusable;
  }
  const client = v.client ?? topology.hosts.find((h) => h.role === 'client')?.id;
  if (client === undefined || !topology.hosts.some((h) => h.id === client)) {
    io.stderr(`lvsd capture: ${client === undefined ? `${file} has no host with role "client"; pass --client HOST` : `no host "${client}" in ${file}`}\n`);
    return EXIT.unusable;
  }
  const unavailable = labUnavailableReason();
  if (unavailable) {
    io.stderr(`lvsd capture: cannot run the lab here: ${unavailable}\n`);
    return EXIT.unusable;
  }
  const progress = (line: string): void => {
    if (!v.json) io.stderr(`${line}\n`);
  };
  try {
    const { vm } = await labUp(topology, { log: progress });
    progress('applying the design in the lab…');
    const runs = await applyDesign(vm, topology);
    const failed = runs.filter((r) => r.code !== 0);
    if (failed.length > 0) {
      io.stderr(`lvsd capture: applying the design failed on ${failed.map((r) => r.host).join(', ')}: ${failed[0]!.stderr.trim()}\n`);
      return EXIT.problems;
    }
    progress('capturing one request…');
    const r = await captureRequest(vm, topology, { client: hostId(client), service: service.id });
    if (v.json) {
      const { pcaps, ...rest } = r;
      io.stdout(`${JSON.stringify({ ...rest, pcaps: pcaps.map((p) => ({ host: p.host, iface: p.name, bytes: p.bytes.length })) }, null, 2)}\n`);
    } else io.stdout(formatCapture(r));
    return r.comparison.differences.length === 0 && r.problems.length === 0 && r.request.code === 0 ? EXIT.ok : EXIT.problems;
  } catch (e) {
    io.stderr(`lvsd capture: ${e instanceof LabError ? e.message : ((e as Error).stack ?? String(e))}\n`);
    return EXIT.problems;
  }
};
