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
import { designFileSchema } from '../../shared/model/schema.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import { writeFileAtomic } from '../../electron/services/files/atomic.ts';
import { schemaCheckedDesign } from '../../electron/services/files/fileService.ts';

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

/** Median wall and CPU ms of `fn` (CPU stays meaningful when other processes load the machine). */
async function timedCpu(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    await fn();
    walls.push(performance.now() - t);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** Where an autosave of `file` spends its time, stage by stage, as the HTTP path runs them. */
async function autosaveStages(
  file: DesignFile,
  dir: string,
  files: { autosave(f: DesignFile, h: string | null): Promise<unknown> },
): Promise<(string | number)[][]> {
  const args = [file, null];
  const body = JSON.stringify(args);
  const parsedBody = JSON.parse(body) as [DesignFile, null];
  const doc = JSON.stringify({ savedAt: new Date().toISOString(), handle: null, file });
  const checkedByTransport = schemaCheckedDesign(designFileSchema.parse(parsedBody[0]) as DesignFile);
  const stages: [string, () => unknown][] = [
    ['browser: JSON.stringify of the request', () => JSON.stringify(args)],
    ['server: JSON.parse of the body', () => JSON.parse(body)],
    ['server: zod check of the design (transport)', () => designFileSchema.safeParse(parsedBody[0])],
    ['files: JSON.stringify of the recovery copy', () => JSON.stringify({ savedAt: '', handle: null, file })],
    ['files: atomic write (temp, fsync, rename)', () => writeFileAtomic(join(dir, 'stage-autosave.json'), doc, { mode: 0o600 })],
    ['files: FileService.autosave of the transport-checked design (the two above)', () => files.autosave(checkedByTransport, null)],
    ['(no longer run) a second zod check in the FileService', () => designFileSchema.safeParse(parsedBody[0])],
  ];
  const rows: (string | number)[][] = [];
  for (const [stage, fn] of stages) {
    const m = await timedCpu(fn);
    rows.push([stage, m.wall.toFixed(0), m.cpu.toFixed(0)]);
  }
  return rows;
}

export default async function (): Promise<BenchTable[]> {
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
  let stages: (string | number)[][] = [];
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
      if (n === 20000) stages = await autosaveStages(file, dir, bridge.files);
    }
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return [
    {
      title: 'Design files: save, open and autosave over lvsd serve (median of 5, ms)',
      columns: ['hosts', 'MB', 'save (atomic, .bak)', 'open', 'autosave via HTTP', 'open via HTTP', 'target autosave via HTTP'],
      rows,
      note: 'Target: the UI autosaves every 3 s while dirty, so an autosave of the largest supported design (20,000 hosts) should finish within 1 s.',
    },
    {
      title: 'Autosave of 20,000 hosts stage by stage (median of 5, ms)',
      columns: ['stage', 'wall ms', 'cpu ms'],
      rows: stages,
      note: 'The steps an autosave through lvsd serve runs, each timed alone on the same design; the HTTP/loopback transfer itself is the rest of the "autosave via HTTP" column.',
    },
  ];
}
