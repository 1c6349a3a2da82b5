import { describe, expect, it } from 'vitest';
import { readPcap, MAX_RECORDS } from '../../../shared/capture/pcap.ts';
import type { HeaderStack } from '../../../shared/simulator/types.ts';
import { frameBytes, pcapBytes } from './pcap-writer.ts';

const syn: HeaderStack = {
  eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 'ipv4' },
  ip: { src: '172.16.111.10', dst: '172.16.111.123', ttl: 64, protocol: 'tcp' },
  l4: { protocol: 'tcp', sport: 40000, dport: 80, segment: 'request' },
  size: 54,
};
const tun: HeaderStack = { ...syn, outer: { src: '10.0.0.1', dst: '10.0.0.2', ttl: 63, protocol: 'ipip' }, ip: { ...syn.ip!, ttl: 63 } };
const arp: HeaderStack = {
  eth: { src: '02:00:00:00:00:01', dst: 'ff:ff:ff:ff:ff:ff', type: 'arp' },
  arp: { op: 'request', senderMac: '02:00:00:00:00:01', senderIp: '172.16.111.10', targetMac: '00:00:00:00:00:00', targetIp: '172.16.111.123' },
  size: 42,
};

/** Deterministic PRNG (mulberry32) for the fuzz cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('readPcap', () => {
  it('decodes Ethernet, IPv4, TCP flags/seq/ack and ports', () => {
    const f = readPcap(
      pcapBytes([
        { headers: syn, timeUs: 1_500_000 },
        { headers: { ...syn, l4: { ...syn.l4!, segment: 'response' } }, timeUs: 1_600_001 },
      ]),
    );
    expect(f.problems).toEqual([]);
    expect(f.frames).toHaveLength(2);
    const [a, b] = f.frames;
    expect(a!.eth).toEqual({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 0x0800 });
    expect(a!.ip).toMatchObject({ src: '172.16.111.10', dst: '172.16.111.123', ttl: 64, protocol: 6, totalLength: 40, id: 7 });
    expect(a!.tcp).toMatchObject({
      sport: 40000,
      dport: 80,
      seq: 1000,
      ack: 0,
      payload: 0,
      flags: { syn: true, ack: false, fin: false, rst: false, psh: false },
    });
    expect(a!.timeUs).toBe(1_500_000);
    expect(b!.tcp!.flags).toMatchObject({ syn: true, ack: true });
    expect(b!.tcp!.ack).toBe(2000);
    expect(b!.timeUs).toBe(1_600_001);
  });

  it('decodes the IPIP outer header and the inner packet of LVS-TUN', () => {
    const [f] = readPcap(pcapBytes([{ headers: tun, timeUs: 0 }])).frames;
    expect(f!.ip).toMatchObject({ src: '10.0.0.1', dst: '10.0.0.2', ttl: 63, protocol: 4, totalLength: 60 });
    expect(f!.inner).toMatchObject({ src: '172.16.111.10', dst: '172.16.111.123', ttl: 63, protocol: 6 });
    expect(f!.tcp).toMatchObject({ sport: 40000, dport: 80, payload: 0 });
  });

  it('decodes ARP requests and replies', () => {
    const [f] = readPcap(pcapBytes([{ headers: arp, timeUs: 0 }])).frames;
    expect(f!.arp).toEqual(arp.arp);
    expect(f!.eth.dst).toBe('ff:ff:ff:ff:ff:ff');
  });

  it('reads big-endian and nanosecond files', () => {
    const le = pcapBytes([{ headers: syn, timeUs: 2_000_003 }]);
    const be = new Uint8Array(le);
    const dv = new DataView(be.buffer);
    dv.setUint32(0, 0xa1b23c4d, false); // nanosecond magic, big-endian
    dv.setUint16(4, 2, false);
    dv.setUint16(6, 4, false);
    dv.setUint32(16, 262144, false);
    dv.setUint32(20, 1, false);
    const rec = new DataView(le.buffer, 24);
    for (const o of [0, 8, 12]) dv.setUint32(24 + o, rec.getUint32(o, true), false);
    dv.setUint32(28, 3000, false); // 3000 ns
    const f = readPcap(be);
    expect(f.problems).toEqual([]);
    expect(f.frames[0]!.timeUs).toBe(2_000_003);
    expect(f.frames[0]!.tcp!.sport).toBe(40000);
  });

  it('refuses what is not an Ethernet pcap', () => {
    expect(() => readPcap(new Uint8Array(10))).toThrow(/shorter than its 24-byte header/);
    expect(() => readPcap(new Uint8Array(24))).toThrow(/magic/);
    expect(() => readPcap(pcapBytes([], 113))).toThrow(/link type 113 is not Ethernet.*-i any/);
  });

  it('keeps the frames before a truncated record and says what is wrong', () => {
    const whole = pcapBytes([
      { headers: syn, timeUs: 0 },
      { headers: syn, timeUs: 1 },
    ]);
    const f = readPcap(whole.subarray(0, whole.length - 10));
    expect(f.frames).toHaveLength(1);
    expect(f.problems).toEqual([expect.stringMatching(/^record 1: truncated \(\d+ of 54 bytes\)$/)]);
    const g = readPcap(whole.subarray(0, 24 + 16 + 54 + 7));
    expect(g.problems).toEqual(['record 1: record header truncated']);
  });

  it('reports truncated headers inside a frame without throwing', () => {
    const full = frameBytes({ headers: syn, timeUs: 0 });
    const cases: [number, RegExp][] = [
      [10, /Ethernet header truncated/],
      [14 + 12, /IPv4 header truncated/],
      [14 + 20 + 10, /TCP header truncated/],
    ];
    for (const [len, re] of cases) {
      const f = readPcap(pcapBytes([{ raw: full.subarray(0, len), timeUs: 0 }]));
      expect(f.problems.join('\n')).toMatch(re);
    }
    const arpShort = frameBytes({ headers: arp, timeUs: 0 }).subarray(0, 30);
    expect(readPcap(pcapBytes([{ raw: arpShort, timeUs: 0 }])).problems.join()).toMatch(/ARP message truncated/);
  });

  it('rejects an implausible record length instead of allocating for it', () => {
    const b = pcapBytes([{ headers: syn, timeUs: 0 }]);
    new DataView(b.buffer).setUint32(24 + 8, 0xfffffff0, true);
    const f = readPcap(b);
    expect(f.frames).toEqual([]);
    expect(f.problems).toEqual([expect.stringMatching(/captured length \d+ is implausible/)]);
  });

  it('stops after MAX_RECORDS records', () => {
    const one = frameBytes({ headers: arp, timeUs: 0 });
    const head = pcapBytes([]);
    const rec = pcapBytes([{ raw: one, timeUs: 0 }]).subarray(24);
    const all = new Uint8Array(24 + rec.length * (MAX_RECORDS + 3));
    all.set(head, 0);
    for (let i = 0; i < MAX_RECORDS + 3; i++) all.set(rec, 24 + i * rec.length);
    const f = readPcap(all);
    expect(f.frames).toHaveLength(MAX_RECORDS);
    expect(f.problems).toEqual([`more than ${MAX_RECORDS} records; the rest is not read`]);
  });

  it('never throws on random damage to a valid file, and never reads a field out of bounds (fuzz, 3000 cases)', () => {
    const base = pcapBytes([
      { headers: arp, timeUs: 0 },
      { headers: syn, timeUs: 10 },
      { headers: tun, timeUs: 20 },
    ]);
    const r = rng(16);
    for (let c = 0; c < 3000; c++) {
      const b = new Uint8Array(base.subarray(0, 24 + Math.floor(r() * (base.length - 24 + 1))));
      const flips = 1 + Math.floor(r() * 8);
      for (let k = 0; k < flips; k++) b[24 + Math.floor(r() * Math.max(1, b.length - 24))] = Math.floor(r() * 256);
      const f = readPcap(b);
      for (const fr of f.frames) {
        for (const ip of [fr.ip, fr.inner]) if (ip) expect(ip.src).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
        expect(fr.eth.src).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        if (fr.tcp) expect(fr.tcp.sport).toBeGreaterThanOrEqual(0);
      }
      expect(f.frames.length).toBeLessThanOrEqual(3);
    }
  });
});
