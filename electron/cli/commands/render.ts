/**
 * `lvsd render FILE [--host ID | --all] [--target ipvsadm|script|keepalived] [--out DIR]`:
 * generate the configuration of a design. Without --out the files go to stdout (a single file
 * raw, so `lvsd render lab.lvs.json --host director --target ipvsadm | ipvsadm -R` works); with
 * --out each host gets DIR/<host id>/<path> with the file's mode.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { GeneratedFile } from '../../../shared/generators/index.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import { loadDesign } from '../loadDesign.ts';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';

const USAGE = 'usage: lvsd render FILE [--host ID ... | --all] [--target ipvsadm|script|keepalived] [--out DIR]\n';
const TARGETS = ['ipvsadm', 'script', 'keepalived'] as const;
type Target = (typeof TARGETS)[number];

/** `script` also selects the sysctl.d / modules-load.d files the scripts go with. */
const selects = (target: Target | undefined, f: GeneratedFile) => target === undefined || f.target === target || (target === 'script' && f.target === 'sysctl');

export const run: CliCommand = async (argv, io) => {
  const args = parseCommandLine(
    {
      command: 'render',
      usage: USAGE,
      options: { host: { type: 'string', multiple: true }, all: { type: 'boolean' }, target: { type: 'string' }, out: { type: 'string' } },
    },
    argv,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  if (positionals.length !== 1) return args.usageError('expected one design file');
  if (values.all && values.host) return args.usageError('use either --host or --all');
  const target = values.target as Target | undefined;
  if (target !== undefined && !TARGETS.includes(target)) {
    io.stderr(`lvsd render: unknown target "${values.target}" (ipvsadm, script or keepalived)\n`);
    return EXIT.unusable;
  }
  const file = positionals[0]!;
  const design = await loadDesign('render', file, io);
  if (!design) return EXIT.unusable;
  const topology = design.topology;
  const hostIds = values.host ?? topology.hosts.map((h) => h.id);
  for (const id of hostIds) {
    if (!topology.hosts.some((h) => h.id === id)) {
      io.stderr(`lvsd render: no host "${id}" in ${file} (hosts: ${topology.hosts.map((h) => h.id).join(', ')})\n`);
      return EXIT.unusable;
    }
  }

  const selected: { host: string; file: GeneratedFile }[] = [];
  for (const id of hostIds) {
    const r = renderHost(topology, id);
    if (!r.ok) {
      io.stderr(`lvsd render: host ${id}: ${r.error}\n`);
      return EXIT.problems;
    }
    for (const f of r.value) if (selects(target, f)) selected.push({ host: id, file: f });
  }
  if (selected.length === 0) {
    io.stderr(`lvsd render: nothing to render${target ? ` for target ${target} (only directors have ipvsadm and keepalived files)` : ''}\n`);
    return EXIT.problems;
  }

  if (values.out === undefined) {
    if (selected.length === 1) io.stdout(selected[0]!.file.content);
    else for (const { host, file: f } of selected) io.stdout(`### ${host}/${f.path} (${f.mode.toString(8)}) — ${f.description}\n${f.content}\n`);
    return EXIT.ok;
  }

  const root = resolve(values.out);
  // Resolve every target first: nothing is written when any path would leave DIR (a host id `..`).
  const plan = selected.map(({ host, file: f }) => ({ path: resolve(root, host, f.path), host, f }));
  for (const p of plan) {
    if (!p.path.startsWith(root + sep) || p.path.slice(root.length + 1).split(sep)[0] !== p.host) {
      io.stderr(`lvsd render: refusing to write ${p.path}: outside ${root}\n`);
      return EXIT.problems;
    }
  }
  try {
    for (const p of plan) {
      await mkdir(dirname(p.path), { recursive: true });
      await writeFile(p.path, p.f.content, { mode: p.f.mode });
      await chmod(p.path, p.f.mode);
    }
  } catch (e) {
    io.stderr(`lvsd render: cannot write to ${root}: ${(e as Error).message}\n`);
    return EXIT.unusable;
  }
  const hosts = new Set(plan.map((p) => p.host)).size;
  io.stdout(`wrote ${plan.length} file(s) for ${hosts} host(s) to ${root}\n`);
  return EXIT.ok;
};
