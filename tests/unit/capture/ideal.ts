/**
 * Test helper: the captures tcpdump would record if the kernel did exactly what the simulator says
 * (used by the unit tests of the captured walk and by the e2e spec of the "Real packets" view).
 */
import { readPcap } from '../../../shared/capture/pcap.ts';
import type { CaptureSource } from '../../../shared/capture/walk.ts';
import { wireSteps } from '../../../shared/capture/compare.ts';
import { compileNetwork } from '../../../shared/simulator/network.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { HeaderStack, Trace } from '../../../shared/simulator/types.ts';
import type { FrameSpec } from './pcap-writer.ts';
import { pcapBytes } from './pcap-writer.ts';
import { hostId, interfaceId } from '../../../shared/model/ids.ts';

/**
 * The pcaps tcpdump would write if the kernel did exactly what the simulator says: every wire step
 * recorded on the sending interface and on the receiving one (every interface of the segment for a
 * broadcast). `edit` changes the headers of one step to play a disagreeing kernel.
 */
export function idealCaptures(t: Topology, trace: Trace, edit?: (i: number, h: HeaderStack) => HeaderStack | null): CaptureSource[] {
  const net = compileNetwork(t);
  const per = new Map<string, FrameSpec[]>();
  const add = (host: string, iface: string, f: FrameSpec): void => {
    const k = `${host}/${iface}`;
    per.set(k, [...(per.get(k) ?? []), f]);
  };
  wireSteps(trace).forEach((s, i) => {
    if (s.place.kind !== 'link') return;
    const h = edit ? edit(i, s.packet!) : s.packet!;
    if (!h) return;
    const f: FrameSpec = { headers: h, timeUs: 1_000_000 + i * 1000, ipId: 100 + i };
    add(s.place.from.host, s.place.from.iface, f);
    if (s.place.to) add(s.place.to.host, s.place.to.iface, { ...f, timeUs: f.timeUs + 20 });
    else for (const x of net.segments.get(s.place.segment) ?? []) if (x.id !== s.place.from.iface) add(x.host, x.id, { ...f, timeUs: f.timeUs + 20 });
  });
  return [...per].map(([k, frames]) => {
    const [host, iface] = k.split('/') as [string, string];
    return { host: hostId(host), iface: interfaceId(iface), frames: readPcap(pcapBytes(frames)).frames };
  });
}

export const flowOf = (trace: Trace) => {
  const first = trace.steps.find((s) => s.packet?.ip && s.packet.l4)!.packet!;
  return { client: first.ip!.src, vip: first.ip!.dst, vport: first.l4!.dport };
};
