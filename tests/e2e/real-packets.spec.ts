/**
 * The classroom's "Real packets" view. A real capture needs the qemu lab (minutes, tests/lab covers
 * it); here the browser's `capture:*` calls are answered from a recorded capture: the pcaps tcpdump
 * would write if the kernel did exactly what the simulator says (tests/unit/capture/ideal.ts), read
 * and compared by the same shared/capture code the lab service uses. Only this spec's page routes
 * answer them; the app's bridge is the ordinary HTTP one.
 */
import { expect, test } from '@playwright/test';
import type { Page, Route } from '@playwright/test';
import { drLab } from '../../shared/model/labs.ts';
import { simulate } from '../../shared/simulator/index.ts';
import { buildCapturedWalk } from '../../shared/capture/walk.ts';
import { compareWalks, wireSteps } from '../../shared/capture/compare.ts';
import type { CaptureView } from '../../shared/ipc/capture.ts';
import type { HeaderStack } from '../../shared/simulator/types.ts';
import { apiPath } from '../../shared/ipc/transport.ts';
import { flowOf, idealCaptures } from '../unit/capture/ideal.ts';
import { loadTemplate, openApp, shot } from './helpers.ts';
import { hostId, serviceId } from '../../shared/model/ids.ts';

/** A recorded capture of the DR lab; `edit` plays a kernel that disagrees on one step. */
function recordedCapture(edit?: (i: number, h: HeaderStack) => HeaderStack | null): CaptureView {
  const t = drLab();
  const trace = simulate(t, { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
  const flow = flowOf(trace);
  const walk = buildCapturedWalk(t, idealCaptures(t, trace, edit), flow);
  return {
    vip: flow.vip,
    vport: flow.vport,
    walk,
    trace,
    comparison: compareWalks(trace, walk.steps),
    request: { code: 0, output: '' },
    pcaps: [],
    problems: [],
  };
}

const answer = (route: Route, value: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ value }) });

/** Makes this page's backend answer `capture:*` like a running lab that recorded `view`. */
async function labRecorded(page: Page, view: CaptureView, requests: unknown[]): Promise<void> {
  await page.route(`**${apiPath('capture', 'available')}`, (r) => answer(r, { available: true }));
  await page.route(`**${apiPath('capture', 'run')}`, (r) => {
    requests.push(r.request().postDataJSON());
    return answer(r, { ok: true, value: view });
  });
}

async function openReal(page: Page): Promise<void> {
  await loadTemplate(page, 'dr');
  await page.getByTestId('mode-classroom').click();
  await page.getByTestId('cls-view-real').click();
}

test.describe('Real packets', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('plays a recorded capture beside the simulated walk and says there is no difference', async ({ page }) => {
    const requests: unknown[] = [];
    const view = recordedCapture();
    await labRecorded(page, view, requests);
    await openApp(page);
    await openReal(page);
    await expect(page.getByTestId('cls-real-status')).toContainText('Plays the frames tcpdump recorded');
    await page.getByTestId('cls-real-capture').click();
    await expect(page.getByTestId('cls-real-none')).toHaveText('✓ No difference: the real kernel did exactly what the simulator shows.');
    await expect(page.getByTestId('cls-real-diff')).toHaveCount(0);
    await expect(page.getByTestId('cls-real-status')).toHaveText('Client request: answered');
    // the view asked for the chosen client and service of the design
    expect(requests).toEqual([[expect.objectContaining({ name: expect.any(String) }), { client: 'client', service: 'web' }]]);
    // the packet walk's controls play the captured steps; without ARP only the two IP packets' hops
    await page.getByTestId('cls-arp').uncheck();
    const shown = view.walk.steps.filter((s) => s.kind === 'transmit').length;
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step 1 of ${shown}`);
    await expect(page.getByTestId('cls-real-captured')).toContainText('Captured (real kernel) · #1');
    await expect(page.getByTestId('cls-real-captured').getByTestId('cls-headerstrip')).toContainText(view.vip);
    await expect(page.getByTestId('cls-real-simulated').getByTestId('cls-headerstrip')).toContainText(view.vip);
    await page.getByTestId('cls-forward').click();
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step 2 of ${shown}`);
    await expect(page.getByTestId('cls-real-captured')).toContainText('#2');
    await page.getByTestId('cls-arp').check();
    await expect(page.getByTestId('cls-stepof')).toContainText(`of ${view.walk.steps.length}`);
    await page.getByTestId('cls-end').click();
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step ${view.walk.steps.length} of ${view.walk.steps.length}`);
    await expect(page.getByTestId('cls-forward')).toBeDisabled();
    await page.getByTestId('cls-restart').click();
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step 1 of ${view.walk.steps.length}`);
    // the walk's keyboard and play button drive it too
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step 2 of ${view.walk.steps.length}`);
    await page.getByTestId('cls-speed').selectOption('4');
    await page.getByTestId('cls-play').click();
    // plays to the last step and stops there
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step ${view.walk.steps.length} of ${view.walk.steps.length}`);
    await expect(page.getByTestId('cls-play')).toBeVisible();
    await page.keyboard.press('Home');
    await expect(page.getByTestId('cls-stepof')).toHaveText(`Step 1 of ${view.walk.steps.length}`);
    await shot(page, 'real-packets-1024');
  });

  test('lists every difference of a capture that disagrees with the simulator', async ({ page }) => {
    // the kernel of this recording forwarded the first request with TTL 7 (the simulator: 64), and
    // tcpdump missed the first ARP reply (a missing step, described in the page's language)
    const trace = simulate(drLab(), { client: hostId('client'), service: serviceId('web') }, { seed: 1 });
    const arpIdx = wireSteps(trace).findIndex((s) => s.kind === 'arp-reply');
    expect(arpIdx).toBeGreaterThanOrEqual(0);
    let first = true;
    const view = recordedCapture((i, h) => {
      if (i === arpIdx) return null;
      if (!first || !h.ip) return h;
      first = false;
      return { ...h, ip: { ...h.ip, ttl: 7 } };
    });
    expect(view.comparison.differences.length).toBeGreaterThan(0);
    await labRecorded(page, view, []);
    await openApp(page, { language: 'zh-CN' });
    await openReal(page);
    await page.getByTestId('cls-real-capture').click();
    await expect(page.getByTestId('cls-real-diff')).toHaveCount(view.comparison.differences.length);
    await expect(page.getByTestId('cls-real-diffs')).toContainText(`抓包与模拟之间的差异（${view.comparison.differences.length} 处）`);
    const missing = page.locator('[data-testid="cls-real-diff"].diff-missing');
    await expect(missing).toHaveCount(1);
    await expect(missing).toHaveText(/^抓包中缺少：模拟第 \d+ 步（链路 \S+ 上 \S+ → \S+ 的请求 ARP 应答）$/);
    const ttl = page.locator('[data-testid="cls-real-diff"].diff-field');
    await expect(ttl).toHaveCount(1);
    await expect(ttl).toContainText('ip.ttl');
    await expect(ttl).toContainText('7');
    // no English word is left in the Chinese list: only host and segment ids, field names and tokens
    await expect(page.getByTestId('cls-real-diffs')).not.toContainText(/\b(request|reply|frame|missing|extra)\b/);
    const t = drLab();
    const ids = new Set<string>([...t.hosts.map((h) => h.id as string), ...t.segments.map((g) => g.id as string)]);
    const latin = ((await page.getByTestId('cls-real-diffs').textContent()) ?? '').match(/[A-Za-z][A-Za-z0-9_.]*/g) ?? [];
    expect(latin.filter((w) => !ids.has(w) && !/^[A-Z]+$/.test(w) && !/[._]/.test(w))).toEqual([]);
    await expect(page.getByTestId('cls-real-none')).toHaveCount(0);
    await shot(page, 'real-packets-diff-zh');
  });

  test('without a running lab it says what to do, in English and Chinese', async ({ page }) => {
    // what the backend answers when no lab VM runs (answered here so a lab someone else runs cannot change it)
    await page.route(`**${apiPath('capture', 'available')}`, (r) => answer(r, { available: false, reason: 'no lab runs' }));
    await openApp(page);
    await openReal(page);
    await expect(page.getByTestId('cls-real-nolab')).toContainText('No built-in lab is running');
    await expect(page.getByTestId('cls-real-nolab')).toContainText('Run in the built-in lab');
    await expect(page.getByTestId('cls-real-capture')).toHaveCount(0);
    await shot(page, 'real-packets-nolab');
    await page.getByTestId('language-select').selectOption('zh-CN');
    await expect(page.getByTestId('cls-view-real')).toHaveText('真实数据包');
    await expect(page.getByTestId('cls-real-nolab')).toContainText('内置实验环境没有运行');
    await expect(page.getByTestId('cls-real-nolab')).toContainText('在内置实验环境中运行');
    await shot(page, 'real-packets-nolab-zh');
  });
});
