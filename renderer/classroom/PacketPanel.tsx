/**
 * The packet inspector (right-panel tab of the classroom): the header stack of the current step
 * layer by layer with the changed fields marked, the netfilter path on the current host, and the
 * director's IPVS connection table at that moment.
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Trace, TraceStep } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { pendingAt, selectQuiz, shownCursor } from './challengeDerive.ts';
import { connAt, effectiveCursor, eventLabel, headerLayers, hooksSoFarOnHost, hostName, langOf, netfilterBoxAt, selectTrace, visibleSteps } from './derive.ts';

/** The trace and the step under the cursor, as the packet walk shows them. */
export function useCurrentStep(): { trace: Trace | null; cursor: number; step: TraceStep | undefined; shown: number } {
  const result = useApp(selectTrace);
  const sim = useApp((s) => s.simulation);
  const trace = 'trace' in result ? result.trace : null;
  const visible = useMemo(() => (trace ? visibleSteps(trace, sim.showArp) : []), [trace, sim.showArp]);
  const quiz = useApp(selectQuiz);
  const at = trace ? effectiveCursor(trace, sim.cursor, visible) : 0;
  // Challenge mode: while the question before this step waits, the inspector shows the step before.
  const cursor = shownCursor(visible, at, pendingAt(quiz, sim.answers, at));
  // `shown`: the step's number as the controls count it (shown steps, from 1).
  return { trace, cursor: Math.max(0, cursor), step: cursor < 0 ? undefined : trace?.steps[cursor], shown: visible.indexOf(cursor) + 1 };
}

function Headers({ step }: { step: TraceStep }) {
  const { t, i18n } = useTranslation();
  const layers = headerLayers(step, langOf(i18n.language));
  if (layers.length === 0) return <p className="muted">{t('classroom.packet.none')}</p>;
  return (
    <div className="cls-layers">
      {layers.map((l) => (
        <section key={l.id} className={`cls-layer layer-${l.id}`} data-testid={`layer-${l.id}`}>
          <h4>{l.title}</h4>
          <table>
            <tbody>
              {l.rows.map((r) => (
                <tr key={r.field} className={r.changed ? 'is-changed' : undefined}>
                  <th>{r.label}</th>
                  <td className="mono" data-testid={`hdr-${r.field.replace('.', '-')}`} data-changed={r.changed ? 'true' : 'false'}>
                    {r.value}
                  </td>
                  <td className="tag-cell">{r.changed && <span className="changed-tag">{t('classroom.packet.changed')}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      {step.packet && <p className="muted small">{t('classroom.packet.size', { n: step.packet.size })}</p>}
    </div>
  );
}

/**
 * The IPv4 netfilter path as the classic diagram draws it: incoming packets go PREROUTING →
 * routing, then either FORWARD → POSTROUTING or LOCAL_IN → local (IPVS hooks here) → LOCAL_OUT →
 * POSTROUTING. Grid cells: [row, column].
 */
const BOXES: readonly { id: string; row: number; col: number; ipvs?: boolean }[] = [
  { id: 'PREROUTING', row: 1, col: 1 },
  { id: 'ROUTE', row: 1, col: 3 },
  { id: 'FORWARD', row: 1, col: 5 },
  { id: 'POSTROUTING', row: 1, col: 7 },
  { id: 'LOCAL_IN', row: 3, col: 3, ipvs: true },
  { id: 'LOCAL', row: 3, col: 5 },
  { id: 'LOCAL_OUT', row: 3, col: 7 },
];
const ARROWS: readonly { row: number; col: number; glyph: string }[] = [
  { row: 1, col: 2, glyph: '→' },
  { row: 1, col: 4, glyph: '→' },
  { row: 1, col: 6, glyph: '→' },
  { row: 2, col: 3, glyph: '↓' },
  { row: 2, col: 7, glyph: '↑' },
  { row: 3, col: 4, glyph: '→' },
  { row: 3, col: 6, glyph: '→' },
];

function Netfilter({ trace, cursor, step }: { trace: Trace; cursor: number; step: TraceStep }) {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  if (step.place.kind !== 'host') return <p className="muted">{t('classroom.packet.notOnHost')}</p>;
  const visited = hooksSoFarOnHost(trace, cursor);
  const current = netfilterBoxAt(trace, cursor);
  const dropped = step.kind === 'drop';
  const ipvsAt = (id: string) =>
    (id === 'LOCAL_IN' && (step.kind === 'schedule' || visited.has('IPVS'))) || (id === 'FORWARD' && step.kind === 'rewrite' && step.hook === 'FORWARD');
  return (
    <div className="cls-netfilter" data-testid="cls-netfilter">
      <h4>{t('classroom.packet.netfilter', { host: hostName(topology, step.place.host) })}</h4>
      <div className="nf-grid">
        {BOXES.map((b) => {
          const isCur = b.id === current;
          const was = visited.has(b.id);
          return (
            <div
              key={b.id}
              className={`nf-hook${isCur ? ' is-current' : ''}${isCur && dropped ? ' is-drop' : ''}${was && !isCur ? ' is-visited' : ''}`}
              style={{ gridRow: b.row, gridColumn: b.col }}
              data-testid={`nf-${b.id}`}
              data-current={isCur ? 'true' : 'false'}
            >
              {b.id === 'ROUTE' ? t('classroom.packet.routing') : b.id === 'LOCAL' ? t('classroom.packet.localProcess') : b.id}
              {ipvsAt(b.id) && <span className="nf-ipvs">IPVS</span>}
            </div>
          );
        })}
        {ARROWS.map((a) => (
          <span key={`${a.row}-${a.col}`} className="nf-arrow" style={{ gridRow: a.row, gridColumn: a.col }} aria-hidden="true">
            {a.glyph}
          </span>
        ))}
      </div>
      {step.route?.route && <p className="mono small">{t('classroom.packet.route', { route: step.route.route })}</p>}
    </div>
  );
}

function ConnTable({ trace, cursor }: { trace: Trace; cursor: number }) {
  const { t } = useTranslation();
  const c = connAt(trace, cursor);
  return (
    <div className="cls-conntable" data-testid="cls-conntable">
      <h4>{t('classroom.packet.conntable')}</h4>
      {!c ? (
        <p className="muted" data-testid="cls-conn-empty">
          {t('classroom.packet.connEmpty')}
        </p>
      ) : (
        <>
          <dl className="conn-entry" data-testid="cls-conn-row">
            <dt>{t('classroom.packet.cols.pro')}</dt>
            <dd className="mono">
              {c.protocol.toUpperCase()} · {c.state} · {t('classroom.packet.cols.expire')}{' '}
              {`${String(Math.floor(c.expiresIn / 60)).padStart(2, '0')}:${String(c.expiresIn % 60).padStart(2, '0')}`} · {c.method.toUpperCase()}
            </dd>
            <dt>{t('classroom.packet.cols.source')}</dt>
            <dd className="mono">{`${c.client.address}:${c.client.port}`}</dd>
            <dt>{t('classroom.packet.cols.virtual')}</dt>
            <dd className="mono">{`${c.virtual.address}:${c.virtual.port}`}</dd>
            <dt>{t('classroom.packet.cols.dest')}</dt>
            <dd className="mono">{`${c.dest.address}:${c.dest.port}`}</dd>
          </dl>
          <pre className="conn-ipvsadm" title="ipvsadm -Lnc">
            {c.ipvsadm}
          </pre>
          {c.template && (
            <p className="small">
              {t('classroom.packet.template', {
                client: c.template.client,
                reused: c.template.reused ? t('classroom.packet.reused') : t('classroom.packet.fresh'),
                s: c.template.expiresIn,
              })}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The right-panel tab. */
export function PacketPanel() {
  const { t, i18n } = useTranslation();
  const { trace, cursor, step, shown } = useCurrentStep();
  const inClassroom = useApp((s) => s.mode === 'classroom');
  const open = !inClassroom && (
    <button type="button" className="primary" onClick={() => useApp.getState().setMode('classroom')} data-testid="cls-open-classroom">
      {t('classroom.packet.openClassroom')}
    </button>
  );
  if (!trace || !step)
    return (
      <div className="cls-packet">
        <p className="muted">{t('classroom.noService')}</p>
      </div>
    );
  return (
    <div className="cls-packet" data-testid="cls-packet">
      {open}
      <h3>
        #{shown} {step.articleStep && <span className="art-letter">({step.articleStep})</span>} {eventLabel(step, langOf(i18n.language))}
        {step.hook && step.kind !== 'hook' && step.kind !== 'rewrite' ? ` · ${step.hook}` : ''}
      </h3>
      <h4>{t('classroom.packet.headers')}</h4>
      <Headers step={step} />
      <Netfilter trace={trace} cursor={cursor} step={step} />
      <ConnTable trace={trace} cursor={cursor} />
    </div>
  );
}

/** Compact header stack for the presenter view (the right panel is hidden there). */
/** The header fields of a step in one line; `highlight` marks the field a challenge question asked. */
export function HeaderStrip({ step, highlight }: { step: TraceStep; highlight?: string }) {
  const { i18n } = useTranslation();
  const layers = headerLayers(step, langOf(i18n.language));
  return (
    <div className="cls-headerstrip" data-testid="cls-headerstrip">
      {layers.map((l) => (
        <div key={l.id} className={`strip-layer layer-${l.id}`}>
          <span className="strip-title">{l.title}</span>
          {l.rows
            .filter((r) => !r.field.endsWith('.type') && !r.field.endsWith('.protocol') && r.field !== 'l4.segment')
            .map((r) => (
              <span
                key={r.field}
                className={`strip-field${r.changed ? ' is-changed' : ''}${r.field === highlight ? ' is-asked' : ''}`}
                data-testid={r.field === highlight ? 'cls-asked-field' : undefined}
              >
                <em>{r.label}</em> {r.value}
              </span>
            ))}
        </div>
      ))}
    </div>
  );
}
