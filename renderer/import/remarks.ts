/** Helpers for showing importer remarks in the UI language. */
import type { ImportProblem } from '../../shared/importers/index.ts';

/** The remark's text in `language` (Simplified Chinese for zh*, else English). */
export const remarkText = (p: ImportProblem, language: string): string => (language.toLowerCase().startsWith('zh') ? p.messageZh : p.message);
