/**
 * Text exports of the open design (draw.io, Mermaid, the HTML design report), downloaded as files
 * in the browser; Electron shows its save dialog for downloads. The texts come from shared/export.
 */
import { toDrawio, toMermaid } from '../../shared/export/diagram.ts';
import { designReportHtml } from '../../shared/export/report.ts';
import type { Design } from '../../shared/model/commands.ts';
import { download } from './download.ts';

export type TextExportKind = 'drawio' | 'mermaid' | 'report';

const FILES: Record<TextExportKind, { ext: string; type: string }> = {
  drawio: { ext: 'drawio', type: 'application/xml' },
  mermaid: { ext: 'mmd', type: 'text/plain' },
  report: { ext: 'html', type: 'text/html' },
};

/** The text of an export of `d` (the report in `language`). */
export function exportText(kind: TextExportKind, d: Design, language: string): string {
  if (kind === 'drawio') return toDrawio(d);
  if (kind === 'mermaid') return toMermaid(d);
  return designReportHtml(d, language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en', new Date().toISOString().slice(0, 16).replace('T', ' '));
}

/** Downloads an export of `d` named after `baseName`. */
export function downloadExport(kind: TextExportKind, d: Design, baseName: string, language: string): void {
  const { ext, type } = FILES[kind];
  const name = `${baseName.replace(/[^A-Za-z0-9 _.()-]+/g, '-') || 'design'}${kind === 'report' ? '-report' : ''}.${ext}`;
  download(name, exportText(kind, d, language), `${type};charset=utf-8`);
}
