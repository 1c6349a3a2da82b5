/**
 * Compare mode: the same request through the seed article's NAT, DR and TUN labs (and the current
 * design), side by side: what the real server receives, what the client gets back, and how many
 * bytes cross the director — the reason NAT's director carries all the replies.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForwardingMethod, Topology } from '../../shared/model/types.ts';
import type { Trace, TraceStep } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { confirmDiscard, templateDesign } from '../app/files.ts';
import { convertMethod, directorBytes, headerSummary, langOf, resolveFlow, traceOf } from './derive.ts';

interface Column {
  readonly id: string;
  readonly title: string;
  readonly topology: Topology;
  readonly trace: Trace | null;
  readonly lab: 'nat' | 'dr' | 'tun' | null;
}

const REPLY_BYTES = 10240;

/** The request as the chosen real server first holds it, and the reply as the client receives it. */
function keyPackets(trace: Trace): { atRs: TraceStep | undefined; atClient: TraceStep | undefined } {
  const deliver = trace.steps.find((s) => s.phase === 'request' && s.kind === 'deliver');
  const atRs = deliver ? [...trace.steps].reverse().find((s) => s.index < deliver.index && s.phase === 'request' && s.kind === 'arrive') : undefined;
  const atClient = [...trace.steps].reverse().find((s) => s.phase === 'reply' && s.kind === 'arrive');
  return { atRs, atClient };
}

function Bars({ request, reply, max }: { request: number; reply: number; max: number }) {
  const { t } = useTranslation();
  const w = 260;
  const scale = (n: number) => (max > 0 ? Math.max(n > 0 ? 2 : 0, (n / max) * w) : 0);
  return (
    <svg className="cls-bars" width={w + 90} height={50} role="img" aria-label={t('classroom.compare.bars', { request, reply })}>
      <rect x={0} y={4} width={scale(request)} height={18} className="bar-request" />
      <text x={scale(request) + 6} y={18}>
        {request} B
      </text>
      <rect x={0} y={28} width={scale(reply)} height={18} className="bar-reply" />
      <text x={scale(reply) + 6} y={42}>
        {reply} B
      </text>
    </svg>
  );
}

export function CompareView() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const topology = useApp((s) => s.design.topology);
  const labs = useMemo<Column[]>(
    () =>
      (['nat', 'dr', 'tun'] as const).map((id) => {
        const d = templateDesign(id);
        const r = traceOf(d.topology, resolveFlow(d.topology, { client: null, service: null, realServer: null, seed: 1 }));
        return { id, lab: id, title: `LVS-${id.toUpperCase()} · ${d.topology.name}`, topology: d.topology, trace: 'trace' in r ? r.trace : null };
      }),
    [],
  );
  const [as, setAs] = useState<ForwardingMethod | ''>('');
  const current = useMemo<Column | null>(() => {
    const flow = resolveFlow(topology, { client: null, service: null, realServer: null, seed: 1 });
    // "What if this service used DR?": every real server of the played service switched over,
    // nothing else changed — the trace then shows what the design still lacks for that method.
    const tp = as && flow.service ? convertMethod(topology, flow.service.id, as) : topology;
    const r = traceOf(tp, resolveFlow(tp, { client: null, service: null, realServer: null, seed: 1 }));
    if (!('trace' in r)) return null;
    return { id: 'current', lab: null, title: `${t('classroom.compare.current')} · ${topology.name}`, topology: tp, trace: r.trace };
  }, [topology, t, as]);
  const cols = current ? [...labs, current] : labs;
  const stats = cols.map((c) => (c.trace ? directorBytes(c.topology, c.trace) : { director: null, request: 0, reply: 0 }));
  const max = Math.max(1, ...stats.map((s) => Math.max(s.request, s.reply)));

  const open = (lab: 'nat' | 'dr' | 'tun') => {
    if (!confirmDiscard()) return;
    const s = useApp.getState();
    s.load(templateDesign(lab), null, null);
    s.setSimFlow({ client: null, service: null, realServer: null });
    s.setSimView('trace');
  };

  return (
    <div className="cls-compare" data-testid="cls-compare">
      <h2>{t('classroom.compare.title')}</h2>
      <p className="muted">{t('classroom.compare.hint', { kb: REPLY_BYTES / 1024 })}</p>
      <div className="cls-compare-grid">
        {cols.map((c, i) => {
          const tr = c.trace;
          const st = stats[i]!;
          const k = tr ? keyPackets(tr) : { atRs: undefined, atClient: undefined };
          const replyTotal = tr ? tr.steps.filter((s) => s.phase === 'reply' && s.kind === 'originate').reduce((n, s) => n + (s.packet?.size ?? 0), 0) : 0;
          const pct = replyTotal > 0 ? Math.round((Math.min(st.reply, replyTotal) / replyTotal) * 100) : 0;
          return (
            <section key={c.id} className={`cls-compare-col method-${tr?.method ?? 'none'}`} data-testid={`cmp-${c.id}`}>
              <h3>{c.title}</h3>
              {c.id === 'current' && (
                <label className="cls-convert">
                  {t('classroom.compare.convert')}
                  <select value={as} onChange={(e) => setAs(e.target.value as ForwardingMethod | '')} data-testid="cmp-current-as">
                    <option value="">{t('classroom.compare.asDesigned')}</option>
                    <option value="nat">NAT</option>
                    <option value="dr">DR</option>
                    <option value="tun">TUN</option>
                  </select>
                </label>
              )}
              {!tr ? (
                <p className="muted">{t('classroom.noService')}</p>
              ) : (
                <>
                  <dl>
                    <dt>{t('classroom.compare.method')}</dt>
                    <dd data-testid={`cmp-${c.id}-method`}>{tr.method?.toUpperCase() ?? '—'}</dd>
                    <dt>{t('classroom.compare.steps')}</dt>
                    <dd>{tr.steps.length}</dd>
                    <dt>{t('classroom.compare.result')}</dt>
                    <dd className={tr.outcome.status === 'ok' ? 'ok' : 'broken'} title={tr.outcome.narration[lang]}>
                      {tr.outcome.status === 'ok' ? `✓ ${t('classroom.compare.ok')}` : `✕ ${tr.outcome.fault}`}
                    </dd>
                  </dl>
                  <h4>{t('classroom.compare.atRs')}</h4>
                  <p className="mono small" data-testid={`cmp-${c.id}-atrs`}>
                    {k.atRs ? headerSummary(k.atRs) : '—'}
                  </p>
                  <h4>{t('classroom.compare.replyLeaves')}</h4>
                  <p className="mono small" data-testid={`cmp-${c.id}-atclient`}>
                    {k.atClient ? headerSummary(k.atClient) : '—'}
                  </p>
                  <h4>{t('classroom.compare.viaDirector')}</h4>
                  <div className="cls-bar-legend">
                    <span className="swatch bar-request" /> {t('classroom.compare.request')} <span className="swatch bar-reply" /> {t('classroom.compare.reply')}
                  </div>
                  <Bars request={st.request} reply={st.reply} max={max} />
                  <p className="cls-share" data-testid={`cmp-${c.id}-share`} data-reply-bytes={st.reply} data-request-bytes={st.request}>
                    {t('classroom.compare.share', { pct })}
                  </p>
                  {c.lab && (
                    <button type="button" onClick={() => open(c.lab!)} data-testid={`cmp-${c.id}-open`}>
                      {t('classroom.compare.open')}
                    </button>
                  )}
                </>
              )}
            </section>
          );
        })}
      </div>
    </div>
  );
}
