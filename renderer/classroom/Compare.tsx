/**
 * Compare mode: the same request through the seed article's NAT, DR and TUN labs (and the current
 * design), side by side: what the real server receives, what the client gets back, and how many
 * bytes cross the director — the reason NAT's director carries all the replies.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForwardingMethod, Layout, Topology } from '../../shared/model/types.ts';
import type { Trace, TraceStep } from '../../shared/simulator/index.ts';
import { outcomeCode } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { confirmDiscard } from '../app/files.ts';
import { templateDesign } from '../app/templates.ts';
import { actingHosts, convertMethod, directorBytes, headerSummary, langOf, resolveFlow, traceOf, visibleSteps } from './derive.ts';
import { HOST_WIDTH } from '../store/selectors.ts';
import { STEP_MS } from './TraceView.tsx';

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

interface Lane {
  readonly id: 'nat' | 'dr' | 'tun';
  readonly topology: Topology;
  readonly layout: Layout;
  readonly trace: Trace;
  /** Trace indexes shown (ARP steps left out: the three walks line up better without them). */
  readonly steps: readonly number[];
}

const MINI_W = 300;
const MINI_H = 150;
const HOST_H = 70;

/** One lab drawn small: segments as bars, hosts as boxes, links, the acting hosts lit, the packet as a dot. */
function MiniStage({ lane, step }: { lane: Lane; step: TraceStep | undefined }) {
  const { topology: t, layout } = lane;
  const pos = (id: string) => layout.positions[id] ?? { x: 0, y: 0 };
  const segSpan = new Map<string, { top: number; bottom: number }>();
  for (const h of t.hosts)
    for (const f of h.interfaces) {
      if (!f.segment) continue;
      const p = pos(h.id);
      const cur = segSpan.get(f.segment) ?? { top: Math.min(pos(f.segment).y, p.y), bottom: p.y + HOST_H };
      segSpan.set(f.segment, { top: Math.min(cur.top, p.y), bottom: Math.max(cur.bottom, p.y + HOST_H) });
    }
  const xs = [...t.hosts.map((h) => [pos(h.id).x, pos(h.id).x + HOST_WIDTH]), ...t.segments.map((s) => [pos(s.id).x, pos(s.id).x + 36])].flat();
  const ys = [...t.hosts.map((h) => [pos(h.id).y, pos(h.id).y + HOST_H]), ...[...segSpan.values()].map((v) => [v.top, v.bottom])].flat();
  const minX = Math.min(...xs) - 10;
  const minY = Math.min(...ys) - 10;
  const w = Math.max(...xs) + 10 - minX;
  const h = Math.max(...ys) + 10 - minY;
  const centre = (id: string) => ({ x: pos(id).x + HOST_WIDTH / 2, y: pos(id).y + HOST_H / 2 });
  const acting = new Set(step ? actingHosts(step.place) : []);
  let dot: { x: number; y: number } | null = null;
  // On the host's top border, so its name stays readable.
  if (step?.place.kind === 'host') dot = { x: centre(step.place.host).x, y: pos(step.place.host).y };
  else if (step?.place.kind === 'link') {
    const a = centre(step.place.from.host);
    const b = step.place.to ? centre(step.place.to.host) : { x: pos(step.place.segment).x + 18, y: a.y };
    dot = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  const colour = step?.severity === 'error' ? '#d92d20' : step?.phase === 'reply' ? '#2b8a3e' : '#2f6fde';
  return (
    <svg
      className="cmp-mini"
      viewBox={`${minX} ${minY} ${w} ${h}`}
      width={MINI_W}
      height={MINI_H}
      role="img"
      aria-label={t.name}
      data-testid={`cmp-play-${lane.id}-stage`}
    >
      {t.hosts.flatMap((host) =>
        host.interfaces
          .filter((f) => f.segment)
          .map((f) => {
            const c = centre(host.id);
            const sx = pos(f.segment!).x + 18;
            return <line key={f.id} x1={c.x} y1={c.y} x2={sx} y2={c.y} className="cmp-link" />;
          }),
      )}
      {t.segments.map((s) => {
        const span = segSpan.get(s.id) ?? { top: pos(s.id).y, bottom: pos(s.id).y + 100 };
        return <rect key={s.id} x={pos(s.id).x + 8} y={span.top} width={20} height={span.bottom - span.top} rx={6} className="cmp-seg" />;
      })}
      {t.hosts.map((host) => (
        <g key={host.id} className={acting.has(host.id) ? 'cmp-host is-acting' : 'cmp-host'}>
          <rect x={pos(host.id).x} y={pos(host.id).y} width={HOST_WIDTH} height={HOST_H} rx={10} />
          <text x={pos(host.id).x + HOST_WIDTH / 2} y={pos(host.id).y + HOST_H / 2 + 14} textAnchor="middle">
            {host.name}
          </text>
        </g>
      ))}
      {dot && <circle cx={dot.x} cy={dot.y} r={26} fill={colour} className="cmp-dot" data-testid={`cmp-play-${lane.id}-dot`} />}
    </svg>
  );
}

/**
 * The same request played in NAT, DR and TUN side by side: one shared step counter moves the three
 * walks together, each counter of bytes through the director grows as its packets pass.
 */
function ComparePlayer({ lanes }: { lanes: readonly Lane[] }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const total = Math.max(1, ...lanes.map((l) => l.steps.length));
  const [k, setK] = useState(0);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    if (k >= total - 1) {
      setPlaying(false);
      return;
    }
    const timer = window.setTimeout(() => setK(k + 1), STEP_MS / 2);
    return () => window.clearTimeout(timer);
  }, [playing, k, total]);
  const go = (n: number) => (setPlaying(false), setK(Math.max(0, Math.min(total - 1, n))));
  return (
    <section className="cmp-player" data-testid="cmp-player">
      <div className="cmp-controls" role="toolbar" aria-label={t('classroom.controls.label')}>
        <button
          type="button"
          onClick={() => go(0)}
          title={t('classroom.controls.restart')}
          aria-label={t('classroom.controls.restart')}
          data-testid="cmp-restart"
        >
          «
        </button>
        <button
          type="button"
          onClick={() => go(k - 1)}
          disabled={k === 0}
          title={t('classroom.controls.back')}
          aria-label={t('classroom.controls.back')}
          data-testid="cmp-back"
        >
          ◀
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => (playing ? setPlaying(false) : (k >= total - 1 && setK(0), setPlaying(true)))}
          aria-label={playing ? t('classroom.compare.pause') : t('classroom.compare.play')}
          title={playing ? t('classroom.compare.pause') : t('classroom.compare.play')}
          data-testid="cmp-play"
        >
          {playing ? '❚❚' : '▶'}
        </button>
        <button
          type="button"
          onClick={() => go(k + 1)}
          disabled={k >= total - 1}
          title={t('classroom.controls.forward')}
          aria-label={t('classroom.controls.forward')}
          data-testid="cmp-forward"
        >
          ▶|
        </button>
        <button
          type="button"
          onClick={() => go(total - 1)}
          disabled={k >= total - 1}
          title={t('classroom.controls.end')}
          aria-label={t('classroom.controls.end')}
          data-testid="cmp-end"
        >
          »
        </button>
        <span className="cls-stepof" data-testid="cmp-stepof">
          {t('classroom.stepOf', { n: k + 1, total })}
        </span>
      </div>
      <div className="cmp-lanes">
        {lanes.map((lane) => {
          const idx = lane.steps[Math.min(k, lane.steps.length - 1)]!;
          const step = lane.trace.steps[idx];
          const b = directorBytes(lane.topology, lane.trace, idx);
          return (
            <div key={lane.id} className={`cmp-lane method-${lane.id}`} data-testid={`cmp-play-${lane.id}`}>
              <h4>LVS-{lane.id.toUpperCase()}</h4>
              <MiniStage lane={lane} step={step} />
              <p className="cmp-counter" data-testid={`cmp-play-${lane.id}-bytes`} data-bytes={b.request + b.reply}>
                {t('classroom.compare.counter', { request: b.request, reply: b.reply })}
              </p>
              <p className="cmp-narr small">{step?.narration[lang]}</p>
            </div>
          );
        })}
      </div>
    </section>
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
  const lanes = useMemo<Lane[]>(
    () =>
      (['nat', 'dr', 'tun'] as const).flatMap((id) => {
        const lab = labs.find((c) => c.id === id);
        if (!lab?.trace) return [];
        return [{ id, topology: lab.topology, layout: templateDesign(id).layout, trace: lab.trace, steps: visibleSteps(lab.trace, false) }];
      }),
    [labs],
  );
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
      <ComparePlayer lanes={lanes} />
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
                      {tr.outcome.status === 'ok' ? `✓ ${t('classroom.compare.ok')}` : `✕ ${outcomeCode(tr.outcome)}`}
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
                    <span className="swatch bar-request" /> {t('classroom.compare.request')} <span className="swatch bar-reply" />{' '}
                    {t('classroom.compare.reply')}
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
