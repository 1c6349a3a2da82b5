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
}

export interface Bridge {
  readonly registry: BridgeRegistry;
  readonly events: EventBus;
  readonly files: FileService;
}

export async function createBridge(options: BridgeOptions): Promise<Bridge> {
  const events = new EventBus();
  const files = new FileService({
    dataDir: options.dataDir,
    dialogs: options.dialogs ?? null,
    onRecentChanged: (recent) => events.emit('files:recent', recent),
  });
  await files.init();
  const deploy = new DeployService({
    emit: (e) => events.emit('deploy:progress', e),
    knownHostsFile: join(options.dataDir, 'known_hosts'),
    secrets: options.secrets ?? new MemorySecretStore(),
  });
  const registry = new BridgeRegistry().register('files', filesDomain(files)).register('deploy', deployDomain(deploy)).assertComplete();
  return { registry, events, files };
}
