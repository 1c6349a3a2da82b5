/**
 * Scheduler playground: connections arrive at a virtual service at a chosen rate and the kernel's
 * scheduler assigns each to a real server, live — driven by the simulator's stepwise `ServiceRun`
 * (shared/simulator/connections.ts): each connection is ESTABLISHED for a while, then counts in
 * InActConn for the FIN timeout, then expires; weights can be changed, servers drained and the
 * scheduler switched (`ipvsadm -E -s`) during the run; persistence templates are listed. Only the
 * clock (requestAnimationFrame) lives here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RealServerId, Scheduler, VirtualService } from '../../shared/model/types.ts';
import { SCHEDULERS } from '../../shared/model/types.ts';
import { formatIPv4 } from '../../shared/addressing/ipv4.ts';
import { FailureDrill, SCHEDULER_MODULES, ServiceRun, drillDetection } from '../../shared/simulator/index.ts';
import type { FailureMode } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { segmentColor } from '../store/selectors.ts';
import { serviceAddress } from '../../shared/model/topology.ts';
import { langOf } from './derive.ts';
import { realServerId } from '../../shared/model/ids.ts';

/** The kernel's default `tcpfin` timeout (`ipvsadm --set`), seconds. */
const KERNEL_FIN_SECONDS = 120;

function LineChart({ run, svc, names, height = 150 }: { run: ServiceRun; svc: VirtualService; names: Map<string, string>; height?: number }) {
  const w = 520;
  const s = run.samples;
  const tMax = Math.max(1, s[s.length - 1]?.t ?? 1);
  const yMax = Math.max(1, ...s.flatMap((x) => [...x.active, ...x.inactive]));
  const X = (t: number) => 36 + (t / tMax) * (w - 46);
  const Y = (v: number) => height - 20 - (v / yMax) * (height - 34);
  return (
    <svg className="cls-line" width={w} height={height} role="img" data-testid="pg-line">
      <line x1={36} y1={height - 20} x2={w - 10} y2={height - 20} className="axis" />
      <line x1={36} y1={10} x2={36} y2={height - 20} className="axis" />
      <text x={30} y={14} textAnchor="end" className="tick">
        {yMax}
      </text>
      <text x={30} y={height - 20} textAnchor="end" className="tick">
        0
      </text>
      <text x={w - 10} y={height - 4} textAnchor="end" className="tick">
        {tMax.toFixed(1)} s
      </text>
      {run.events.map((e, i) => (
        <g key={i}>
          <line x1={X(e.t)} x2={X(e.t)} y1={10} y2={height - 20} className="event-line" />
          <text x={X(e.t) + 3} y={20} className="tick">
            {e.kind === 'weight' ? `${names.get(e.realServer) ?? e.realServer} w${e.to}` : e.to}
          </text>
        </g>
      ))}
      {svc.realServers.map((r, k) => (
        <g key={r.id}>
          <polyline
            fill="none"
            stroke={segmentColor(k)}
            strokeWidth={2}
            points={s.map((x) => `${X(x.t).toFixed(1)},${Y(x.active[k] ?? 0).toFixed(1)}`).join(' ')}
          />
          <polyline
            fill="none"
            stroke={segmentColor(k)}
            strokeWidth={1.5}
            strokeDasharray="4 3"
            points={s.map((x) => `${X(x.t).toFixed(1)},${Y(x.inactive[k] ?? 0).toFixed(1)}`).join(' ')}
          />
        </g>
      ))}
    </svg>
  );
}

function BarChart({ run, svc, names }: { run: ServiceRun; svc: VirtualService; names: Map<string, string> }) {
  const rowH = 26;
  const w = 520;
  const max = Math.max(1, ...svc.realServers.map((r) => run.assigned.get(r.id) ?? 0));
  return (
    <svg className="cls-assigned" width={w} height={svc.realServers.length * rowH + 6} role="img" data-testid="pg-bars">
      {svc.realServers.map((r, k) => {
        const n = run.assigned.get(r.id) ?? 0;
        const bw = (n / max) * (w - 190);
        return (
          <g key={r.id} transform={`translate(0, ${k * rowH + 3})`}>
            <text x={0} y={16} className="tick">
              {names.get(r.id) ?? r.id}
            </text>
            <rect x={110} y={2} width={Math.max(n > 0 ? 2 : 0, bw)} height={rowH - 8} fill={segmentColor(k)} rx={3} />
            <text x={116 + bw} y={16} className="tick">
              {n}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * The failures of a drill on a time axis: for each, the detection window (dead but still scheduled)
 * shaded, the time out of the table, and the recovery window; what is still to come is drawn too,
 * and a line marks now.
 */
function FailureTimeline({ drill, svc, names, mode }: { drill: FailureDrill; svc: VirtualService; names: Map<string, string>; mode: FailureMode }) {
  const { t } = useTranslation();
  const now = drill.run.now;
  const windows = drill.windows;
  const ends = windows.flatMap((w) => [w.failedAt, w.detectedAt ?? now, w.recoveredAt ?? now, w.restoredAt ?? now]);
  const tMax = Math.max(now, ...ends) * 1.05 || 1;
  const w = 520;
  const rowH = 18;
  const X = (x: number) => 70 + (Math.min(x, tMax) / tMax) * (w - 80);
  const dead = svc.realServers.filter((r) => drill.isDown(r.id) && drillDetection(svc, r.id, mode) === null);
  const fmt = (x: number) => x.toFixed(1);
  return (
    <section className="pg-failures" data-testid="pg-failures">
      <h4>{t('classroom.playground.timeline')}</h4>
      {windows.length > 0 && (
        <svg width={w} height={windows.length * rowH + 24} role="img" data-testid="pg-timeline">
          {windows.map((win, i) => {
            const y = i * rowH + 4;
            const detected = win.detectedAt ?? tMax;
            return (
              <g key={`${win.server}-${win.failedAt}`}>
                <text x={0} y={y + 12} className="tick">
                  {names.get(win.server) ?? win.server}
                </text>
                <rect
                  className="pg-win-detect"
                  data-testid={`pg-window-${win.server}`}
                  x={X(win.failedAt)}
                  y={y}
                  width={Math.max(2, X(detected) - X(win.failedAt))}
                  height={rowH - 4}
                />
                {win.detectedAt !== undefined && (
                  <rect
                    className="pg-win-out"
                    x={X(win.detectedAt)}
                    y={y}
                    width={Math.max(0, X(win.recoveredAt ?? tMax) - X(win.detectedAt))}
                    height={rowH - 4}
                  />
                )}
                {win.recoveredAt !== undefined && (
                  <rect
                    className="pg-win-recover"
                    x={X(win.recoveredAt)}
                    y={y}
                    width={Math.max(2, X(win.restoredAt ?? tMax) - X(win.recoveredAt))}
                    height={rowH - 4}
                  />
                )}
              </g>
            );
          })}
          <line className="pg-now" x1={X(now)} x2={X(now)} y1={0} y2={windows.length * rowH + 6} />
          <text x={w - 10} y={windows.length * rowH + 20} textAnchor="end" className="tick">
            {fmt(tMax)} s
          </text>
        </svg>
      )}
      {windows.length > 0 && (
        <p className="pg-legend muted">
          <span className="pg-key pg-win-detect" /> {t('classroom.playground.legendDetect')} <span className="pg-key pg-win-out" />{' '}
          {t('classroom.playground.legendOut')} <span className="pg-key pg-win-recover" /> {t('classroom.playground.legendRecover')}
        </p>
      )}
      <ul className="pg-window-lines" data-testid="pg-window-lines">
        {windows.map((win) => {
          const rs = names.get(win.server) ?? win.server;
          const range = drillDetection(svc, win.server, mode);
          const lines: string[] = [];
          if (win.detectedAt !== undefined && range) {
            const p = {
              rs,
              at: fmt(win.failedAt),
              detected: fmt(win.detectedAt),
              secs: fmt(win.detectedAt - win.failedAt),
              min: fmt(range.min),
              max: fmt(range.max),
            };
            lines.push(t(win.detectedAt <= now ? 'classroom.playground.windowDetected' : 'classroom.playground.windowPending', p));
          }
          if (win.recoveredAt !== undefined && win.restoredAt !== undefined) {
            const p = { rs, back: fmt(win.recoveredAt), restored: fmt(win.restoredAt) };
            lines.push(t(win.restoredAt <= now ? 'classroom.playground.windowRestored' : 'classroom.playground.windowRestoring', p));
          }
          return lines.map((l, j) => <li key={`${win.server}-${win.failedAt}-${j}`}>{l}</li>);
        })}
        {dead.map((r) => (
          <li key={r.id} className="pg-nocheck" data-testid="pg-nocheck">
            {t('classroom.playground.noCheck', { rs: names.get(r.id) ?? r.id })}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Playground() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const topology = useApp((s) => s.design.topology);
  const [svcId, setSvcId] = useState<string | null>(null);
  const svc = topology.services.find((v) => v.id === svcId) ?? topology.services.find((v) => v.realServers.length > 0) ?? topology.services[0];
  const [count, setCount] = useState(100);
  const [rate, setRate] = useState(10);
  const [duration, setDuration] = useState(4);
  const [fin, setFin] = useState(KERNEL_FIN_SECONDS);
  const [persist, setPersist] = useState<number | null>(null);
  /** The scheduler chosen in the playground (null = the service's own); it survives a reset. */
  const [chosen, setChosen] = useState<Scheduler | null>(null);
  const [speed, setSpeed] = useState(1);
  const [running, setRunning] = useState(false);
  const [, setTick] = useState(0);
  const live = useRef<ServiceRun | null>(null);
  /** Kill / Bring back: keepalived's reactions over the same run. */
  const drill = useRef<FailureDrill | null>(null);
  const [failMode, setFailMode] = useState<FailureMode>('refused');
  const rerender = () => setTick((n) => n + 1);
  const persistSeconds = persist ?? svc?.persistence?.timeout ?? 0;

  const newRun = (): ServiceRun | null =>
    svc && svc.realServers.length > 0
      ? new ServiceRun(
          { ...svc, scheduler: chosen ?? svc.scheduler },
          {
            ratePerSecond: rate,
            activeSeconds: duration,
            finSeconds: fin,
            persistence: persistSeconds > 0 ? { ...svc.persistence, timeout: persistSeconds } : null,
          },
        )
      : null;

  // A new run whenever the service (or its real servers in the design), the FIN timeout or the
  // persistence changes: those are fixed for a run, as on a director.
  const svcKey = svc ? JSON.stringify([svc.id, svc.scheduler, svc.realServers.map((r) => [r.id, r.rip, r.port]), fin, persistSeconds]) : '';
  const startRun = () => {
    const r = newRun();
    live.current = r;
    drill.current = r ? new FailureDrill(r, { mode: failMode }) : null;
  };
  useEffect(() => {
    startRun();
    setRunning(false);
    rerender();
  }, [svcKey]);
  // The way servers die applies to the next kill; before any kill the drill simply starts over.
  useEffect(() => {
    if (live.current && !drill.current?.touched) drill.current = new FailureDrill(live.current, { mode: failMode });
  }, [failMode]);

  const names = useMemo(() => new Map((svc?.realServers ?? []).map((r) => [r.id, topology.hosts.find((h) => h.id === r.host)?.name ?? r.id])), [svc, topology]);

  useEffect(() => {
    live.current?.setRate(rate);
    live.current?.setActiveSeconds(duration);
  }, [rate, duration]);

  useEffect(() => {
    if (!running) return;
    let raf = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const R = live.current;
      if (!R) return;
      const dt = Math.min(0.25, (now - last) / 1000) * speed;
      last = now;
      (drill.current ?? R).advance(R.now + dt, count);
      rerender();
      if (R.sent >= count && R.idle) {
        setRunning(false);
        return;
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [running, speed, count]);

  if (!svc) return <p className="muted cls-pad">{t('classroom.playground.noService')}</p>;
  const R = live.current;
  if (!R) return <p className="muted cls-pad">{t('classroom.playground.noRealServers')}</p>;

  const D = drill.current;
  const sendAll = () => {
    // Through the drill, so keepalived's reactions still happen at their times.
    (D ?? R).sendUpTo(count);
    rerender();
  };
  const reset = () => {
    startRun();
    setRunning(false);
    rerender();
  };
  const toggleDead = (id: RealServerId) => {
    if (!D) return;
    if (D.isDown(id)) D.bringBack(id);
    else D.kill(id);
    rerender();
  };
  const failed = D ? [...D.failedConnections.values()].reduce((a, b) => a + b, 0) : 0;
  const setWeight = (id: RealServerId, w: number) => {
    R.setWeight(realServerId(id), w);
    rerender();
  };
  const switchScheduler = (name: Scheduler) => {
    setChosen(name);
    R.setScheduler(name);
    rerender();
  };
  const scheduler = R.sched.name;
  const totalAssigned = [...R.assigned.values()].reduce((a, b) => a + b, 0);
  const weightSum = R.sched.dests.reduce((a, d) => a + d.weight, 0);
  const done = R.sent >= count;
  const templates = R.sched.templatesSnapshot();

  return (
    <div className="cls-playground" data-testid="cls-playground">
      <div className="pg-controls">
        <label>
          {t('classroom.playground.service')}
          <select
            value={svc.id}
            onChange={(e) => {
              setSvcId(e.target.value);
              setChosen(null);
              setPersist(null);
            }}
            data-testid="pg-service"
          >
            {topology.services.map((v) => (
              <option key={v.id} value={v.id}>
                {serviceAddress(v)} ({v.scheduler})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('classroom.playground.scheduler')}
          <select value={scheduler} onChange={(e) => switchScheduler(e.target.value as Scheduler)} data-testid="pg-scheduler">
            {SCHEDULERS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('classroom.playground.connections')}
          <input
            type="number"
            min={1}
            max={100000}
            value={count}
            onChange={(e) => setCount(Math.max(1, Math.min(100000, Math.trunc(Number(e.target.value) || 1))))}
            data-testid="pg-count"
          />
        </label>
        <label>
          {t('classroom.playground.rate')}
          <input
            type="number"
            min={0.1}
            max={10000}
            step={0.1}
            value={rate}
            onChange={(e) => setRate(Math.max(0.1, Number(e.target.value) || 1))}
            data-testid="pg-rate"
          />
        </label>
        <label>
          {t('classroom.playground.duration')}
          <input
            type="number"
            min={0}
            max={3600}
            step={0.5}
            value={duration}
            onChange={(e) => setDuration(Math.max(0, Number(e.target.value) || 0))}
            data-testid="pg-duration"
          />
        </label>
        <label title={t('classroom.playground.finHint')}>
          {t('classroom.playground.fin')}
          <input
            type="number"
            min={0}
            max={3600}
            step={1}
            value={fin}
            onChange={(e) => setFin(Math.max(0, Math.min(3600, Number(e.target.value) || 0)))}
            data-testid="pg-fin"
          />
        </label>
        <label title={t('classroom.playground.persistenceHint')}>
          {t('classroom.playground.persistence')}
          <input
            type="number"
            min={0}
            max={86400}
            step={1}
            value={persistSeconds}
            onChange={(e) => setPersist(Math.max(0, Math.min(86400, Math.trunc(Number(e.target.value) || 0))))}
            data-testid="pg-persistence"
          />
        </label>
        <label title={t('classroom.playground.failModeHint')}>
          {t('classroom.playground.failMode')}
          <select value={failMode} onChange={(e) => setFailMode(e.target.value as FailureMode)} disabled={D?.touched} data-testid="pg-failmode">
            <option value="refused">{t('classroom.playground.failRefused')}</option>
            <option value="silent">{t('classroom.playground.failSilent')}</option>
          </select>
        </label>
        <label>
          {t('classroom.playground.speed')}
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="pg-speed">
            {[0.5, 1, 2, 5, 10, 30].map((v) => (
              <option key={v} value={v}>
                {v}×
              </option>
            ))}
          </select>
        </label>
        {running ? (
          <button type="button" onClick={() => setRunning(false)} data-testid="pg-pause">
            {t('classroom.playground.pause')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => setRunning(true)} disabled={done && R.idle} data-testid="pg-start">
            {R.sent > 0 ? t('classroom.playground.resume') : t('classroom.playground.start')}
          </button>
        )}
        <button type="button" onClick={sendAll} disabled={done} data-testid="pg-sendall">
          {t('classroom.playground.sendAll')}
        </button>
        <button type="button" onClick={reset} data-testid="pg-reset">
          {t('classroom.playground.reset')}
        </button>
      </div>
      <p className="pg-status" data-testid="pg-status">
        {t('classroom.playground.sent', { sent: R.sent, total: count, t: R.now.toFixed(1) })} · {scheduler} ·{' '}
        {t('classroom.playground.inTable', { n: R.table.size })}
        {R.refused > 0 && <span className="pg-refused"> · {t('classroom.playground.refused', { n: R.refused })}</span>}
        {failed > 0 && (
          <span className="pg-refused" data-testid="pg-failed">
            {' '}
            · {t('classroom.playground.failedStatus', { n: failed })}
          </span>
        )}
      </p>
      {D && D.touched && <FailureTimeline drill={D} svc={svc} names={names} mode={failMode} />}
      <p className="pg-rule muted" data-testid="pg-rule">
        {SCHEDULER_MODULES[scheduler].rule[lang]}
      </p>
      <table className="pg-table">
        <thead>
          <tr>
            <th>{t('classroom.playground.server')}</th>
            <th>RIP</th>
            <th>{t('classroom.playground.weight')}</th>
            <th />
            <th />
            <th>{t('classroom.playground.assigned')}</th>
            <th>{t('classroom.playground.share')}</th>
            <th>{t('classroom.playground.expected')}</th>
            <th>{t('classroom.playground.active')}</th>
            <th>{t('classroom.playground.inactive')}</th>
            <th>{t('classroom.playground.persistent')}</th>
          </tr>
        </thead>
        <tbody>
          {svc.realServers.map((r, k) => {
            const d = R.sched.dest(r.id);
            const n = R.assigned.get(r.id) ?? 0;
            const name = names.get(r.id) ?? r.id;
            return (
              <tr key={r.id} data-testid={`pg-row-${r.id}`} className={D?.isDown(r.id) ? 'is-down' : undefined}>
                <td>
                  <span className="swatch" style={{ background: segmentColor(k) }} /> {name}
                  {D?.isDown(r.id) && (
                    <span className="pg-dead" data-testid={`pg-dead-${r.id}`}>
                      {' '}
                      ✕ {t('classroom.playground.dead')}
                    </span>
                  )}
                </td>
                <td className="mono">{r.rip}</td>
                <td>
                  <input
                    key={`${r.id}-${d?.weight ?? 0}`}
                    type="number"
                    min={0}
                    max={65535}
                    className="pg-weight"
                    defaultValue={d?.weight ?? 0}
                    data-testid={`pg-weight-${r.id}`}
                    aria-label={`${t('classroom.playground.weight')} ${name}`}
                    onBlur={(e) => setWeight(r.id, Number(e.target.value))}
                    onKeyDown={(e) => e.key === 'Enter' && setWeight(r.id, Number((e.target as HTMLInputElement).value))}
                  />
                </td>
                <td>
                  {d && d.weight === 0 ? (
                    <button type="button" onClick={() => setWeight(r.id, d.lastWeight || 1)} data-testid={`pg-undrain-${r.id}`}>
                      {t('classroom.playground.undrain')}
                    </button>
                  ) : (
                    <button type="button" onClick={() => setWeight(r.id, 0)} data-testid={`pg-drain-${r.id}`}>
                      {t('classroom.playground.drain')}
                    </button>
                  )}
                </td>
                <td>
                  <button
                    type="button"
                    className={D?.isDown(r.id) ? undefined : 'danger'}
                    title={D?.isDown(r.id) ? undefined : t('classroom.playground.killHint')}
                    onClick={() => toggleDead(r.id)}
                    data-testid={D?.isDown(r.id) ? `pg-revive-${r.id}` : `pg-kill-${r.id}`}
                  >
                    {D?.isDown(r.id) ? t('classroom.playground.bringBack') : t('classroom.playground.kill')}
                  </button>
                </td>
                <td className="num" data-testid={`pg-assigned-${r.id}`}>
                  {n}
                </td>
                <td className="num">{totalAssigned ? `${((n / totalAssigned) * 100).toFixed(1)} %` : '—'}</td>
                <td className="num">{weightSum ? `${(((d?.weight ?? 0) / weightSum) * 100).toFixed(1)} %` : '—'}</td>
                <td className="num" data-testid={`pg-active-${r.id}`}>
                  {d?.active ?? 0}
                </td>
                <td className="num" data-testid={`pg-inactive-${r.id}`}>
                  {d?.inactive ?? 0}
                </td>
                <td className="num" data-testid={`pg-persistent-${r.id}`}>
                  {d?.persistent ?? 0}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="pg-charts">
        <section>
          <h4>{t('classroom.playground.chartAssigned')}</h4>
          <BarChart run={R} svc={svc} names={names} />
        </section>
        <section>
          <h4>{t('classroom.playground.chartActive')}</h4>
          <LineChart run={R} svc={svc} names={names} />
        </section>
      </div>
      <div className="pg-log">
        <h4>{t('classroom.playground.lastAssignments')}</h4>
        <ul className="pg-recent" data-testid="pg-recent">
          {R.recent.map((x) => (
            <li
              key={x.n}
              className={x.realServer ? undefined : 'is-refused'}
              style={x.realServer ? { borderColor: segmentColor(svc.realServers.findIndex((r) => r.id === x.realServer)) } : undefined}
            >
              #{x.n} → {x.realServer ? (names.get(x.realServer) ?? x.realServer) : '✕'}
            </li>
          ))}
        </ul>
        <h4>{t('classroom.playground.templates')}</h4>
        <ul className="pg-templates" data-testid="pg-templates">
          {persistSeconds <= 0 ? (
            <li className="muted">{t('classroom.playground.templatesOff')}</li>
          ) : templates.length === 0 ? (
            <li className="muted">{t('classroom.playground.templatesNone')}</li>
          ) : (
            templates.slice(0, 12).map((tp) => (
              <li key={tp.client} data-testid="pg-template">
                {t('classroom.playground.template', { client: formatIPv4(tp.client), rs: names.get(tp.realServer) ?? tp.realServer, n: tp.controlled })}
              </li>
            ))
          )}
          {templates.length > 12 && <li className="muted">{t('classroom.playground.templatesMore', { n: templates.length - 12 })}</li>}
        </ul>
        <ul className="pg-events" data-testid="pg-events">
          {(D?.applied ?? []).map((e, i) =>
            'server' in e ? (
              <li key={`ka${i}`} className="pg-ka-event" data-testid="pg-ka-event">
                {t('classroom.playground.kaEvent', {
                  t: e.at.toFixed(1),
                  rs: names.get(e.server as RealServerId) ?? e.server,
                  what: t(
                    e.kind === 'removed'
                      ? 'classroom.playground.kaRemoved'
                      : e.kind === 'weight-zero'
                        ? 'classroom.playground.kaWeightZero'
                        : 'classroom.playground.kaAdded',
                  ),
                })}
              </li>
            ) : null,
          )}
          {R.events.map((e, i) => (
            <li key={i}>
              {e.kind === 'weight'
                ? t('classroom.playground.weightEvent', { t: e.t.toFixed(1), rs: names.get(e.realServer) ?? e.realServer, from: e.from, to: e.to })
                : t('classroom.playground.schedulerEvent', { t: e.t.toFixed(1), from: e.from, to: e.to })}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
