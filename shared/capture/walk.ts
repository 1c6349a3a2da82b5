/**
 * The captured walk: the frames tcpdump recorded on every interface a request crosses, merged into
 * one ordered list of wire steps shaped like the simulator's {@link TraceStep}s (`transmit`,
 * `arp-request`, `arp-reply` on a `link` place), so the classroom plays them with the same controls
 * and header view, and {@link compareWalks} can line them up with the simulated walk.
 *
 * One request = the client's TCP SYN to VIP:PORT and the SYN-ACK back (the simulator's `request`
 * and `response` packet), plus the ARP exchanges before them.
 */
import type { HostId, InterfaceId, SegmentId, Topology } from '../model/types.ts';
import { compileNetwork } from '../simulator/network.ts';
import type { NetIface } from '../simulator/network.ts';
import type { HeaderField, HeaderStack, IpHeader, PacketPlace, TracePhase, TraceStep } from '../simulator/types.ts';
import type { PcapFrame, PcapIp } from './pcap.ts';

/** The frames tcpdump recorded on one interface of one host (one namespace). */
export interface CaptureSource {
  readonly host: HostId;
  readonly iface: InterfaceId;
  readonly frames: readonly PcapFrame[];
}

/** Which connection to pick out of the captures. */
export interface CaptureFlow {
  /** The client's address (CIP). */
  readonly client: string;
  readonly vip: string;
  readonly vport: number;
}

/** A wire step of the captured walk: a {@link TraceStep} plus where and when tcpdump saw it. */
export interface CapturedStep extends TraceStep {
  /** Capture time of its first sighting, microseconds since the first step. */
  readonly atUs: number;
  /** The interfaces whose capture holds this frame (both ends of a wire, every host of a broadcast). */
  readonly seenOn: readonly { readonly host: HostId; readonly iface: InterfaceId }[];
  /** TCP flags as tcpdump prints them (`S`, `S.`), for IP steps. */
  readonly tcpFlags?: string;
  /** TCP sequence and acknowledgement numbers as on the wire (absolute), for IP steps. */
  readonly wireTcp?: { readonly seq: number; readonly ack: number };
}

/** The captured walk and what in the captures could not be placed. */
export interface CapturedWalk {
  readonly steps: readonly CapturedStep[];
  /** The client port of the captured connection; null when no SYN to VIP:PORT was captured. */
  readonly clientPort: number | null;
  readonly problems: readonly string[];
}

/** Two sightings of the same frame on one wire are this close in time at most. */
const SAME_FRAME_US = 500_000;

function flagsText(f: NonNullable<PcapFrame['tcp']>['flags']): string {
  return `${f.syn ? 'S' : ''}${f.fin ? 'F' : ''}${f.rst ? 'R' : ''}${f.psh ? 'P' : ''}${f.ack ? '.' : ''}`;
}

function ipHeader(ip: PcapIp, protocol: IpHeader['protocol']): IpHeader {
  return { src: ip.src, dst: ip.dst, ttl: ip.ttl, protocol };
}

function headers(f: PcapFrame): HeaderStack {
  const eth = { src: f.eth.src, dst: f.eth.dst, type: f.arp ? ('arp' as const) : ('ipv4' as const) };
  if (f.arp) return { eth, arp: f.arp, size: f.wireLength };
  const innerIp = f.inner ?? f.ip!;
  const l4 = f.tcp ? { protocol: 'tcp' as const, sport: f.tcp.sport, dport: f.tcp.dport, segment: f.tcp.flags.ack ? 'response' : 'request' } : undefined;
  return {
    eth,
    ...(f.inner ? { outer: ipHeader(f.ip!, 'ipip') } : {}),
    ip: ipHeader(innerIp, 'tcp'),
    ...(l4 ? { l4 } : {}),
    size: f.wireLength,
  };
}

/** Fields that differ between two header stacks of the same packet, named as in {@link HeaderField}. */
export function changedFields(a: HeaderStack | null, b: HeaderStack): HeaderField[] {
  if (!a || a.arp || b.arp) return [];
  const out: HeaderField[] = [];
  if (a.eth?.src !== b.eth?.src) out.push('eth.src');
  if (a.eth?.dst !== b.eth?.dst) out.push('eth.dst');
  if (a.ip?.src !== b.ip?.src) out.push('ip.src');
  if (a.ip?.dst !== b.ip?.dst) out.push('ip.dst');
  if (a.ip?.ttl !== b.ip?.ttl) out.push('ip.ttl');
  if (a.l4?.sport !== b.l4?.sport) out.push('l4.sport');
  if (a.l4?.dport !== b.l4?.dport) out.push('l4.dport');
  if (!a.outer !== !b.outer) out.push('outer');
  else if (a.outer && b.outer && a.outer.ttl !== b.outer.ttl) out.push('outer.ttl');
  return out;
}

function frameKey(f: PcapFrame): string {
  if (f.arp) return `arp|${f.eth.src}|${f.eth.dst}|${f.arp.op}|${f.arp.senderIp}|${f.arp.targetIp}`;
  const t = f.tcp;
  return `ip|${f.eth.src}|${f.eth.dst}|${f.ip!.id}|${f.ip!.ttl}|${f.inner?.id ?? ''}|${t ? `${t.seq}|${flagsText(t.flags)}` : ''}`;
}

/**
 * Merges the captures into the captured walk of the first connection from `flow.client` to
 * `flow.vip:flow.vport`. Frames of other traffic are left out; a frame whose MACs belong to no
 * interface of the design is placed on the capturing interface and reported in `problems`.
 */
export function buildCapturedWalk(topology: Topology, sources: readonly CaptureSource[], flow: CaptureFlow): CapturedWalk {
  const net = compileNetwork(topology);
  const problems: string[] = [];
  const byMac = new Map<string, NetIface[]>();
  for (const f of net.ifaces.values()) if (f.kind === 'ethernet') byMac.set(f.mac, [...(byMac.get(f.mac) ?? []), f]);

  interface Sighting {
    readonly frame: PcapFrame;
    readonly iface: NetIface;
  }
  const all: Sighting[] = [];
  for (const s of sources) {
    const iface = net.ifaces.get(s.iface);
    if (!iface || iface.host !== s.host || iface.segment === null) {
      problems.push(`capture of ${s.host}/${s.iface} is not of an ethernet interface plugged into a segment; ignored`);
      continue;
    }
    for (const frame of s.frames) all.push({ frame, iface });
  }
  all.sort((a, b) => a.frame.timeUs - b.frame.timeUs);

  // the connection: the first SYN from the client to VIP:PORT anywhere
  const isSyn = (f: PcapFrame): boolean => {
    const ip = f.inner ?? f.ip;
    return !!ip && !!f.tcp && f.tcp.flags.syn && !f.tcp.flags.ack && ip.src === flow.client && ip.dst === flow.vip && f.tcp.dport === flow.vport;
  };
  const first = all.find((s) => isSyn(s.frame));
  if (!first) return { steps: [], clientPort: null, problems: [...problems, `no TCP SYN from ${flow.client} to ${flow.vip}:${flow.vport} was captured`] };
  const cport = first.frame.tcp!.sport;
  const isSynAck = (f: PcapFrame): boolean => {
    const ip = f.inner ?? f.ip;
    return !!ip && !!f.tcp && f.tcp.flags.syn && f.tcp.flags.ack && ip.dst === flow.client && f.tcp.dport === cport;
  };
  const ofFlow = (f: PcapFrame): 'request' | 'reply' | null => {
    const ip = f.inner ?? f.ip;
    if (!ip || !f.tcp) return null;
    if (ip.src === flow.client && f.tcp.sport === cport && f.tcp.flags.syn && !f.tcp.flags.ack) return 'request';
    if (isSynAck(f)) return 'reply';
    return null;
  };
  const lastSynAck = [...all].reverse().find((s) => isSynAck(s.frame));
  const end = lastSynAck ? lastSynAck.frame.timeUs : all[all.length - 1]!.frame.timeUs;

  // one wire step per frame instance: the sightings of a frame at both ends of a wire are merged
  interface Wire {
    key: string;
    segment: SegmentId;
    first: Sighting;
    seen: NetIface[];
    phase: TracePhase | null;
  }
  const wires: Wire[] = [];
  for (const s of all) {
    if (s.frame.timeUs > end) break;
    const f = s.frame;
    const phase = f.arp ? null : ofFlow(f);
    if (!f.arp && !phase) continue;
    const key = frameKey(f);
    const seg = s.iface.segment!;
    const same = wires.find((w) => w.key === key && w.segment === seg && f.timeUs - w.first.frame.timeUs <= SAME_FRAME_US);
    if (same) {
      if (!same.seen.includes(s.iface)) same.seen.push(s.iface);
    } else wires.push({ key, segment: seg, first: s, seen: [s.iface], phase });
  }
  // ARP belongs to the phase of the next IP frame on the wire
  for (let i = wires.length - 1, next: TracePhase = 'reply'; i >= 0; i--) {
    const w = wires[i]!;
    if (w.phase) next = w.phase;
    else w.phase = next;
  }

  const t0 = wires[0]?.first.frame.timeUs ?? 0;
  const last: Partial<Record<TracePhase, HeaderStack>> = {};
  const steps: CapturedStep[] = wires.map((w, index) => {
    const f = w.first.frame;
    const onSeg = (mac: string): NetIface | undefined => byMac.get(mac)?.find((x) => x.segment === w.segment);
    let from = onSeg(f.eth.src);
    if (!from) {
      problems.push(`frame ${f.index} on ${w.segment}: source MAC ${f.eth.src} is no interface of the design on that segment`);
      from = w.first.iface;
    }
    const broadcast = f.eth.dst === 'ff:ff:ff:ff:ff:ff';
    const to = broadcast ? null : (onSeg(f.eth.dst) ?? null);
    if (!broadcast && !to) problems.push(`frame ${f.index} on ${w.segment}: destination MAC ${f.eth.dst} is no interface of the design on that segment`);
    const place: PacketPlace = {
      kind: 'link',
      segment: w.segment,
      from: { host: from.host, iface: from.id },
      to: to ? { host: to.host, iface: to.id } : null,
    };
    const packet = headers(f);
    const phase = w.phase!;
    const changed = f.arp ? [] : changedFields(last[phase] ?? null, packet);
    if (!f.arp) last[phase] = packet;
    const segName = topology.segments.find((s) => s.id === w.segment)?.name ?? w.segment;
    const flags = f.tcp ? flagsText(f.tcp.flags) : undefined;
    const what = f.arp
      ? {
          en: `ARP ${f.arp.op} ${f.arp.senderIp} → ${f.arp.targetIp}`,
          zh: `ARP ${f.arp.op === 'request' ? '请求' : '应答'} ${f.arp.senderIp} → ${f.arp.targetIp}`,
        }
      : {
          en: `${packet.outer ? `IPIP ${packet.outer.src} → ${packet.outer.dst} carrying ` : ''}TCP [${flags}] ${packet.ip!.src}:${packet.l4!.sport} → ${packet.ip!.dst}:${packet.l4!.dport}, TTL ${packet.ip!.ttl}`,
          zh: `${packet.outer ? `IPIP ${packet.outer.src} → ${packet.outer.dst} 封装 ` : ''}TCP [${flags}] ${packet.ip!.src}:${packet.l4!.sport} → ${packet.ip!.dst}:${packet.l4!.dport}，TTL ${packet.ip!.ttl}`,
        };
    return {
      index,
      kind: f.arp ? (f.arp.op === 'request' ? 'arp-request' : 'arp-reply') : 'transmit',
      phase,
      place,
      packet,
      changed,
      severity: 'info',
      narration: { en: `Captured on ${segName}: ${what.en}.`, zh: `在 ${segName} 上抓到：${what.zh}。` },
      atUs: f.timeUs - t0,
      seenOn: w.seen.map((x) => ({ host: x.host, iface: x.id })),
      ...(flags ? { tcpFlags: flags } : {}),
      ...(f.tcp ? { wireTcp: { seq: f.tcp.seq, ack: f.tcp.ack } } : {}),
    };
  });
  if (!lastSynAck) problems.push(`no SYN-ACK back to ${flow.client}:${cport} was captured`);
  return { steps, clientPort: cport, problems };
}
