import { describe, expect, it } from 'vitest';
import { tcpRows } from '../../../renderer/classroom/derive.ts';
import { tcpExchange } from '../../../shared/simulator/tcp.ts';

describe('tcpRows: the reply segments collapse into one group', () => {
  it('keeps handshake, request and FIN rows, groups the data segments with their ACKs', () => {
    const segs = tcpExchange({ method: 'nat', requestBytes: 100, replyBytes: 10240, mss: 1460, clientIsn: 1, serverIsn: 2 });
    const rows = tcpRows(segs);
    expect(rows.map((r) => (r.kind === 'single' ? r.segment.kind : 'group'))).toEqual(['syn', 'syn-ack', 'ack', 'request', 'group', 'fin', 'fin', 'fin-ack']);
    const g = rows[4]!;
    expect(g).toMatchObject({ kind: 'group', data: 8, acks: 4, bytes: 10240 });
    expect(rows.flatMap((r) => (r.kind === 'single' ? [r.segment] : r.segments))).toEqual(segs);
  });
});
