/**
 * Host-key checking like OpenSSH: the app's own known_hosts file (read-write) plus the user's
 * `~/.ssh/known_hosts` (read-only). Plain, comma-separated, wildcard, negated and hashed (`|1|…`)
 * host patterns are understood; `@revoked` keys are refused; `@cert-authority` lines are ignored
 * (no certificate support).
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** OpenSSH-style fingerprint of a raw SSH public key blob: `SHA256:<base64 without padding>`. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name stored at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > key.length) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** The name a host is stored under in known_hosts: `host` for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export interface KnownHostEntry {
  readonly marker: '' | '@revoked' | '@cert-authority';
  readonly patterns: string;
  readonly keyType: string;
  readonly key: Buffer;
  /** File and line, for messages. */
  readonly source: string;
}

/** Parses known_hosts text; malformed lines are skipped (OpenSSH does the same). */
export function parseKnownHosts(text: string, sourceName: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    const [patterns, keyType, b64] = fields;
    if (!patterns || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) return;
    out.push({ marker, patterns, keyType, key, source: `${sourceName}:${i + 1}` });
  });
  return out;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

function hashedMatch(pattern: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = pattern.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const want = parts[3] ?? '';
  return createHmac('sha1', salt).update(name).digest('base64') === want;
}

/** True when the known_hosts host field `patterns` matches `name` (`host` or `[host]:port`). */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith('|')) return hashedMatch(patterns, name);
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1)).test(name)) return false;
    } else if (globToRegExp(p).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** Outcome of checking a presented key. */
export type HostKeyStatus =
  | { readonly status: 'trusted'; readonly source: string }
  | { readonly status: 'unknown' }
  | { readonly status: 'changed'; readonly source: string; readonly knownFingerprint: string }
  | { readonly status: 'revoked'; readonly source: string };

/** Checks a key against a list of entries for one host name. */
export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyStatus {
  const type = keyTypeOf(key);
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && patternsMatch(e.patterns, name));
  const revoked = forHost.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', source: revoked.source };
  const plain = forHost.filter((e) => e.marker === '');
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'trusted', source: same.source };
  // A different key of the same algorithm for this host is what OpenSSH calls
  // "REMOTE HOST IDENTIFICATION HAS CHANGED". A key of another algorithm is merely not known yet.
  const conflicting = plain.find((e) => e.keyType === type);
  if (conflicting) return { status: 'changed', source: conflicting.source, knownFingerprint: fingerprintOf(conflicting.key) };
  return { status: 'unknown' };
}

/** The app's known_hosts (writable) plus read-only extra files (the user's `~/.ssh/known_hosts`). */
export class KnownHosts {
  readonly #appFile: string;
  readonly #readOnly: readonly string[];

  constructor(appFile: string, readOnlyFiles: readonly string[] = []) {
    this.#appFile = appFile;
    this.#readOnly = readOnlyFiles;
  }

  get appFile(): string {
    return this.#appFile;
  }

  async #entries(): Promise<KnownHostEntry[]> {
    const all: KnownHostEntry[] = [];
    for (const file of [this.#appFile, ...this.#readOnly]) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue;
      }
      all.push(...parseKnownHosts(text, file));
    }
    return all;
  }

  /** Checks `key` presented by `host:port`. Files are re-read each time so a trust given elsewhere counts. */
  async check(host: string, port: number, key: Buffer): Promise<HostKeyStatus> {
    return checkHostKey(await this.#entries(), knownHostsName(host, port), key);
  }

  /** Key types on record for `host:port` (not revoked), so the connection can ask for a known one first. */
  async knownTypes(host: string, port: number): Promise<string[]> {
    const name = knownHostsName(host, port);
    const types = (await this.#entries()).filter((e) => e.marker === '' && patternsMatch(e.patterns, name)).map((e) => e.keyType);
    return [...new Set(types)];
  }

  /** Appends a trusted key for `host:port` to the app's file (mode 0600). */
  async trust(host: string, port: number, key: Buffer): Promise<void> {
    const name = knownHostsName(host, port);
    if (/[\s,#]/.test(name)) throw new Error(`refusing to store a host name with spaces or commas: ${JSON.stringify(host)}`);
    await mkdir(dirname(this.#appFile), { recursive: true, mode: 0o700 });
    await appendFile(this.#appFile, `${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
  }
}
