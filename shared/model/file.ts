/**
 * Reading and writing `*.lvs.json` design files: size guard, JSON parse, migration, schema check.
 * Every failure comes back as a readable message that names the path of the bad field.
 */
import type { DesignFile, Layout, Topology } from './types.ts';
import { FORMAT_VERSION } from './types.ts';
import { designFileSchema } from './schema.ts';
import { migrate } from './migrations.ts';
import type { Result } from '../util/result.ts';
import { err, ok } from '../util/result.ts';

/** Files larger than this are refused before parsing (a design of 20,000 hosts is ~10 MB). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** A file that could not be loaded: a one-line reason plus the individual field problems. */
export interface FileError {
  readonly message: string;
  readonly issues: readonly { readonly path: string; readonly message: string }[];
}

const fail = (message: string, issues: FileError['issues'] = []): Result<never, FileError> => err({ message, issues });

/** Formats a zod issue path like `topology.hosts[2].interfaces[0].segment`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Path of the first own key named `key` anywhere in a JSON value, or null. Iterative, so deep nesting cannot overflow the stack. */
function findKey(root: unknown, key: string): string | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
      continue;
    }
    for (const k of Object.keys(value)) {
      if (k === key) return formatPath(path);
      stack.push({ value: (value as Record<string, unknown>)[k], path: [...path, k] });
    }
  }
  return null;
}

/**
 * Parses, migrates and validates the text of a design file.
 * @example parseDesignFile(fs.readFileSync('nat.lvs.json', 'utf8'))
 */
export function parseDesignFile(text: string): Result<DesignFile, FileError> {
  if (text.length > MAX_FILE_BYTES) return fail(`file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('not an LVS Designer file: expected a JSON object');
  // JSON.parse keeps "__proto__" as an own key, but copying such an object (migrations, zod records) turns it into a prototype change.
  if (text.includes('"__proto__"')) {
    const at = findKey(raw, '__proto__');
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

/** Builds a current-version file object from a topology and its layout. */
export function makeDesignFile(topology: Topology, layout: Layout = { positions: {} }): DesignFile {
  return { format: 'lvs-designer', formatVersion: FORMAT_VERSION, topology, layout };
}

/** Serialises a design file as stable, human-diffable JSON (2-space indent, trailing newline). */
export function serializeDesignFile(file: DesignFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
