/**
 * Scheduler playground: N connections arrive at a virtual service at a chosen rate; the kernel's
 * scheduler (the simulator's stepwise IpvsScheduler) assigns each to a real server, live, with
 * per-server counters, an assignment bar chart and active connections over time. Weights can be
 * changed and servers drained during the run. The clock runs on requestAnimationFrame here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VirtualService } from '../../shared/model/types.ts';
import { parseIPv4 } from '../../shared/addressing/ipv4.ts';
import type { DestView } from '../../shared/simulator/index.ts';
import { IpvsScheduler } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { segmentColor } from '../store/selectors.ts';
import { serviceAddress } from '../../shared/model/topology.ts';

interface Live {
  sched: IpvsScheduler;
  /** Simulated seconds since the start. */
  now: number;
  sent: number;
  /** Simulated time of the next arrival (the rate may change during the run). */
  nextAt: number;
  refused: number;
  /** Connections to end: time, destination, template key. Sorted by time. */
  ending: { at: number; dest: DestView; key: number }[];
  assigned: Map<string, number>;
  samples: { t: number; active: number[] }[];
  events: { t: number; rs: string; from: number; to: number }[];
  recent: { n: number; rs: string | null }[];
}

const CLIENTS = 50;
const clientAddr = (i: number) => (parseIPv4(`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`) ?? 0) >>> 0;

function newLive(svc: VirtualService): Live {
  return { sched: IpvsScheduler.forService(svc, { seed: 1 }), now: 0, sent: 0, nextAt: 0, refused: 0, ending: [], assigned: new Map(), samples: [{ t: 0, active: svc.realServers.map(() => 0) }], events: [], recent: [] };
}

/** Records the active counters at `t` when the last sample is older than a tenth of a second. */
function sample(L: Live, svc: VirtualService, t: number): void {
  const last = L.samples[L.samples.length - 1];
  if (last && t - last.t < 0.1) return;
  L.samples.push({ t, active: svc.realServers.map((r) => L.sched.dest(r.id)?.active ?? 0) });
  // Long runs keep every other sample: the chart stays light, its shape stays.
  if (L.samples.length > 400) L.samples = L.samples.filter((_, i) => i % 2 === 0 || i === L.samples.length - 1);
}

function LineChart({ live, svc, height = 150 }: { live: Live; svc: VirtualService; height?: number }) {
  const w = 520;
  const s = live.samples;
  const tMax = Math.max(1, s[s.length - 1]?.t ?? 1);
  const yMax = Math.max(1, ...s.flatMap((x) => x.active));
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
      {live.events.map((e, i) => (
        <g key={i}>
          <line x1={X(e.t)} x2={X(e.t)} y1={10} y2={height - 20} className="event-line" />
          <text x={X(e.t) + 3} y={20} className="tick">
            {e.rs} w{e.to}
          </text>
        </g>
      ))}
      {svc.realServers.map((r, k) => (
        <polyline key={r.id} fill="none" stroke={segmentColor(k)} strokeWidth={2} points={s.map((x) => `${X(x.t).toFixed(1)},${Y(x.active[k] ?? 0).toFixed(1)}`).join(' ')} />
      ))}
    </svg>
  );
}

function BarChart({ live, svc, names }: { live: Live; svc: VirtualService; names: Map<string, string> }) {
  const rowH = 26;
  const w = 520;
  const max = Math.max(1, ...svc.realServers.map((r) => live.assigned.get(r.id) ?? 0));
  return (
    <svg className="cls-assigned" width={w} height={svc.realServers.length * rowH + 6} role="img" data-testid="pg-bars">
      {svc.realServers.map((r, k) => {
        const n = live.assigned.get(r.id) ?? 0;
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

export function Playground() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const [svcId, setSvcId] = useState<string | null>(null);
  const svc = topology.services.find((v) => v.id === svcId) ?? topology.services.find((v) => v.realServers.length > 0) ?? topology.services[0];
  const [count, setCount] = useState(100);
  const [rate, setRate] = useState(10);
  const [duration, setDuration] = useState(4);
  const [speed, setSpeed] = useState(1);
  const [running, setRunning] = useState(false);
  const [, setTick] = useState(0);
  const live = useRef<Live | null>(null);
  const rerender = () => setTick((n) => n + 1);

  // A new scheduler whenever the service (or its real servers in the design) changes.
  const svcKey = svc ? JSON.stringify([svc.id, svc.scheduler, svc.realServers.map((r) => [r.id, r.rip, r.port])]) : '';
  useEffect(() => {
    live.current = svc && svc.realServers.length > 0 ? newLive(svc) : null;
    setRunning(false);
    rerender();
  }, [svcKey]);

  const names = useMemo(() => new Map((svc?.realServers ?? []).map((r) => [r.id, topology.hosts.find((h) => h.id === r.host)?.name ?? r.id])), [svc, topology]);

  /** Advances the simulated clock to `until`, sending the connections due and ending the finished ones. */
  const advance = (until: number) => {
    const L = live.current;
    if (!L || !svc) return;
    const vip = (parseIPv4(svc.vip) ?? 0) >>> 0;
    const interval = 1 / Math.max(0.01, rate);
    while (true) {
      const nextSend = L.sent < count ? Math.max(L.nextAt, L.now) : Infinity;
      const nextEnd = L.ending[0]?.at ?? Infinity;
      const next = Math.min(nextSend, nextEnd);
      if (next > until || next === Infinity) break;
      sample(L, svc, next);
      L.now = next;
      L.sched.now = next;
      if (nextEnd <= nextSend) {
        const e = L.ending.shift()!;
        L.sched.release(e.dest, true, e.key);
      } else {
        const n = L.sent++;
        L.nextAt = next + interval;
        const d = L.sched.connect(clientAddr(n % CLIENTS), 40000 + (n % 20000), vip, svc.port);
        if (!d) L.refused++;
        else {
          L.sched.establish(d);
          L.assigned.set(d.id, (L.assigned.get(d.id) ?? 0) + 1);
          const end = { at: next + duration, dest: d, key: L.sched.lastTemplateKey };
          const pos = L.ending.findIndex((x) => x.at > end.at);
          if (pos < 0) L.ending.push(end);
          else L.ending.splice(pos, 0, end);
        }
        L.recent = [{ n: n + 1, rs: d?.id ?? null }, ...L.recent].slice(0, 12);
      }
    }
    L.now = Math.max(L.now, until);
    L.sched.now = L.now;
    sample(L, svc, L.now);
  };

  useEffect(() => {
    if (!running) return;
    let raf = 0;
    let last = performance.now();
    const tick = (now: number) => {
      const L = live.current;
      if (!L) return;
      const dt = Math.min(0.25, (now - last) / 1000) * speed;
      last = now;
      advance(L.now + dt);
      rerender();
      if (L.sent >= count && L.ending.length === 0) {
        setRunning(false);
        return;
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [running, speed, rate, count, duration]);

  if (!svc) return <p className="muted cls-pad">{t('classroom.playground.noService')}</p>;
  const L = live.current;
  if (!L) return <p className="muted cls-pad">{t('classroom.playground.noRealServers')}</p>;

  const sendAll = () => {
    // Arrival by arrival: each call reaches the next arrival time exactly (no float drift).
    while (L.sent < count) advance(Math.max(L.now, L.nextAt));
    rerender();
  };
  const reset = () => {
    live.current = newLive(svc);
    setRunning(false);
    rerender();
  };
  const setWeight = (id: string, w: number) => {
    const d = L.sched.dest(id);
    if (!d || !Number.isFinite(w)) return;
    const to = Math.max(0, Math.min(65535, Math.trunc(w)));
    if (to === d.weight) return;
    L.events.push({ t: L.now, rs: names.get(id) ?? id, from: d.weight, to });
    L.sched.setWeight(id, to);
    rerender();
  };
  const totalAssigned = [...L.assigned.values()].reduce((a, b) => a + b, 0);
  const weightSum = L.sched.dests.reduce((a, d) => a + d.weight, 0);
  const done = L.sent >= count;

  return (
    <div className="cls-playground" data-testid="cls-playground">
      <div className="pg-controls">
        <label>
          {t('classroom.playground.service')}
          <select value={svc.id} onChange={(e) => setSvcId(e.target.value)} data-testid="pg-service">
            {topology.services.map((v) => (
              <option key={v.id} value={v.id}>
                {serviceAddress(v)} ({v.scheduler})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('classroom.playground.connections')}
          <input type="number" min={1} max={100000} value={count} onChange={(e) => setCount(Math.max(1, Math.min(100000, Math.trunc(Number(e.target.value) || 1))))} data-testid="pg-count" />
        </label>
        <label>
          {t('classroom.playground.rate')}
          <input type="number" min={0.1} max={10000} step={0.1} value={rate} onChange={(e) => setRate(Math.max(0.1, Number(e.target.value) || 1))} data-testid="pg-rate" />
        </label>
        <label>
          {t('classroom.playground.duration')}
          <input type="number" min={0} max={3600} step={0.5} value={duration} onChange={(e) => setDuration(Math.max(0, Number(e.target.value) || 0))} data-testid="pg-duration" />
        </label>
        <label>
          {t('classroom.playground.speed')}
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))} data-testid="pg-speed">
            {[0.5, 1, 2, 5, 10].map((v) => (
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
          <button type="button" className="primary" onClick={() => setRunning(true)} disabled={done && L.ending.length === 0} data-testid="pg-start">
            {L.sent > 0 ? t('classroom.playground.resume') : t('classroom.playground.start')}
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
        {t('classroom.playground.sent', { sent: L.sent, total: count, t: L.now.toFixed(1) })} · {svc.scheduler}
        {L.refused > 0 && <span className="pg-refused"> · {t('classroom.playground.refused', { n: L.refused })}</span>}
      </p>
      <table className="pg-table">
        <thead>
          <tr>
            <th>{t('classroom.playground.server')}</th>
            <th>RIP</th>
            <th>{t('classroom.playground.weight')}</th>
            <th />
            <th>{t('classroom.playground.assigned')}</th>
            <th>{t('classroom.playground.share')}</th>
            <th>{t('classroom.playground.expected')}</th>
            <th>{t('classroom.playground.active')}</th>
            <th>{t('classroom.playground.inactive')}</th>
          </tr>
        </thead>
        <tbody>
          {svc.realServers.map((r, k) => {
            const d = L.sched.dest(r.id);
            const n = L.assigned.get(r.id) ?? 0;
            const name = names.get(r.id) ?? r.id;
            return (
              <tr key={r.id} data-testid={`pg-row-${r.id}`}>
                <td>
                  <span className="swatch" style={{ background: segmentColor(k) }} /> {name}
                </td>
                <td className="mono">{r.rip}</td>
                <td>
                  <input key={`${r.id}-${d?.weight ?? 0}`} type="number" min={0} max={65535} className="pg-weight" defaultValue={d?.weight ?? 0} data-testid={`pg-weight-${r.id}`} aria-label={`${t('classroom.playground.weight')} ${name}`} onBlur={(e) => setWeight(r.id, Number(e.target.value))} onKeyDown={(e) => e.key === 'Enter' && setWeight(r.id, Number((e.target as HTMLInputElement).value))} />
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
                <td className="num" data-testid={`pg-assigned-${r.id}`}>
                  {n}
                </td>
                <td className="num">{totalAssigned ? `${((n / totalAssigned) * 100).toFixed(1)} %` : '—'}</td>
                <td className="num">{weightSum ? `${(((d?.weight ?? 0) / weightSum) * 100).toFixed(1)} %` : '—'}</td>
                <td className="num" data-testid={`pg-active-${r.id}`}>
                  {d?.active ?? 0}
                </td>
                <td className="num">{d?.inactive ?? 0}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="pg-charts">
        <section>
          <h4>{t('classroom.playground.chartAssigned')}</h4>
          <BarChart live={L} svc={svc} names={names} />
        </section>
        <section>
          <h4>{t('classroom.playground.chartActive')}</h4>
          <LineChart live={L} svc={svc} />
        </section>
      </div>
      <div className="pg-log">
        <h4>{t('classroom.playground.lastAssignments')}</h4>
        <ul className="pg-recent" data-testid="pg-recent">
          {L.recent.map((x) => (
            <li key={x.n} className={x.rs ? undefined : 'is-refused'} style={x.rs ? { borderColor: segmentColor(svc.realServers.findIndex((r) => r.id === x.rs)) } : undefined}>
              #{x.n} → {x.rs ? (names.get(x.rs) ?? x.rs) : '✕'}
            </li>
          ))}
        </ul>
        <ul className="pg-events" data-testid="pg-events">
          {L.events.map((e, i) => (
            <li key={i}>{t('classroom.playground.weightEvent', { t: e.t.toFixed(1), rs: e.rs, from: e.from, to: e.to })}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}
