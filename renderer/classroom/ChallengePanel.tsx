/**
 * Challenge mode of the packet walk: the question asked before a step (choices A–D, keys 1–4 or
 * A–D, Enter reveals), the reveal after answering (the asked field highlighted in the header strip),
 * the running score, the class-quiz presentation and the JSON export of the result.
 */
import { useTranslation } from 'react-i18next';
import { useMemo } from 'react';
import type { Question } from '../../shared/classroom/challenge.ts';
import { scoreOf } from '../../shared/classroom/challenge.ts';
import type { Trace, TraceStep } from '../../shared/simulator/index.ts';
import { useApp } from '../store/index.ts';
import { langOf } from './derive.ts';
import { resultOf, selectQuiz } from './challengeDerive.ts';
import { download } from '../app/download.ts';
import { HeaderStrip } from './PacketPanel.tsx';

export const LETTERS = ['A', 'B', 'C', 'D'] as const;

/** The choice value a key selects (1–4 or A–D), if any. */
export function choiceForKey(q: Question, key: string): string | undefined {
  const k = key.toUpperCase();
  const i = /^[1-4]$/.test(k) ? Number(k) - 1 : LETTERS.indexOf(k as (typeof LETTERS)[number]);
  return i >= 0 ? q.choices[i]?.value : undefined;
}

/** Challenge toggles, score and export, shown above the stage while challenge mode is on. */
export function ChallengeBar({ trace }: { trace: Trace }) {
  const { t } = useTranslation();
  const sim = useApp((s) => s.simulation);
  const quiz = useApp(selectQuiz);
  const score = useMemo(() => scoreOf(quiz, sim.answers), [quiz, sim.answers]);
  return (
    <div className="cls-challenge-bar" data-testid="cls-challenge-bar">
      <label>
        <input type="checkbox" checked={sim.quiz} onChange={(e) => useApp.getState().setSimQuiz(e.target.checked)} data-testid="cls-quiz" />
        <span title={t('classroom.challenge.quizTitle')}>{t('classroom.challenge.quiz')}</span>
      </label>
      <span className="cls-score" data-testid="cls-score">
        {t('classroom.challenge.score', { ...score })}
      </span>
      {score.total > 0 && score.answered === score.total && (
        <span className="cls-quiz-done" data-testid="cls-quiz-done">
          {t('classroom.challenge.done', { ...score })}
        </span>
      )}
      <span className="cls-spacer" />
      <button
        type="button"
        data-testid="cls-challenge-export"
        onClick={() => {
          const s = useApp.getState();
          const name = `${(s.design.topology.name || 'design').replace(/[^\w.-]+/g, '-')}-challenge-seed${s.simulation.seed}.json`;
          download(name, `${JSON.stringify(resultOf(s, trace, new Date().toISOString()), null, 2)}\n`, 'application/json');
        }}
      >
        {t('classroom.challenge.export')}
      </button>
    </div>
  );
}

/**
 * The question at the cursor (`pending`: not yet answered) or its reveal (`answered`), with the
 * step it is about when revealed.
 */
export function ChallengeCard({ question, step, pending }: { question: Question; step: TraceStep | undefined; pending: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const sim = useApp((s) => s.simulation);
  const quiz = useApp(selectQuiz);
  const chosen = sim.answers[question.id];
  const n = quiz.indexOf(question) + 1;
  const answerLabel = question.choices.find((c) => c.value === question.answer)?.label ?? question.answer;
  const chosenLabel = question.choices.find((c) => c.value === chosen)?.label ?? chosen;
  const right = chosen === question.answer;
  return (
    <div
      className={`cls-challenge${sim.quiz ? ' is-quiz' : ''}${pending ? ' is-pending' : right ? ' is-right' : ' is-wrong'}`}
      data-testid="cls-challenge"
      role="group"
      aria-label={t('classroom.challenge.question', { n, total: quiz.length })}
    >
      <div className="cls-q-head">
        <span className="cls-q-n">{t('classroom.challenge.question', { n, total: quiz.length })}</span>
        <span className="cls-q-kind">{t(`classroom.challenge.kinds.${question.kind}`)}</span>
      </div>
      <div className="cls-q-prompt" data-testid="cls-q-prompt">
        {question.prompt[lang]}
      </div>
      <div className="cls-q-choices">
        {question.choices.map((c, i) => {
          const cls = pending
            ? sim.pick === c.value
              ? ' is-picked'
              : ''
            : c.value === question.answer
              ? ' is-answer'
              : c.value === chosen
                ? ' is-chosen'
                : ' is-dim';
          return (
            <button
              key={c.value}
              type="button"
              className={`cls-q-choice${cls}`}
              data-testid={`cls-choice-${LETTERS[i]}`}
              data-value={c.value}
              disabled={!pending}
              aria-pressed={pending ? sim.pick === c.value : c.value === chosen}
              onClick={() => useApp.getState().answerSim(question.id, c.value)}
            >
              <span className="cls-q-letter">{LETTERS[i]}</span>
              <span className="cls-q-value">{c.label}</span>
            </button>
          );
        })}
      </div>
      {pending ? (
        <div className="cls-q-foot">
          <span className="cls-q-keys">{t('classroom.challenge.keys')}</span>
          <button
            type="button"
            className="primary"
            data-testid="cls-reveal"
            disabled={sim.pick === null}
            onClick={() => sim.pick !== null && useApp.getState().answerSim(question.id, sim.pick)}
          >
            {t('classroom.challenge.reveal')}
          </button>
        </div>
      ) : (
        <div className="cls-q-foot" aria-live="polite">
          <strong className="cls-q-verdict" data-testid="cls-verdict">
            {right ? `✓ ${t('classroom.challenge.right')}` : `✕ ${t('classroom.challenge.wrong', { answer: answerLabel })}`}
          </strong>
          {!right && <span className="cls-q-chosen">{t('classroom.challenge.yourAnswer', { chosen: chosenLabel })}</span>}
          <span className="cls-q-keys">{t('classroom.challenge.continue')}</span>
        </div>
      )}
      {!pending && step && question.kind !== 'hook' && question.kind !== 'real-server' && <HeaderStrip step={step} highlight={question.kind} />}
    </div>
  );
}
