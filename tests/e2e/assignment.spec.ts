/**
 * Instructor mode in the app at 1024×768. A student opens the DR assignment, makes the plan from
 * their id, starts from the assignment's design, watches the goals turn green as they open better
 * designs, sees hints only after a check, and submits — the downloaded file grades 100 on the Node
 * side. A teacher (in Chinese) authors an assignment from the DR template, unticks a goal, switches
 * exam mode on, previews it as a student (timer, no hints) and exports the students' copy (no solution).
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fillAssignment, gradeSubmission, parseAssignment, planTable, serializeJson } from '../../shared/assignment/index.ts';
import type { AssignmentFile } from '../../shared/assignment/index.ts';
import { loadTemplate, openApp, shot, waitNodesVisible } from './helpers.ts';

const STUDENT_FILE = 'examples/assignments/lvs-dr.student.lvs-assignment.json';
const full = parseAssignment(readFileSync('examples/assignments/lvs-dr.lvs-assignment.json', 'utf8'));
if (!full.ok) throw new Error(full.error);
const dr: AssignmentFile = full.value;
const s01 = fillAssignment(dr, 's01');
if (!s01.ok) throw new Error(s01.error);
const plan = planTable(s01.value.plan);
const solution = s01.value.solution!;

async function openDesign(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('tb-open').click();
  await page.getByTestId('open-upload').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await waitNodesVisible(page);
}

test('student: plan from the id, live goals, hints after a check, submission that grades 100', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  page.on('dialog', (d) => void d.accept());
  await openApp(page);
  await page.getByTestId('tab-assignment').click();
  await page.getByTestId('asg-file').setInputFiles(STUDENT_FILE);
  await expect(page.getByTestId('asg-title')).toHaveText('LVS-DR: direct routing with quiet real servers');
  await expect(page.getByTestId('asg-goals')).toBeHidden();

  await page.getByTestId('asg-seed').fill('s01');
  await page.getByTestId('asg-seed-apply').click();
  const planRows = page.getByTestId('asg-plan');
  await expect(planRows.locator('tr', { hasText: 'VIP' })).toContainText(plan.VIP!);
  await expect(planRows.locator('tr', { hasText: 'W1' })).toContainText(plan.W1!);
  await expect(page.getByTestId('asg-instructions')).toContainText(`VIP ${plan.VIP}`);

  // The assignment's starting design: nothing is met yet.
  await page.getByTestId('asg-start').click();
  await waitNodesVisible(page);
  await expect(page.getByTestId('asg-score')).toHaveText('Offline score: 0 / 100');
  await expect(page.getByTestId('asg-goal-balances')).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('asg-msg-balances')).toHaveText(`there is no virtual service ${plan.VIP}:80`);
  await expect(page.locator('[data-testid^="asg-hint-"]')).toHaveCount(0);
  await page.getByTestId('asg-check').click();
  await expect(page.getByTestId('asg-hint-balances')).toContainText(`ipvsadm -A -t ${plan.VIP}:80 -s wrr`);

  // A design with the service but without the ARP settings: only the ARP goal stays red, live.
  const noArp = {
    ...solution,
    topology: {
      ...solution.topology,
      hosts: solution.topology.hosts.map((h) =>
        h.role === 'real-server' ? { ...h, sysctl: {}, interfaces: h.interfaces.map((f) => ({ ...f, sysctl: {} })) } : h,
      ),
    },
  };
  await openDesign(page, 'mine.lvs.json', serializeJson(noArp));
  await expect(page.getByTestId('asg-score')).toHaveText('Offline score: 80 / 100');
  await expect(page.getByTestId('asg-goal-arp')).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('asg-goal-arp')).toContainText('rs1: eth0 has arp_ignore=0, arp_announce=0');
  await expect(page.getByTestId('asg-hint-arp')).toBeVisible();
  await expect(page.getByTestId('asg-hint-walk')).toHaveCount(0);
  await page.getByTestId('asg-goal-arp').scrollIntoViewIfNeeded();
  await shot(page, 'assignment-student');

  await openDesign(page, 'mine.lvs.json', serializeJson(solution));
  await expect(page.getByTestId('asg-score')).toHaveText('Offline score: 100 / 100');
  await expect(page.locator('[data-testid^="asg-goal-"][data-passed="false"]')).toHaveCount(0);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('asg-submit').click()]);
  expect(download.suggestedFilename()).toBe('s01.lvs-submission.json');
  await expect(page.getByTestId('asg-saved')).toContainText('s01.lvs-submission.json');
  const text = readFileSync((await download.path())!, 'utf8');
  const grade = gradeSubmission(dr, text, 's01.lvs-submission.json');
  expect(grade).toMatchObject({ status: 'graded', points: 100, seed: 's01' });
});

test('teacher (Chinese): author from the DR template, exam preview with timer and no hints, students’ copy without solution', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'dr');
  await page.getByTestId('tab-assignment').click();
  await page.getByTestId('asg-role-teacher').click();
  await expect(page.getByTestId('asg-pick')).toContainText('持有 VIP 且从不应答它的 ARP');
  await expect(page.getByTestId('asg-pick').locator('input[type="checkbox"]')).toHaveCount(4);
  await page.getByTestId('asg-id').fill('dr-exam');
  await page.getByTestId('asg-title-zh').fill('DR 期中考试');
  await page.getByTestId('asg-pick-no-errors').uncheck();
  await page.getByTestId('asg-exam').check();
  await page.getByTestId('asg-minutes').fill('30');
  await expect(page.getByTestId('asg-invalid')).toHaveCount(0);
  await shot(page, 'assignment-teacher-zh');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('asg-export-student').click()]);
  expect(download.suggestedFilename()).toBe('dr-exam.student.lvs-assignment.json');
  const exported = parseAssignment(readFileSync((await download.path())!, 'utf8'));
  if (!exported.ok) throw new Error(exported.error);
  expect(exported.value.solution).toBeUndefined();
  expect(exported.value.exam).toEqual({ minutes: 30 });
  expect(exported.value.goals.map((g) => g.id)).toEqual(['balances', 'walk', 'arp']);
  expect(exported.value.title.zh).toBe('DR 期中考试');

  // Preview as a student: the plan of that id, the timer, and no hints even after a check.
  await page.getByTestId('asg-preview-seed').fill('wang');
  await page.getByTestId('asg-preview').click();
  await expect(page.getByTestId('asg-title')).toHaveText('DR 期中考试');
  await expect(page.getByTestId('asg-timer')).toHaveText(/^考试 · 剩余 (30:00|29:5\d)$/);
  const wang = fillAssignment(exported.value, 'wang');
  if (!wang.ok) throw new Error(wang.error);
  const vars = planTable(wang.value.plan);
  for (const [k, v] of Object.entries(vars)) await expect(page.getByTestId('asg-plan').locator('tr', { hasText: k })).toContainText(v);
  // The open design is the template with the seed article's addresses, not wang's: nothing is met.
  await expect(page.getByTestId('asg-score')).toHaveText('离线得分：0 / 30');
  await page.getByTestId('asg-check').click();
  await expect(page.getByTestId('asg-goal-arp')).toHaveAttribute('data-passed', 'false');
  await expect(page.locator('[data-testid^="asg-hint-"]')).toHaveCount(0);
  // In an exam only met / not met shows: the reasons would be hints.
  await expect(page.locator('[data-testid^="asg-msg-"]')).toHaveCount(0);
  await shot(page, 'assignment-exam-zh');
});
