/**
 * The packet walk: flow pickers, playback controls, the animated canvas, the narration line and
 * the step list. Playback runs on a timer here (never in the store); the keyboard drives it too.
 */
import type { ReactNode } from 'react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Lang, Trace } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { SPEEDS } from './simulationSlice.ts';
import {
  changedSummary,
  effectiveCursor,
  langOf,
  eventLabel,
  headerSummary,
  neighbour,
  placeLabel,
  resolveFlow,
  selectTrace,
  openKeysAt,
  segmentEnds,
  stepRows,
  stepTimes,
  visibleSteps,
} from './derive.ts';
import { Stage } from './Stage.tsx';
import { FailurePanel, FailureToggle, downHostIds, hasDownServers } from './FailurePanel.tsx';
import { ExportMenu } from './exportWalkthrough.tsx';
import { HeaderStrip } from './PacketPanel.tsx';
import { TcpPanel } from './TcpPanel.tsx';
import { ChallengeBar, ChallengeCard, choiceForKey } from './ChallengePanel.tsx';
import type { Question } from '../../shared/classroom/challenge.ts';
import { pendingAt, questionAt, selectQuiz, shownCursor } from './challengeDerive.ts';
import { serviceAddress } from '../../shared/model/topology.ts';

/** Milliseconds a step stays on screen at speed 1. */
export const STEP_MS = 1600;

const typing = (el: EventTarget | null): boolean => {
  if (!(el instanceof HTMLElement)) return false;
  if (el instanceof HTMLInputElement) return el.type !== 'checkbox' && el.type !== 'radio' && el.type !== 'range';
  return el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
};

function Icon({ d, stroke }: { d: string; stroke?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      fill="currentColor"
      stroke="currentColor"
      strokeWidth={stroke ? 2 : 1.5}
      strokeLinejoin="round"
    >
      <path d={d} />
    </svg>
  );
}

export function FlowPicker({ extra }: { extra?: ReactNode } = {}) {
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const sim = useApp((s) => s.simulation);
  const setFlow = useApp((s) => s.setSimFlow);
  const f = resolveFlow(topology, sim);
  const clients = topology.hosts.filter((h) => h.role === 'client' || h.id === f.client?.id);
  const others = topology.hosts.filter((h) => h.role !== 'client' && h.id !== f.client?.id);
  return (
    <div className="cls-picker cls-edit-chrome">
      <label>
        {t('classroom.client')}
        <select data-testid="cls-client" value={f.client?.id ?? ''} onChange={(e) => setFlow({ client: e.target.value })}>
          {clients.map((h) => (
            <option key={h.id} value={h.id}>
              {h.name}
            </option>
          ))}
          {others.length > 0 && (
            <optgroup label="—">
              {others.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </label>
      <label>
        {t('classroom.service')}
        <select data-testid="cls-service" value={f.service?.id ?? ''} onChange={(e) => setFlow({ service: e.target.value, realServer: null })}>
          {topology.services.map((v) => (
            <option key={v.id} value={v.id}>
              {serviceAddress(v)} ({v.scheduler})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('classroom.realServer')}
        <select data-testid="cls-rs" value={f.realServer ?? ''} onChange={(e) => setFlow({ realServer: e.target.value || null })}>
          <option value="">{t('classroom.scheduler')}</option>
          {f.service?.realServers.map((r) => (
            <option key={r.id} value={r.id}>
              {topology.hosts.find((h) => h.id === r.host)?.name ?? r.host} ({r.rip} {r.method})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('classroom.seed')}
        <input
          type="number"
          className="cls-seed"
          min={1}
          value={sim.seed}
          data-testid="cls-seed"
          onChange={(e) => setFlow({ seed: Math.max(1, Number(e.target.value) || 1) })}
        />
      </label>
      {extra}
    </div>
  );
}

export function Controls({ trace, visible, cursor, blocked }: { trace: Trace; visible: readonly number[]; cursor: number; blocked: boolean }) {
  const { t } = useTranslation();
  const sim = useApp((s) => s.simulation);
  const s = useApp.getState();
  const pos = visible.indexOf(cursor);
  const last = visible[visible.length - 1] ?? 0;
  return (
    <div className="cls-controls" role="toolbar" aria-label={t('classroom.controls.label')}>
      <button
        type="button"
        onClick={() => (s.setSimPlaying(false), s.setSimCursor(visible[0] ?? 0))}
        title={t('classroom.controls.restart')}
        aria-label={t('classroom.controls.restart')}
        data-testid="cls-restart"
      >
        <Icon d="M6 5v14M18 5 8 12l10 7z" />
      </button>
      <button
        type="button"
        onClick={() => (s.setSimPlaying(false), s.setSimCursor(neighbour(visible, cursor, -1)))}
        disabled={pos <= 0}
        title={t('classroom.controls.back')}
        aria-label={t('classroom.controls.back')}
        data-testid="cls-back"
      >
        <Icon d="M16 5 6 12l10 7z" />
      </button>
      {sim.playing ? (
        <button
          type="button"
          className="primary cls-play"
          onClick={() => s.setSimPlaying(false)}
          title={t('classroom.controls.pause')}
          aria-label={t('classroom.controls.pause')}
          data-testid="cls-pause"
        >
          <Icon d="M7 5h3v14H7zM14 5h3v14h-3z" />
        </button>
      ) : (
        <button
          type="button"
          className="primary cls-play"
          disabled={blocked}
          onClick={() => {
            if (cursor >= last) s.setSimCursor(visible[0] ?? 0);
            s.setSimPlaying(true);
          }}
          title={t('classroom.controls.play')}
          aria-label={t('classroom.controls.play')}
          data-testid="cls-play"
        >
          <Icon d="M8 5l11 7-11 7z" />
        </button>
      )}
      <button
        type="button"
        onClick={() => (s.setSimPlaying(false), s.setSimCursor(neighbour(visible, cursor, 1)))}
        disabled={cursor >= last || blocked}
        title={t('classroom.controls.forward')}
        aria-label={t('classroom.controls.forward')}
        data-testid="cls-forward"
      >
        <Icon d="M8 5l10 7-10 7zM18 5v14" stroke />
      </button>
      <button
        type="button"
        onClick={() => (s.setSimPlaying(false), s.setSimCursor(last))}
        disabled={cursor >= last || blocked}
        title={t('classroom.controls.end')}
        aria-label={t('classroom.controls.end')}
        data-testid="cls-end"
      >
        <Icon d="M18 5v14M6 5l10 7-10 7z" />
      </button>
      <label className="cls-jump">
        {t('classroom.controls.jump')}
        <input
          type="number"
          min={1}
          max={visible.length}
          value={pos + 1}
          data-testid="cls-jump"
          onChange={(e) => {
            // The same numbering as "Step n of N" and the step list: shown steps, from 1.
            const n = Math.trunc(Number(e.target.value));
            if (!Number.isFinite(n) || visible.length === 0) return;
            s.setSimPlaying(false);
            s.setSimCursor(visible[Math.min(Math.max(n, 1), visible.length) - 1]!);
          }}
        />
      </label>
      <span className="cls-stepof" data-testid="cls-stepof">
        {t('classroom.stepOf', { n: pos + 1, total: visible.length })}
      </span>
      <label className="cls-speed">
        {t('classroom.controls.speed')}
        <select value={sim.speed} onChange={(e) => s.setSimSpeed(Number(e.target.value))} data-testid="cls-speed">
          {SPEEDS.map((v) => (
            <option key={v} value={v}>
              {v}×
            </option>
          ))}
        </select>
      </label>
      <label className="cls-arp cls-edit-chrome">
        <input type="checkbox" checked={sim.showArp} onChange={(e) => s.setSimShowArp(e.target.checked)} data-testid="cls-arp" />
        {t('classroom.controls.arp')}
      </label>
      <label className="cls-challenge-toggle" title={t('classroom.challenge.toggleTitle')}>
        <input type="checkbox" checked={sim.challenge} onChange={(e) => s.setSimChallenge(e.target.checked)} data-testid="cls-challenge-toggle" />
        {t('classroom.challenge.toggle')}
      </label>
      <span className="cls-spacer" />
      <ExportMenu trace={trace} visible={visible} />
      <button
        type="button"
        onClick={() => s.setSimPresenter(!sim.presenter)}
        data-testid="cls-presenter"
        title={sim.presenter ? t('classroom.controls.leavePresenter') : t('classroom.controls.presenter')}
      >
        {sim.presenter ? t('classroom.controls.leavePresenter') : t('classroom.controls.presenter')}
      </button>
    </div>
  );
}

export function StepList({
  trace,
  visible,
  cursor,
  lang,
  waiting,
}: {
  trace: Trace;
  visible: readonly number[];
  cursor: number;
  lang: Lang;
  /** A challenge question waits at the cursor: its step is not listed yet. */
  waiting: boolean;
}) {
  const challenge = useApp((s) => s.simulation.challenge);
  const { t } = useTranslation();
  const topology = useApp((s) => s.design.topology);
  const times = useMemo(() => stepTimes(trace), [trace]);
  const current = useRef<HTMLTableRowElement>(null);
  // Folded TCP segments (`seg:<first step>`) and runs of data segments (`grp:<first step>`) that are open; a new trace folds them again.
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => setOpen(new Set()), [trace]);
  const rows = useMemo(() => stepRows(trace, visible, open), [trace, visible, open]);
  const toggle = (key: string): void =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const closeButton = (key: string, kind: 'group' | 'segment') => (
    <button
      type="button"
      className="cls-group-toggle"
      data-testid={kind === 'group' ? 'cls-step-group-close' : 'cls-step-seg-close'}
      aria-label={kind === 'group' ? t('classroom.list.groupClose') : t('classroom.list.segClose')}
      title={kind === 'group' ? t('classroom.list.groupClose') : t('classroom.list.segClose')}
      onClick={(e) => (e.stopPropagation(), toggle(key))}
    >
      ▾
    </button>
  );
  useEffect(() => {
    current.current?.scrollIntoView({ block: 'nearest' });
  }, [cursor, rows]);
  return (
    <div className="cls-steps" data-testid="cls-steps">
      <table>
        <thead>
          <tr>
            <th>{t('classroom.list.n')}</th>
            <th>{t('classroom.list.art')}</th>
            <th>{t('classroom.list.time')}</th>
            <th>{t('classroom.list.place')}</th>
            <th>{t('classroom.list.event')}</th>
            <th>{t('classroom.list.change')}</th>
            <th>{t('classroom.list.narration')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            // Challenge mode: the steps still to come stay hidden (their headers are the answers).
            const hidden = (i: number) => challenge && (i > cursor || (waiting && i === cursor));
            if (row.kind === 'group') {
              if (hidden(row.members[0]!)) return null;
              const inside = row.members.includes(cursor);
              const first = trace.steps[row.members[0]!]!;
              return (
                <tr
                  key={row.key}
                  ref={inside ? current : undefined}
                  className={`cls-step-group phase-${first.phase}${inside ? ' is-current' : ''}${row.members[row.members.length - 1]! < cursor ? ' is-past' : ''}`}
                  onClick={() => toggle(row.key)}
                  data-testid="cls-step-group"
                  data-kind="group"
                  aria-current={inside ? 'step' : undefined}
                  aria-expanded={false}
                  title={t('classroom.list.groupHint')}
                >
                  <td className="num">
                    {row.shown}–{row.shown + row.members.length - 1}
                  </td>
                  <td></td>
                  <td className="num">{times[row.members[0]!]!.toFixed(1)}</td>
                  <td className="mono">{placeLabel(topology, first.place)}</td>
                  <td>
                    <button type="button" className="cls-group-toggle" aria-label={t('classroom.list.groupOpen')} data-testid="cls-step-group-open">
                      ▸ TCP
                    </button>
                  </td>
                  <td></td>
                  <td className="narr">{t('classroom.list.group', { data: row.data, acks: row.acks, bytes: row.bytes })}</td>
                </tr>
              );
            }
            if (row.kind === 'segment') {
              if (hidden(row.members[0]!)) return null;
              const inside = row.members.includes(cursor);
              const first = trace.steps[row.members[0]!]!;
              // The step the row speaks for: the one under the cursor, else the segment's first wire.
              const s = inside ? trace.steps[cursor]! : first;
              const hop = s.tcp?.hop;
              const groupKey = openKeysAt(trace, visible, open, row.members[0]!).group;
              const ends = segmentEnds(topology, trace, row.members);
              return (
                <tr
                  key={row.key}
                  ref={inside ? current : undefined}
                  className={`cls-step-seg sev-${first.severity} phase-${first.phase}${inside ? ' is-current' : ''}${row.members[row.members.length - 1]! < cursor ? ' is-past' : ''}`}
                  onClick={() => (useApp.getState().setSimPlaying(false), useApp.getState().setSimCursor(row.members[0]!))}
                  data-testid="cls-step-seg"
                  data-kind="tcp-segment"
                  data-first={row.members[0]!}
                  aria-current={inside ? 'step' : undefined}
                  aria-expanded={false}
                  title={t('classroom.list.segHint')}
                >
                  <td className="num">{row.members.length > 1 ? `${row.shown}–${row.shown + row.members.length - 1}` : row.shown}</td>
                  <td></td>
                  <td className="num">{times[row.members[0]!]!.toFixed(1)}</td>
                  <td className="mono">{ends}</td>
                  <td>
                    {groupKey ? closeButton(groupKey, 'group') : null}
                    <button
                      type="button"
                      className="cls-group-toggle"
                      data-testid="cls-step-seg-open"
                      aria-label={t('classroom.list.segOpen')}
                      title={t('classroom.list.segOpen')}
                      onClick={(e) => (e.stopPropagation(), toggle(row.key))}
                    >
                      ▸
                    </button>
                    {eventLabel(first, lang)}
                  </td>
                  <td className="mono changed" data-testid="cls-step-seg-wires">
                    {inside && hop ? t('classroom.list.segWire', { n: hop.n, of: hop.of }) : t('classroom.list.segWires', { count: row.hops })}
                    {row.state ? ` · IPVS → ${row.state}` : ''}
                  </td>
                  <td className="narr">{s.narration[lang]}</td>
                </tr>
              );
            }
            const i = row.index;
            if (hidden(i)) return null;
            const s = trace.steps[i]!;
            const isCur = i === cursor;
            const keys = openKeysAt(trace, visible, open, i);
            return (
              <tr
                key={i}
                ref={isCur ? current : undefined}
                className={`sev-${s.severity} phase-${s.phase}${isCur ? ' is-current' : ''}${i < cursor ? ' is-past' : ''}`}
                onClick={() => (useApp.getState().setSimPlaying(false), useApp.getState().setSimCursor(i))}
                data-testid={`cls-step-${i}`}
                data-kind={s.kind}
                aria-current={isCur ? 'step' : undefined}
                title={headerSummary(s)}
              >
                <td className="num">{row.shown}</td>
                <td>{s.articleStep && <span className="art-letter">{s.articleStep}</span>}</td>
                <td className="num">{times[i]!.toFixed(1)}</td>
                <td className="mono">{placeLabel(topology, s.place)}</td>
                <td>
                  {keys.group ? closeButton(keys.group, 'group') : null}
                  {keys.segment ? closeButton(keys.segment, 'segment') : null}
                  {eventLabel(s, lang)}
                </td>
                <td className="mono changed">{changedSummary(s)}</td>
                <td className="narr">{s.narration[lang]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Playback of a walk: one timer per shown step (stops on the last) and the keyboard (space, arrows,
 * Home/End, F). A `pending` challenge question stops both and takes the keys (1–4 / A–D pick, Enter
 * reveals). Used by the packet walk and the Real packets view.
 */
export function usePlayback(trace: Trace | null, visible: readonly number[], cursor: number, durationMs: number, pending?: Question): void {
  const playing = useApp((s) => s.simulation.playing);
  // Playback: one timer per shown step; stops on the last step.
  useEffect(() => {
    if (!playing || !trace || pending) return;
    const next = neighbour(visible, cursor, 1);
    const timer = window.setTimeout(() => {
      const s = useApp.getState();
      if (next === cursor) s.setSimPlaying(false);
      else s.setSimCursor(next);
    }, durationMs);
    return () => window.clearTimeout(timer);
  }, [playing, cursor, visible, durationMs, trace, pending]);

  const onKey = useCallback(
    (e: KeyboardEvent) => {
      const s = useApp.getState();
      if (s.dialog !== null || e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || !trace) return;
      const stop = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      if (pending) {
        // A waiting question takes the keys: 1–4 / A–D pick, Enter reveals; moving on waits for the answer.
        const value = choiceForKey(pending, e.key);
        if (value !== undefined) {
          stop();
          s.setSimPick(value);
          return;
        }
        if (e.key === 'Enter') {
          stop();
          if (s.simulation.pick !== null) s.answerSim(pending.id, s.simulation.pick);
          return;
        }
        if (e.key === ' ' || e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'PageDown' || e.key === 'End') {
          stop();
          return;
        }
      }
      if (e.key === ' ') {
        stop();
        if (!s.simulation.playing && cursor >= (visible[visible.length - 1] ?? 0)) s.setSimCursor(visible[0] ?? 0);
        s.setSimPlaying(!s.simulation.playing);
      } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === 'PageDown') {
        stop();
        s.setSimPlaying(false);
        s.setSimCursor(neighbour(visible, cursor, 1));
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp' || e.key === 'PageUp') {
        stop();
        s.setSimPlaying(false);
        s.setSimCursor(neighbour(visible, cursor, -1));
      } else if (e.key === 'Home') {
        stop();
        s.setSimPlaying(false);
        s.setSimCursor(visible[0] ?? 0);
      } else if (e.key === 'End') {
        stop();
        s.setSimPlaying(false);
        s.setSimCursor(visible[visible.length - 1] ?? 0);
      } else if (e.key === 'f' || e.key === 'F') {
        stop();
        s.setSimPresenter(!s.simulation.presenter);
      } else if (e.key === 'Escape' && s.simulation.presenter) {
        stop();
        s.setSimPresenter(false);
      }
    },
    [trace, cursor, visible, pending],
  );
  useEffect(() => {
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onKey]);
}

export function TraceView() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const result = useApp(selectTrace);
  const sim = useApp((s) => s.simulation);
  const topology = useApp((s) => s.design.topology);
  const loads = useApp((s) => s.loads);
  const trace = 'trace' in result ? result.trace : null;
  const visible = useMemo(() => (trace ? visibleSteps(trace, sim.showArp) : []), [trace, sim.showArp]);
  const cursor = trace ? effectiveCursor(trace, sim.cursor, visible) : 0;
  const quiz = useApp(selectQuiz);
  const question = questionAt(quiz, cursor);
  const pending = pendingAt(quiz, sim.answers, cursor);
  // While a question waits, the stage stays on the step before: the answer is not on screen yet.
  const shown = shownCursor(visible, cursor, pending);
  const step = shown < 0 ? undefined : trace?.steps[shown];
  const durationMs = STEP_MS / sim.speed;
  const stageRef = useRef<HTMLDivElement>(null);
  // Only the service and the failure choice matter (not the cursor): the set keeps its identity while playing.
  const downService = sim.service;
  const down = sim.down;
  // The failure row stays folded (one button in the picker row) until opened or while a server is down.
  const [failOpen, setFailOpen] = useState(false);
  const failureShown = failOpen || hasDownServers(topology, sim.service, sim.down);
  const downHosts = useMemo(
    () => downHostIds(topology, { client: null, service: downService, realServer: null, seed: 1, down }),
    [topology, downService, down],
  );

  // Playback: one timer per shown step; stops on the last step.
  useEffect(() => {
    if (pending && sim.playing) useApp.getState().setSimPlaying(false);
  }, [pending, sim.playing]);

  usePlayback(trace, visible, cursor, durationMs, pending);

  if (!trace) {
    return (
      <div className="cls-empty" data-testid="cls-empty">
        <FlowPicker />
        <p>{'missing' in result && result.missing === 'service' ? t('classroom.noService') : t('classroom.noClient')}</p>
      </div>
    );
  }
  const outcome = trace.outcome;
  // The fault's explanation, without repeating the drop step's own sentence it starts with.
  let reason: { fault: string; text: string } | null = null;
  if (step?.severity === 'error' && outcome.status === 'broken') {
    const full = outcome.narration[lang];
    const own = step.narration[lang];
    reason = { fault: outcome.fault, text: full.startsWith(own) ? full.slice(own.length).trim() : full };
  }
  return (
    <div className={`cls-trace${sim.challenge ? ' has-challenge' : ''}`}>
      <div className="cls-flow-row cls-edit-chrome">
        <FlowPicker extra={<FailureToggle open={failureShown} onToggle={() => setFailOpen(!failureShown)} />} />
        {failureShown && <FailurePanel />}
      </div>
      <Controls trace={trace} visible={visible} cursor={cursor} blocked={pending !== undefined} />
      {sim.challenge && <ChallengeBar trace={trace} />}
      <div className={`cls-stage${sim.challenge && sim.quiz ? ' has-quiz' : ''}`} ref={stageRef} data-testid="cls-stage-frame">
        <Stage
          step={step}
          playing={sim.playing}
          durationMs={durationMs}
          clientId={trace.flow.client}
          fitKey={`${sim.presenter}:${loads}`}
          downHosts={downHosts}
        />
        <div className="cls-outcome-box">
          <div
            className={`cls-outcome ${outcome.status === 'ok' ? 'is-ok' : outcome.status === 'failed' ? 'is-failed' : 'is-broken'}`}
            data-testid="cls-outcome"
            title={outcome.narration[lang]}
          >
            {outcome.status === 'ok'
              ? `✓ ${t('classroom.outcomeOk')}`
              : outcome.status === 'failed'
                ? `✕ ${t('classroom.outcomeFailed', { failure: t(`classroom.failures.${outcome.failure}`) })}`
                : `✕ ${t('classroom.outcomeBroken', { fault: outcome.fault })}`}
          </div>
          {trace.warnings.length > 0 && (
            <ul className="cls-warnings cls-edit-chrome" data-testid="cls-warnings">
              {trace.warnings.map((w, i) => (
                <li key={i}>
                  <strong>▲ {w.fault}</strong> {w.narration[lang]}
                </li>
              ))}
            </ul>
          )}
        </div>
        {question && <ChallengeCard question={question} step={step} pending={pending !== undefined} />}
        {step && !pending && (
          <div className={`cls-narration sev-${step.severity}`} data-testid="cls-narration" aria-live="polite">
            <span className="cls-narr-index">#{visible.indexOf(cursor) + 1}</span>
            {step.articleStep && (
              <span className="art-letter big" data-testid="cls-article-step" title={t('classroom.articleStep', { letter: step.articleStep })}>
                ({step.articleStep})
              </span>
            )}
            <span className="cls-narr-text" data-testid="cls-narration-text">
              {step.narration[lang]}
            </span>
            {reason && (
              <span className="cls-narr-reason" data-testid="cls-failure-reason">
                <span className="cls-fault">✕ {reason.fault}</span> {reason.text}
              </span>
            )}
          </div>
        )}
        {sim.presenter && step && !question && <HeaderStrip step={step} />}
      </div>
      <StepList trace={trace} visible={visible} cursor={cursor} lang={lang} waiting={pending !== undefined} />
      <TcpPanel trace={trace} topology={topology} />
      <span hidden data-testid="cls-place">
        {step ? placeLabel(topology, step.place) : ''}
      </span>
    </div>
  );
}
