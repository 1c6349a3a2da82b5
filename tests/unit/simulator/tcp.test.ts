import { describe, expect, it } from 'vitest';
import {
  IPVS_TCP_STATES,
  IPVS_TCP_TIMEOUTS,
  TCP_STATE_TABLE,
  TCP_STATE_TABLE_DOS,
  fragmentationPoints,
  ipvsDirection,
  nextIpvsTcpState,
  pathMss,
  segmentSizes,
  tcpExchange,
  tcpFlagRow,
} from '../../../shared/simulator/tcp.ts';

// The kernel's tables (net/netfilter/ipvs/ip_vs_proto_tcp.c), transcribed row by row as the kernel
// writes them, columns sNO sES sSS sSR sFW sTW sCL sCW sLA sLI sSA. Kept as text so a mistake in
// the module's table cannot hide in the same mistake here.
const KERNEL_TCP_STATES = `
input  syn SR ES ES SR SR SR SR SR SR SR SR
input  fin CL CW SS TW TW TW CL CW LA LI TW
input  ack CL ES SS ES FW TW CL CW CL LI ES
input  rst CL CL CL SR CL CL CL CL LA LI SR
output syn SS ES SS SR SS SS SS SS SS LI SR
output fin TW FW SS TW FW TW CL TW LA LI TW
output ack ES ES SS ES FW TW CL CW LA ES ES
output rst CL CL SS CL CL TW CL CL CL CL CL
input-only syn SR ES ES SR SR SR SR SR SR SR SR
input-only fin CL FW SS TW FW TW CL CW LA LI TW
input-only ack CL ES SS ES FW TW CL CW CL LI ES
input-only rst CL CL CL SR CL CL CL CL LA LI CL`;
const KERNEL_TCP_STATES_DOS = `
input  syn SR ES ES SR SR SR SR SR SR SR SA
input  fin CL CW SS TW TW TW CL CW LA LI SA
input  ack CL ES SS SR FW TW CL CW CL LI SA
input  rst CL CL CL SR CL CL CL CL LA LI CL
output syn SS ES SS SA SS SS SS SS SS LI SA
output fin TW FW SS TW FW TW CL TW LA LI TW
output ack ES ES SS ES FW TW CL CW LA ES ES
output rst CL CL SS CL CL TW CL CL CL CL CL
input-only syn SA ES ES SR SA SA SA SA SA SA SA
input-only fin CL FW SS TW FW TW CL CW LA LI TW
input-only ack CL ES SS ES FW TW CL CW CL LI ES
input-only rst CL CL CL SR CL CL CL CL LA LI CL`;
const ABBR: Record<string, string> = {
  NO: 'NONE',
  ES: 'ESTABLISHED',
  SS: 'SYN_SENT',
  SR: 'SYN_RECV',
  FW: 'FIN_WAIT',
  TW: 'TIME_WAIT',
  CL: 'CLOSE',
  CW: 'CLOSE_WAIT',
  LA: 'LAST_ACK',
  LI: 'LISTEN',
  SA: 'SYNACK',
};
const FLAGS = { syn: { syn: true }, fin: { fin: true }, ack: { ack: true }, rst: { rst: true } } as const;

function rows(text: string) {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [dir, flag, ...cells] = line.trim().split(/\s+/);
      return { dir: dir as 'input' | 'output' | 'input-only', flag: flag as keyof typeof FLAGS, next: cells.map((c) => ABBR[c]) };
    });
}

describe('IPVS TCP state table (ip_vs_proto_tcp.c)', () => {
  it('has the kernel state order and timeouts', () => {
    expect(IPVS_TCP_STATES).toEqual([
      'NONE',
      'ESTABLISHED',
      'SYN_SENT',
      'SYN_RECV',
      'FIN_WAIT',
      'TIME_WAIT',
      'CLOSE',
      'CLOSE_WAIT',
      'LAST_ACK',
      'LISTEN',
      'SYNACK',
    ]);
    expect(IPVS_TCP_TIMEOUTS).toEqual({
      NONE: 2,
      ESTABLISHED: 900,
      SYN_SENT: 120,
      SYN_RECV: 60,
      FIN_WAIT: 120,
      TIME_WAIT: 120,
      CLOSE: 10,
      CLOSE_WAIT: 60,
      LAST_ACK: 30,
      LISTEN: 120,
      SYNACK: 120,
    });
  });

  for (const [name, text, secure] of [
    ['tcp_states', KERNEL_TCP_STATES, false],
    ['tcp_states_dos', KERNEL_TCP_STATES_DOS, true],
  ] as const) {
    it(`every cell of ${name} moves the entry as the kernel does`, () => {
      let cells = 0;
      for (const row of rows(text)) {
        row.next.forEach((want, col) => {
          const from = IPVS_TCP_STATES[col]!;
          expect(nextIpvsTcpState(from, row.dir, FLAGS[row.flag], secure), `${row.dir} ${row.flag} from ${from}`).toBe(want);
          cells++;
        });
      }
      expect(cells).toBe(12 * 11);
      expect(Object.keys(secure ? TCP_STATE_TABLE_DOS : TCP_STATE_TABLE)).toEqual(['input', 'output', 'input-only']);
    });
  }

  it('picks the row as tcp_state_idx does: RST, then SYN, FIN, ACK; no known flag closes', () => {
    expect(tcpFlagRow({ syn: true, ack: true })).toBe('syn');
    expect(tcpFlagRow({ fin: true, ack: true })).toBe('fin');
    expect(tcpFlagRow({ rst: true, syn: true })).toBe('rst');
    expect(tcpFlagRow({ psh: true })).toBeNull();
    expect(nextIpvsTcpState('ESTABLISHED', 'input', { psh: true })).toBe('CLOSE');
  });

  it('files DR and TUN input under INPUT_ONLY (IP_VS_CONN_F_NOOUTPUT), NAT under INPUT', () => {
    expect(ipvsDirection('nat', true)).toBe('input');
    expect(ipvsDirection('dr', true)).toBe('input-only');
    expect(ipvsDirection('tun', true)).toBe('input-only');
    expect(ipvsDirection('nat', false)).toBe('output');
  });
});

describe('MSS and segments', () => {
  it('MSS is the smallest MTU − 40 on the path, TUN leg minus 20 more', () => {
    expect(pathMss([{ mtu: 1500 }, { mtu: 1500 }])).toBe(1460);
    expect(pathMss([{ mtu: 1500 }, { mtu: 1500, overhead: 20 }])).toBe(1440);
    expect(pathMss([{ mtu: 9000 }, { mtu: 1400 }])).toBe(1360);
  });

  it('a full 1500-byte packet needs fragmentation (or frag-needed with DF) on the tunnel leg', () => {
    const links = [{ mtu: 1500 }, { mtu: 1500, overhead: 20 }];
    expect(fragmentationPoints(links, 1500)).toEqual([{ link: 1, needed: 1520, mtu: 1500, action: 'frag-needed' }]);
    expect(fragmentationPoints(links, 1500, false)[0]?.action).toBe('fragment');
    expect(fragmentationPoints(links, 1480)).toEqual([]);
  });

  it('cuts 10 KB into MSS-sized segments, the last one carrying the rest', () => {
    expect(segmentSizes(10240, 1460)).toEqual([1460, 1460, 1460, 1460, 1460, 1460, 1460, 20]);
    expect(segmentSizes(10240, 1460).reduce((a, b) => a + b, 0)).toBe(10240);
    expect(segmentSizes(0, 1460)).toEqual([]);
    expect(() => segmentSizes(10, 0)).toThrow(RangeError);
  });
});

describe('a whole connection', () => {
  const base = { requestBytes: 100, replyBytes: 10240, mss: 1460, clientIsn: 1000, serverIsn: 5000 } as const;

  it('NAT: the director sees both directions, SYN_RECV → ESTABLISHED → FIN_WAIT → TIME_WAIT', () => {
    const segs = tcpExchange({ ...base, method: 'nat' });
    expect(segs.map((s) => s.kind).slice(0, 4)).toEqual(['syn', 'syn-ack', 'ack', 'request']);
    expect(segs.every((s) => s.directorSees)).toBe(true);
    expect(segs[0]!.ipvsState).toBe('SYN_RECV');
    expect(segs[0]!.timeout).toBe(60);
    expect(segs[1]!.ipvsState).toBe('SYN_RECV');
    expect(segs[2]!.ipvsState).toBe('ESTABLISHED');
    expect(segs[2]!.timeout).toBe(900);
    const fins = segs.filter((s) => s.kind === 'fin');
    expect(fins[0]!.fromClient).toBe(false);
    expect(fins[0]!.ipvsState).toBe('FIN_WAIT');
    expect(segs.at(-1)!.ipvsState).toBe('TIME_WAIT');
    expect(segs.at(-1)!.timeout).toBe(120);
    expect(segs.filter((s) => s.kind === 'data')).toHaveLength(8);
  });

  it('a request larger than the MSS is cut like the response: PSH on its last segment only', () => {
    const segs = tcpExchange({ ...base, method: 'nat', requestBytes: 3000 });
    const req = segs.filter((s) => s.kind === 'request');
    expect(req.map((s) => s.payload)).toEqual([1460, 1460, 80]);
    expect(req.map((s) => !!s.flags.psh)).toEqual([false, false, true]);
    expect(req.map((s) => s.seq - 1001)).toEqual([0, 1460, 2920]);
    // The server's first data segment acknowledges the whole request.
    expect(segs.find((s) => s.kind === 'data')!.ack).toBe(1001 + 3000);
  });

  it('seq/ack numbers: SYN and FIN use one number, data its length', () => {
    const segs = tcpExchange({ ...base, method: 'nat' });
    expect(segs[0]).toMatchObject({ seq: 1000, ack: 0 });
    expect(segs[1]).toMatchObject({ seq: 5000, ack: 1001 });
    expect(segs[2]).toMatchObject({ seq: 1001, ack: 5001 });
    expect(segs[3]).toMatchObject({ seq: 1001, ack: 5001, payload: 100 });
    const data = segs.filter((s) => s.kind === 'data');
    expect(data[0]).toMatchObject({ seq: 5001, ack: 1101 });
    expect(data[1]!.seq).toBe(5001 + 1460);
    const lastAck = segs.filter((s) => s.kind === 'data-ack').at(-1)!;
    expect(lastAck.ack).toBe(5001 + 10240);
    expect(segs.at(-1)).toMatchObject({ seq: 5001 + 10240 + 1, ack: 1101 + 1 });
  });

  it('NAT, client closes first: CLOSE_WAIT then TIME_WAIT', () => {
    const segs = tcpExchange({ ...base, method: 'nat', closer: 'client' });
    expect(segs.filter((s) => s.kind === 'fin').map((s) => s.ipvsState)).toEqual(['CLOSE_WAIT', 'TIME_WAIT']);
  });

  for (const method of ['dr', 'tun'] as const) {
    it(`${method.toUpperCase()}: the director sees only the client side and ends in FIN_WAIT`, () => {
      const segs = tcpExchange({ ...base, method });
      expect(segs.filter((s) => !s.fromClient).every((s) => !s.directorSees)).toBe(true);
      expect(segs.filter((s) => s.fromClient).every((s) => s.directorSees)).toBe(true);
      expect(segs.map((s) => s.ipvsState).filter((s, i, a) => a[i - 1] !== s)).toEqual(['SYN_RECV', 'ESTABLISHED', 'FIN_WAIT']);
      expect(segs.at(-1)!.timeout).toBe(120);
    });
  }

  it('secure_tcp: a DR entry waits in SYNACK until the client ACK', () => {
    const segs = tcpExchange({ ...base, method: 'dr', secureTcp: true });
    expect(segs[0]!.ipvsState).toBe('SYNACK');
    expect(segs[2]!.ipvsState).toBe('ESTABLISHED');
  });

  it('delayed ACK: one client ACK per two data segments plus one for the last', () => {
    const segs = tcpExchange({ ...base, method: 'nat', replyBytes: 1460 * 5 });
    expect(segs.filter((s) => s.kind === 'data-ack')).toHaveLength(3);
    expect(tcpExchange({ ...base, method: 'nat', replyBytes: 1460 * 5, ackEvery: 1 }).filter((s) => s.kind === 'data-ack')).toHaveLength(5);
  });
});
