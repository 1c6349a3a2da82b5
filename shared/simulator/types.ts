/**
 * Public data types of the packet-flow simulator. The classroom animation and `lvsd simulate` both
 * render these, so they are plain, readonly, JSON-safe data and change only by addition.
 *
 * A {@link Trace} is the ordered list of {@link TraceStep}s one request/reply exchange produces in
 * the designed network: ARP, the request client → director → real server and the reply back.
 */
import type { ForwardingMethod, HostId, InterfaceId, RealServerId, SegmentId, ServiceId } from '../model/types.ts';
import type { TcpSummary } from './trace/tcp-summary.ts';

/** A sentence in both UI languages (English and Simplified Chinese). */
export interface Narration {
  readonly en: string;
  readonly zh: string;
}

/** UI language of a narration. */
export type Lang = keyof Narration;

/**
 * What happened in one step. `hook` is a netfilter hook traversal, `route` a routing decision,
 * `schedule` the IPVS scheduler choosing a real server, `rewrite` a header change (NAT or the DR MAC
 * rewrite), `encapsulate`/`decapsulate` IPIP, `deliver` a hand-over to a local socket, `drop` the end
 * of a broken flow, `originate` an application creating a packet, `arp-learn` a neighbour-cache update,
 * `arp-silent` a host that owns the ARP target but does not answer (arp_ignore).
 */
export type TraceEventKind =
  | 'originate'
  | 'arp-request'
  | 'arp-reply'
  | 'arp-learn'
  | 'arp-silent'
  | 'transmit'
  | 'arrive'
  | 'hook'
  | 'route'
  | 'schedule'
  | 'rewrite'
  | 'encapsulate'
  | 'decapsulate'
  | 'deliver'
  | 'drop'
  | 'segment'
  | 'conn-state';

/** The netfilter hooks of the IPv4 path a step can be at. */
export type NetfilterHook = 'PREROUTING' | 'LOCAL_IN' | 'FORWARD' | 'LOCAL_OUT' | 'POSTROUTING';

/** Which part of the exchange a step belongs to. */
export type TracePhase = 'request' | 'reply';

/** One end of a link: an interface of a host. */
export interface LinkEnd {
  readonly host: HostId;
  readonly iface: InterfaceId;
}

/**
 * Where the packet is during a step: inside a host (optionally at one of its interfaces), or on the
 * wire of a segment between two interfaces (`to: null` for a broadcast such as an ARP request).
 */
export type PacketPlace =
  | { readonly kind: 'host'; readonly host: HostId; readonly iface?: InterfaceId }
  | { readonly kind: 'link'; readonly segment: SegmentId; readonly from: LinkEnd; readonly to: LinkEnd | null };

/** Ethernet II header. MACs are lower-case `aa:bb:cc:dd:ee:ff`; broadcast is `ff:ff:ff:ff:ff:ff`. */
export interface EthernetHeader {
  readonly src: string;
  readonly dst: string;
  /** EtherType: IPv4 (0x0800) or ARP (0x0806). */
  readonly type: 'ipv4' | 'arp';
}

/** An ARP message (RFC 826) carried in an Ethernet frame. */
export interface ArpMessage {
  readonly op: 'request' | 'reply';
  readonly senderMac: string;
  readonly senderIp: string;
  /** `00:00:00:00:00:00` in a request. */
  readonly targetMac: string;
  readonly targetIp: string;
}

/** IP protocol numbers the simulator knows. `ipip` (4) is the outer header of LVS-TUN. */
export type IpProtocol = 'tcp' | 'udp' | 'sctp' | 'ipip';

/** IPv4 header fields that matter for LVS. */
export interface IpHeader {
  readonly src: string;
  readonly dst: string;
  /** Time to live; lowered by every router hop and by IPVS when it sends a packet on to a real server. */
  readonly ttl: number;
  readonly protocol: IpProtocol;
}

/** Transport header: ports only (TCP flags are summarised in `segment`). */
export interface TransportHeader {
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  readonly sport: number;
  readonly dport: number;
  /** Human summary of what the segment carries, e.g. `SYN` / `request` / `response`. */
  readonly segment: string;
}

/**
 * The full header stack of the packet at a step, outermost first: Ethernet (on a wire or right
 * before/after it), then either an ARP message, or IP (`outer` is the IPIP header of LVS-TUN,
 * `ip` the original client packet) and the transport header.
 */
export interface HeaderStack {
  readonly eth?: EthernetHeader;
  readonly arp?: ArpMessage;
  /** Outer IPv4 header added by LVS-TUN (protocol `ipip`); absent otherwise. */
  readonly outer?: IpHeader;
  readonly ip?: IpHeader;
  readonly l4?: TransportHeader;
  /** Size on the wire in bytes (IP total length plus the 14-byte Ethernet header when framed). */
  readonly size: number;
}

/**
 * Names of header fields that can change between steps, as listed in {@link TraceStep.changed}:
 * `eth.src`, `eth.dst`, `ip.src`, `ip.dst`, `ip.ttl`, `l4.sport`, `l4.dport`, `outer` (IPIP header
 * added or removed), `outer.ttl`.
 */
export type HeaderField = 'eth.src' | 'eth.dst' | 'ip.src' | 'ip.dst' | 'ip.ttl' | 'l4.sport' | 'l4.dport' | 'outer' | 'outer.ttl';

/** An address and port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * An entry of the director's IPVS connection table (`ipvsadm -Lnc`): who talks to which virtual
 * service, and which real server the connection is bound to.
 */
export interface ConnEntry {
  readonly protocol: 'tcp' | 'udp' | 'sctp';
  /** CIP:CPORT as seen by the director. */
  readonly client: Endpoint;
  /** VIP:VPORT. */
  readonly virtual: Endpoint;
  /** RIP:RPORT the connection is forwarded to. */
  readonly dest: Endpoint;
  readonly realServer: RealServerId;
  readonly method: ForwardingMethod;
  /** IPVS connection state, e.g. `SYN_RECV`, `ESTABLISHED`, `UDP`. */
  readonly state: string;
  /** Seconds before the entry expires in that state (IPVS default timeouts). */
  readonly expiresIn: number;
  /** Present when the service is persistent: the template that pins this client. */
  readonly template?: { readonly client: string; readonly expiresIn: number; readonly reused: boolean };
  /** The same entry as `ipvsadm -Lnc` prints it. */
  readonly ipvsadm: string;
}

/** A routing decision: which route matched and where the packet goes next. */
export interface RouteDecision {
  /** `local` = delivered to this host; `forward`/`output` = sent out of `iface` to `nextHop`. */
  readonly result: 'local' | 'output' | 'forward' | 'unreachable';
  /** The matching route as `ip route` prints it, e.g. `default via 192.168.111.200 dev eth0`. */
  readonly route?: string;
  readonly iface?: InterfaceId;
  /** The address whose MAC is needed (the gateway, or the destination itself on-link). */
  readonly nextHop?: string;
  /** The source address the kernel picks for locally generated packets on this route. */
  readonly source?: string;
}

/** The seed article's workflow step letters: (a)–(f) for NAT and DR, (a)–(c) for TUN. */
export type ArticleStep = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

/** One event of a trace. */
export interface TraceStep {
  /** 0-based position in the trace. */
  readonly index: number;
  readonly kind: TraceEventKind;
  readonly phase: TracePhase;
  readonly place: PacketPlace;
  /** The headers after this step; `null` for steps without a packet of their own (e.g. a schedule). */
  readonly packet: HeaderStack | null;
  /** Fields that differ from the same packet's previous step (empty when none). */
  readonly changed: readonly HeaderField[];
  readonly hook?: NetfilterHook;
  readonly route?: RouteDecision;
  /** The IPVS connection entry created (`schedule`) or used (`rewrite` of a NAT reply) here. */
  readonly conn?: ConnEntry;
  /** The seed article's step this event illustrates. */
  readonly articleStep?: ArticleStep;
  /** `warning` marks a step that works but is a trap (ARP race, ARP announce); `error` the drop. */
  readonly severity: 'info' | 'warning' | 'error';
  /** One sentence a teacher can read aloud. */
  readonly narration: Narration;
  /** On a `segment` (and its `conn-state`) step: the TCP segment of the connection this step shows. */
  readonly tcp?: TcpStepInfo;
}

/**
 * The TCP side of a `segment` step: the flags, the sequence and acknowledgement numbers (absolute as
 * on the wire, and relative to each side's initial sequence number as Wireshark shows them), the
 * payload, and what the director's IPVS entry made of it.
 */
export interface TcpStepInfo {
  readonly kind: 'syn' | 'syn-ack' | 'ack' | 'request' | 'data' | 'data-ack' | 'fin' | 'fin-ack';
  /** Flag names in tcpdump order, e.g. `['SYN', 'ACK']`. */
  readonly flags: readonly string[];
  readonly seq: number;
  /** 0 when the ACK flag is clear. */
  readonly ack: number;
  readonly relSeq: number;
  readonly relAck: number;
  /** Payload bytes. */
  readonly payload: number;
  readonly fromClient: boolean;
  /** Whether the director sees this segment (DR/TUN replies bypass it). */
  readonly directorSees: boolean;
  /** The IPVS entry's state after this segment (from the kernel's tcp_states table), and its timeout in seconds. */
  readonly ipvsState: string;
  readonly timeout: number;
  /** The table the director used: `input`, `output` (NAT replies) or `input-only` (DR/TUN); absent when it did not see the segment. */
  readonly direction?: 'input' | 'output' | 'input-only';
  /** `data` / `data-ack` segments can be folded into one group in a step list. */
  readonly group?: 'data' | 'data-ack';
  /** 1-based position of this segment in the connection, and the total. */
  readonly n: number;
  readonly of: number;
  /** On a `segment` step: which wire of the segment's path this step shows (absent on `conn-state`). */
  readonly hop?: TcpHopInfo;
}

/**
 * One wire of a TCP segment's path: the segment crosses the same wires, with the same MACs, IPs and
 * IPIP outer header, as the first request (client side) or reply (server side) of the walk.
 */
export interface TcpHopInfo {
  /** 1-based position of this wire on the segment's path, and how many wires the path has. */
  readonly n: number;
  readonly of: number;
  /** The link's MTU (min of the segment and both interfaces) and the encapsulation it adds (IPIP: 20). */
  readonly mtu: number;
  readonly overhead: number;
  /** IP bytes of this segment on this wire, the outer IPIP header included. */
  readonly ipBytes: number;
  /**
   * A full-sized segment (the announced MSS + 40) does not fit this wire: DF is set (Linux TCP runs
   * path-MTU discovery), so `by` drops it and sends ICMP "fragmentation needed" carrying `icmpMtu`
   * (LVS-TUN: ip_vs_xmit.c ensure_mtu_ok, dst_mtu − 20); the sender drops its MSS to the path MSS.
   */
  readonly fullSize?: { readonly needed: number; readonly mtu: number; readonly icmpMtu: number; readonly by: HostId };
}

/**
 * Why a flow broke, as a stable id the UI can link to the fault catalogue (docs/simulator.md).
 */
export type FaultId =
  | 'nat-reply-bypasses-director'
  | 'rs-no-route-back'
  | 'reply-via-director'
  | 'arp-race'
  | 'arp-announce'
  | 'all-quiesced'
  | 'no-listener'
  | 'dr-no-l2-path'
  | 'rp-filter'
  | 'no-real-server'
  | 'client-on-director'
  | 'no-ip-forward'
  | 'missing-vip-on-rs'
  | 'no-ipip-tunnel'
  | 'vip-not-on-director'
  | 'arp-unanswered'
  | 'no-route'
  | 'martian-source'
  | 'ttl-exceeded'
  | 'unexpected-reply'
  | 'not-for-this-host'
  | 'no-service'
  | 'step-limit';

/** How the exchange ended. */
export type TraceOutcome =
  | { readonly status: 'ok'; readonly narration: Narration }
  | {
      /** A runtime failure (options.failure), not a design fault: the checker has nothing to report. */
      readonly status: 'failed';
      readonly failure: RuntimeFailure;
      readonly at: PacketPlace;
      readonly stepIndex?: number;
      readonly narration: Narration;
    }
  | {
      readonly status: 'broken';
      readonly fault: FaultId;
      /** Where the packet died (or where the problem shows). */
      readonly at: PacketPlace;
      /** Index of the `drop` step, when there is one. */
      readonly stepIndex?: number;
      /** What went wrong and how to fix it. */
      readonly narration: Narration;
    };

/** Bytes a host sent, received and forwarded during the exchange (classroom compare mode). */
export interface HostBytes {
  readonly host: HostId;
  readonly rx: number;
  readonly tx: number;
  /** Bytes this host passed on for others (routers, and the director for NAT replies and IPVS). */
  readonly forwarded: number;
}

/** What to simulate. */
export interface Flow {
  /** The client host that opens the connection. */
  readonly client: HostId;
  /** The virtual service: its id, or `VIP:PORT`. */
  readonly service: ServiceId;
  /** Client source port; a seeded ephemeral port (32768–60999) when absent. */
  readonly sport?: number;
  /** Destination port for an all-ports (port 0) or fwmark service; 80 when absent. Ignored otherwise. */
  readonly dport?: number;
  /**
   * Connections this client already made (and closed) before this one, on a freshly configured
   * director: rr/wrr cursors have moved on and a persistent service has a template for the client.
   * 0 when absent. Lets the classroom send "the next request".
   */
  readonly previousConnections?: number;
  /** Force this real server instead of asking the scheduler (classroom "what if"). */
  readonly realServer?: RealServerId;
  /** Size of the request packet in bytes (IP total length); 100 when absent. */
  readonly requestBytes?: number;
  /** Size of the reply in bytes; 10240 when absent. */
  readonly replyBytes?: number;
}

/**
 * A real-server failure replayed in the walk: a runtime event, not a design fault. keepalived's
 * checkers react as `simulateServiceHealth` computes; the walk's request meets the IPVS table as it
 * is `since` seconds after the failure.
 */
export interface FailureScenario {
  /** Real servers that are down (ids of the walked service's real servers). */
  readonly down: readonly RealServerId[];
  /** `silent`: the host is gone (nothing answers); `refused`: the service stopped (the host's kernel answers RST). */
  readonly mode: 'silent' | 'refused';
  /** Seconds since the servers died. */
  readonly since: number;
  /**
   * Seconds from the failure to the checker's next attempt; `delay_loop` when absent (the server died
   * right after a successful check: the longest detection window).
   */
  readonly nextCheckIn?: number;
  /**
   * The director's `net.ipv4.vs.expire_nodest_conn` (0, the kernel default, when absent): with 1 a
   * retransmitted SYN whose entry points to a server keepalived took out is scheduled anew.
   */
  readonly expireNodestConn?: boolean;
}

/** How a walk with a {@link FailureScenario} failed (never a design fault). */
export type RuntimeFailure =
  /** The SYN went to a dead host: nothing answers, the client retransmits. */
  | 'rs-down-silent'
  /** The SYN reached a host whose service stopped: its kernel answered RST. */
  | 'rs-down-refused'
  /** The table has no usable real server and no sorry server: ICMP port unreachable from the director. */
  | 'no-destination'
  /** The sorry server's address belongs to no host of the design, so the walk cannot follow it. */
  | 'sorry-server-outside';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Real servers down at the time of the walk (classroom failure mode). */
  readonly failure?: FailureScenario;
  /** Seed of the injected RNG (source port, ARP reply races, `twos`). Same seed → same trace. */
  readonly seed?: number;
  /** Safety limit on the number of steps (a routing loop usually ends earlier, when the TTL runs out). 1000 when absent. */
  readonly maxSteps?: number;
}

/** The result of simulating one exchange. */
export interface Trace {
  readonly flow: Flow;
  readonly seed: number;
  /** The service actually simulated (resolved from `flow.service`), when found. */
  readonly service?: { readonly id: ServiceId; readonly vip: string; readonly port: number; readonly protocol: string; readonly scheduler: string };
  /** Forwarding method of the chosen real server. */
  readonly method?: ForwardingMethod;
  /** Real server the scheduler picked. */
  readonly realServer?: RealServerId;
  readonly steps: readonly TraceStep[];
  readonly outcome: TraceOutcome;
  /** Things that worked this time but are wrong in the design (e.g. an ARP race the director won). */
  readonly warnings: readonly { readonly fault: FaultId; readonly narration: Narration }[];
  /** The IPVS connection entry at the end of the exchange. */
  readonly conn?: ConnEntry;
  /** Per-host byte counters, hosts that saw no traffic omitted. */
  readonly bytes: readonly HostBytes[];
  /**
   * The TCP connection behind a working TCP walk: path MTUs, MSS, where a full-sized segment needs
   * fragmenting, and handshake / segments / ACKs / FIN with the IPVS entry's states and timeouts.
   */
  readonly tcp?: TcpSummary;
}
