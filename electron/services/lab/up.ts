/**
 * `lvsd lab up` / `lab down`: a long-lived lab VM whose design hosts are each reachable over SSH from
 * this machine, as deploy targets.
 *
 * How a connection reaches a host: qemu forwards a free 127.0.0.1 port (added at run time through
 * QMP `hostfwd_add`) to guest port 10000+i in the VM's root namespace. There busybox `nc -ll -e`
 * accepts it and starts `lvsd-sshd <host>`: dropbear in inetd mode inside the host's namespace, with
 * the host's private /etc, /var/lib and /tmp. No management address or route is added to the host,
 * so the design's own routing (which a deploy changes) cannot cut the management path.
 */
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DesignFile, HostId, Topology } from '../../../shared/model/types.ts';
import type { LabVm, LabOptions } from './vm.ts';
import { pointSshAt } from '../../../shared/model/commands.ts';
import { addPortForward, bootLab, defaultLabDir, labExec, removePortForward, runningPersistentLab, shutdownLab, sshToLab } from './vm.ts';
import { createHosts, destroyHosts, hostsScript, labHostDir } from './hosts.ts';

/** Guest ports of the per-host SSH relays start here (host i listens on 10000+i). */
export const RELAY_BASE_PORT = 10000;

/** How to reach one design host of a running lab. */
export interface LabEndpoint {
  readonly host: HostId;
  /** Port on 127.0.0.1 of this machine. */
  readonly port: number;
  /** Port of the relay in the VM's root namespace. */
  readonly guestPort: number;
}

/** State of `lab up`, kept next to the VM's pid in `<labDir>/vm/hosts.json`. */
export interface LabUpState {
  readonly design: string;
  readonly endpoints: readonly LabEndpoint[];
}

function readState(vm: LabVm): LabUpState | null {
  try {
    return JSON.parse(readFileSync(join(vm.runDir, 'hosts.json'), 'utf8')) as LabUpState;
  } catch {
    return null;
  }
}

/** The endpoints of the lab left running by `lab up`, or null when none runs. */
export function labStatus(labDir = defaultLabDir()): { vm: LabVm; state: LabUpState | null } | null {
  const vm = runningPersistentLab(labDir);
  return vm ? { vm, state: readState(vm) } : null;
}

/**
 * Boots (or reuses) the persistent lab VM, replaces its hosts by `t`'s and gives each host an SSH
 * server reachable on 127.0.0.1. Returns the VM and one endpoint per host, in design order.
 * With `vm`, that VM (e.g. a test's own, not persistent) is used instead of the persistent one, so a
 * test does not share the persistent VM's state with another run.
 */
export async function labUp(t: Topology, opts: LabOptions & { readonly vm?: LabVm } = {}): Promise<{ vm: LabVm; endpoints: LabEndpoint[]; reused: boolean }> {
  const labDir = opts.labDir ?? defaultLabDir();
  // a design the lab cannot build is refused before anything boots
  hostsScript(t);
  const running = opts.vm ?? runningPersistentLab(labDir);
  const vm = running ?? (await bootLab({ ...opts, labDir, persistent: true }));
  const old = running ? readState(running) : null;
  for (const e of old?.endpoints ?? []) await removePortForward(vm, e.port).catch(() => undefined);
  writeFileSync(join(vm.runDir, 'hosts.json'), JSON.stringify({ design: t.name, endpoints: [] }, null, 2) + '\n');
  await createHosts(vm, t);
  const relays = t.hosts.map((h, i) => {
    const dir = labHostDir(h.id);
    const port = RELAY_BASE_PORT + i;
    return [
      `printf '#!/bin/sh\\nexec /usr/sbin/lvsd-sshd %s\\n' '${h.id}' > ${dir}/sshd && chmod 755 ${dir}/sshd`,
      // setsid: the relay must outlive this SSH session
      `setsid nc -ll -p ${port} -e ${dir}/sshd </dev/null >/dev/null 2>&1 &`,
      `echo $! > ${dir}/relay.pid`,
    ].join('\n');
  });
  // slirp resets a forwarded connection while nothing listens yet: wait for every relay's LISTEN
  // socket (state 0A in /proc/net/tcp6 — busybox nc listens on ::, port in hex) before handing out the ports.
  const ports = t.hosts.map((_, i) => (RELAY_BASE_PORT + i).toString(16).toUpperCase().padStart(4, '0'));
  const wait = `for p in ${ports.join(' ')}; do n=0
  until cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ":$p [0-9A-F]*:0000 0A"; do
    n=$((n+1)); [ $n -lt 100 ] || { echo "the SSH relay on guest port 0x$p did not start" >&2; exit 1; }; sleep 0.1
  done
done`;
  await labExec(vm, 'sh -s', { input: 'set -e\n' + relays.join('\n') + '\n' + wait + '\n', what: 'starting the per-host SSH relays' });
  const endpoints: LabEndpoint[] = [];
  for (const [i, h] of t.hosts.entries()) {
    const guestPort = RELAY_BASE_PORT + i;
    endpoints.push({ host: h.id, guestPort, port: await addPortForward(vm, guestPort) });
  }
  writeFileSync(join(vm.runDir, 'hosts.json'), JSON.stringify({ design: t.name, endpoints } satisfies LabUpState, null, 2) + '\n');
  return { vm, endpoints, reused: running !== null };
}

/** Runs a command on a design host through its own SSH server (the path a deploy takes). */
export function sshToLabHost(vm: LabVm, endpoint: LabEndpoint, command: string, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  // same key and throw-away host keys as the VM itself; a different port
  return sshToLab({ ...vm, sshPort: endpoint.port, runDir: join(vm.runDir, 'no-mux') }, command, { timeoutMs });
}

/**
 * Proves every endpoint with a real login (three tries a second apart: a relay's first session
 * under a loaded TCG guest can be slow). Returns the hosts whose login failed, with the reason.
 */
export async function deadLabEndpoints(vm: LabVm, endpoints: readonly LabEndpoint[]): Promise<{ host: HostId; error: string }[]> {
  const probe = async (e: LabEndpoint): Promise<{ code: number; stderr: string }> => {
    let last = { code: 255, stderr: '' };
    for (let attempt = 0; attempt < 3; attempt++) {
      last = await sshToLabHost(vm, e, 'true').catch((err: Error) => ({ code: 255, stdout: '', stderr: err.message }));
      if (last.code === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return last;
  };
  const checks = await Promise.all(endpoints.map(probe));
  return endpoints.flatMap((e, i) => (checks[i]!.code === 0 ? [] : [{ host: e.host, error: checks[i]!.stderr.trim() || `exit ${checks[i]!.code}` }]));
}

/** The `ssh` command line a user types to reach a host. */
export const labSshCommand = (vm: LabVm, e: LabEndpoint): string =>
  `ssh -i ${vm.keyPath} -p ${e.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null root@127.0.0.1`;

/** Stops the persistent lab VM; false when none was running. */
export async function labDown(labDir = defaultLabDir()): Promise<boolean> {
  const vm = runningPersistentLab(labDir);
  if (!vm) return false;
  await destroyHosts(vm).catch(() => undefined);
  await shutdownLab(vm);
  return true;
}

/** The design with each host's `ssh` endpoint pointing at its lab relay (key auth, root). */
export function withLabEndpoints(file: DesignFile, vm: LabVm, endpoints: readonly LabEndpoint[]): DesignFile {
  return { ...file, topology: pointSshAt(file.topology, endpoints, vm.keyPath) };
}
