/**
 * Projector sizes: at 1024×768 and 1366×768 every control is on screen and clear of the others,
 * in the designer and in each classroom view, in English and Chinese; the stage's host cards are
 * readable from the back of a classroom (≥ 14 px text for the seed labs at 1024×768).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { loadTemplate, openApp, shot } from './helpers.ts';

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
] as const;

interface Box {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * The controls a person can reach in the current view: visible buttons, selects, inputs and tabs,
 * with their boxes. Controls inside a scroll container (the step list, a panel body) are judged
 * by the container, which must itself be on screen.
 */
async function controls(page: Page): Promise<Box[]> {
  // Runs in the page (this tsconfig has no DOM types, so the function is passed as text).
  return page.evaluate(`(() => {
    const out = [];
    const scrolls = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if ((/(auto|scroll)/.test(s.overflowY) && p.scrollHeight > p.clientHeight + 1) || (/(auto|scroll)/.test(s.overflowX) && p.scrollWidth > p.clientWidth + 1)) return true;
      }
      return false;
    };
    for (const el of document.querySelectorAll('button, select, input, [role="tab"], a[href]')) {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
      if (el.closest('.react-flow__panel, .react-flow__controls, .react-flow__renderer, .menu-pop, .tb-measure')) continue;
      if (scrolls(el)) continue;
      // The body of a closed <details> is not shown (Chromium still gives it a box).
      const folded = el.closest('details');
      if (folded && !folded.open && !el.closest('summary')) continue;
      const name = el.getAttribute('data-testid') || el.getAttribute('aria-label') || (el.textContent || '').trim().slice(0, 30);
      out.push({ name, x: r.x, y: r.y, w: r.width, h: r.height });
    }
    return out;
  })()`);
}

/** The smallest rendered font size (px, after the stage's zoom) of any text in a host card on the stage. */
async function smallestStageText(page: Page): Promise<{ px: number; text: string }> {
  return page.evaluate(`(() => {
    const zoomOf = (el) => {
      const vp = el.closest('.react-flow__viewport');
      const m = vp ? new DOMMatrix(getComputedStyle(vp).transform) : null;
      return m ? m.a : 1;
    };
    let best = { px: Infinity, text: '' };
    for (const card of document.querySelectorAll('[data-testid="cls-stage"] .host-node')) {
      const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || !n.textContent.trim()) continue;
        const st = getComputedStyle(el);
        if (st.display === 'none' || st.visibility === 'hidden' || el.getBoundingClientRect().width === 0) continue;
        const px = parseFloat(st.fontSize) * zoomOf(el);
        if (px < best.px) best = { px, text: n.textContent.trim() };
      }
    }
    return best;
  })()`);
}

/** Host-card texts on the stage that do not fit their box (cut with an ellipsis or hidden overflow). */
async function cutStageText(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('[data-testid="cls-stage"] .host-node *')) {
      const st = getComputedStyle(el);
      if (st.display === 'none' || !el.textContent.trim() || el.children.length > 0) continue;
      if (el.scrollWidth > el.clientWidth + 1 && (st.overflowX === 'hidden' || st.textOverflow === 'ellipsis')) out.push(el.textContent.trim());
    }
    return out;
  })()`);
}

async function expectAllReachable(page: Page, where: string): Promise<void> {
  const vp = page.viewportSize()!;
  const boxes = await controls(page);
  expect(boxes.length, where).toBeGreaterThan(5);
  const off = boxes
    .filter((b) => b.x < -0.5 || b.y < -0.5 || b.x + b.w > vp.width + 0.5 || b.y + b.h > vp.height + 0.5)
    .map((b) => `${b.name} @${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.w)}×${Math.round(b.h)}`);
  expect(off, `${where}: controls off screen`).toEqual([]);
  const overlaps: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      const ix = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const iy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      // Nested controls (a checkbox in its label) are not an overlap; two siblings sharing 2+ px are.
      const nested = (ix >= a.w - 1 && iy >= a.h - 1) || (ix >= b.w - 1 && iy >= b.h - 1);
      if (ix > 2 && iy > 2 && !nested) overlaps.push(`${a.name} × ${b.name}`);
    }
  }
  expect(overlaps, `${where}: controls overlap`).toEqual([]);
}

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('designer and classroom: every control on screen, not overlapped', async ({ page }) => {
      await openApp(page);
      await loadTemplate(page, 'nat');
      await expectAllReachable(page, 'designer');
      await shot(page, `layout-${size.width}-designer`);
      for (const tab of ['services', 'config', 'inspector']) {
        await page.getByTestId(`tab-${tab}`).click();
        await expectAllReachable(page, `designer ${tab}`);
      }
      await page.getByTestId('mode-classroom').click();
      await expect(page.getByTestId('packet-token')).toBeVisible();
      await expectAllReachable(page, 'classroom walk');
      if (size.width === 1024) {
        // Every seed lab, fitted into the stage, has host-card text of at least 14 px.
        for (const lab of ['nat', 'dr', 'tun'] as const) {
          if (lab !== 'nat') {
            await page.getByTestId('mode-design').click();
            await loadTemplate(page, lab);
            await page.getByTestId('mode-classroom').click();
            await expect(page.getByTestId('packet-token')).toBeVisible();
          }
          await expect
            .poll(
              async () => {
                const r = await smallestStageText(page);
                return r.px >= 14 ? 'readable' : `${r.px.toFixed(1)} px: "${r.text}"`;
              },
              { message: `${lab}: smallest host-card text on the stage` },
            )
            .toBe('readable');
          // Long addresses wrap inside director/real-server cards instead of ending in "…".
          expect(await cutStageText(page), `${lab}: host-card text cut off on the stage`).toEqual([]);
        }
      }
      await shot(page, `layout-${size.width}-classroom`);
      for (const v of ['compare', 'scheduler', 'real', 'trace']) {
        await page.getByTestId(`cls-view-${v}`).click();
        await expectAllReachable(page, `classroom ${v}`);
      }
      // Challenge mode: the question card and the class quiz keep every control reachable.
      await page.getByTestId('cls-challenge-toggle').check();
      for (let i = 0; i < 80 && !(await page.getByTestId('cls-reveal').isVisible()); i++) await page.keyboard.press('ArrowRight');
      await expect(page.getByTestId('cls-reveal')).toBeVisible();
      await expectAllReachable(page, 'classroom challenge');
      await page.getByTestId('cls-quiz').check();
      await expectAllReachable(page, 'classroom class quiz');
      await page.getByTestId('cls-challenge-toggle').uncheck();
      await page.getByTestId('language-select').selectOption('zh-CN');
      await expectAllReachable(page, 'classroom walk zh-CN');
      await shot(page, `layout-${size.width}-classroom-zh`);
      await page.getByTestId('mode-design').click();
      await expectAllReachable(page, 'designer zh-CN');
      await shot(page, `layout-${size.width}-designer-zh`);
    });
  });
}

test.describe('1024×768 classroom', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('another lab starts the walk over at step 1 and is framed on the stage', async ({ page }) => {
    await openApp(page);
    await loadTemplate(page, 'nat');
    await page.getByTestId('mode-classroom').click();
    await expect(page.getByTestId('packet-token')).toBeVisible();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('cls-stepof')).toContainText('Step 13 of');
    await expect(page.getByTestId('cls-jump')).toHaveValue('13');
    await page.getByTestId('mode-design').click();
    await loadTemplate(page, 'tun');
    await page.getByTestId('mode-classroom').click();
    await expect(page.getByTestId('cls-stepof')).toContainText('Step 1 of');
    await expect(page.getByTestId('cls-jump')).toHaveValue('1');
    // Framed: every host card of the new lab lies inside the stage.
    const stage = (await page.getByTestId('cls-stage').boundingBox())!;
    for (const id of ['client', 'director', 'router', 'rs1', 'rs2']) {
      await expect
        .poll(
          async () => {
            const b = await page.locator(`[data-testid="cls-stage"] .react-flow__node[data-id="${id}"]`).boundingBox();
            return !!b && b.x >= stage.x && b.y >= stage.y && b.x + b.width <= stage.x + stage.width && b.y + b.height <= stage.y + stage.height;
          },
          { message: `${id} inside the stage` },
        )
        .toBe(true);
    }
  });

  test('keyboard only: Tab reaches every playback control with a visible focus ring', async ({ page }) => {
    await openApp(page);
    await loadTemplate(page, 'nat');
    await page.getByTestId('mode-classroom').click();
    await expect(page.getByTestId('packet-token')).toBeVisible();
    await page.getByTestId('cls-view-trace').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const focus = await page.evaluate(`(() => {
        const el = document.activeElement;
        const st = el ? getComputedStyle(el) : null;
        return { id: el?.getAttribute('data-testid') ?? '', ring: !!st && st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 1 };
      })()`);
      const f = focus as { id: string; ring: boolean };
      if (f.id) {
        expect(f.ring, `${f.id} shows where the focus is`).toBe(true);
        reached.add(f.id);
      }
    }
    for (const id of ['cls-client', 'cls-service', 'cls-restart', 'cls-play', 'cls-end', 'cls-jump', 'cls-speed', 'cls-arp', 'cls-presenter'])
      expect([...reached], id).toContain(id);
    // The shortcuts work from the keyboard alone: Space plays, Home goes back to step 1.
    await page.getByTestId('cls-presenter').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('cls-jump')).toHaveValue('3');
    await page.keyboard.press('Home');
    await expect(page.getByTestId('cls-jump')).toHaveValue('1');
  });

  test('compare as animation: NAT, DR and TUN step together and the director counters grow', async ({ page }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await loadTemplate(page, 'nat');
    await page.getByTestId('mode-classroom').click();
    await page.getByTestId('cls-view-compare').click();
    await expect(page.getByTestId('cmp-player')).toBeVisible();
    const bytes = async (id: string) => Number(await page.getByTestId(`cmp-play-${id}-bytes`).getAttribute('data-bytes'));
    await expect(page.getByTestId('cmp-stepof')).toContainText('Step 1 of');
    for (const id of ['nat', 'dr', 'tun']) expect(await bytes(id)).toBe(0);
    // One shared control moves all three dots.
    const dots = async () =>
      Promise.all(
        ['nat', 'dr', 'tun'].map(
          async (id) => `${await page.getByTestId(`cmp-play-${id}-dot`).getAttribute('cx')},${await page.getByTestId(`cmp-play-${id}-dot`).getAttribute('cy')}`,
        ),
      );
    const before = await dots();
    for (let i = 0; i < 8; i++) await page.getByTestId('cmp-forward').click();
    await expect(page.getByTestId('cmp-stepof')).toContainText('Step 9 of');
    const after = await dots();
    for (let i = 0; i < 3; i++) expect(after[i], 'dot moved').not.toBe(before[i]);
    // The request has reached every director: the counters have started to grow.
    for (const id of ['nat', 'dr', 'tun']) expect(await bytes(id)).toBeGreaterThan(0);
    const midNat = await bytes('nat');
    await shot(page, 'classroom-compare-animation');
    // Played to the end: NAT's director carried the 10 KB reply, DR's and TUN's only the request.
    await page.getByTestId('cmp-play').click();
    await expect(page.getByTestId('cmp-play')).toHaveAttribute('aria-label', 'Play all three', { timeout: 90_000 });
    await expect(page.getByTestId('cmp-forward')).toBeDisabled();
    expect(await bytes('nat')).toBeGreaterThan(midNat + 10_000);
    expect(await bytes('dr')).toBeLessThan(1000);
    expect(await bytes('tun')).toBeLessThan(1000);
    await shot(page, 'classroom-compare-animation-end');
  });
});
