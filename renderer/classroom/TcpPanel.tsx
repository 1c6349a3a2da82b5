import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Topology } from '../../shared/model/types.ts';
import type { Trace } from '../../shared/simulator/index.ts';
import { tcpRows } from './derive.ts';

/**
 * The TCP connection behind the walk (`trace.tcp`): handshake, request, the reply's MSS-sized
 * segments with their ACKs (collapsed into one expandable group), the FIN exchange, and the IPVS
 * entry's state after each packet the director sees.
 */
export function TcpPanel({ trace, topology }: { trace: Trace; topology: Topology }) {
  const name = (id: string | null): string => (id === null ? '?' : (topology.hosts.find((h) => h.id === id)?.name ?? id));
  const { t } = useTranslation();
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const tcp = trace.tcp;
  if (!tcp) return null;
  const rows = tcpRows(tcp.segments);
  const dataCount = tcp.segments.filter((s) => s.kind === 'data').length;
  const flags = (f: (typeof tcp.segments)[number]['flags']): string =>
    [f.syn && 'SYN', f.fin && 'FIN', f.rst && 'RST', f.psh && 'PSH', f.ack && 'ACK'].filter(Boolean).join(',');
  const seg = (s: (typeof tcp.segments)[number], key: string | number, nested: boolean) => (
    <tr key={key} className={`${s.fromClient ? 'from-client' : 'from-server'}${nested ? ' is-nested' : ''}`}>
      <td>{s.fromClient ? t('classroom.tcp.clientToServer') : t('classroom.tcp.serverToClient')}</td>
      <td className="mono">{flags(s.flags)}</td>
      <td className="num mono">{s.seq}</td>
      <td className="num mono">{s.flags.ack ? s.ack : ''}</td>
      <td className="num">{s.payload}</td>
      <td className="mono">{s.directorSees ? `${s.ipvsState} (${s.timeout} s)` : t('classroom.tcp.notSeen')}</td>
    </tr>
  );
  return (
    <details className="cls-tcp" data-testid="cls-tcp">
      <summary>{t('classroom.tcp.summary', { mss: tcp.pathMss, count: dataCount, state: tcp.finalState, seconds: tcp.expiresIn })}</summary>
      {tcp.fragmentation.map((f, i) => (
        <p key={i} className="cls-tcp-frag sev-warning" data-testid="cls-tcp-frag">
          ▲ {t('classroom.tcp.fragNeeded', { from: name(f.link.from), to: name(f.link.to), needed: f.needed, mtu: f.mtu, mss: tcp.pathMss })}
        </p>
      ))}
      {trace.method !== 'nat' && <p className="cls-tcp-note">{t('classroom.tcp.inputOnly')}</p>}
      <table className="cls-tcp-table">
        <thead>
          <tr>
            <th>{t('classroom.tcp.direction')}</th>
            <th>{t('classroom.tcp.flags')}</th>
            <th>seq</th>
            <th>ack</th>
            <th>{t('classroom.tcp.payload')}</th>
            <th>{t('classroom.tcp.ipvsState')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) =>
            r.kind === 'single' ? (
              seg(r.segment, i, false)
            ) : (
              <Fragment key={i}>
                <tr className="cls-tcp-group" data-testid="cls-tcp-group">
                  <td colSpan={6}>
                    <button
                      type="button"
                      aria-expanded={open.has(i)}
                      data-testid="cls-tcp-group-toggle"
                      onClick={() =>
                        setOpen((o) => {
                          const n = new Set(o);
                          if (n.has(i)) n.delete(i);
                          else n.add(i);
                          return n;
                        })
                      }
                    >
                      {open.has(i) ? '▾' : '▸'} {t('classroom.tcp.group', { data: r.data, acks: r.acks, bytes: r.bytes })}
                    </button>
                  </td>
                </tr>
                {open.has(i) && r.segments.map((s, j) => seg(s, `${i}.${j}`, true))}
              </Fragment>
            ),
          )}
        </tbody>
      </table>
    </details>
  );
}
