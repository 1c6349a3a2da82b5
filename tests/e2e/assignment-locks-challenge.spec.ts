/**
 * Instructor mode, the locked elements and the challenge goal, at 1024×768:
 * - a teacher ticks rs1 in the lock list (the canvas highlights the line pointed at), previews the
 *   assignment as a student, and tries to drag, rename and delete rs1: each edit is refused with a
 *   notice and rs1 shows a lock; an unlocked host still moves. The same refusal in Chinese.
 * - a student of the HA assignment starts the challenge from the goal, answers the packet-walk
 *   questions in the classroom (7 right, 1 wrong), sees the goal met and submits; the downloaded
 *   file carries the answers and the Node-side grader, which rebuilds the quiz, scores it 7 of 8.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { ChallengeGoal } from '../../shared/assignment/index.ts';
import { challengeQuiz, challengeSeed, fillAssignment, gradeSubmission, parseAssignment, serializeJson } from '../../shared/assignment/index.ts';
import { clickNode, dragNode, loadTemplate, node, nodeTransform, openApp, shot, waitNodesVisible } from './helpers.ts';

test('teacher locks rs1; as a student, dragging, renaming and deleting rs1 are refused with a notice', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await loadTemplate(page, 'dr');
  await page.getByTestId('tab-assignment').click();
  await page.getByTestId('asg-role-teacher').click();
  // The default: networks, client and router locked; rs1 not.
  await expect(page.getByTestId('asg-lock-client')).toBeChecked();
  await expect(page.getByTestId('asg-lock-rs1')).not.toBeChecked();
  await page.getByTestId('asg-lock-rs1').check();
  await expect(page.getByTestId('asg-locked-rs1')).toBeVisible();
  await expect(page.getByTestId('asg-locked-rs2')).toHaveCount(0);
  // Pointing at a line highlights that element on the canvas.
  await page.getByTestId('asg-locks').locator('li', { hasText: 'rs1' }).hover();
  await expect(page.getByTestId('node-rs1')).toHaveClass(/is-highlighted/);
  await shot(page, 'assignment-teacher-locks');

  await page.getByTestId('asg-preview-seed').fill('s07');
  await page.getByTestId('asg-preview').click();
  await expect(page.getByTestId('asg-plan')).toBeVisible();
  await expect(page.getByTestId('lock-rs1')).toBeVisible();
  await expect(page.getByTestId('lock-client')).toBeVisible();
  await expect(page.getByTestId('lock-rs2')).toHaveCount(0);

  // Drag: refused, rs1 stays where it was.
  const before = await nodeTransform(page, 'rs1');
  await dragNode(page, 'rs1', 90, 40);
  const notice = page.getByTestId('notice-error');
  await expect(notice).toHaveText(/Locked by the assignment: rs1 cannot be changed, moved or deleted\./);
  expect(await nodeTransform(page, 'rs1')).toBe(before);
  await shot(page, 'assignment-locked-drag');
  await notice.getByRole('button').click();
  // rs2 is not locked: it moves.
  const rs2 = await nodeTransform(page, 'rs2');
  await dragNode(page, 'rs2', 60, 30);
  await expect.poll(() => nodeTransform(page, 'rs2')).not.toBe(rs2);
  await expect(notice).toHaveCount(0);

  // Rename in the inspector: refused, the name stays.
  await clickNode(page, 'rs1');
  await page.getByTestId('tab-inspector').click();
  const name = page.getByTestId('host-name');
  await name.fill('web1');
  await name.press('Enter');
  await expect(notice).toHaveText(/Locked by the assignment: rs1/);
  await expect(node(page, 'rs1')).toContainText('rs1');
  await expect(node(page, 'rs1')).not.toContainText('web1');
  await notice.getByRole('button').click();

  // Delete: refused, rs1 is still there.
  await clickNode(page, 'rs1');
  await page.keyboard.press('Delete');
  await expect(notice).toHaveText(/Locked by the assignment: rs1/);
  await expect(node(page, 'rs1')).toBeVisible();
  await shot(page, 'assignment-locked-delete');

  // The same refusal in Chinese.
  await notice.getByRole('button').click();
  await page.getByTestId('language-select').selectOption('zh-CN');
  await dragNode(page, 'rs1', 80, 0);
  await expect(notice).toHaveText(/作业锁定了 rs1：不能修改、移动或删除。/);
  await expect(page.getByTestId('lock-rs1')).toHaveAttribute('title', '作业锁定');
  await shot(page, 'assignment-locked-zh');
});

// ---- the challenge goal ------------------------------------------------------------------------

const parsed = parseAssignment(readFileSync('examples/assignments/lvs-nat-ha.lvs-assignment.json', 'utf8'));
if (!parsed.ok) throw new Error(parsed.error);
const ha = parsed.value;
const SEED = 's21';
const filled = fillAssignment(ha, SEED);
if (!filled.ok) throw new Error(filled.error);
const goal = filled.value.goals.find((g) => g.kind === 'challenge') as ChallengeGoal;
const quiz = challengeQuiz(filled.value.solution!.topology, goal, challengeSeed(ha.id, goal.id, SEED));
if (!quiz.ok) throw new Error(quiz.error.en);

/** Presses → until a question waits (the reveal button shows). */
async function nextQuestion(page: Page): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await page.getByTestId('cls-reveal').isVisible()) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error('no question came up');
}

test('student answers the challenge in the packet walk; the submission carries the answers and grades 7 of 8', async ({ page }) => {
  test.setTimeout(150_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  page.on('dialog', (d) => void d.accept());
  await openApp(page);
  await page.getByTestId('tab-assignment').click();
  await page.getByTestId('asg-file').setInputFiles('examples/assignments/lvs-nat-ha.lvs-assignment.json');
  await page.getByTestId('asg-seed').fill(SEED);
  await page.getByTestId('asg-seed-apply').click();
  // The student's finished design (the solution of their plan), opened like any file.
  await page.getByTestId('tb-open').click();
  await page
    .getByTestId('open-upload')
    .setInputFiles({ name: 'mine.lvs.json', mimeType: 'application/json', buffer: Buffer.from(serializeJson(filled.value.solution)) });
  await waitNodesVisible(page);
  await expect(page.getByTestId('asg-goal-challenge')).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('asg-msg-challenge')).toHaveText('0 of 8 packet-walk questions answered correctly (0 answered); at least 6 asked');

  await page.getByTestId('asg-challenge-challenge').click();
  await expect(page.getByTestId('classroom')).toBeVisible();
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 0/0 · ${quiz.quiz.length} questions`);
  for (const [i, q] of quiz.quiz.entries()) {
    await nextQuestion(page);
    await expect(page.getByTestId('cls-q-prompt')).toHaveText(q.prompt.en);
    const value = i === 2 ? q.choices.find((c) => c.value !== q.answer)!.value : q.answer;
    await page.locator(`[data-testid^="cls-choice-"][data-value="${value}"]`).click();
    if (i === 2) await shot(page, 'assignment-challenge-wrong');
  }
  await expect(page.getByTestId('cls-score')).toHaveText(`Score 7/8 · 8 questions`);

  await page.getByTestId('mode-design').click();
  await page.getByTestId('tab-assignment').click();
  await expect(page.getByTestId('asg-goal-challenge')).toHaveAttribute('data-passed', 'true');
  await expect(page.getByTestId('asg-msg-challenge')).toHaveText('7 of 8 packet-walk questions answered correctly (8 answered); at least 6 asked');
  await page.getByTestId('asg-goal-challenge').scrollIntoViewIfNeeded();
  await shot(page, 'assignment-challenge-met');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('asg-submit').click()]);
  expect(dl.suggestedFilename()).toBe(`${SEED}.lvs-submission.json`);
  const text = readFileSync((await dl.path())!, 'utf8');
  const file = JSON.parse(text) as { formatVersion: number; challenges: Record<string, Record<string, string>> };
  expect(file.formatVersion).toBe(2);
  expect(Object.keys(file.challenges.challenge!).sort()).toEqual(quiz.quiz.map((q) => q.id).sort());
  // The teacher's side: the grader rebuilds the quiz from the submitted design and scores the answers.
  const g = gradeSubmission(ha, text, dl.suggestedFilename());
  expect(g.status).toBe('graded');
  expect(g.goals.find((x) => x.id === 'challenge')).toMatchObject({
    passed: true,
    message: { en: '7 of 8 packet-walk questions answered correctly (8 answered); at least 6 asked' },
  });
});
