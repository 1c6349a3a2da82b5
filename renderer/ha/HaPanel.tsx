/**
 * The HA tab: for each director group its members (priority — editable —, initial and steady state,
 * master-down timer) and the "will it fail over?" table of shared/ha/analysis.ts, one row per
 * failure, coloured by what clients see; below it the failover timeline of shared/ha/timeline.ts
 * as a step list with the members' connection tables side by side at the selected step, which it
 * also shows on the canvas (the members' marks, a captioned narration) with step back, next and play.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectorGroup, Topology } from '../../shared/model/types.ts';
import { advertIntOf, effectivePriority, masterDownSeconds, steadyMaster } from '../../shared/model/ha.ts';
import { updateGroupMember } from '../../shared/model/commands.ts';
import type { GroupAnalysis, Scenario } from '../../shared/ha/analysis.ts';
import { analyseFailover, describeFailure } from '../../shared/ha/analysis.ts';
import type { FailoverEvent } from '../../shared/ha/timeline.ts';
import { FAILOVER_EVENTS, failoverTimeline, timelineMembers } from '../../shared/ha/timeline.ts';
import { useApp } from '../store/index.ts';
import { GROUP_COLORS } from './derive.ts';

export function HaPanel() {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const [doubles, setDoubles] = useState(false);
  const analyses = useMemo(() => analyseFailover(topology, { doubles }), [topology, doubles]);
  const groups = topology.directorGroups ?? [];
  if (groups.length === 0) {
    return (
      <div className="ha-panel" data-testid="ha-panel">
        <p className="ha-note" data-testid="ha-none">
          {t('ha.none')}
        </p>
      </div>
    );
  }
  return (
    <div className="ha-panel" data-testid="ha-panel">
      {groups.map((g, i) => (
        <GroupSection
          key={g.id}
          topology={topology}
          group={g}
          color={GROUP_COLORS[i % GROUP_COLORS.length]!}
          analysis={analyses.find((a) => a.group === g.id)}
          doubles={doubles}
          onDoubles={setDoubles}
        />
      ))}
    </div>
  );
}

function GroupSection({
  topology,
  group: g,
  color,
  analysis,
  doubles,
  onDoubles,
}: {
  topology: Topology;
  group: DirectorGroup;
  color: string;
  analysis: GroupAnalysis | undefined;
  doubles: boolean;
  onDoubles: (v: boolean) => void;
}) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const name = (h: string) => topology.hosts.find((x) => x.id === h)?.name ?? h;
  const steady = steadyMaster(topology, g)?.host;
  return (
    <section className="ha-group" style={{ ['--ha-color' as string]: color }} data-testid={`ha-group-${g.id}`}>
      <h3>{t('ha.group', { name: g.name })}</h3>
      <p className="ha-note">
        {t('ha.groupMeta', { vrid: g.vrid, advert: advertIntOf(g), vips: g.virtualAddresses.map((a) => a.address).join(', ') })} ·{' '}
        {g.sync ? t('ha.sync', { iface: g.sync.interface, id: g.sync.syncId ?? 0 }) : t('ha.noSync')}
      </p>
      <div className="ha-table-wrap">
        <table className="ha-table ha-members">
          <colgroup>
            <col className="c-member" />
            <col className="c-priority" />
            <col className="c-state" />
            <col className="c-steady" />
            <col className="c-vrid" />
            <col className="c-down" />
          </colgroup>
          <thead>
            <tr>
              <th>{t('ha.member')}</th>
              <th>{t('ha.priority')}</th>
              <th>{t('ha.state')}</th>
              <th>{t('ha.steady')}</th>
              <th>{t('ha.vridAdvert')}</th>
              <th>{t('ha.masterDown')}</th>
            </tr>
          </thead>
          <tbody>
            {g.members.map((m) => {
              const eff = effectivePriority(g, m).priority;
              return (
                <tr key={m.host} data-testid={`ha-member-${m.host}`}>
                  <td>{name(m.host)}</td>
                  <td>
                    <input
                      key={m.priority}
                      className="ha-priority"
                      type="number"
                      min={1}
                      max={254}
                      defaultValue={m.priority}
                      aria-label={t('ha.priorityOf', { name: name(m.host) })}
                      data-testid={`ha-priority-${m.host}`}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') e.currentTarget.blur();
                      }}
                      onBlur={(e) => {
                        const v = Number(e.currentTarget.value);
                        if (Number.isInteger(v) && v >= 1 && v <= 254 && v !== m.priority)
                          applyTopology((topo) => updateGroupMember(topo, g.id, m.host, { priority: v }));
                        else e.currentTarget.value = String(m.priority);
                      }}
                    />
                    {eff !== m.priority && <span className="ha-eff"> → {eff}</span>}
                  </td>
                  <td>{m.state}</td>
                  <td className={m.host === steady ? 'ha-is-master' : undefined}>{t(m.host === steady ? 'ha.master' : 'ha.backup')}</td>
                  <td className="ha-num">
                    {m.differs?.vrid ?? g.vrid} / {t('ha.seconds', { s: m.differs?.advertInt ?? advertIntOf(g) })}
                  </td>
                  <td className="ha-num">{t('ha.seconds', { s: masterDownSeconds(g, eff).toFixed(2) })}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h4>{t('ha.analysis')}</h4>
      <label className="ha-check">
        <input type="checkbox" checked={doubles} onChange={(e) => onDoubles(e.target.checked)} data-testid="ha-doubles" /> {t('ha.doubles')}
      </label>
      {analysis && <AnalysisTable topology={topology} scenarios={analysis.scenarios} />}
      <Timeline topology={topology} group={g} />
    </section>
  );
}

function AnalysisTable({ topology, scenarios }: { topology: Topology; scenarios: readonly Scenario[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const name = (h: string) => topology.hosts.find((x) => x.id === h)?.name ?? h;
  return (
    <div className="ha-table-wrap">
      <table className="ha-table ha-analysis" data-testid="ha-analysis">
        <colgroup>
          <col className="c-failure" />
          <col className="c-holder" />
          <col className="c-outcome" />
          <col className="c-takeover" />
          <col className="c-conn" />
        </colgroup>
        <thead>
          <tr>
            <th>{t('ha.failure')}</th>
            <th>{t('ha.holder')}</th>
            <th>{t('ha.outcome')}</th>
            <th>{t('ha.takeover')}</th>
            <th>{t('ha.connections')}</th>
          </tr>
        </thead>
        {scenarios.map((sc) => {
          const words = sc.failures.map((f) => describeFailure(f, name));
          const what = words.length === 0 ? (zh ? '没有故障' : 'nothing fails') : words.map((w) => (zh ? w.zh : w.en)).join(' + ');
          const full = zh ? sc.text.zh : sc.text.en;
          const sep = zh ? '：' : ': ';
          const clients = full.startsWith(what + sep) ? full.slice(what.length + sep.length) : full;
          // What clients see goes on a full-width line under the facts: the panel is narrow.
          return (
            <tbody
              key={sc.failures.map((f) => JSON.stringify(f)).join('|') || 'none'}
              className={`ha-outcome-${sc.outcome}`}
              data-outcome={sc.outcome}
              data-testid="ha-row"
            >
              <tr>
                <td>{what}</td>
                <td>{sc.holders.length ? sc.holders.map(name).join(' + ') : t('ha.nobody')}</td>
                <td className="ha-outcome">{t(`ha.outcomes.${sc.outcome}`)}</td>
                <td className="ha-num">{sc.takeoverSeconds === null ? '—' : t('ha.seconds', { s: sc.takeoverSeconds.toFixed(3) })}</td>
                <td>{sc.connectionsSurvive === null ? '—' : t(sc.connectionsSurvive ? 'ha.kept' : 'ha.lost')}</td>
              </tr>
              <tr>
                <td className="ha-clients" colSpan={5} title={t('ha.clients')}>
                  {clients}
                </td>
              </tr>
            </tbody>
          );
        })}
      </table>
    </div>
  );
}

/** Milliseconds between steps while the timeline plays. */
const PLAY_STEP_MS = 1500;

function Timeline({ topology, group: g }: { topology: Topology; group: DirectorGroup }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  // The step shown on the canvas lives in the store (the cards' marks and the caption read it);
  // before the user picks one, the list shows the first step of the chosen event.
  const playback = useApp((s) => (s.haPlayback?.group === g.id ? s.haPlayback : null));
  const setPlayback = useApp((s) => s.setHaPlayback);
  const [chosenEvent, setChosenEvent] = useState<FailoverEvent>('crash');
  const [playing, setPlaying] = useState(false);
  const activeStep = useRef<HTMLButtonElement>(null);
  const event = playback?.event ?? chosenEvent;
  const steps = useMemo(() => failoverTimeline(topology, g.id, event), [topology, g.id, event]);
  const members = useMemo(() => timelineMembers(topology, g), [topology, g]);
  const last = (steps?.length ?? 1) - 1;
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      const p = useApp.getState().haPlayback;
      if (!p || p.group !== g.id || p.step >= last) {
        setPlaying(false);
        return;
      }
      useApp.getState().setHaPlayback({ ...p, step: p.step + 1 });
    }, PLAY_STEP_MS);
    return () => clearInterval(timer);
  }, [playing, g.id, last]);
  // Leaving the HA tab stops showing this group's timeline on the canvas.
  useEffect(
    () => () => {
      if (useApp.getState().haPlayback?.group === g.id) useApp.getState().setHaPlayback(null);
    },
    [g.id],
  );
  // The step shown (also when stepped from the canvas caption or by play) stays in view in the list.
  // (a block body: Chromium's scrollIntoView returns a promise, which React would take for a cleanup)
  useEffect(() => {
    activeStep.current?.scrollIntoView({ block: 'nearest' });
  }, [playback?.step, event]);
  const name = (h: string) => topology.hosts.find((x) => x.id === h)?.name ?? h;
  if (!steps || steps.length === 0) return <p className="ha-note">{t('ha.noTimeline')}</p>;
  const index = Math.max(0, Math.min(playback?.step ?? 0, steps.length - 1));
  const step = steps[index]!;
  const show = (to: number, ev: FailoverEvent = event) => setPlayback({ group: g.id, event: ev, step: Math.max(0, Math.min(steps.length - 1, to)) });
  return (
    <div className="ha-timeline" data-testid={`ha-timeline-${g.id}`}>
      <h4>{t('ha.timeline')}</h4>
      <label className="ha-check">
        {t('ha.event')}{' '}
        <select
          value={event}
          data-testid="ha-event"
          onChange={(e) => {
            const ev = e.target.value as FailoverEvent;
            setChosenEvent(ev);
            setPlaying(false);
            if (playback) show(0, ev);
          }}
        >
          {FAILOVER_EVENTS.map((ev) => (
            <option key={ev} value={ev}>
              {t(`ha.events.${ev}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="ha-play" role="group" aria-label={t('ha.captionLabel')}>
        <button type="button" onClick={() => show(index - 1)} disabled={!playback || index === 0} data-testid="ha-back">
          ‹ {t('ha.stepBack')}
        </button>
        <button
          type="button"
          onClick={() => {
            if (playing) return setPlaying(false);
            show(!playback || index >= steps.length - 1 ? 0 : index);
            setPlaying(true);
          }}
          aria-pressed={playing}
          data-testid="ha-play"
        >
          {playing ? t('ha.pause') : t('ha.play')}
        </button>
        <button type="button" onClick={() => show(index + 1)} disabled={index === steps.length - 1} data-testid="ha-next">
          {t('ha.stepNext')} ›
        </button>
        {!playback && (
          <button type="button" onClick={() => show(0)} data-testid="ha-show">
            {t('ha.showOnCanvas')}
          </button>
        )}
      </div>
      <ol className="ha-steps">
        {steps.map((s, i) => (
          <li key={i}>
            <button
              type="button"
              className={i === index ? 'is-active' : undefined}
              ref={i === index ? activeStep : undefined}
              aria-pressed={i === index}
              data-testid={`ha-step-${i}`}
              onClick={() => show(i)}
            >
              <span className="ha-at">
                {s.at >= 0 ? '+' : ''}
                {s.at.toFixed(3)} s
              </span>{' '}
              {zh ? s.text.zh : s.text.en}
            </button>
          </li>
        ))}
      </ol>
      <p className="ha-note" data-testid="ha-step-state">
        {step.routerArp ? t('ha.routerArp', { name: name(step.routerArp) }) : ''} ·{' '}
        <span className={step.flowAlive ? 'ha-good' : 'ha-bad'}>{t(step.flowAlive ? 'ha.flowAlive' : 'ha.flowDead')}</span>
      </p>
      <div className="ha-conn-tables">
        {members.map((h) => {
          const rows = step.tables[h] ?? [];
          return (
            <div key={h} className={`ha-conn${step.holders.includes(h) ? ' is-holder' : ''}`} data-testid={`ha-conn-${h}`}>
              <h5>
                {t('ha.connTable', { name: name(h) })} {step.holders.includes(h) && <span className="ha-tag">{t('ha.master')}</span>}
              </h5>
              {rows.length === 0 ? (
                <p className="ha-note">{t('ha.emptyTable')}</p>
              ) : (
                <ul>
                  {rows.map((r, k) => (
                    <li key={k}>
                      {r.client} → {r.vip} → {r.realServer} {r.state}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
