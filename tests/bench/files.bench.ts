/**
 * File and bridge benchmark: how long saving, opening and an autosave over `lvsd serve` take for
 * designs of 1,000 to 20,000 hosts (generateTopology). Everything is validated twice on the way
 * (zod at the transport, the file parser before writing), so this is the cost a user waits for.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchTable } from '../../scripts/bench.ts';
import { createBridge } from '../../electron/services/bridge/index.ts';
import { startServer } from '../../electron/services/server/server.ts';
import { generateLayout, generateTopology } from '../../shared/model/generate.ts';
import { makeDesignFile, serializeDesignFile } from '../../shared/model/file.ts';

const SIZES = [1000, 5000, 20000];
const RUNS = 5;
const TOKEN = 'bench-files-token';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

export default async function (): Promise<BenchTable> {
  const dir = await mkdtemp(join(tmpdir(), 'lvsd-bench-files-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html>');
  const bridge = await createBridge({ dataDir: join(dir, 'data') });
  const server = await startServer({ port: 0, token: TOKEN, staticDir: join(dir, 'static'), registry: bridge.registry, events: bridge.events });
  const post = async (verb: string, args: unknown[]): Promise<void> => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/files/${verb}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(args),
    });
    if (!res.ok) throw new Error(`${verb}: HTTP ${res.status} ${await res.text()}`);
    await res.json();
  };
  const rows: (string | number)[][] = [];
  try {
    for (const n of SIZES) {
      const topology = generateTopology(n);
      const file = makeDesignFile(topology, generateLayout(topology));
      const mb = (serializeDesignFile(file).length / 1024 / 1024).toFixed(1);
      const name = `bench-${n}.lvs.json`;
      await bridge.files.saveAs(file, name, { overwrite: true });
      const save = await timed(() => bridge.files.save(name, file));
      const open = await timed(() => bridge.files.openNamed(name));
      const autosaveHttp = await timed(() => post('autosave', [file, name]));
      const openHttp = await timed(() => post('openNamed', [name]));
      rows.push([topology.hosts.length, mb, save.toFixed(0), open.toFixed(0), autosaveHttp.toFixed(0), openHttp.toFixed(0), n === 20000 ? '≤ 1000' : '—']);
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    title: 'Design files: save, open and autosave over lvsd serve (median of 5, ms)',
    columns: ['hosts', 'MB', 'save (atomic, .bak)', 'open', 'autosave via HTTP', 'open via HTTP', 'target autosave via HTTP'],
    rows,
    note: 'Target: the UI autosaves every 3 s while dirty, so an autosave of the largest supported design (20,000 hosts) should finish within 1 s.',
  };
}
