/**
 * Building and writing a design file, and the limits a reader checks first. Reading one (`file.ts`:
 * migrations and the zod schema) is a separate module so that code which only saves or forwards a
 * file — the designer's autosave, the first paint, the backend's HTTP front — does not load the schema.
 */
import type { DesignFile, Layout, Topology } from './types.ts';
import { FORMAT_VERSION } from './types.ts';

/** Files larger than this are refused before parsing (a design of 20,000 hosts is ~10 MB). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** Formats a zod issue path like `topology.hosts[2].interfaces[0].segment`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** Builds a current-version file object from a topology and its layout. */
export function makeDesignFile(topology: Topology, layout: Layout = { positions: {} }): DesignFile {
  return { format: 'lvs-designer', formatVersion: FORMAT_VERSION, topology, layout };
}

/** Serialises a design file as stable, human-diffable JSON (2-space indent, trailing newline). */
export function serializeDesignFile(file: DesignFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
