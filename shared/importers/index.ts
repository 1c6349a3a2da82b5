/**
 * Importers: turn an existing IPVS configuration into a design. Each takes the text and returns
 * `{ topology, layout, problems }` — the topology always passes the file schema, however messy the
 * input, and every doubtful or wrong line is in `problems` with its line number.
 */
import { buildDesign } from './build.ts';
import { parseIpvsadmCommands, parseIpvsadmList, parseIpvsadmSave } from './ipvsadm-text.ts';
import { parseKeepalived } from './keepalived.ts';
import type { KeepalivedImportOptions } from './keepalived.ts';
import type { ImportResult, ParsedService } from './types.ts';
import { MAX_IMPORT_BYTES, Problems } from './types.ts';

export type { ImportProblem, ImportResult, ParsedRealServer, ParsedService } from './types.ts';
export { parseIpvsadmCommands, parseIpvsadmList, parseIpvsadmSave } from './ipvsadm-text.ts';
export { parseKeepalived } from './keepalived.ts';
export { mergeDesign } from './merge.ts';
export type { MergeResult } from './merge.ts';
export type { KeepalivedImportOptions } from './keepalived.ts';
export { importKeepalivedPair } from './keepalived-pair.ts';
export type { PairMemberText } from './keepalived-pair.ts';

/** The input formats `lvsd import` understands. */
export type ImportKind = 'ipvsadm' | 'ipvsadm-list' | 'commands' | 'keepalived';
export const IMPORT_KINDS: readonly ImportKind[] = ['ipvsadm', 'ipvsadm-list', 'commands', 'keepalived'];

const SOURCES: Record<ImportKind, string> = {
  ipvsadm: 'ipvsadm -S -n output',
  'ipvsadm-list': 'ipvsadm -L -n output',
  commands: 'pasted ipvsadm commands',
  keepalived: 'keepalived.conf',
};

const PARSERS: Record<ImportKind, (text: string, p: Problems) => { services: ParsedService[] }> = {
  ipvsadm: parseIpvsadmSave,
  'ipvsadm-list': parseIpvsadmList,
  commands: parseIpvsadmCommands,
  keepalived: parseKeepalived,
};

/**
 * Guesses what pasted text is, from its first 64 KiB (anchored patterns only, so linear):
 * `virtual_server` blocks → keepalived.conf; the `ipvsadm -L -n` table (header, `->` rows or
 * `TCP VIP:PORT sched` rows) → `ipvsadm-list`; only `-A`/`-a` lines → `ipvsadm` (-S); anything
 * else — a shell history, a script, a whole article with commands in its prose — → `commands`,
 * whose parser reads commands out of surrounding text.
 */
export function detectImportKind(text: string): ImportKind {
  const head = text.slice(0, 65536);
  if (/^[ \t]*virtual_server(?:_group)?[ \t]/m.test(head) || /^[ \t]*real_server[ \t]/m.test(head)) return 'keepalived';
  if (
    /^IP Virtual Server version/m.test(head) ||
    /^[ \t]*->[ \t]+\d/m.test(head) ||
    /^(?:TCP|UDP|SCTP)[ \t]+\d{1,3}(?:\.\d{1,3}){3}:\d+[ \t]+[a-z]/m.test(head)
  )
    return 'ipvsadm-list';
  const lines = head
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length > 0 && lines.every((l) => /^-[Aa][ \t]/.test(l))) return 'ipvsadm';
  return 'commands';
}

/**
 * Imports text of the given kind into a design.
 * @example importConfig('ipvsadm', '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1\n')
 */
export function importConfig(kind: ImportKind, text: string, name = 'Imported design', keepalived: KeepalivedImportOptions = {}): ImportResult {
  const p = new Problems();
  if (text.length > MAX_IMPORT_BYTES) {
    p.error(0, '', `input is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`, `输入超过 ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
    return buildDesign([], p, { name, source: SOURCES[kind] });
  }
  const { services } = kind === 'keepalived' ? parseKeepalived(text, p, keepalived) : PARSERS[kind](text, p);
  return buildDesign(services, p, { name, source: SOURCES[kind] });
}

/** `ipvsadm -S -n` output → design. */
export const importIpvsadmSave = (text: string): ImportResult => importConfig('ipvsadm', text);
/** `ipvsadm -L -n` output → design. */
export const importIpvsadmList = (text: string): ImportResult => importConfig('ipvsadm-list', text);
/** Pasted ipvsadm commands → design. */
export const importIpvsadmCommands = (text: string): ImportResult => importConfig('commands', text);
/** keepalived.conf → design. */
export const importKeepalived = (text: string): ImportResult => importConfig('keepalived', text);
