/**
 * The Live tab: start/stop the live view of the open design, then per host its state, who holds
 * each VIP, per service the live counters of every real server with the observed vs expected
 * distribution and a chart of the last minutes, VRRP, drift diffs, what could not be read, and the
 * connection sample with "Why here?" (the decision replayed in the simulator).
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { bridge, settle } from '../bridge/index.ts';
import { useApp } from '../store/index.ts';
import type { IpvsConnection, IpvsConnectionSummary } from '../../shared/live/ipvsadm.ts';
import type { LandingExplanation } from '../../shared/live/why.ts';
import type { LiveService } from '../../shared/live/view.ts';
import { formatRate } from '../../shared/live/table.ts';
import { LIVE_HISTORY_MINUTES } from './liveSlice.ts';
import type { LiveSample } from './liveSlice.ts';
import { startLive, stopLive } from './session.ts';
import { LabSection } from '../lab/LabSection.tsx';
import { hostId as toHostId } from '../../shared/model/ids.ts';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

function Chart({ history, serviceId }: { history: readonly LiveSample[]; serviceId: string }) {
  const { t } = useTranslation();
  const w = 300;
  const h = 60;
  const pts = history.filter((s) => serviceId in s.cps);
  if (pts.length < 2) return null;
  const t0 = pts[0]!.at;
  const span = Math.max(1, pts.at(-1)!.at - t0);
  const max = Math.max(1, ...pts.map((p) => p.cps[serviceId]!));
  const line = pts.map((p) => `${((p.at - t0) / span) * w},${h - (p.cps[serviceId]! / max) * (h - 4) - 2}`).join(' ');
  return (
    <figure className="live-chart" data-testid={`live-chart-${serviceId}`}>
      <figcaption>
        {t('live.chart', { minutes: LIVE_HISTORY_MINUTES })} · max {max}
      </figcaption>
      <svg
        viewBox={`0 0 ${w} ${h}`}
        width="100%"
        height={h}
        preserveAspectRatio="none"
        role="img"
        aria-label={t('live.chart', { minutes: LIVE_HISTORY_MINUTES })}
      >
        <line x1="0" y1={h - 1} x2={w} y2={h - 1} stroke="var(--border)" />
        <polyline points={line} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
      </svg>
    </figure>
  );
}

function ServiceBlock({ s }: { s: LiveService }) {
  const { t } = useTranslation();
  const history = useApp((st) => st.live.history);
  const dist = new Map(s.distribution.map((d) => [d.address, d]));
  return (
    <section className="live-service" data-testid={`live-service-${s.serviceId}`}>
      <h4>
        {s.serviceId} <code>{s.key}</code> {s.scheduler} · {s.director}
      </h4>
      {!s.present && <p className="is-error">{t('live.serviceMissing', { host: s.director })}</p>}
      {s.rate && (
        <p className="live-rates" data-testid={`live-rate-${s.serviceId}`}>
          <b>{s.rate.conns}</b> {t('live.cps')} · {t('live.inBps')} <b>{formatRate(s.rate.inBytes)}</b> · {t('live.outBps')}{' '}
          <b>{formatRate(s.rate.outBytes)}</b>
        </p>
      )}
      <div className="live-table-wrap">
        <table className="live-table">
          <thead>
            <tr>
              <th>{t('live.col.rs')}</th>
              {(['weight', 'active', 'inactive', 'cps', 'share', 'expected', 'dev'] as const).map((c) => (
                <th key={c} title={t(`live.colTitle.${c}`)}>
                  {t(`live.col.${c}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {s.dests.map((d) => {
              const x = dist.get(d.address);
              return (
                <tr
                  key={d.address}
                  className={`state-${d.state}`}
                  data-testid={`live-dest-${d.realServerId ?? d.address}`}
                  title={`${d.address} · ${t(`live.state.${d.state}`)}`}
                >
                  <td>{d.realServerId ?? d.address}</td>
                  <td>
                    {d.weight}
                    {d.designWeight !== undefined && d.designWeight !== d.weight ? ` (${d.designWeight})` : ''}
                  </td>
                  <td>{d.activeConns}</td>
                  <td>{d.inactiveConns}</td>
                  <td>{d.rate?.conns ?? '-'}</td>
                  <td>{x ? pct(x.observedShare) : '-'}</td>
                  <td>{x ? pct(x.expectedShare) : '-'}</td>
                  <td>{x ? signed(x.deviation) : '-'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="live-note">
        {t('live.distribution')}
        {s.maxDeviation > 0 ? ` · ${t('live.deviation', { value: s.maxDeviation.toFixed(1) })}` : ''}
      </p>
      <Chart history={history} serviceId={s.serviceId} />
    </section>
  );
}

function Connections({ hostId, sessionId }: { hostId: string; sessionId: string }) {
  const { t, i18n } = useTranslation();
  const allServices = useApp((s) => s.design.topology.services);
  const services = allServices.filter((x) => x.director === hostId);
  const [data, setData] = useState<IpvsConnectionSummary | string | null>(null);
  const [why, setWhy] = useState<{ entry: IpvsConnection; answer: LandingExplanation | string } | null>(null);
  const load = async () => {
    const r = await settle(bridge().live.connections(sessionId, toHostId(hostId)));
    setData(!r.ok ? r.error : r.value.ok ? r.value.value : r.value.error);
  };
  const ask = async (entry: IpvsConnection) => {
    const svc = services.find((s) => entry.virtual === `${s.vip}:${s.port}`);
    if (!svc) {
      setWhy({ entry, answer: `${entry.virtual}: not a service of the design` });
      return;
    }
    const r = await settle(bridge().live.explain(sessionId, svc.id, entry));
    setWhy({ entry, answer: !r.ok ? r.error : r.value.ok ? r.value.value : r.value.error });
  };
  if (data === null) {
    return (
      <button type="button" onClick={() => void load()} data-testid={`live-show-conns-${hostId}`}>
        {t('live.showConnections')} ({hostId})
      </button>
    );
  }
  if (typeof data === 'string') return <p className="is-error">{data}</p>;
  return (
    <div className="live-conns-list">
      <h4>{t('live.connections', { host: hostId, total: data.total })}</h4>
      <ul>
        {data.entries.slice(0, 30).map((e, i) => (
          <li key={i} data-testid="live-conn-entry">
            <code>
              {e.client}:{e.clientPort} → {e.destination} {e.state} {e.expires}s
            </code>
            {e.template && <span className="live-tag">{t('live.template')}</span>}{' '}
            <button type="button" className="live-why" onClick={() => void ask(e)}>
              {t('live.why')}
            </button>
          </li>
        ))}
      </ul>
      {why && (
        <div className="live-why-box" role="dialog" data-testid="live-why">
          <h4>{t('live.whyTitle', { client: why.entry.client, rs: why.entry.destination })}</h4>
          {typeof why.answer === 'string' ? (
            <p className="is-error">{why.answer}</p>
          ) : (
            <>
              <p className="live-tag">{t(`live.certainty.${why.answer.certainty}`)}</p>
              <p>{i18n.language.startsWith('zh') ? why.answer.zh : why.answer.en}</p>
            </>
          )}
          <button type="button" onClick={() => setWhy(null)}>
            {t('live.close')}
          </button>
        </div>
      )}
    </div>
  );
}

export function LivePanel() {
  const { t } = useTranslation();
  const live = useApp((s) => s.live);
  const topology = useApp((s) => s.design.topology);
  const [available, setAvailable] = useState<boolean | null>(null);
  const [seconds, setSeconds] = useState(2);
  useEffect(() => {
    let on = true;
    void settle(bridge().live.available()).then((r) => on && setAvailable(r.ok && r.value));
    return () => {
      on = false;
    };
  }, []);
  if (available === false)
    return (
      <div className="live-panel">
        <p className="live-note">{t('live.unavailable')}</p>
      </div>
    );
  const view = live.view;
  const detail = new Map(live.hosts.map((h) => [h.hostId, h]));
  return (
    <div className="live-panel" data-testid="live-panel">
      <LabSection where="live" />
      <p className="live-note">{t('live.intro')}</p>
      <div className="live-actions">
        <label>
          {t('live.interval')}{' '}
          <input
            type="number"
            min={0.5}
            max={600}
            step={0.5}
            value={seconds}
            onChange={(e) => setSeconds(Number(e.target.value) || 2)}
            disabled={!!live.sessionId}
            style={{ width: 60 }}
          />
        </label>
        {live.sessionId ? (
          <button type="button" onClick={() => void stopLive()}>
            {t('live.stop')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void startLive(Math.round(seconds * 1000))} data-testid="live-start">
            {t('live.start')}
          </button>
        )}
      </div>
      {live.error && (
        <p className="is-error" data-testid="live-error">
          {live.error}
        </p>
      )}
      {live.paused && <p className="live-note">{t('live.paused')}</p>}
      {live.sessionId && !view && <p className="live-note">{t('live.waiting')}</p>}
      {view && (
        <>
          <h3>{t('live.hosts')}</h3>
          <ul className="live-hosts">
            {topology.hosts.map((h) => {
              const d = detail.get(h.id);
              const text = !h.ssh ? t('live.notPolled') : !d ? '…' : d.status === 'ok' ? t('live.ok') : `${t('live.unreachable')}: ${d.error ?? ''}`;
              return (
                <li key={h.id} className={d?.status === 'unreachable' ? 'is-error' : ''} data-testid={`live-host-${h.id}`}>
                  <b>{h.name}</b> {text}
                  {d?.failures ? ` · ${t('live.failures', { count: d.failures })}` : ''}
                  {d?.keepalived?.ageSeconds !== undefined ? ` · keepalived ${t('live.keepalivedAge', { seconds: d.keepalived.ageSeconds })}` : ''}
                </li>
              );
            })}
          </ul>
          <h3>{t('live.vips')}</h3>
          <ul className="live-vips">
            {view.vips.map((v) => (
              <li
                key={v.vip}
                className={v.status === 'ok' ? '' : v.status === 'unknown' ? 'is-warn' : 'is-error'}
                data-testid={`live-vip-${v.vip}`}
                data-status={v.status}
              >
                <code>{v.vip}</code>{' '}
                {v.status === 'ok'
                  ? t('live.vipOk', { hosts: v.holders.join(', ') })
                  : v.status === 'none'
                    ? t('live.vipNone')
                    : v.status === 'split'
                      ? t('live.vipSplit', { hosts: v.holders.join(', ') })
                      : t('live.vipUnknown', { hosts: v.unknown.join(', ') })}
              </li>
            ))}
          </ul>
          <h3>{t('live.services')}</h3>
          {view.services.map((s) => (
            <ServiceBlock key={`${s.serviceId}@${s.director}`} s={s} />
          ))}
          {view.vrrp.length > 0 && (
            <>
              <h3>{t('live.vrrp')}</h3>
              <ul>
                {view.vrrp.map((v) => (
                  <li key={`${v.hostId}/${v.instance}`} data-testid={`live-vrrp-${v.hostId}`}>
                    <b>{v.hostId}</b> {v.instance} <b className={v.state === 'MASTER' ? 'live-master' : ''}>{v.state}</b>
                    {v.priority !== undefined ? ` · ${v.priority}` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('live.drift')}</h3>
          {view.drift.length === 0 ? (
            <p className="live-note" data-testid="live-no-drift">
              {t('live.noDrift')}
            </p>
          ) : (
            view.drift.map((d) => (
              <div key={d.hostId} data-testid={`live-drift-diff-${d.hostId}`}>
                <b>{d.hostId}</b>
                <pre className="live-diff">
                  {d.diff.split('\n').map((l, i) => (
                    <span key={i} className={l.startsWith('-') ? 'del' : 'add'}>
                      {l}
                      {'\n'}
                    </span>
                  ))}
                </pre>
              </div>
            ))
          )}
          {live.hosts.some((h) => h.problems.length) && (
            <>
              <h3>{t('live.problems')}</h3>
              <ul className="live-problems">
                {live.hosts.flatMap((h) =>
                  h.problems.map((p, i) => (
                    <li key={`${h.hostId}-${i}`}>
                      <b>{h.hostId}</b> {p.section}: {p.message}
                      {p.lines?.length ? <pre className="live-diff">{p.lines.join('\n')}</pre> : null}
                    </li>
                  )),
                )}
              </ul>
            </>
          )}
          {live.sessionId &&
            topology.hosts.filter((h) => h.role === 'director' && h.ssh).map((h) => <Connections key={h.id} hostId={h.id} sessionId={live.sessionId!} />)}
        </>
      )}
    </div>
  );
}
