/**
 * `lvsd import ipvsadm|ipvsadm-list|commands|keepalived FILE [--name NAME]`: turn an existing
 * configuration into a design. The design file JSON goes to stdout, the problems to stderr as
 * `FILE:LINE: severity: message`. Exit 0 = clean, 1 = error-level problems, 2 = unreadable input.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import type { ImportKind } from '../../../shared/importers/index.ts';
import { IMPORT_KINDS, detectImportKind, importConfig } from '../../../shared/importers/index.ts';
import { makeDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';

const USAGE = `usage: lvsd import auto|${IMPORT_KINDS.join('|')} FILE|- [--name NAME] [--config-id ID]\n\n  auto  detect the kind (an article with commands in its prose is read as commands)\n`;

/**
 * Reads keepalived `include`s relative to the imported file's directory; anything whose real path
 * (symbolic links followed) leaves that directory is refused.
 */
function includeReader(file: string): (rel: string) => string | null {
  const base = realpathSync(dirname(file));
  return (rel) => {
    try {
      const real = realpathSync(join(base, rel));
      if (!real.startsWith(base + sep)) return null;
      const text = readFileSync(real, 'utf8');
      return text.includes('\u0000') ? null : text;
    } catch {
      return null;
    }
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const run: CliCommand = async (argv, io) => {
  const args = parseCommandLine({ command: 'import', usage: USAGE, options: { name: { type: 'string' }, 'config-id': { type: 'string' } } }, argv, io);
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const [kind, file] = positionals;
  if (positionals.length !== 2 || (kind !== 'auto' && !IMPORT_KINDS.includes(kind as ImportKind))) {
    return args.usageError(`expected a kind (auto, ${IMPORT_KINDS.join(', ')}) and a file (- for stdin)`);
  }
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file!, 'utf8');
  } catch (e) {
    io.stderr(`lvsd import: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return EXIT.unusable;
  }
  if (text.includes('\u0000')) {
    io.stderr(`lvsd import: ${file} is a binary file, not ${kind} text\n`);
    return EXIT.unusable;
  }
  const label = file === '-' ? 'stdin' : file!;
  const name = values.name ?? `Imported from ${file === '-' ? 'stdin' : basename(file!)}`;
  const used = kind === 'auto' ? detectImportKind(text) : (kind as ImportKind);
  if (kind === 'auto') io.stderr(`${label}: read as ${used}\n`);
  const configId = values['config-id'];
  const result = importConfig(used, text, name.slice(0, 256), {
    ...(configId !== undefined ? { configId } : {}),
    ...(file !== '-' ? { include: includeReader(file!) } : {}),
  });
  io.stdout(serializeDesignFile(makeDesignFile(result.topology, result.layout)));
  for (const p of result.problems) {
    io.stderr(`${label}${p.line > 0 ? `:${p.line}` : ''}: ${p.severity}: ${p.message}\n${p.text ? `    ${p.text}\n` : ''}`);
  }
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  io.stderr(`${label}: ${result.topology.services.length} service(s), ${result.topology.hosts.length} host(s); ${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 ? EXIT.problems : EXIT.ok;
};
