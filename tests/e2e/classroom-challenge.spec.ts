/**
 * Challenge mode of the packet walk, played like a class would: turn it on, answer one question
 * right by clicking and one wrong with the keyboard, see the score and the reveal (the asked header
 * field highlighted), the class-quiz presentation at 1024×768 (keys A–D, Enter reveals), the result
 * export and the Chinese strings. The expected answers come from the same pure generator.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { buildChallenge, challengeResultSchema } from '../../shared/classroom/challenge.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import { simulate } from '../../shared/simulator/index.ts';
import { loadTemplate, openApp, shot } from './helpers.ts';

// The DR template is examples/dr-lab.lvs.json.
const lab = (JSON.parse(readFileSync(new URL('../../examples/dr-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile).topology;
const trace = simulate(lab, { client: lab.hosts.find((h) => h.role === 'client')!.id, service: lab.services[0]!.id }, { seed: 1 });
const quiz = buildChallenge(lab, trace, 1);

/** Presses → until a question waits (the reveal button shows). */
async function nextQuestion(page: Page): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await page.getByTestId('cls-reveal').isVisible()) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error('no question came up');
}

test('challenge mode: a right answer by click, a wrong one by keyboard, score, reveal, class quiz at 1024×768, export, zh-CN', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  await expect(page.getByTestId('classroom')).toBeVisible();
  expect(quiz.length).toBeGreaterThanOrEqual(3);

  await page.getByTestId('cls-challenge-toggle').check();
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 0/0 · ${quiz.length} questions`);

  // Question 1, answered right by clicking.
  await nextQuestion(page);
  const q1 = quiz[0]!;
  await expect(page.getByTestId('cls-q-prompt')).toHaveText(q1.prompt.en);
  await expect(page.getByTestId('cls-challenge')).toContainText(`Question 1 of ${quiz.length}`);
  // While it waits, moving on is blocked and the step list stops before the asked step.
  await expect(page.getByTestId('cls-forward')).toBeDisabled();
  await expect(page.getByTestId(`cls-step-${q1.stepIndex}`)).toHaveCount(0);
  await shot(page, 'classroom-challenge-question');
  await page.locator(`[data-testid^="cls-choice-"][data-value="${q1.answer}"]`).click();
  await expect(page.getByTestId('cls-verdict')).toHaveText('✓ Right!');
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 1/1 · ${quiz.length} questions`);
  await expect(page.getByTestId(`cls-step-${q1.stepIndex}`)).toBeVisible();
  // The reveal shows the step with the asked header field highlighted.
  expect(['eth.dst', 'ip.src', 'ip.dst', 'outer.src', 'outer.dst']).toContain(q1.kind);
  await expect(page.getByTestId('cls-asked-field')).toContainText(q1.answer);

  // Question 2, answered wrong with the keyboard: a digit picks, Enter reveals.
  await nextQuestion(page);
  const q2 = quiz[1]!;
  await expect(page.getByTestId('cls-q-prompt')).toHaveText(q2.prompt.en);
  const wrong = q2.choices.findIndex((c) => c.value !== q2.answer);
  await page.keyboard.press(String(wrong + 1));
  await expect(page.getByTestId(`cls-choice-${'ABCD'[wrong]}`)).toHaveClass(/is-picked/);
  await page.keyboard.press('Enter');
  const right = q2.choices.find((c) => c.value === q2.answer)!;
  await expect(page.getByTestId('cls-verdict')).toHaveText(`✕ Wrong: the answer is ${right.label}`);
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 1/2 · ${quiz.length} questions`);
  await expect(page.locator(`[data-testid^="cls-choice-"][data-value="${q2.answer}"]`)).toHaveClass(/is-answer/);
  await expect(page.getByTestId(`cls-choice-${'ABCD'[wrong]}`)).toHaveClass(/is-chosen/);
  await shot(page, 'classroom-challenge-reveal');

  // Class quiz on the projector: large choices, letters pick, Enter reveals; everything fits 1024×768.
  await page.getByTestId('cls-presenter').click();
  await page.getByTestId('cls-quiz').check();
  await nextQuestion(page);
  const q3 = quiz[2]!;
  await expect(page.getByTestId('cls-challenge')).toHaveClass(/is-quiz/);
  for (const l of ['A', 'B']) {
    const box = (await page.getByTestId(`cls-choice-${l}`).boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
    expect(box.height).toBeGreaterThanOrEqual(40);
  }
  await shot(page, 'classroom-challenge-quiz');
  const answerLetter = 'ABCD'[q3.choices.findIndex((c) => c.value === q3.answer)]!;
  await page.keyboard.press(answerLetter.toLowerCase());
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cls-verdict')).toHaveText('✓ Right!');
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 2/3 · ${quiz.length} questions`);

  // Chinese: the reveal, the score and the next question.
  await page.getByTestId('cls-presenter').click();
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(page.getByTestId('cls-verdict')).toHaveText('✓ 答对了！');
  await expect(page.getByTestId('cls-score')).toHaveText(`得分 2/3 · 共 ${quiz.length} 题`);
  await expect(page.getByTestId('cls-challenge-toggle').locator('..')).toContainText('挑战');
  await nextQuestion(page);
  await expect(page.getByTestId('cls-q-prompt')).toHaveText(quiz[3]!.prompt.zh);
  await expect(page.getByTestId('cls-reveal')).toHaveText('揭晓（Enter）');
  await shot(page, 'classroom-challenge-zh');

  // The result as JSON, valid against the documented schema.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('cls-challenge-export').click()]);
  expect(dl.suggestedFilename()).toMatch(/-challenge-seed1\.json$/);
  const result = challengeResultSchema.parse(JSON.parse(readFileSync((await dl.path())!, 'utf8')));
  expect(result.score).toEqual({ answered: 3, correct: 2, total: quiz.length });
  expect(result.questions.map((q) => q.correct).slice(0, 3)).toEqual([true, false, true]);
  expect(result.flow.method).toBe('dr');
});
