/**
 * A {@link SecretStore} backed by Electron's `safeStorage` (OS keychain: Keychain, DPAPI, libsecret
 * or kwallet). This file does not import `electron`: the main process passes `safeStorage` in as
 * {@link SafeStorageLike}, so the code stays plain Node and testable.
 *
 * The encrypted blobs are kept in one JSON file (mode 0600) in the app's data directory. When the
 * OS offers no real keychain (Linux `basic_text` backend, or encryption unavailable) secrets are
 * kept in memory only — writing them with a hard-coded key would merely look safe.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretKey, SecretStore } from './store.ts';
import { MemorySecretStore } from './store.ts';

/** The part of Electron's `safeStorage` this store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text`, `gnome_libsecret`, `kwallet`, … */
  getSelectedStorageBackend?(): string;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly #safe: SafeStorageLike;
  readonly #file: string;
  readonly #memory = new MemorySecretStore();

  constructor(safeStorage: SafeStorageLike, file: string) {
    this.#safe = safeStorage;
    this.#file = file;
  }

  /** True when secrets survive a restart (a real OS keychain backs the encryption). */
  get persistent(): boolean {
    if (!this.#safe.isEncryptionAvailable()) return false;
    const backend = this.#safe.getSelectedStorageBackend?.();
    return backend === undefined || backend !== 'basic_text';
  }

  async #load(): Promise<Record<string, string>> {
    try {
      const raw = JSON.parse(await readFile(this.#file, 'utf8')) as unknown;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch {
      return {};
    }
  }

  async #save(data: Record<string, string>): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true, mode: 0o700 });
    const tmp = `${this.#file}.tmp`;
    await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.#file);
  }

  async get(key: SecretKey): Promise<string | undefined> {
    const mem = await this.#memory.get(key);
    if (mem !== undefined || !this.persistent) return mem;
    const blob = (await this.#load())[key];
    if (blob === undefined) return undefined;
    try {
      const value = this.#safe.decryptString(Buffer.from(blob, 'base64'));
      await this.#memory.set(key, value);
      return value;
    } catch {
      // Encrypted under another OS user or keychain: unusable, ask again.
      return undefined;
    }
  }

  async set(key: SecretKey, value: string): Promise<void> {
    await this.#memory.set(key, value);
    if (!this.persistent) return;
    const data = await this.#load();
    data[key] = this.#safe.encryptString(value).toString('base64');
    await this.#save(data);
  }

  async delete(key: SecretKey): Promise<void> {
    await this.#memory.delete(key);
    const data = await this.#load();
    if (key in data) {
      delete data[key];
      await this.#save(data);
    }
  }

  async clear(): Promise<void> {
    await this.#memory.clear();
    await this.#save({});
  }
}
