/**
 * Building and writing a design file. Reading one (`file.ts`: migrations and the zod schema) is a
 * separate module so that code which only saves — the designer's autosave, the first paint — does
 * not load the schema.
 */
import type { DesignFile, Layout, Topology } from './types.ts';
import { FORMAT_VERSION } from './types.ts';

/** Builds a current-version file object from a topology and its layout. */
export function makeDesignFile(topology: Topology, layout: Layout = { positions: {} }): DesignFile {
  return { format: 'lvs-designer', formatVersion: FORMAT_VERSION, topology, layout };
}

/** Serialises a design file as stable, human-diffable JSON (2-space indent, trailing newline). */
export function serializeDesignFile(file: DesignFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
