/**
 * The last import's remarks inside the Problems panel: every one with its line number; a click
 * selects what the line became (the host, not every ref) and shows the imported text beside the
 * list, scrolled to that line and marked.
 */
import { useEffect, useRef, useState } from 'react';
import type React from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportProblem } from '../../shared/importers/index.ts';
import { useApp } from '../store/index.ts';
import { remarkText } from './remarks.ts';

/** Selects the design element an import remark is about: the first host among its refs, else its service. */
function revealRemark(p: ImportProblem): void {
  const s = useApp.getState();
  const t = s.design.topology;
  const refs = p.refs ?? [];
  const host = refs.find((id) => t.hosts.some((h) => h.id === id));
  if (host !== undefined) {
    s.select([host], []);
    s.setRightTab('inspector');
    s.highlight([host]);
    s.focusOn([host]);
    return;
  }
  const service = refs.find((id) => t.services.some((v) => v.id === id));
  if (service !== undefined) {
    s.selectService(service, null);
    s.setRightTab('inspector');
  }
}

/** A source line with the remark's text marked (searched by its first 60 characters). */
function Marked({ line, snippet, markRef }: { line: string; snippet: string; markRef: React.RefObject<HTMLElement | null> }) {
  const probe = snippet.replace(/\.\.\.$/, '').slice(0, 60);
  const at = probe === '' ? -1 : line.indexOf(probe);
  if (at < 0) return <>{line}</>;
  const end = Math.min(line.length, at + Math.max(probe.length, snippet.replace(/\.\.\.$/, '').length));
  return (
    <>
      {line.slice(0, at)}
      <mark ref={markRef} data-testid="import-source-mark">
        {line.slice(at, end)}
      </mark>
      {line.slice(end)}
    </>
  );
}

export function ImportRemarks() {
  const { t, i18n } = useTranslation();
  const report = useApp((s) => s.importReport);
  const setReport = useApp((s) => s.setImportReport);
  const [active, setActive] = useState<number | null>(null);
  const lineRef = useRef<HTMLDivElement | null>(null);
  const markRef = useRef<HTMLElement | null>(null);
  useEffect(() => setActive(null), [report]);
  // The marked text when the remark names it (a long paragraph holds many commands), else the line.
  // A block body: Chromium's scrollIntoView returns a promise, which React would call as a cleanup.
  useEffect(() => {
    (markRef.current ?? lineRef.current)?.scrollIntoView({ block: 'center' });
  }, [active]);
  if (!report) return null;
  const activeLine = active === null ? 0 : (report.problems[active]?.line ?? 0);
  const snippet = active === null ? '' : (report.problems[active]?.text ?? '');
  const source = active === null ? undefined : report.problems[active]?.source;
  const text = (source !== undefined ? report.sources?.[source] : undefined) ?? report.text;
  const lines = activeLine > 0 ? text.replace(/\r\n?/g, '\n').split('\n') : [];
  // The source view shows a window around the line: enough context, bounded for huge pastes.
  const from = Math.max(1, activeLine - 6);
  const to = Math.min(lines.length, activeLine + 6);
  return (
    <div className="import-remarks" data-testid="import-remarks">
      <div className="import-remarks-header">
        <strong>{t('importRemarks.title', { count: report.problems.length, kind: t(`import.kinds.${report.kind}`) })}</strong>
        <button type="button" className="link-button" onClick={() => setReport(null)} data-testid="import-remarks-dismiss">
          {t('importRemarks.dismiss')}
        </button>
      </div>
      <div className="import-remarks-body">
        <div className="import-remarks-list" role="list">
          {report.problems.map((p, i) => (
            <button
              key={i}
              type="button"
              role="listitem"
              className={`problem-main import-remark sev-${p.severity}${active === i ? ' is-active' : ''}`}
              data-testid="import-remark"
              data-line={p.line}
              data-source={p.source}
              onClick={() => {
                setActive(i);
                revealRemark(p);
              }}
            >
              <span className={`sev-icon sev-${p.severity}`} aria-label={t(`severity.${p.severity}`)}>
                {p.severity === 'error' ? '●' : '▲'}
              </span>
              <span className="import-remark-line">
                {p.line > 0
                  ? p.source !== undefined
                    ? t('import.fileLine', { file: p.source, line: p.line })
                    : t('import.line', { line: p.line })
                  : t('importRemarks.whole')}
              </span>
              <span className="problem-message">{remarkText(p, i18n.language)}</span>
            </button>
          ))}
        </div>
        {activeLine > 0 && (
          <div className="import-source mono" data-testid="import-source" aria-label={t('importRemarks.source')}>
            {lines.slice(from - 1, to).map((l, k) => {
              const n = from + k;
              return (
                <div
                  key={n}
                  ref={n === activeLine ? lineRef : undefined}
                  className={`import-source-line${n === activeLine ? ' is-active' : ''}`}
                  data-testid={n === activeLine ? 'import-source-active' : undefined}
                >
                  <span className="import-source-no">{n}</span>
                  <span className="import-source-text">
                    {n === activeLine ? <Marked line={l} snippet={snippet} markRef={markRef} /> : l.length > 2000 ? `${l.slice(0, 2000)}…` : l}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
