/**
 * The HA view as a person uses it at 1024x768: open the NAT HA example, see the director pair on
 * the canvas with lvs1 marked MASTER 150 and lvs2 BACKUP 100, open the HA tab and read the
 * "will it fail over?" table (lvs1 down → lvs2 takes over after 3.609 s, connections kept; the
 * link between them cut → SPLIT BRAIN). Then widen the priority gap (lvs2 to 80: lvs1 with eth1
 * down would keep 150−60 = 90 > 80, but eth1 carries the DIP and keepalived puts lvs1 in FAULT —
 * measured in the lab — so lvs2 still takes over), step through the failover timeline, pick the
 * group in the service editor's director list, and read it all in Simplified Chinese.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dragNode, node, openApp, shot, waitNodesVisible } from './helpers.ts';

const example = readFileSync(new URL('../../examples/nat-ha-lab.lvs.json', import.meta.url), 'utf8');

/** Opens the NAT HA example at 1024x768 as a user does (Open → upload). */
async function openHaExample(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 768 });
  await openApp(page);
  await page.getByTestId('tb-open').click();
  await page.getByTestId('open-upload').setInputFiles({ name: 'nat-ha-lab.lvs.json', mimeType: 'application/json', buffer: Buffer.from(example) });
  await waitNodesVisible(page);
}

test('director group on the canvas, failover table, priority gap, timeline, Chinese', async ({ page }) => {
  test.setTimeout(120_000);
  await openHaExample(page);

  // the pair on the canvas: both cards carry the group's mark, the steady master is marked
  const m1 = node(page, 'lvs1').getByTestId('ha-badge-lvs1-pair');
  const m2 = node(page, 'lvs2').getByTestId('ha-badge-lvs2-pair');
  await expect(m1).toHaveText('MASTER 150');
  await expect(m1).toHaveAttribute('data-role', 'MASTER');
  await expect(m2).toHaveText('BACKUP 100');
  await expect(m1).toHaveAttribute('title', /Director group VI_NAT: MASTER with priority 150/);
  await expect(node(page, 'rs1').locator('.ha-badge')).toHaveCount(0);
  // ... and one labelled frame around both cards
  const frame = page.getByTestId('ha-frame-pair');
  await expect(frame).toContainText('HA group VI_NAT · vrid 51');
  const inside = async () => {
    const f = (await frame.boundingBox())!;
    for (const id of ['lvs1', 'lvs2']) {
      const b = (await node(page, id).boundingBox())!;
      expect(b.x).toBeGreaterThan(f.x);
      expect(b.y).toBeGreaterThan(f.y);
      expect(b.x + b.width).toBeLessThan(f.x + f.width);
      expect(b.y + b.height).toBeLessThan(f.y + f.height);
    }
    const rs = (await node(page, 'rs1').boundingBox())!;
    expect(rs.x > f.x + f.width || rs.x + rs.width < f.x).toBe(true);
  };
  await inside();
  // the frame follows a dragged member
  const frameBefore = (await frame.boundingBox())!;
  await dragNode(page, 'lvs2', -40, 60);
  await expect.poll(async () => (await frame.boundingBox())!.height).toBeGreaterThan(frameBefore.height + 20);
  await inside();
  await page.keyboard.press('Control+z');
  // closer: the mark leaves the card its name
  await page.locator('.react-flow__controls-zoomin').click();
  await page.locator('.react-flow__controls-zoomin').click();
  await expect.poll(async () => (await node(page, 'lvs1').locator('.host-name').boundingBox())!.width).toBeGreaterThan(25);
  await inside();
  await shot(page, 'ha-canvas');

  await page.getByTestId('tab-ha').click();
  const panel = page.getByTestId('ha-panel');
  await expect(panel.getByTestId('ha-member-lvs1')).toContainText('MASTER');
  await expect(panel.getByTestId('ha-member-lvs1')).toContainText('51');
  await expect(panel.getByTestId('ha-member-lvs2')).toContainText('BACKUP');
  const rows = panel.getByTestId('ha-row');
  const row = (text: string) =>
    rows.filter({ has: page.locator('tr:first-child td:first-child', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await expect(row('lvs1 down')).toHaveAttribute('data-outcome', 'failover');
  await expect(row('lvs1 down').locator('td')).toHaveText([
    'lvs1 down',
    'lvs2',
    'failover',
    '3.609 s',
    'kept',
    /^lvs2 takes the VIP after 3\.609 s .*established connections continue/,
  ]);
  await expect(row('lvs1 eth1 down')).toHaveAttribute('data-outcome', 'failover');
  await expect(row('link lvs1 ↔ lvs2 cut')).toHaveAttribute('data-outcome', 'split-brain');
  await expect(row('link lvs1 ↔ lvs2 cut').locator('td').nth(2)).toHaveText('SPLIT BRAIN');
  await expect(row('link lvs1 ↔ lvs2 cut').locator('td').nth(1)).toHaveText('lvs1 + lvs2');
  await shot(page, 'ha-tab');

  // widen the priority gap: lvs2 at 80 would not outbid lvs1 with eth1 down (150 − 60 = 90), but eth1
  // carries the DIP, so keepalived puts lvs1 in FAULT and lvs2 takes over after its skew (lab-proven)
  const prio = panel.getByTestId('ha-priority-lvs2');
  await prio.fill('80');
  await prio.press('Enter');
  await expect(row('lvs1 eth1 down')).toHaveAttribute('data-outcome', 'failover');
  await expect(row('lvs1 eth1 down').locator('td').nth(3)).toHaveText('0.688 s');
  await expect(node(page, 'lvs2').getByTestId('ha-badge-lvs2-pair')).toHaveText('BACKUP 80');
  // a crash still fails over, a little later (lower priority, longer skew)
  await expect(row('lvs1 down').locator('td').nth(3)).toHaveText('3.688 s');
  await shot(page, 'ha-priority-gap');
  // undo brings the gap back
  await page.keyboard.press('Control+z');
  await expect(row('lvs1 eth1 down').locator('td').nth(3)).toHaveText('0.609 s');

  // also double failures
  const before = await rows.count();
  await panel.getByTestId('ha-doubles').check();
  await expect.poll(() => rows.count()).toBeGreaterThan(before);
  await expect(rows.filter({ hasText: 'lvs1 down + lvs2 down' })).toHaveAttribute('data-outcome', 'outage');
  await panel.getByTestId('ha-doubles').uncheck();

  // the timeline: the master crashes; step to the takeover and look at both connection tables
  const timeline = panel.getByTestId('ha-timeline-pair');
  await timeline.scrollIntoViewIfNeeded();
  await expect(timeline.getByTestId('ha-step-0')).toHaveAttribute('aria-pressed', 'true');
  const steps = timeline.locator('.ha-steps button');
  const last = (await steps.count()) - 1;
  await steps.nth(last).click();
  await expect(steps.nth(last)).toHaveAttribute('aria-pressed', 'true');
  await expect(timeline.getByTestId('ha-conn-lvs2').locator('.ha-tag')).toHaveText('MASTER');
  await expect(timeline.getByTestId('ha-conn-lvs2')).toContainText('ESTABLISHED');
  await expect(timeline.getByTestId('ha-step-state')).toContainText('router ARP → lvs2');
  await expect(timeline.getByTestId('ha-step-state')).toContainText('long-lived connection alive');
  await shot(page, 'ha-timeline');

  // the service editor lists the group as a director
  await page.getByTestId('tab-services').click();
  await page.getByTestId('service-item-web').click();
  const director = page.getByTestId('svc-director');
  await expect(director).toHaveValue('pair');
  await expect(director.locator('option[value="pair"]')).toHaveText('HA group VI_NAT (lvs1 + lvs2)');

  // Chinese
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(node(page, 'lvs1').getByTestId('ha-badge-lvs1-pair')).toHaveText('MASTER 150');
  await page.getByTestId('tab-ha').click();
  await expect(panel.getByRole('columnheader', { name: '接管时间' })).toBeVisible();
  await expect(row('lvs1 宕机').locator('td')).toHaveText(['lvs1 宕机', 'lvs2', '切换', '3.609 秒', '保留', /^lvs2 .*3\.609/]);
  await expect(row('lvs1 与 lvs2 之间的链路断开').locator('td').nth(2)).toHaveText('脑裂');
  await shot(page, 'ha-tab-zh');
});

test('the failover timeline plays on the canvas: the members’ marks follow each step, the caption narrates, back and play, Chinese', async ({ page }) => {
  test.setTimeout(90_000);
  await openHaExample(page);
  const m1 = node(page, 'lvs1').getByTestId('ha-badge-lvs1-pair');
  const m2 = node(page, 'lvs2').getByTestId('ha-badge-lvs2-pair');
  const caption = page.getByTestId('ha-caption');
  await page.getByTestId('tab-ha').click();
  const timeline = page.getByTestId('ha-timeline-pair');
  await timeline.scrollIntoViewIfNeeded();
  await expect(caption).toHaveCount(0);

  // "Show on the canvas": the first step, both members as they are
  await timeline.getByTestId('ha-show').click();
  await expect(caption).toContainText('VI_NAT: master crashes · 1/');
  await expect(m1).toHaveText('MASTER');
  await expect(m2).toHaveText('BACKUP');
  // step on until lvs1 crashes: its mark turns DOWN while lvs2 still waits
  const next = timeline.getByTestId('ha-next');
  while (!(await page.getByTestId('ha-caption-text').innerText()).includes('crashes')) await next.click();
  await expect(m1).toHaveText('DOWN');
  await expect(m1).toHaveAttribute('data-role', 'DOWN');
  await expect(m2).toHaveText('BACKUP');
  // on to the takeover: lvs2 is MASTER, the caption says when
  while (!(await page.getByTestId('ha-caption-text').innerText()).includes('becomes MASTER')) await next.click();
  await expect(m2).toHaveText('MASTER');
  await expect(caption).toContainText('+3.609 s');
  await shot(page, 'ha-playback');
  // the step list keeps the shown step in view
  await expect(timeline.locator('.ha-steps button.is-active')).toBeInViewport();
  // step back from the caption (past the timer that expires at the same instant): lvs2 is backup again
  await page.getByTestId('ha-caption-back').click();
  await expect(page.getByTestId('ha-caption-text')).toContainText('master-down timer expires');
  await page.getByTestId('ha-caption-back').click();
  await expect(m2).toHaveText('BACKUP');
  await expect(m1).toHaveText('DOWN');

  // play: the steps advance by themselves
  const position = async () => Number(/· (\d+)\//.exec(await caption.innerText())?.[1]);
  const from = await position();
  await timeline.getByTestId('ha-play').click();
  await expect.poll(position, { timeout: 10_000 }).toBeGreaterThan(from);
  await timeline.getByTestId('ha-play').click();

  // another event: keepalived stopped shows STOPPED, in Chinese 已停止
  await timeline.getByTestId('ha-event').selectOption('stop');
  await expect(caption).toContainText('· 1/');
  while (!(await page.getByTestId('ha-caption-text').innerText()).includes('priority-0')) await next.click();
  await expect(m1).toHaveText('STOPPED');
  await page.getByTestId('language-select').selectOption('zh-CN');
  await expect(m1).toHaveText('已停止');
  await expect(page.getByTestId('ha-caption-text')).toContainText('keepalived');
  await expect(page.getByTestId('ha-caption-text')).toHaveText(/[\u4e00-\u9fff]/);
  await shot(page, 'ha-playback-zh');

  // closing the caption brings back the steady marks
  await page.getByTestId('ha-caption-close').click();
  await expect(caption).toHaveCount(0);
  await expect(m1).toHaveText('MASTER 150');
});
