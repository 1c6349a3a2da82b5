/**
 * `lvsd import keepalived-pair FILE1 FILE2 [--members A,B] [--lang en|zh]`: the keepalived.conf of
 * each member of a VRRP pair merged into one design with the director group; member names from
 * --members or the file names without extension; where the files disagree the problems say so.
 *
 * `lvsd import ipvsadm|ipvsadm-list|commands|keepalived FILE [--name NAME]`: turn an existing
 * configuration into a design. The design file JSON goes to stdout, the problems to stderr as
 * `FILE:LINE: severity: message`. Exit 0 = clean, 1 = error-level problems, 2 = unreadable input.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import type { ImportKind } from '../../../shared/importers/index.ts';
import { IMPORT_KINDS, detectImportKind, importConfig } from '../../../shared/importers/index.ts';
import { importKeepalivedPair } from '../../../shared/importers/keepalived-pair.ts';
import { makeDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';

const USAGE =
  `usage: lvsd import auto|${IMPORT_KINDS.join('|')} FILE|- [--name NAME] [--config-id ID]\n` +
  `       lvsd import keepalived-pair FILE1 FILE2 [--members NAME1,NAME2] [--name NAME] [--lang en|zh]\n\n` +
  `  auto             detect the kind (an article with commands in its prose is read as commands)\n` +
  `  keepalived-pair  the keepalived.conf of each director of a VRRP pair, merged into one design\n`;

/** `lvsd import keepalived-pair F1 F2 …`: one design with the director group. */
async function runPair(files: readonly string[], values: { name?: string; members?: string; lang?: string }, io: Parameters<CliCommand>[1]): Promise<number> {
  const zh = values.lang === 'zh';
  const names = values.members
    ? values.members.split(',').map((x) => x.trim())
    : files.map((f) =>
        basename(f)
          .replace(/\.[^.]*$/, '')
          .replace(/[^A-Za-z0-9_-]/g, '-'),
      );
  if (names.length !== files.length || names.some((n) => !/^[A-Za-z0-9_-]{1,64}$/.test(n)) || new Set(names).size !== names.length) {
    io.stderr(
      zh
        ? `lvsd import：--members 需要 ${files.length} 个不同的名字（字母、数字、_ 或 -），用逗号分隔\n`
        : `lvsd import: --members needs ${files.length} different names (letters, digits, _ or -), separated by commas\n`,
    );
    return EXIT.unusable;
  }
  const texts: string[] = [];
  for (const f of files) {
    try {
      const text = await readFile(f, 'utf8');
      if (text.includes('\u0000')) {
        io.stderr(zh ? `lvsd import：${f} 是二进制文件，不是 keepalived.conf\n` : `lvsd import: ${f} is a binary file, not keepalived.conf text\n`);
        return EXIT.unusable;
      }
      texts.push(text);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      io.stderr(zh ? `lvsd import：无法读取 ${f}：${code}\n` : `lvsd import: cannot read ${f}: ${code}\n`);
      return EXIT.unusable;
    }
  }
  const result = importKeepalivedPair(
    names.map((name, i) => ({ name, text: texts[i]! })),
    (values.name ?? `Imported HA pair ${names.join(' + ')}`).slice(0, 256),
  );
  io.stdout(serializeDesignFile(makeDesignFile(result.topology, result.layout)));
  for (const p of result.problems) {
    io.stderr(`${p.line > 0 ? `line ${p.line}: ` : ''}${p.severity}: ${zh ? p.messageZh : p.message}\n${p.text ? `    ${p.text}\n` : ''}`);
  }
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const groups = result.topology.directorGroups?.length ?? 0;
  io.stderr(
    zh
      ? `${names.join(' + ')}：${groups} 个 HA 组，${result.topology.services.length} 个服务，${result.topology.hosts.length} 台主机；${errors} 个错误，${warnings} 个警告\n`
      : `${names.join(' + ')}: ${groups} HA group(s), ${result.topology.services.length} service(s), ${result.topology.hosts.length} host(s); ${errors} error(s), ${warnings} warning(s)\n`,
  );
  return errors > 0 ? EXIT.problems : EXIT.ok;
}

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
  const args = parseCommandLine(
    {
      command: 'import',
      usage: USAGE,
      options: { name: { type: 'string' }, 'config-id': { type: 'string' }, members: { type: 'string' }, lang: { type: 'string' } },
    },
    argv,
    io,
  );
  if (typeof args === 'number') return args;
  const { values, positionals } = args;
  const [kind, file] = positionals;
  if (values.lang !== undefined && values.lang !== 'en' && values.lang !== 'zh') return args.usageError(`--lang must be en or zh, not "${values.lang}"`);
  if (kind === 'keepalived-pair') {
    if (positionals.length < 3) return args.usageError('keepalived-pair needs the keepalived.conf of each member: FILE1 FILE2');
    return runPair(positionals.slice(1), values, io);
  }
  if (values.members !== undefined) return args.usageError('--members is for keepalived-pair');
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
