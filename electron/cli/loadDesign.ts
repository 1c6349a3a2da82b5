/**
 * Reads and parses a design file for a CLI command. On failure it prints one clear reason (and the
 * field paths of a schema failure) to stderr and returns null; every command maps that to exit 2.
 */
import { readFile, stat } from 'node:fs/promises';
import type { DesignFile } from '../../shared/model/types.ts';
import { MAX_FILE_BYTES, parseDesignFile } from '../../shared/model/file.ts';
import type { CliIO } from './io.ts';

/** `cmd` names the command in messages, e.g. `validate` → `lvsd validate: …`. */
export async function loadDesign(cmd: string, file: string, io: CliIO): Promise<DesignFile | null> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new Error('is a directory');
    if (info.size > MAX_FILE_BYTES) throw new Error(`file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    io.stderr(`lvsd ${cmd}: cannot read ${file}: ${reason}\n`);
    return null;
  }
  const design = parseDesignFile(text);
  if (!design.ok) {
    const details = design.error.issues.length > 1 ? design.error.issues.map((i) => `  ${i.path}: ${i.message}\n`).join('') : '';
    io.stderr(`lvsd ${cmd}: ${file} is not a valid design: ${design.error.message}\n${details}`);
    return null;
  }
  return design.value;
}
