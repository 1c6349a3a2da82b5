/**
 * Secret redaction for everything a deploy emits (events, the saved log, error messages). Every
 * secret the engine touches is registered here first, so a password echoed back by a misbehaving
 * host or an error text is masked too, not only the values the engine formats itself.
 */

export const REDACTED = '********';

export class Redactor {
  readonly #secrets = new Set<string>();
  #sorted: string[] = [];

  /** Registers a secret; empty strings are ignored. */
  add(secret: string | undefined): void {
    if (!secret || this.#secrets.has(secret)) return;
    this.#secrets.add(secret);
    // Longest first, so a secret that contains another is masked whole.
    this.#sorted = [...this.#secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Redacts every string (values and keys) inside a JSON-safe value. */
  redactDeep<T>(value: T): T {
    if (this.#sorted.length === 0) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.redact(k), walk(x)]));
      return v;
    };
    return walk(value) as T;
  }

  /** How many secrets are held (0 once {@link clear} ran). */
  get size(): number {
    return this.#secrets.size;
  }

  /** Drops every secret: called when a run is over (its log is already redacted). */
  clear(): void {
    this.#secrets.clear();
    this.#sorted = [];
  }
}
