/**
 * JS for the first paint: builds the renderer (Vite, production) into a scratch folder and sizes
 * what index.html loads before anything is clicked — the entry script and its modulepreloads —
 * against what loads on demand (classroom, deploy, config, export). Target: first-paint JS under
 * 400 kB gzip. Sizes do not depend on the machine.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import type { BenchTable } from '../../scripts/bench.ts';

const TARGET_GZIP_KB = 400;
const kb = (bytes: number): string => (bytes / 1000).toFixed(1);

export default async function (): Promise<BenchTable> {
  const out = mkdtempSync(join(tmpdir(), 'lvs-bundle-bench-'));
  try {
    await build({ configFile: join(import.meta.dirname, '../../vite.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const firstPaint = new Set(
      [...html.matchAll(/<script[^>]+src="\.\/([^"]+\.js)"/g), ...html.matchAll(/<link rel="modulepreload"[^>]+href="\.\/([^"]+\.js)"/g)].map((m) => m[1]!),
    );
    const files = readdirSync(join(out, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => {
        const bytes = readFileSync(join(out, 'assets', f));
        return { name: `assets/${f}`, raw: bytes.length, gzip: gzipSync(bytes).length };
      })
      .sort((a, b) => b.gzip - a.gzip);
    const sum = (xs: typeof files, k: 'raw' | 'gzip') => xs.reduce((n, f) => n + f[k], 0);
    const first = files.filter((f) => firstPaint.has(f.name));
    const onDemand = files.filter((f) => !firstPaint.has(f.name));
    const rows: (string | number)[][] = [
      ...first.map((f) => [f.name.replace(/-[\w-]{8}\.js$/, '.js'), 'first paint', kb(f.raw), kb(f.gzip), '', '']),
      ...onDemand.map((f) => [f.name.replace(/-[\w-]{8}\.js$/, '.js'), 'on demand', kb(f.raw), kb(f.gzip), '', '']),
    ];
    const firstGzip = sum(first, 'gzip');
    rows.push([
      'JS for first paint',
      `${first.length} file(s)`,
      kb(sum(first, 'raw')),
      kb(firstGzip),
      `< ${TARGET_GZIP_KB}`,
      firstGzip / 1000 < TARGET_GZIP_KB ? 'met' : 'MISSED',
    ]);
    rows.push(['JS on demand', `${onDemand.length} file(s)`, kb(sum(onDemand, 'raw')), kb(sum(onDemand, 'gzip')), '', '']);
    return {
      title: 'Renderer bundle: JS for the first paint',
      columns: ['file', 'loads', 'raw kB', 'gzip kB', 'target gzip kB', 'target'],
      rows,
      note: 'Production build of renderer/ (vite.config.ts) into a scratch folder; "first paint" = the entry script and the modulepreloads of index.html, the rest loads on demand (React.lazy tabs and modes, html-to-image on export). gzip: zlib default level.',
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
