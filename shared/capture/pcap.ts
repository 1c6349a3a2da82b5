/**
 * A bounded reader of classic pcap files (the format `tcpdump -w` writes) for Ethernet captures
 * (link type 1): Ethernet II, ARP, IPv4, an IPIP outer header (LVS-TUN), TCP and UDP ports.
 *
 * Pure and defensive: the input may be truncated or hostile, so every length is checked against the
 * bytes that are really there, the number of records is capped, and a record that cannot be decoded
 * is reported in `problems` instead of throwing. Only what LVS teaching needs is decoded; the rest of
 * a frame is ignored.
 */

/** Link type of Ethernet captures (`DLT_EN10MB`). */
export const LINKTYPE_ETHERNET = 1;

/** Records read at most from one file, so a hostile file cannot make the reader loop for long. */
export const MAX_RECORDS = 100_000;

/** A decoded IPv4 header (addresses dotted, TTL as on the wire). */
export interface PcapIp {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  /** IP protocol number (4 = IPIP, 6 = TCP, 17 = UDP). */
  readonly protocol: number;
  /** Total length from the header, in bytes. */
  readonly totalLength: number;
  /** Identification field (tells a retransmission from the same frame seen at both ends of a wire). */
  readonly id: number;
}

/** TCP flags as tcpdump prints them (`S`, `S.`, `.`, `P.`, `F.`, `R`). */
export interface PcapTcp {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  /** SYN, ACK, FIN, RST, PSH. */
  readonly flags: { readonly syn: boolean; readonly ack: boolean; readonly fin: boolean; readonly rst: boolean; readonly psh: boolean };
  /** Payload bytes in this segment (from the IP total length, not the captured length). */
  readonly payload: number;
}

/** One frame of a capture, decoded as far as it goes. */
export interface PcapFrame {
  /** 0-based record number in its file. */
  readonly index: number;
  /** Capture time in microseconds since the epoch. */
  readonly timeUs: number;
  /** Length on the wire (bytes). */
  readonly wireLength: number;
  readonly eth: { readonly src: string; readonly dst: string; readonly type: number };
  readonly arp?: {
    readonly op: 'request' | 'reply';
    readonly senderMac: string;
    readonly senderIp: string;
    readonly targetMac: string;
    readonly targetIp: string;
  };
  /** The IPv4 header; for an IPIP packet this is the outer header. */
  readonly ip?: PcapIp;
  /** The inner IPv4 header of an IPIP packet. */
  readonly inner?: PcapIp;
  readonly tcp?: PcapTcp;
  readonly udp?: { readonly sport: number; readonly dport: number };
}

/** The frames of a file and what could not be read. */
export interface PcapFile {
  readonly linkType: number;
  readonly frames: readonly PcapFrame[];
  /** Human-readable reasons for records or fields that could not be decoded (empty when clean). */
  readonly problems: readonly string[];
}

const hex = (b: number): string => b.toString(16).padStart(2, '0');
const mac = (d: Uint8Array, o: number): string => [0, 1, 2, 3, 4, 5].map((i) => hex(d[o + i]!)).join(':');
const ip4 = (d: Uint8Array, o: number): string => `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;

function parseIp(d: Uint8Array, o: number, end: number): { ip: PcapIp; payload: number; payloadEnd: number } | string {
  if (end - o < 20) return 'IPv4 header truncated';
  const vihl = d[o]!;
  if (vihl >> 4 !== 4) return `IP version ${vihl >> 4} is not 4`;
  const ihl = (vihl & 0x0f) * 4;
  if (ihl < 20 || end - o < ihl) return 'IPv4 header length invalid or truncated';
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const totalLength = v.getUint16(o + 2);
  if (totalLength < ihl) return 'IPv4 total length shorter than its header';
  const ip: PcapIp = { src: ip4(d, o + 12), dst: ip4(d, o + 16), ttl: d[o + 8]!, protocol: d[o + 9]!, totalLength, id: v.getUint16(o + 4) };
  // the captured bytes may be fewer than the total length (snaplen); never read past either
  return { ip, payload: o + ihl, payloadEnd: Math.min(end, o + totalLength) };
}

function parseFrame(d: Uint8Array, index: number, timeUs: number, wireLength: number, problems: string[]): PcapFrame | null {
  if (d.length < 14) {
    problems.push(`record ${index}: Ethernet header truncated (${d.length} bytes)`);
    return null;
  }
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let type = v.getUint16(12);
  let o = 14;
  if (type === 0x8100 && d.length >= 18) {
    type = v.getUint16(16); // 802.1Q: skip the tag
    o = 18;
  }
  const base = { index, timeUs, wireLength, eth: { src: mac(d, 6), dst: mac(d, 0), type } };
  if (type === 0x0806) {
    if (d.length - o < 28) {
      problems.push(`record ${index}: ARP message truncated`);
      return base;
    }
    const op = v.getUint16(o + 6);
    if (op !== 1 && op !== 2) {
      problems.push(`record ${index}: ARP op ${op} unknown`);
      return base;
    }
    return {
      ...base,
      arp: { op: op === 1 ? 'request' : 'reply', senderMac: mac(d, o + 8), senderIp: ip4(d, o + 14), targetMac: mac(d, o + 18), targetIp: ip4(d, o + 24) },
    };
  }
  if (type !== 0x0800) return base;
  const outer = parseIp(d, o, d.length);
  if (typeof outer === 'string') {
    problems.push(`record ${index}: ${outer}`);
    return base;
  }
  let frame: PcapFrame = { ...base, ip: outer.ip };
  let l = outer;
  if (outer.ip.protocol === 4) {
    const inner = parseIp(d, outer.payload, outer.payloadEnd);
    if (typeof inner === 'string') {
      problems.push(`record ${index}: inner ${inner}`);
      return frame;
    }
    frame = { ...frame, inner: inner.ip };
    l = inner;
  }
  const avail = l.payloadEnd - l.payload;
  if (l.ip.protocol === 6) {
    if (avail < 20) {
      problems.push(`record ${index}: TCP header truncated`);
      return frame;
    }
    const p = l.payload;
    const off = (d[p + 12]! >> 4) * 4;
    const f = d[p + 13]!;
    const headerBytes = l.payload - (l === outer ? o : outer.payload);
    return {
      ...frame,
      tcp: {
        sport: v.getUint16(p),
        dport: v.getUint16(p + 2),
        seq: v.getUint32(p + 4),
        ack: v.getUint32(p + 8),
        flags: { fin: (f & 1) !== 0, syn: (f & 2) !== 0, rst: (f & 4) !== 0, psh: (f & 8) !== 0, ack: (f & 16) !== 0 },
        payload: Math.max(0, l.ip.totalLength - headerBytes - off),
      },
    };
  }
  if (l.ip.protocol === 17) {
    if (avail < 8) {
      problems.push(`record ${index}: UDP header truncated`);
      return frame;
    }
    return { ...frame, udp: { sport: v.getUint16(l.payload), dport: v.getUint16(l.payload + 2) } };
  }
  return frame;
}

/**
 * Reads a classic pcap file (either byte order, microsecond or nanosecond timestamps). Throws only
 * when the global header is unusable (not a pcap, or not an Ethernet capture); a damaged record ends
 * the reading with a problem, and the frames before it are kept.
 */
export function readPcap(data: Uint8Array): PcapFile {
  if (data.length < 24) throw new Error('not a pcap file: shorter than its 24-byte header');
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magicBE = v.getUint32(0, false);
  let little: boolean;
  let nano: boolean;
  if (magicBE === 0xa1b2c3d4 || magicBE === 0xa1b23c4d) {
    little = false;
    nano = magicBE === 0xa1b23c4d;
  } else if (magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1) {
    little = true;
    nano = magicBE === 0x4d3cb2a1;
  } else {
    throw new Error(`not a pcap file: magic 0x${magicBE.toString(16)}`);
  }
  const linkType = v.getUint32(20, little) & 0x0fffffff;
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`link type ${linkType} is not Ethernet (capture with tcpdump -i <interface>, not -i any)`);
  const snaplen = v.getUint32(16, little);
  const frames: PcapFrame[] = [];
  const problems: string[] = [];
  let o = 24;
  for (let i = 0; o < data.length; i++) {
    if (i >= MAX_RECORDS) {
      problems.push(`more than ${MAX_RECORDS} records; the rest is not read`);
      break;
    }
    if (data.length - o < 16) {
      problems.push(`record ${i}: record header truncated`);
      break;
    }
    const sec = v.getUint32(o, little);
    const frac = v.getUint32(o + 4, little);
    const incl = v.getUint32(o + 8, little);
    const orig = v.getUint32(o + 12, little);
    if (incl > 262_144 || (snaplen > 0 && incl > Math.max(snaplen, 65_535))) {
      problems.push(`record ${i}: captured length ${incl} is implausible`);
      break;
    }
    if (data.length - o - 16 < incl) {
      problems.push(`record ${i}: truncated (${data.length - o - 16} of ${incl} bytes)`);
      break;
    }
    const body = data.subarray(o + 16, o + 16 + incl);
    const timeUs = sec * 1_000_000 + (nano ? Math.floor(frac / 1000) : frac);
    const frame = parseFrame(body, i, timeUs, orig, problems);
    if (frame) frames.push(frame);
    o += 16 + incl;
  }
  return { linkType, frames, problems };
}
