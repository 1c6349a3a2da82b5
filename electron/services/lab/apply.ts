/**
 * Pushing a design's generated configuration into the lab and running it, unchanged, the way a
 * deploy would: every host gets its `renderHost` files in `/run/lvsd/<host>/` and runs `apply.sh`
 * in its namespace, in {@link applyOrder}.
 */
import type { HostId, Topology } from '../../../shared/model/types.ts';
import { renderHost } from '../../../shared/generators/index.ts';
import type { ExecResult, LabVm } from './vm.ts';
import { LabError } from './vm.ts';
import { applyOrder, pushHostFiles, runHostScript } from './hosts.ts';

/** Outcome of one script on one host. */
export interface HostRun extends ExecResult {
  readonly host: HostId;
}

/** Renders every host of `t` and copies the files into the lab (throws when a host cannot be rendered). */
export async function pushDesign(vm: LabVm, t: Topology): Promise<void> {
  for (const h of t.hosts) {
    const files = renderHost(t, h.id);
    if (!files.ok) throw new LabError(`cannot generate the configuration of ${h.id}: ${files.error}`);
    await pushHostFiles(vm, h.id, files.value);
  }
}

/** Runs `script` on every host in apply order; stops at the first failure when `stopOnError`. */
export async function runOnAllHosts(vm: LabVm, t: Topology, script: 'apply.sh' | 'verify.sh' | 'rollback.sh', stopOnError = false): Promise<HostRun[]> {
  const out: HostRun[] = [];
  const hosts = script === 'rollback.sh' ? applyOrder(t).reverse() : applyOrder(t);
  for (const h of hosts) {
    const r = await runHostScript(vm, h.id, script);
    out.push({ host: h.id, ...r });
    if (stopOnError && r.code !== 0) break;
  }
  return out;
}

/** Renders, pushes and applies the whole design; throws with the failing host's output on error. */
export async function applyDesign(vm: LabVm, t: Topology): Promise<HostRun[]> {
  await pushDesign(vm, t);
  const runs = await runOnAllHosts(vm, t, 'apply.sh', true);
  const bad = runs.find((r) => r.code !== 0);
  if (bad) throw new LabError(`apply.sh failed on ${bad.host} (exit ${bad.code}):\n${(bad.stdout + bad.stderr).trim()}`);
  return runs;
}
