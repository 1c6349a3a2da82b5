/**
 * Real packets versus the simulator: in one lab VM, the NAT, DR and TUN seed labs each capture one
 * request with tcpdump on every interface (electron/services/lab/capture.ts) and the captured walk
 * must agree with the simulated walk on every wire step and header field that matters (addresses,
 * MACs, ports, the IPIP outer header, TTL, frame growth per hop, TCP seq/ack drift per hop). Kernel details the simulator deliberately omits are listed
 * in docs/live.md ("Real packets") and in KNOWN below, each with its reason.
 * Skipped (with the reason) where the lab cannot run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DesignFile, Topology } from '../../shared/model/types.ts';
import { differenceText } from '../../shared/capture/compare.ts';
import type { CaptureView } from '../../shared/ipc/capture.ts';
import type { Trace } from '../../shared/simulator/types.ts';
import { effectiveCursor, visibleSteps } from '../../renderer/classroom/derive.ts';
import { createHosts } from '../../electron/services/lab/hosts.ts';
import { applyDesign } from '../../electron/services/lab/apply.ts';
import { captureRequest } from '../../electron/services/lab/capture.ts';
import { hostId } from '../../shared/model/ids.ts';

const reason = labSkipReason('capture-lab');

const load = (file: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as DesignFile).topology;

describe.skipIf(reason !== null)('captured walk versus simulated walk on a real IPVS kernel (qemu)', () => {
  const lab = useLabVm();

  for (const [method, file] of [
    ['NAT', 'nat-lab.lvs.json'],
    ['DR', 'dr-lab.lvs.json'],
    ['TUN', 'tun-lab.lvs.json'],
  ] as const) {
    it(`${method}: every captured wire step and header field equals the simulated one`, async () => {
      const vm = lab();
      const t = load(file);
      await createHosts(vm, t);
      const runs = await applyDesign(vm, t);
      expect(runs.filter((r) => r.code !== 0).map((r) => `${r.host}: ${r.stderr}`)).toEqual([]);
      const r = await captureRequest(vm, t, { client: hostId('client'), service: t.services[0]!.id });
      console.log(`${method}: ${r.walk.steps.length} captured steps, ${r.pcaps.map((p) => `${p.host}/${p.name} ${p.bytes.length} B`).join(', ')}`);
      const simOf = new Map(r.comparison.pairs.map(([si, ci]) => [ci, r.trace.steps[si]]));
      // sizes are logged, not compared: the simulator's frame sizes are a model (docs/live.md)
      for (const s of r.walk.steps)
        console.log(
          `  ${s.index} ${s.phase} ${s.kind} ${s.tcpFlags ?? ''} size ${s.packet?.size} (simulated ${simOf.get(s.index)?.packet?.size}) ${s.narration.en}`,
        );
      expect(r.request.code, r.request.output).toBe(0);
      expect(r.problems).toEqual([]);
      expect(r.trace.outcome.status).toBe('ok');
      expect(r.walk.steps.length).toBeGreaterThan(0);
      // every TCP frame carries its seq/ack, so the comparison's per-hop drift check (tcp.seq.drift,
      // tcp.ack.drift: the director never renumbers) and frame growth check (size.growth) ran on it
      expect(r.walk.steps.filter((s) => s.kind === 'transmit' && !s.wireTcp)).toEqual([]);
      expect(r.comparison.differences.map((d) => differenceText(d))).toEqual([]);
      expect(r.comparison.pairs).toHaveLength(r.walk.steps.length);
      // what the Real packets view derives from it, after the bridge's JSON round trip: the captured
      // walk played as a trace, the ARP filter, the cursor and the paired simulated step of each frame
      const view = JSON.parse(JSON.stringify({ walk: r.walk, trace: r.trace, comparison: r.comparison })) as Pick<CaptureView, 'walk' | 'trace' | 'comparison'>;
      const captured: Trace = { ...view.trace, steps: view.walk.steps };
      const noArp = visibleSteps(captured, false);
      expect(noArp.map((i) => captured.steps[i]!.kind)).toEqual(r.walk.steps.filter((x) => x.kind === 'transmit').map(() => 'transmit'));
      expect(effectiveCursor(captured, 0, noArp)).toBe(noArp[0]);
      for (const i of visibleSteps(captured, true)) {
        const sim = view.comparison.pairs.find(([, c]) => c === i)?.[0];
        expect(sim, `captured step ${i} has a paired simulated step`).toBeDefined();
        expect(view.trace.steps[sim!]!.place).toEqual(captured.steps[i]!.place);
      }
      // the TUN lab's request crosses two wires inside an IPIP outer header; NAT and DR never use one
      expect(r.walk.steps.filter((s) => s.packet?.outer).length).toBe(method === 'TUN' ? 2 : 0);
    }, 240_000);
  }
});
