/**
 * Test helper: writes classic pcap files (little-endian, microseconds, Ethernet) from header stacks,
 * so the reader and the captured walk can be tested against frames whose every byte we know.
 */
import type { HeaderStack } from '../../../shared/simulator/types.ts';

const macBytes = (m: string): number[] => m.split(':').map((x) => parseInt(x, 16));
const ipBytes = (a: string): number[] => a.split('.').map(Number);
const u16 = (n: number): number[] => [(n >> 8) & 255, n & 255];
const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

export interface FrameSpec {
  readonly headers: HeaderStack;
  readonly timeUs: number;
  /** TCP flags byte; SYN (0x02) for a request, SYN-ACK (0x12) for a response when absent. */
  readonly tcpFlags?: number;
  readonly ipId?: number;
}

function ipv4(src: string, dst: string, ttl: number, proto: number, payload: number[], id: number): number[] {
  return [0x45, 0, ...u16(20 + payload.length), ...u16(id), 0x40, 0, ttl, proto, 0, 0, ...ipBytes(src), ...ipBytes(dst), ...payload];
}

/** The bytes of one Ethernet frame. */
export function frameBytes(f: FrameSpec): Uint8Array {
  const h = f.headers;
  const eth = [...macBytes(h.eth!.dst), ...macBytes(h.eth!.src)];
  if (h.arp) {
    const a = h.arp;
    return Uint8Array.from([
      ...eth,
      0x08,
      0x06,
      0,
      1,
      8,
      0,
      6,
      4,
      0,
      a.op === 'request' ? 1 : 2,
      ...macBytes(a.senderMac),
      ...ipBytes(a.senderIp),
      ...macBytes(a.targetMac),
      ...ipBytes(a.targetIp),
    ]);
  }
  const flags = f.tcpFlags ?? (h.l4!.segment === 'response' ? 0x12 : 0x02);
  const tcp = [...u16(h.l4!.sport), ...u16(h.l4!.dport), ...u32(1000), ...u32(flags & 0x10 ? 2000 : 0), 0x50, flags, ...u16(64240), 0, 0, 0, 0];
  const id = f.ipId ?? 7;
  let ip = ipv4(h.ip!.src, h.ip!.dst, h.ip!.ttl, 6, tcp, id);
  if (h.outer) ip = ipv4(h.outer.src, h.outer.dst, h.outer.ttl, 4, ip, id + 1);
  return Uint8Array.from([...eth, 0x08, 0x00, ...ip]);
}

/** A whole pcap file of the given frames (or raw records). */
export function pcapBytes(frames: readonly (FrameSpec | { readonly raw: Uint8Array; readonly timeUs: number })[], linkType = 1): Uint8Array {
  const le32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  const le16 = (n: number): number[] => [n & 255, (n >> 8) & 255];
  const out: number[] = [...le32(0xa1b2c3d4), ...le16(2), ...le16(4), ...le32(0), ...le32(0), ...le32(262144), ...le32(linkType)];
  for (const f of frames) {
    const b = 'raw' in f ? f.raw : frameBytes(f);
    out.push(...le32(Math.floor(f.timeUs / 1e6)), ...le32(f.timeUs % 1e6), ...le32(b.length), ...le32(b.length), ...b);
  }
  return Uint8Array.from(out);
}
