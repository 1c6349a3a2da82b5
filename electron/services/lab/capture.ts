/**
 * Real packets of one request in the built-in lab: tcpdump (`-w`, Ethernet headers, `-n`) on every
 * ethernet interface of every design host (each in its namespace), started before and stopped after
 * one `wget` from the client to VIP:PORT; the pcaps come back base64-encoded over the VM's SSH and are
 * merged into the captured walk, which is compared with the simulator's walk of the same connection
 * (same client port). Neighbour caches are flushed first, so the real request starts with the cold
 * caches the simulator assumes. Docs: docs/live.md, "Real packets".
 */
import type { HostId, InterfaceId, Topology } from '../../../shared/model/types.ts';
import { readPcap } from '../../../shared/capture/pcap.ts';
import { buildCapturedWalk } from '../../../shared/capture/walk.ts';
import type { CaptureSource, CapturedWalk } from '../../../shared/capture/walk.ts';
import { compareWalks } from '../../../shared/capture/compare.ts';
import type { WalkComparison } from '../../../shared/capture/compare.ts';
import { simulate } from '../../../shared/simulator/index.ts';
import type { Trace } from '../../../shared/simulator/types.ts';
import type { LabVm } from './vm.ts';
import { LabError, labExec } from './vm.ts';
import { labNamespace, shq } from './hosts.ts';
import { serviceId } from '../../../shared/model/ids.ts';

/** What to capture: a client host of the design and a service (its id or `VIP:PORT`). */
export interface CaptureRequest {
  readonly client: HostId;
  /** A service id or `VIP:PORT` (the simulator resolves both). */
  readonly service: string;
}

/** The result of one capture: the pcaps, the captured walk, the simulated walk and their differences. */
export interface CaptureResult {
  readonly vip: string;
  readonly vport: number;
  readonly pcaps: readonly { readonly host: HostId; readonly iface: InterfaceId; readonly name: string; readonly bytes: Uint8Array }[];
  readonly walk: CapturedWalk;
  /** The simulated walk of the same connection (the captured client port). */
  readonly trace: Trace;
  readonly comparison: WalkComparison;
  /** What the client's `wget` printed and its exit code (0 = the request was answered). */
  readonly request: { readonly code: number; readonly output: string };
  /** Problems reading the pcaps or placing their frames. */
  readonly problems: readonly string[];
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const IP = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The interfaces captured: every ethernet interface of every host, as (host, iface id, Linux name). */
export function captureInterfaces(t: Topology): { host: HostId; iface: InterfaceId; name: string }[] {
  const out: { host: HostId; iface: InterfaceId; name: string }[] = [];
  for (const h of t.hosts)
    for (const f of h.interfaces) {
      if (f.kind !== 'ethernet' || f.segment === null) continue;
      if (!SAFE.test(h.id) || !SAFE.test(f.name)) throw new LabError(`cannot capture on ${h.id}/${f.name}: not a plain name`);
      out.push({ host: h.id, iface: f.id, name: f.name });
    }
  return out;
}

/**
 * The VM-side script: flush neighbour caches, start one tcpdump per interface, wait until each says
 * it is listening, run one request from the client, stop the captures and print each pcap base64.
 */
export function captureScript(t: Topology, client: HostId, vip: string, vport: number): string {
  if (!IP.test(vip) || !Number.isInteger(vport) || vport < 1 || vport > 65535) throw new LabError(`bad service address ${vip}:${vport}`);
  const ifs = captureInterfaces(t);
  const dir = '/run/lvsd/capture';
  const lines = ['set -u', `rm -rf ${dir}; mkdir -p ${dir}`, ...t.hosts.map((h) => `/sbin/ip -n ${shq(labNamespace(h.id))} neigh flush all 2>/dev/null`)];
  ifs.forEach((f, i) => {
    lines.push(
      `/sbin/ip netns exec ${shq(labNamespace(f.host))} /usr/sbin/tcpdump -Z root -i ${shq(f.name)} -n -U --immediate-mode -s 262 -w ${dir}/${i}.pcap 2>${dir}/${i}.err & echo $! >>${dir}/pids`,
    );
  });
  lines.push(
    // tcpdump prints "listening on" once its socket is open; bounded wait (10 s)
    `n=0; while [ $n -lt 100 ]; do ok=1; for i in ${ifs.map((_, i) => i).join(' ')}; do grep -q 'listening on' ${dir}/$i.err 2>/dev/null || ok=0; done; [ $ok = 1 ] && break; n=$((n+1)); sleep 0.1; done`,
    `[ $ok = 1 ] || { echo 'CAPTURE-ERROR tcpdump did not start'; cat ${dir}/*.err; kill $(cat ${dir}/pids) 2>/dev/null; exit 3; }`,
    `out=$(/sbin/ip netns exec ${shq(labNamespace(client))} timeout 10 wget -q -O - http://${vip}:${vport}/ 2>&1); code=$?`,
    // --immediate-mode hands each packet to tcpdump at once (without it libpcap holds them in the ring until a
    // 1 s block timeout, and a SIGINT before that loses them: empty pcaps on a loaded machine); -U writes each.
    'sleep 1',
    `kill -INT $(cat ${dir}/pids) 2>/dev/null; wait`,
    'echo "REQUEST $code"; printf "%s\\n" "$out" | head -c 2000; echo',
  );
  ifs.forEach((f, i) => lines.push(`echo "PCAP ${i}"; base64 ${dir}/${i}.pcap | tr -d '\\n'; echo`));
  lines.push('echo END');
  return lines.join('\n') + '\n';
}

/** Parses the script's output back into pcaps. */
export function parseCaptureOutput(out: string, count: number): { code: number; output: string; pcaps: Map<number, Uint8Array> } {
  const m = /^REQUEST (\d+)\n([\s\S]*?)\nPCAP /m.exec(out);
  if (!m) throw new LabError(`the capture script printed no result: ${out.slice(0, 500)}`);
  const pcaps = new Map<number, Uint8Array>();
  for (const p of out.matchAll(/^PCAP (\d+)\n([A-Za-z0-9+/=]*)$/gm)) {
    const i = Number(p[1]);
    if (i < count) pcaps.set(i, new Uint8Array(Buffer.from(p[2]!, 'base64')));
  }
  return { code: Number(m[1]), output: m[2]!.trim(), pcaps };
}

/**
 * Captures one request of `req.client` to `req.service` in the running lab VM (the design's hosts
 * must already be created and applied) and compares it with the simulation.
 */
export async function captureRequest(vm: LabVm, t: Topology, req: CaptureRequest, opts: { seed?: number } = {}): Promise<CaptureResult> {
  const seed = opts.seed ?? 1;
  const first = simulate(t, { client: req.client, service: serviceId(req.service) }, { seed });
  const pkt = first.steps.find((s) => s.packet?.ip && s.packet.l4)?.packet;
  if (!pkt?.ip || !pkt.l4) throw new LabError(`the simulator sends no packet from ${req.client} to ${req.service}`);
  const vip = pkt.ip.dst;
  const vport = pkt.l4.dport;
  const ifs = captureInterfaces(t);
  const out = await labExec(vm, 'sh -s', { input: captureScript(t, req.client, vip, vport), timeoutMs: 150_000, what: 'capturing one request' });
  const parsed = parseCaptureOutput(out, ifs.length);
  const problems: string[] = [];
  const sources: CaptureSource[] = [];
  const pcaps: CaptureResult['pcaps'][number][] = [];
  ifs.forEach((f, i) => {
    const bytes = parsed.pcaps.get(i);
    if (!bytes) {
      problems.push(`no capture came back from ${f.host}/${f.name}`);
      return;
    }
    pcaps.push({ host: f.host, iface: f.iface, name: f.name, bytes });
    try {
      const file = readPcap(bytes);
      for (const p of file.problems) problems.push(`${f.host}/${f.name}: ${p}`);
      sources.push({ host: f.host, iface: f.iface, frames: file.frames });
    } catch (e) {
      problems.push(`${f.host}/${f.name}: ${(e as Error).message}`);
    }
  });
  const walk = buildCapturedWalk(t, sources, { client: pkt.ip.src, vip, vport });
  const trace = walk.clientPort === null ? first : simulate(t, { client: req.client, service: serviceId(req.service), sport: walk.clientPort }, { seed });
  return {
    vip,
    vport,
    pcaps,
    walk,
    trace,
    comparison: compareWalks(trace, walk.steps),
    request: { code: parsed.code, output: parsed.output },
    problems: [...problems, ...walk.problems],
  };
}
