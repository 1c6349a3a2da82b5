/**
 * Reading and writing `*.lvs.json` design files: size guard, JSON parse, migration, schema check.
 * Every failure comes back as a readable message that names the path of the bad field. Building and
 * serialising a file live in `fileFormat.ts` (no zod), re-exported here.
 */
import type { DesignFile } from './types.ts';
import { FORMAT_VERSION } from './types.ts';
import { designFileSchema } from './schema.ts';
import { migrate } from './migrations.ts';
import type { Result } from '../util/result.ts';
import { err, ok } from '../util/result.ts';

import { MAX_FILE_BYTES, formatPath } from './fileFormat.ts';

export { MAX_FILE_BYTES, formatPath, makeDesignFile, serializeDesignFile } from './fileFormat.ts';

/** A file that could not be loaded: a one-line reason plus the individual field problems. */
export interface FileError {
  readonly message: string;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

const fail = (message: string, issues: FileError['issues'] = []): Result<never, FileError> => err({ message, issues });

/** Deepest nesting of arrays/objects a design file may have (a real one is ~8 levels deep). */
export const MAX_NESTING = 64;

/** Most JSON values (objects, arrays, scalars) walked when looking for a key; a 20,000-host design has ~2 million. */
export const MAX_VALUES = 8_000_000;

/**
 * Nesting depth check on the raw text, before `JSON.parse` (which on a hostile file of millions of
 * `[` spends seconds and gigabytes): one linear pass that skips strings. Returns the offset where
 * the text first goes deeper than `max`, or -1.
 */
export function firstTooDeep(text: string, max = MAX_NESTING): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/**
 * Path of the first own key named `key` anywhere in a JSON value, or null. Iterative (deep nesting
 * cannot overflow the stack) and linear: each value is visited once, and the path is built from
 * parent links only for the hit. `null` with `exceeded` when more than `maxValues` were seen.
 */
function findKey(root: unknown, key: string, maxValues = MAX_VALUES): { path: string | null; exceeded: boolean } {
  interface Node {
    readonly value: unknown;
    readonly parent: Node | null;
    readonly step: PropertyKey | null;
  }
  const pathOf = (n: Node): string => {
    const steps: PropertyKey[] = [];
    for (let p: Node | null = n; p && p.step !== null; p = p.parent) steps.push(p.step);
    return formatPath(steps.reverse());
  };
  const stack: Node[] = [{ value: root, parent: null, step: null }];
  let seen = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++seen > maxValues) return { path: null, exceeded: true };
    const { value } = node;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: node, step: i });
      continue;
    }
    for (const k of Object.keys(value)) {
      if (k === key) return { path: pathOf(node), exceeded: false };
      stack.push({ value: (value as Record<string, unknown>)[k], parent: node, step: k });
    }
  }
  return { path: null, exceeded: false };
}

/**
 * Parses, migrates and validates the text of a design file.
 * @example parseDesignFile(fs.readFileSync('nat.lvs.json', 'utf8'))
 */
export function parseDesignFile(text: string): Result<DesignFile, FileError> {
  if (text.length > MAX_FILE_BYTES) return fail(`file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  // Refused before JSON.parse: the check is one linear pass, the parse of such a file is not cheap.
  const deep = firstTooDeep(text);
  if (deep >= 0) return fail(`nested more than ${MAX_NESTING} levels deep (at character ${deep}); an LVS Designer file is never that deep`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not an LVS Designer file: expected a JSON object');
  // JSON.parse keeps "__proto__" as an own key, but copying such an object (migrations, zod records) turns it into a prototype change.
  if (text.includes('"__proto__"')) {
    const found = findKey(raw, '__proto__');
    if (found.exceeded) return fail(`more than ${MAX_VALUES} values: too large to be a design file`);
    const at = found.path;
    if (at !== null) return fail(`${at || 'file'}: the key "__proto__" is not allowed`, [{ path: at, message: 'the key "__proto__" is not allowed' }]);
  }
  const doc = raw as Record<string, unknown>;
  if (doc.format !== 'lvs-designer') return fail('format: not an LVS Designer file (expected "format": "lvs-designer")');
  const migrated = migrate(doc, FORMAT_VERSION);
  if (!migrated.ok) return fail(migrated.error);
  const parsed = designFileSchema.safeParse(migrated.doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 50).map((i) => ({ path: formatPath(i.path), message: i.message }));
    const first = issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    return fail(`${first ? (first.path ? `${first.path}: ${first.message}` : first.message) : 'invalid file'}${more}`, issues);
  }
  return ok(parsed.data as DesignFile);
}
