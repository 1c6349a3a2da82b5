/**
 * The Assignment tab. Student: open an assignment file, make the plan from the student id, read the
 * instructions with one's own addresses, see every goal met or not for the open design (live, the
 * offline checks of shared/assignment), check (hints appear after a failed check, never in an exam),
 * and submit (download the submission file). Teacher: an assignment from the open design — tick the
 * suggested goals, titles, per-student subnets, exam mode — previewed as any student and exported
 * with or without the solution.
 */
import type { ChangeEvent, ReactNode } from 'react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentFile, FilledAssignment, GoalResult } from '../../shared/assignment/index.ts';
import type { ChallengeGoal } from '../../shared/assignment/index.ts';
import {
  authorAssignment,
  challengeFlow,
  challengeSeed,
  defaultLocked,
  evaluateGoals,
  fillAssignment,
  lockedViolations,
  makeSubmission,
  parseAssignment,
  planTable,
  serializeJson,
  studentCopy,
  suggestGoals,
} from '../../shared/assignment/index.ts';
import { makeDesignFile } from '../../shared/model/file.ts';
import { useApp } from '../store/index.ts';
import { useAssignment } from './state.ts';
import { download } from '../app/download.ts';
import { LockIcon } from '../canvas/nodes.tsx';

const JSON_TYPE = 'application/json;charset=utf-8';

const zhOf = (lang: string): 'en' | 'zh' => (lang.toLowerCase().startsWith('zh') ? 'zh' : 'en');

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64) || 'student';

/** `**bold**` and `code` inside a line of the instructions. */
function inline(text: string): ReactNode[] {
  return text
    .split(/(\*\*[^*]+\*\*|`[^`]+`)/g)
    .map((part, i) =>
      part.startsWith('**') && part.endsWith('**') && part.length > 4 ? (
        <strong key={i}>{part.slice(2, -2)}</strong>
      ) : part.startsWith('`') && part.endsWith('`') && part.length > 2 ? (
        <code key={i}>{part.slice(1, -1)}</code>
      ) : (
        part
      ),
    );
}

/** A small Markdown subset (headings, numbered and bulleted lines, paragraphs), rendered as elements. */
function Instructions({ text }: { text: string }) {
  const blocks = text.trim().split(/\n{2,}/);
  return (
    <div className="asg-instructions" data-testid="asg-instructions">
      {blocks.map((b, i) => {
        const h = /^#{1,3}\s+(.*)$/.exec(b);
        if (h) return <h4 key={i}>{inline(h[1]!)}</h4>;
        const lines = b.split('\n');
        if (lines.every((l) => /^(\d+\.|[-*])\s/.test(l))) {
          const items = lines.map((l, j) => <li key={j}>{inline(l.replace(/^(\d+\.|[-*])\s+/, ''))}</li>);
          return /^\d/.test(lines[0]!) ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
        }
        return <p key={i}>{inline(b)}</p>;
      })}
    </div>
  );
}

function ExamTimer({ minutes, startedAt }: { minutes: number; startedAt: number }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const left = Math.max(0, minutes * 60 - Math.floor((now - startedAt) / 1000));
  const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <div className={`asg-timer${left === 0 ? ' is-up' : ''}`} data-testid="asg-timer" role="timer">
      {t('assignment.exam')} · {left === 0 ? t('assignment.timeUp') : t('assignment.timeLeft', { time: text })}
    </div>
  );
}

/** `exam`: only met / not met — the reasons would be hints. */
function GoalList({
  results,
  showHints,
  exam,
  lang,
  onChallenge,
}: {
  results: readonly GoalResult[];
  showHints: boolean;
  exam: boolean;
  lang: 'en' | 'zh';
  onChallenge?: (goalId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <ul className="asg-goals" data-testid="asg-goals">
      {results.map((r) => (
        <li key={r.id} className={r.passed ? 'is-pass' : 'is-fail'} data-testid={`asg-goal-${r.id}`} data-passed={r.passed}>
          <div className="asg-goal-head">
            <span className="asg-mark" aria-label={r.passed ? t('assignment.pass') : t('assignment.fail')}>
              {r.passed ? '✓' : '✗'}
            </span>
            <span className="asg-goal-title">{r.title[lang]}</span>
            <span className="asg-points">{t('assignment.points', { points: r.points })}</span>
          </div>
          {exam ? null : (
            <div className="asg-goal-msg" data-testid={`asg-msg-${r.id}`}>
              {r.message[lang]}
            </div>
          )}
          {r.lab ? <div className="asg-goal-kernel">{t('assignment.kernel')}</div> : null}
          {r.kind === 'challenge' && onChallenge ? (
            <div className="asg-goal-challenge">
              <button type="button" onClick={() => onChallenge(r.id)} data-testid={`asg-challenge-${r.id}`}>
                {t('assignment.challengeStart')}
              </button>
              <span className="asg-note">{t('assignment.challengeNote')}</span>
            </div>
          ) : null}
          {showHints && !r.passed ? (
            <div className="asg-hint" data-testid={`asg-hint-${r.id}`}>
              {t('assignment.hint')}: {r.hint[lang]}
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function StudentView() {
  const { t, i18n } = useTranslation();
  const lang = zhOf(i18n.language);
  const s = useAssignment();
  const topology = useApp((x) => x.design.topology);
  const layout = useApp((x) => x.design.layout);
  const load = useApp((x) => x.load);
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const filled = useMemo((): { ok: true; value: FilledAssignment } | { ok: false; error: string } | null => {
    if (!s.assignment || !s.activeSeed) return null;
    return fillAssignment(s.assignment, s.activeSeed);
  }, [s.assignment, s.activeSeed]);
  const results = useMemo(() => (filled?.ok ? evaluateGoals(filled.value, topology, s.challenges) : []), [filled, topology, s.challenges]);
  const sim = useApp((x) => x.simulation);
  const flowOf = (g: ChallengeGoal) => (filled?.ok ? challengeFlow(topology, g, challengeSeed(filled.value.assignment.id, g.id, filled.value.seed)) : null);
  const challengeGoals = useMemo(() => (filled?.ok ? filled.value.goals.filter((g): g is ChallengeGoal => g.kind === 'challenge') : []), [filled]);
  // Answers given in the packet walk for a challenge goal's flow and seed are kept for the submission.
  useEffect(() => {
    if (!sim.challenge || Object.keys(sim.answers).length === 0) return;
    for (const g of challengeGoals) {
      const f = flowOf(g);
      if (f?.ok && sim.client === f.flow.client && sim.service === f.flow.service && (sim.realServer ?? null) === f.flow.realServer && sim.seed === f.flow.seed)
        useAssignment.getState().recordChallenge(g.id, sim.answers);
    }
  }, [sim.answers, sim.challenge, sim.client, sim.service, sim.realServer, sim.seed, challengeGoals, topology]);
  const startChallenge = (goalId: string) => {
    const g = challengeGoals.find((x) => x.id === goalId);
    const f = g ? flowOf(g) : null;
    const app = useApp.getState();
    if (!f || !f.ok) {
      app.notify('error', f && !f.ok ? f.error[lang] : goalId);
      return;
    }
    app.setSimChallenge(true);
    app.setSimFlow({ client: f.flow.client, service: f.flow.service, realServer: f.flow.realServer, seed: f.flow.seed });
    app.setMode('classroom');
  };
  const locked = useMemo(() => (filled?.ok ? lockedViolations(filled.value, topology) : []), [filled, topology]);

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    const a = parseAssignment(await f.text());
    if (!a.ok) {
      setError(t('assignment.badFile', { reason: a.error }));
      return;
    }
    setError(null);
    setSaved(null);
    // A teacher's full file opened on the student side: the solution is never used here.
    s.open(studentCopy(a.value), f.name);
  };

  if (!s.assignment)
    return (
      <div className="asg-section">
        <p className="asg-note">{t('assignment.openHint')}</p>
        <button type="button" onClick={() => fileRef.current?.click()} data-testid="asg-open">
          {t('assignment.open')}
        </button>
        <input ref={fileRef} type="file" accept=".json,application/json" hidden onChange={(e) => void onFile(e)} data-testid="asg-file" />
        {error ? (
          <p className="asg-error" role="alert" data-testid="asg-error">
            {error}
          </p>
        ) : null}
      </div>
    );

  const a = s.assignment;
  const exam = a.exam;
  const points = results.reduce((n, r) => n + r.awarded, 0);
  const max = results.reduce((n, r) => n + r.points, 0);
  return (
    <div className="asg-section">
      <div className="asg-title-row">
        <h3 data-testid="asg-title">{a.title[lang]}</h3>
        <button type="button" className="asg-small" onClick={() => s.close()} data-testid="asg-close">
          {t('assignment.close')}
        </button>
      </div>
      {exam && s.startedAt ? <ExamTimer minutes={exam.minutes} startedAt={s.startedAt} /> : null}
      <form
        className="asg-seed"
        onSubmit={(e) => {
          e.preventDefault();
          s.confirmSeed(Date.now());
          setSaved(null);
        }}
      >
        <label>
          {t('assignment.seed')}
          <input value={s.seed} onChange={(e) => s.setSeed(e.target.value)} maxLength={128} data-testid="asg-seed" />
        </label>
        <button type="submit" disabled={!s.seed.trim()} data-testid="asg-seed-apply">
          {t('assignment.seedApply')}
        </button>
      </form>
      {!s.activeSeed ? <p className="asg-note">{t('assignment.seedNeeded')}</p> : null}
      {filled && !filled.ok ? <p className="asg-error">{filled.error}</p> : null}
      {filled?.ok ? (
        <>
          <h4>{t('assignment.plan')}</h4>
          <table className="asg-plan" data-testid="asg-plan">
            <tbody>
              {Object.entries(planTable(filled.value.plan)).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Instructions text={filled.value.instructions[lang]} />
          <button
            type="button"
            onClick={() => {
              if (window.confirm(t('assignment.startConfirm'))) load(filled.value.start, null, filled.value.start.topology.name, true);
            }}
            data-testid="asg-start"
          >
            {t('assignment.startDesign')}
          </button>
          <div className="asg-score-row">
            <h4>{t('assignment.goals')}</h4>
            <span className="asg-score" data-testid="asg-score">
              {t('assignment.score', { points: locked.length > 0 ? 0 : points, max })}
            </span>
          </div>
          {locked.length > 0 ? (
            <p className="asg-error" data-testid="asg-locked">
              {t('assignment.locked', { ids: locked.join(', ') })}
            </p>
          ) : null}
          <GoalList results={results} showHints={!exam && s.attempts > 0} exam={exam !== undefined} lang={lang} onChallenge={startChallenge} />
          <div className="asg-actions">
            <button type="button" onClick={() => s.attempt()} data-testid="asg-check">
              {t('assignment.check')}
            </button>
            {s.attempts > 0 ? <span className="asg-note">{t('assignment.attempts', { count: s.attempts })}</span> : null}
            <button
              type="button"
              className="asg-primary"
              onClick={() => {
                const file = `${safeName(s.activeSeed!)}.lvs-submission.json`;
                download(
                  file,
                  serializeJson(
                    makeSubmission(filled.value, makeDesignFile(topology, layout), {
                      submittedAt: new Date().toISOString(),
                      challenges: Object.fromEntries(challengeGoals.map((g) => [g.id, s.challenges[g.id] ?? {}])),
                    }),
                  ),
                  JSON_TYPE,
                );
                setSaved(file);
              }}
              data-testid="asg-submit"
            >
              {t('assignment.submit')}
            </button>
          </div>
          {saved ? (
            <p className="asg-note" data-testid="asg-saved">
              {t('assignment.submitted', { file: saved })}
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function TeacherView() {
  const { t, i18n } = useTranslation();
  const lang = zhOf(i18n.language);
  const design = useApp((x) => x.design);
  const open = useAssignment((x) => x.open);
  const suggested = useMemo(() => suggestGoals(design.topology), [design.topology]);
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set());
  const [id, setId] = useState('my-lvs-lab');
  const [titleEn, setTitleEn] = useState('LVS lab');
  const [titleZh, setTitleZh] = useState('LVS 实验');
  const [randomise, setRandomise] = useState(true);
  const [exam, setExam] = useState(false);
  const [minutes, setMinutes] = useState(45);
  const [seed, setSeed] = useState('student-1');
  // null: the default set (segments, clients, routers), following the design as it changes
  const [pickedLocks, setPickedLocks] = useState<readonly string[] | null>(null);
  const locks = useMemo(() => {
    const t = design.topology;
    const present = new Set<string>([...t.hosts, ...t.segments, ...t.services, ...(t.directorGroups ?? [])].map((e) => e.id));
    return (pickedLocks ?? defaultLocked(t)).filter((id) => present.has(id));
  }, [pickedLocks, design.topology]);
  const lockable = useMemo(() => {
    const t = design.topology;
    return [
      ...t.hosts.map((h) => ({ id: h.id as string, name: h.name, kind: 'host' as const })),
      ...t.segments.map((x) => ({ id: x.id as string, name: x.name, kind: 'segment' as const })),
      ...t.services.map((x) => ({ id: x.id as string, name: x.name || `${x.vip}:${x.port}`, kind: 'service' as const })),
      ...(t.directorGroups ?? []).map((x) => ({ id: x.id as string, name: x.name, kind: 'group' as const })),
    ];
  }, [design.topology]);
  const highlight = useApp((x) => x.highlight);

  const authored = useMemo((): { ok: true; value: AssignmentFile } | { ok: false; error: string } => {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(id)) return { ok: false, error: `${t('assignment.id')}: a-z 0-9 . _ -` };
    const goals = suggested.filter((g) => !unticked.has(g.id)).map((g) => g.id);
    if (goals.length === 0) return { ok: false, error: t('assignment.noGoals') };
    const a = authorAssignment(makeDesignFile(design.topology, design.layout), {
      id,
      title: { en: titleEn || id, zh: titleZh || titleEn || id },
      goals,
      randomise,
      locked: locks,
      ...(exam ? { examMinutes: Math.max(1, Math.min(600, minutes)) } : {}),
    });
    return parseAssignment(serializeJson(a));
  }, [design, suggested, unticked, id, titleEn, titleZh, randomise, exam, minutes, locks, t]);

  return (
    <div className="asg-section" data-testid="asg-teacher">
      <h3>{t('assignment.author')}</h3>
      <div className="asg-form">
        <label>
          {t('assignment.id')}
          <input value={id} onChange={(e) => setId(e.target.value)} data-testid="asg-id" />
        </label>
        <label>
          {t('assignment.titleEn')}
          <input value={titleEn} onChange={(e) => setTitleEn(e.target.value)} data-testid="asg-title-en" />
        </label>
        <label>
          {t('assignment.titleZh')}
          <input value={titleZh} onChange={(e) => setTitleZh(e.target.value)} data-testid="asg-title-zh" />
        </label>
      </div>
      <h4>{t('assignment.pickGoals')}</h4>
      {suggested.length === 0 ? <p className="asg-note">{t('assignment.noGoals')}</p> : null}
      <ul className="asg-pick" data-testid="asg-pick">
        {suggested.map((g) => (
          <li key={g.id}>
            <label>
              <input
                type="checkbox"
                checked={!unticked.has(g.id)}
                onChange={(e) => {
                  const next = new Set(unticked);
                  if (e.target.checked) next.delete(g.id);
                  else next.add(g.id);
                  setUnticked(next);
                }}
                data-testid={`asg-pick-${g.id}`}
              />
              {g.title[lang]}
            </label>
          </li>
        ))}
      </ul>
      <div className="asg-locks-head">
        <h4>{t('assignment.locks')}</h4>
        <button type="button" className="asg-small" onClick={() => setPickedLocks(null)} data-testid="asg-locks-default">
          {t('assignment.locksDefault')}
        </button>
        <button type="button" className="asg-small" onClick={() => setPickedLocks([])} data-testid="asg-locks-none">
          {t('assignment.locksNone')}
        </button>
      </div>
      <p className="asg-note">{t('assignment.locksHint')}</p>
      <ul className="asg-pick asg-locks" data-testid="asg-locks" onMouseLeave={() => highlight([])}>
        {lockable.map((e) => (
          <li key={e.id} onMouseEnter={() => highlight([e.id])} onFocus={() => highlight([e.id])}>
            <label>
              <input
                type="checkbox"
                checked={locks.includes(e.id)}
                onChange={(ev) => setPickedLocks(ev.target.checked ? [...locks, e.id] : locks.filter((x) => x !== e.id))}
                data-testid={`asg-lock-${e.id}`}
              />
              {locks.includes(e.id) ? (
                <span className="asg-lock-mark" data-testid={`asg-locked-${e.id}`}>
                  <LockIcon />{' '}
                </span>
              ) : null}
              {e.name} <span className="asg-lock-kind">({t(`assignment.lockKinds.${e.kind}`)})</span>
            </label>
          </li>
        ))}
      </ul>
      <label className="asg-check-line">
        <input type="checkbox" checked={randomise} onChange={(e) => setRandomise(e.target.checked)} data-testid="asg-randomise" />
        {t('assignment.randomise')}
      </label>
      <label className="asg-check-line">
        <input type="checkbox" checked={exam} onChange={(e) => setExam(e.target.checked)} data-testid="asg-exam" />
        {t('assignment.examMode')}
        {exam ? (
          <input
            type="number"
            min={1}
            max={600}
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value) || 1)}
            aria-label={t('assignment.minutes')}
            className="asg-minutes"
            data-testid="asg-minutes"
          />
        ) : null}
      </label>
      {!authored.ok ? (
        <p className="asg-error" data-testid="asg-invalid">
          {t('assignment.invalid', { reason: authored.error })}
        </p>
      ) : null}
      <form
        className="asg-seed"
        onSubmit={(e) => {
          e.preventDefault();
          if (authored.ok && seed.trim()) open(authored.value, 'preview', seed.trim());
        }}
      >
        <label>
          {t('assignment.previewSeed')}
          <input value={seed} onChange={(e) => setSeed(e.target.value)} data-testid="asg-preview-seed" />
        </label>
        <button type="submit" disabled={!authored.ok || !seed.trim()} data-testid="asg-preview">
          {t('assignment.preview')}
        </button>
      </form>
      <div className="asg-actions">
        <button
          type="button"
          disabled={!authored.ok}
          onClick={() => authored.ok && download(`${id}.lvs-assignment.json`, serializeJson(authored.value), JSON_TYPE)}
          data-testid="asg-export-full"
        >
          {t('assignment.exportFull')}
        </button>
        <button
          type="button"
          className="asg-primary"
          disabled={!authored.ok}
          onClick={() => authored.ok && download(`${id}.student.lvs-assignment.json`, serializeJson(studentCopy(authored.value)), JSON_TYPE)}
          data-testid="asg-export-student"
        >
          {t('assignment.exportStudent')}
        </button>
      </div>
    </div>
  );
}

export function AssignmentPanel() {
  const { t } = useTranslation();
  const role = useAssignment((x) => x.role);
  const setRole = useAssignment((x) => x.setRole);
  return (
    <div className="asg-panel" data-testid="asg-panel">
      <div className="asg-roles" role="group">
        {(['student', 'teacher'] as const).map((r) => (
          <button
            key={r}
            type="button"
            className={role === r ? 'is-active' : ''}
            aria-pressed={role === r}
            onClick={() => setRole(r)}
            data-testid={`asg-role-${r}`}
          >
            {t(`assignment.${r}`)}
          </button>
        ))}
      </div>
      {role === 'student' ? <StudentView /> : <TeacherView />}
    </div>
  );
}
