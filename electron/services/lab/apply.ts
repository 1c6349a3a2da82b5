/**
 * Pushing a design's generated configuration into the lab and running it, unchanged, the way a
 * deploy would: every host gets its `renderHost` files in `/run/lvsd/<host>/` and runs `apply.sh`
 * in its namespace, in {@link applyOrder}. Each step is one SSH round trip for all hosts (each trip
 * costs ~0.4 s under TCG).
 */
import type { HostId, Topology } from '../../../shared/model/types.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import type { ExecResult, LabVm } from './vm.ts';
import { LabError, labExec } from './vm.ts';
import type { HostScript } from './hosts.ts';
import { applyOrder, hostFilesScript, hostScriptCommand } from './hosts.ts';
import { hostId } from '../../../shared/model/ids.ts';

/** Outcome of one script on one host. */
export interface HostRun extends ExecResult {
  readonly host: HostId;
}

/** Renders every host of `t` and copies the files into the lab (throws when a host cannot be rendered). */
export async function pushDesign(vm: LabVm, t: Topology): Promise<void> {
  const parts = ['set -e'];
  for (const h of t.hosts) {
    const files = renderHost(t, h.id);
    if (!files.ok) throw new LabError(`cannot generate the configuration of ${h.id}: ${files.error}`);
    parts.push(hostFilesScript(h.id, files.value));
  }
  await labExec(vm, 'sh -s', { input: parts.join('\n'), what: 'copying the generated files into the lab' });
}

const MARK = '@@LVSD@@';

/**
 * Runs `script` on the given hosts (default: every host, in apply order — reversed for rollback),
 * in one SSH session. With `stopOnError` the hosts after the first failure are not run.
 */
export async function runOnAllHosts(
  vm: LabVm,
  t: Topology,
  script: HostScript,
  opts: { stopOnError?: boolean; hosts?: readonly HostId[] } = {},
): Promise<HostRun[]> {
  const ordered = applyOrder(t).map((h) => h.id);
  const hosts = opts.hosts ?? (script === 'rollback.sh' ? ordered.reverse() : ordered);
  const lines = ['o=$(mktemp) e=$(mktemp)'];
  for (const h of hosts) {
    lines.push(
      `${hostScriptCommand(h, script)} >"$o" 2>"$e"; c=$?`,
      `printf '${MARK} %s %s\\n' ${JSON.stringify(h)} "$c"; base64 <"$o"; echo '${MARK}'; base64 <"$e"; echo '${MARK}'`,
    );
    if (opts.stopOnError) lines.push('[ "$c" = 0 ] || { rm -f "$o" "$e"; exit 0; }');
  }
  lines.push('rm -f "$o" "$e"');
  const out = await labExec(vm, 'sh -s', { input: lines.join('\n') + '\n', what: `running ${script} on the lab hosts` });
  const runs: HostRun[] = [];
  const chunks = out.split('\n');
  for (let i = 0; i < chunks.length; i++) {
    const m = /^@@LVSD@@ (\S+) (\d+)$/.exec(chunks[i]!);
    if (!m) continue;
    const blocks: string[] = [];
    let cur: string[] = [];
    for (i++; i < chunks.length && blocks.length < 2; i++) {
      if (chunks[i] === MARK) {
        blocks.push(cur.join(''));
        cur = [];
      } else cur.push(chunks[i]!);
    }
    i--;
    runs.push({
      host: hostId(m[1]!),
      code: Number(m[2]),
      stdout: Buffer.from(blocks[0] ?? '', 'base64').toString('utf8'),
      stderr: Buffer.from(blocks[1] ?? '', 'base64').toString('utf8'),
    });
  }
  return runs;
}

/** Renders, pushes and applies the whole design; throws with the failing host's output on error. */
export async function applyDesign(vm: LabVm, t: Topology): Promise<HostRun[]> {
  await pushDesign(vm, t);
  const runs = await runOnAllHosts(vm, t, 'apply.sh', { stopOnError: true });
  const bad = runs.find((r) => r.code !== 0);
  if (bad) throw new LabError(`apply.sh failed on ${bad.host} (exit ${bad.code}):\n${(bad.stdout + bad.stderr).trim()}`);
  if (runs.length !== t.hosts.length) throw new LabError(`apply.sh ran on ${runs.length} of ${t.hosts.length} hosts`);
  return runs;
}
