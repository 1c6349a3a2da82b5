/**
 * Where deploy secrets (SSH passwords, key passphrases, sudo passwords) are kept. The deploy engine
 * only sees this interface: the CLI uses {@link MemorySecretStore}; the Electron main process uses
 * {@link SafeStorageSecretStore} (./safe-storage.ts) with Electron's `safeStorage` passed in.
 * Secrets are never written into a design file, a log or an event.
 */

/** Key of a secret: what it unlocks (`password:root@10.0.0.2:22`, `passphrase:/home/u/.ssh/id_ed25519`). */
export type SecretKey = string;

export interface SecretStore {
  get(key: SecretKey): Promise<string | undefined>;
  set(key: SecretKey, value: string): Promise<void>;
  delete(key: SecretKey): Promise<void>;
  /** Forgets every secret. */
  clear(): Promise<void>;
}

/** Secrets for the lifetime of the process only. */
export class MemorySecretStore implements SecretStore {
  readonly #map = new Map<SecretKey, string>();

  async get(key: SecretKey): Promise<string | undefined> {
    return this.#map.get(key);
  }

  async set(key: SecretKey, value: string): Promise<void> {
    this.#map.set(key, value);
  }

  async delete(key: SecretKey): Promise<void> {
    this.#map.delete(key);
  }

  async clear(): Promise<void> {
    this.#map.clear();
  }
}
