/**
 * The built-in lab for the app (`lab:*` bridge channels): boots or reuses the persistent lab VM,
 * builds the design's hosts, and stops it again. One operation at a time; progress lines go out as
 * `lab:progress` pushes.
 *
 * Host keys: every design host of the lab answers with the lab's own dropbear host key, which this
 * machine generated when it built the image. So instead of asking the user to trust N fingerprints
 * of a VM we built ourselves, `up` writes `[127.0.0.1]:port` entries for exactly the running lab's
 * endpoints into `<labDir>/vm/known_hosts`, a read-only extra file of the deploy's and live view's
 * trust store ({@link labKnownHostsFile}), and `down` deletes it: the trust lives as long as the VM.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabAvailability, LabHostEndpoint, LabProgress, LabStatus, LabUpResult } from '../../../shared/ipc/lab.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { Result } from '../../../shared/util/result.ts';
import { err, ok } from '../../../shared/util/result.ts';
import { knownHostsName } from '../ssh/hostkeys.ts';
import { deadLabEndpoints, labDown, labStatus, labUp } from './up.ts';
import { defaultLabDir, labUnavailableReason } from './vm.ts';
import type { CaptureRunRequest, CaptureView } from '../../../shared/ipc/capture.ts';
import { captureRequest } from './capture.ts';

/** The extra known_hosts file holding the running lab's endpoints (absent when no lab runs). */
export const labKnownHostsFile = (labDir = defaultLabDir()): string => join(labDir, 'vm', 'known_hosts');

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/**
 * The OpenSSH public key blob of dropbear's Ed25519 host key file (`string "ssh-ed25519"`, then a
 * 64-byte string: seed ‖ public key). The public half is derived from the seed and must equal the
 * stored one; anything else gives null (then the deploy asks the user, as for any unknown host).
 */
export function dropbearEd25519PublicBlob(file: Buffer): Buffer | null {
  try {
    const typeLen = file.readUInt32BE(0);
    const type = file.subarray(4, 4 + typeLen).toString('latin1');
    if (type !== 'ssh-ed25519') return null;
    const keyLen = file.readUInt32BE(4 + typeLen);
    if (keyLen !== 64) return null;
    const key = file.subarray(8 + typeLen, 8 + typeLen + 64);
    if (key.length !== 64) return null;
    const seed = key.subarray(0, 32);
    const stored = key.subarray(32);
    const derived = createPublicKey(createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })).export({
      format: 'jwk',
    }).x;
    if (!derived || !Buffer.from(derived, 'base64url').equals(stored)) return null;
    return Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(stored)]);
  } catch {
    return null;
  }
}

export interface LabServiceOptions {
  readonly emit: (progress: LabProgress) => void;
  /** Default `$LVSD_LAB_DIR` or `/var/cache/lvs-designer-lab`. */
  readonly labDir?: string;
}

export class LabService {
  readonly #emit: (p: LabProgress) => void;
  readonly #labDir: string;
  #busy = false;
  /** True when this service booted the running VM (it powers it off on close). */
  #booted = false;

  constructor(options: LabServiceOptions) {
    this.#emit = options.emit;
    this.#labDir = options.labDir ?? defaultLabDir();
  }

  get knownHostsFile(): string {
    return labKnownHostsFile(this.#labDir);
  }

  available(): LabAvailability {
    const reason = labUnavailableReason(this.#labDir);
    return reason === null ? { available: true } : { available: false, reason };
  }

  status(): LabStatus {
    const s = labStatus(this.#labDir);
    const endpoints = (s?.state?.endpoints ?? []).map((e) => ({ host: e.host, port: e.port }));
    return s
      ? { running: true, ...(s.state?.design !== undefined ? { design: s.state.design } : {}), endpoints, busy: this.#busy }
      : { running: false, endpoints: [], busy: this.#busy };
  }

  #progress(line: string): void {
    this.#emit({ line, at: Date.now() });
  }

  async up(topology: Topology): Promise<Result<LabUpResult>> {
    const unavailable = labUnavailableReason(this.#labDir);
    if (unavailable) return err(unavailable);
    if (this.#busy) return err('the lab is busy with another start or stop; wait for it to finish');
    if (topology.hosts.length === 0) return err('the design has no hosts to run in the lab');
    this.#busy = true;
    const started = Date.now();
    try {
      this.#progress(`starting the lab for ${topology.hosts.length} host(s)`);
      const { vm, endpoints, reused } = await labUp(topology, { labDir: this.#labDir, log: (l) => this.#progress(l) });
      if (!reused) this.#booted = true;
      this.#progress('proving each host with an SSH login');
      const dead = await deadLabEndpoints(vm, endpoints);
      if (dead.length > 0) return err(`SSH to ${dead.map((d) => d.host).join(', ')} in the lab does not work: ${dead[0]!.error}`);
      const list: LabHostEndpoint[] = endpoints.map((e) => ({ host: e.host, port: e.port }));
      this.#writeKnownHosts(list);
      this.#progress(reused ? 'the running lab VM was reused; hosts rebuilt' : 'lab VM booted; hosts created');
      return ok({ endpoints: list, keyPath: vm.keyPath, reused, elapsedMs: Date.now() - started });
    } catch (e) {
      return err((e as Error).message || String(e));
    } finally {
      this.#busy = false;
    }
  }

  async down(): Promise<Result<boolean>> {
    if (this.#busy) return err('the lab is busy with another start or stop; wait for it to finish');
    this.#busy = true;
    try {
      this.#progress('stopping the lab');
      rmSync(this.knownHostsFile, { force: true });
      const was = await labDown(this.#labDir);
      this.#booted = false;
      this.#progress(was ? 'lab stopped' : 'no lab was running');
      return ok(was);
    } catch (e) {
      return err((e as Error).message || String(e));
    } finally {
      this.#busy = false;
    }
  }

  /** Whether a capture can run now: the lab is available here and its VM is running. */
  captureAvailable(): LabAvailability {
    const a = this.available();
    if (!a.available) return a;
    return labStatus(this.#labDir) ? a : { available: false, reason: 'the built-in lab is not running: use "Run in the built-in lab" first' };
  }

  /**
   * Captures one request of `topology` in the running lab VM (its hosts created and the design
   * deployed by "Run in the built-in lab") and compares it with the simulation.
   */
  async capture(topology: Topology, request: CaptureRunRequest): Promise<Result<CaptureView>> {
    const unavailable = labUnavailableReason(this.#labDir);
    if (unavailable) return err(unavailable);
    if (this.#busy) return err('the lab is busy (starting, stopping or capturing); wait for it to finish');
    const s = labStatus(this.#labDir);
    if (!s) return err('the built-in lab is not running: use "Run in the built-in lab" first');
    if (!topology.hosts.some((h) => h.id === request.client)) return err(`no host "${request.client}" in the design`);
    this.#busy = true;
    try {
      this.#progress('capturing one request with tcpdump on every lab interface');
      const r = await captureRequest(s.vm, topology, request);
      this.#progress(`captured ${r.walk.steps.length} wire step(s); ${r.comparison.differences.length} difference(s) from the simulation`);
      return ok({
        vip: r.vip,
        vport: r.vport,
        walk: r.walk,
        trace: r.trace,
        comparison: r.comparison,
        request: r.request,
        pcaps: r.pcaps.map((p) => ({ host: p.host, iface: p.name, bytes: p.bytes.length })),
        problems: r.problems,
      });
    } catch (e) {
      return err((e as Error).message || String(e));
    } finally {
      this.#busy = false;
    }
  }

  /** Powers off a lab VM this service booted (the app quits); one started by `lvsd lab up` keeps running. */
  async close(): Promise<void> {
    if (!this.#booted) return;
    this.#booted = false;
    rmSync(this.knownHostsFile, { force: true });
    await labDown(this.#labDir).catch(() => undefined);
  }

  #writeKnownHosts(endpoints: readonly LabHostEndpoint[]): void {
    let blob: Buffer | null = null;
    try {
      blob = dropbearEd25519PublicBlob(readFileSync(join(this.#labDir, 'dropbear_ed25519_host_key')));
    } catch {
      blob = null;
    }
    if (!blob) {
      rmSync(this.knownHostsFile, { force: true });
      this.#progress('the lab host key could not be read: the deploy will ask to trust each host');
      return;
    }
    const lines = endpoints.map((e) => `${knownHostsName('127.0.0.1', e.port)} ssh-ed25519 ${blob.toString('base64')}`);
    writeFileSync(this.knownHostsFile, lines.join('\n') + '\n', { mode: 0o600 });
  }
}
