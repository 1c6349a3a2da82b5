/**
 * Classroom benchmark: the built app in Debian chromium against `lvsd serve`, with the 25-host
 * large-cluster example at projector size (1024×768). Measures switching Design → Classroom and
 * back (click to the new view painted), and one classroom step (→ key to the next frame painted
 * with the packet token on the new step), median over many steps, in the one-request walk and in
 * the TCP connection's segments, wire by wire.
 */
import { chromium } from '@playwright/test';
import type { Page } from '@playwright/test';
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchTable } from '../../scripts/bench.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PORT = Number(process.env.LVS_BENCH_PORT ?? 5297);
const TOKEN = 'bench-token';
const STEPS = 40;
const SWITCHES = 6;

async function startServer(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/lvsd.mjs', 'serve', '--port', String(PORT), '--token', TOKEN, '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('lvsd serve did not start')), 60_000);
    child.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('running at')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.on('exit', (code) => fail(new Error(`lvsd serve exited with ${code}`)));
  });
  return child;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] ?? NaN;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * 0.95))] ?? NaN;
};

/**
 * Runs `act` in the page and resolves with the ms until `done()` holds after a DOM change, with
 * style and layout forced at that moment (what the next frame paints is computed). Paint itself is
 * left out: headless rAF timing is quantised to 16.7 ms frames. Page scripts are strings: tsx
 * would add helpers the page lacks.
 */
async function timeInPage(page: Page, act: string, done: string): Promise<number> {
  return (await page.evaluate(`new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished || !(${done})) return false;
      finished = true;
      document.body.getBoundingClientRect();
      void document.body.offsetHeight;
      obs.disconnect();
      resolve(performance.now() - t0);
      return true;
    };
    const obs = new MutationObserver(() => void finish());
    obs.observe(document.body, { subtree: true, childList: true, attributes: true });
    const t0 = performance.now();
    ${act};
    finish();
    // Nodes are measured (made visible) after a ResizeObserver callback, which is no mutation of its own.
    const poll = () => { if (!finish()) requestAnimationFrame(poll); };
    requestAnimationFrame(poll);
  })`)) as number;
}

export default async function (): Promise<BenchTable> {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'lvs-bench-'));
  const server = await startServer(dataDir);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const rows: (string | number)[][] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    page.setDefaultTimeout(120_000);
    await page.goto(`http://127.0.0.1:${PORT}/#token=${TOKEN}`);
    await page.locator('html[data-lvs-ready="true"]').waitFor({ state: 'attached' });
    if (await page.getByTestId('recover-dialog').isVisible()) await page.getByTestId('recover-discard').click();
    const text = readFileSync(join(ROOT, 'examples', 'large-cluster.lvs.json'));
    await page.getByTestId('tb-open').click();
    await page.getByTestId('open-upload').setInputFiles({ name: 'large-cluster.lvs.json', mimeType: 'application/json', buffer: text });
    await page.locator('[data-testid="status-hosts"]', { hasText: '25' }).waitFor();
    await page.locator('.react-flow__node').first().waitFor();

    const toClassroom: number[] = [];
    const toDesign: number[] = [];
    for (let i = 0; i < SWITCHES; i++) {
      toClassroom.push(
        await timeInPage(
          page,
          `document.querySelector('[data-testid="mode-classroom"]').click()`,
          `document.querySelector('[data-testid="packet-token"]') && document.querySelectorAll('[data-testid="cls-stage"] .react-flow__node[style*="visibility: hidden"]').length === 0 && document.querySelectorAll('[data-testid="cls-stage"] .react-flow__node').length > 0`,
        ),
      );
      toDesign.push(
        await timeInPage(
          page,
          `document.querySelector('[data-testid="mode-design"]').click()`,
          `document.querySelector('.canvas .react-flow__node') && !document.querySelector('[data-testid="classroom"]') && document.querySelectorAll('.canvas .react-flow__node[style*="visibility: hidden"]').length === 0`,
        ),
      );
    }

    await page.getByTestId('mode-classroom').click();
    await page.getByTestId('packet-token').waitFor();
    await page.getByTestId('cls-view-trace').focus();
    const stepFor = async (): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < STEPS; i++) {
        const before = await page.getByTestId('packet-token').getAttribute('data-step');
        out.push(
          await timeInPage(
            page,
            `window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))`,
            `document.querySelector('[data-testid="packet-token"]')?.getAttribute('data-step') !== ${JSON.stringify(before)}`,
          ),
        );
        if (await page.getByTestId('cls-forward').isDisabled()) break;
      }
      return out;
    };
    const steps = await stepFor();
    rows.push(['classroom step (→ to the new step laid out)', steps.length, median(steps).toFixed(1), p95(steps).toFixed(1), '< 16']);
    // The TCP connection after the walk: every → moves one segment one wire on (folded segment rows).
    await page.getByTestId('cls-step-seg').first().click();
    await page.getByTestId('cls-view-trace').focus();
    const hops = await stepFor();
    rows.push(['classroom step through TCP segment wires', hops.length, median(hops).toFixed(1), p95(hops).toFixed(1), '< 16']);
    rows.push(['Design → Classroom', toClassroom.length, median(toClassroom).toFixed(0), p95(toClassroom).toFixed(0), '< 150']);
    rows.push(['Classroom → Design', toDesign.length, median(toDesign).toFixed(0), p95(toDesign).toFixed(0), '< 150']);
    await page.close();
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    title: 'Classroom on the 25-host large-cluster example at 1024×768 (Debian chromium, lvsd serve)',
    columns: ['what', 'samples', 'median ms', 'p95 ms', 'target ms'],
    rows,
    note: 'Step: from the → key event until the packet token shows the new step, with style and layout of that DOM forced (React render + commit + layout; paint excluded, rAF is quantised to 16.7 ms headless). Switch: from the click on the mode switch until the new view has all its nodes measured and laid out. Headless chromium with --disable-gpu on a shared 2-core machine.',
  };
}
