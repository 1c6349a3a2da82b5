/**
 * Builds the complete bridge (every domain's handlers + the event bus) for one backend. Electron
 * main and `lvsd serve` both call `createBridge`; only the transports differ.
 */
import { FileService } from '../files/fileService.ts';
import type { FileDialogs } from '../files/fileService.ts';
import { EventBus } from './events.ts';
import { BridgeRegistry } from './registry.ts';
import { filesDomain } from './domains/files.ts';
import { deployDomain } from './domains/deploy.ts';
import { liveDomain } from './domains/live.ts';
import { labDomain } from './domains/lab.ts';
import { captureDomain } from './domains/capture.ts';
import { LabService } from '../lab/service.ts';
import { LiveService } from '../live/service.ts';
import { KnownHosts } from '../ssh/hostkeys.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DeployService } from '../deploy/service.ts';
import type { SecretStore } from '../secrets/store.ts';
import { MemorySecretStore } from '../secrets/store.ts';

export { BridgeRegistry } from './registry.ts';
export type { CallOutcome, PayloadIssue } from './registry.ts';
export { EventBus } from './events.ts';

export interface BridgeOptions {
  /** Where designs, recent files and the recovery copy live. */
  readonly dataDir: string;
  /** Native dialogs (Electron); absent in browser mode. */
  readonly dialogs?: FileDialogs | null;
  /** Where deploy secrets are kept (Electron: the OS keychain via safeStorage); memory when absent. */
  readonly secrets?: SecretStore;
  /** The built-in lab's directory; `$LVSD_LAB_DIR` or `/var/cache/lvs-designer-lab` when absent. */
  readonly labDir?: string;
  /** The event bus to emit on (a front end that subscribed before the services were built); new when absent. */
  readonly events?: EventBus;
}

export interface Bridge {
  readonly registry: BridgeRegistry;
  readonly events: EventBus;
  readonly files: FileService;
  /** Live-view sessions; `close()` them when the backend shuts down. */
  readonly live: LiveService;
  /** The built-in qemu lab. */
  readonly lab: LabService;
  /** Stops every live session and powers off a lab VM this backend booted. */
  close(): Promise<void>;
}

export async function createBridge(options: BridgeOptions): Promise<Bridge> {
  const events = options.events ?? new EventBus();
  const files = new FileService({
    dataDir: options.dataDir,
    dialogs: options.dialogs ?? null,
    onRecentChanged: (recent) => events.emit('files:recent', recent),
  });
  await files.init();
  const secrets = options.secrets ?? new MemorySecretStore();
  const lab = new LabService({ emit: (p) => events.emit('lab:progress', p), ...(options.labDir ? { labDir: options.labDir } : {}) });
  // The running lab's endpoints are trusted through their own file (see LabService), beside the user's.
  const readOnlyKnownHosts = [join(homedir(), '.ssh', 'known_hosts'), lab.knownHostsFile];
  const deploy = new DeployService({
    emit: (e) => events.emit('deploy:progress', e),
    knownHostsFile: join(options.dataDir, 'known_hosts'),
    readOnlyKnownHosts,
    secrets,
  });
  const live = new LiveService({
    emit: (u) => events.emit('live:update', u),
    // The deploy's trust store: the live view accepts only host keys a deploy or plan has trusted.
    knownHosts: new KnownHosts(join(options.dataDir, 'known_hosts'), readOnlyKnownHosts),
    secrets,
  });
  const registry = new BridgeRegistry()
    .register('files', filesDomain(files))
    .register('deploy', deployDomain(deploy))
    .register('live', liveDomain(live))
    .register('lab', labDomain(lab))
    .register('capture', captureDomain(lab))
    .assertComplete();
  const close = async (): Promise<void> => {
    live.close();
    await lab.close();
  };
  return { registry, events, files, live, lab, close };
}
