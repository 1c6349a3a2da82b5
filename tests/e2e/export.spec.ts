/**
 * Exports for people who document designs: draw.io, Mermaid and the one-page HTML report are
 * downloaded from the Export menu; the report opens in the browser as a readable page.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { exportClick, loadTemplate, openApp, shot } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

test('draw.io, Mermaid and the design report download from the Export menu', async ({ page, context }) => {
  await openApp(page);
  await loadTemplate(page, 'dr');
  const texts: Record<string, string> = {};
  for (const kind of ['drawio', 'mermaid', 'report'] as const) {
    const download = page.waitForEvent('download');
    await exportClick(page, `export-${kind}`);
    const file = await download;
    expect(file.suggestedFilename()).toMatch({ drawio: /\.drawio$/, mermaid: /\.mmd$/, report: /-report\.html$/ }[kind]);
    texts[kind] = readFileSync((await file.path())!, 'utf8');
  }
  expect(texts.drawio).toContain('<mxfile host="LVS Designer">');
  expect(texts.drawio).toContain('eth0 192.168.163.102/24');
  expect(texts.mermaid!.startsWith('flowchart LR')).toBe(true);
  expect(texts.report).toContain('Checker verdict');
  // The report is a page a person reads (and prints to PDF).
  const report = await context.newPage();
  await report.setViewportSize({ width: 1024, height: 768 });
  await report.setContent(texts.report!);
  await expect(report.locator('h1')).toHaveText('LVS-DR lab (seed article, part two)');
  await expect(report.locator('svg text').filter({ hasText: 'rs1 (real-server)' })).toHaveCount(1);
  await shot(report, 'export-report');
  const pdf = await report.pdf({ format: 'A4' });
  expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
});
