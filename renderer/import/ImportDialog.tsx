/**
 * Import dialog: paste any supported text (the kind is detected, or chosen), then add it to the
 * open design as one undo step or open it as a new design (asking first when the open one has
 * unsaved changes). The import runs in a Web Worker; every remark goes to the Problems panel.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportKind, ImportProblem, ImportResult } from '../../shared/importers/index.ts';
import { IMPORT_KINDS, detectImportKind, mergeDesign } from '../../shared/importers/index.ts';
import { Modal } from '../app/Modal.tsx';
import { confirmDiscard } from '../app/files.ts';
import { useApp } from '../store/index.ts';
import type { RunningImport } from './runImport.ts';
import { runImport } from './runImport.ts';
import { remarkText } from './remarks.ts';

type Target = 'merge' | 'new';

/** Puts an import's result into the app: merged into the open design (one undo step) or loaded as a new, unsaved design. */
export function acceptImport(target: Target, kind: ImportKind, text: string, result: ImportResult): void {
  const s = useApp.getState();
  let problems = result.problems;
  let ids: string[];
  if (target === 'merge') {
    const { design, idMap } = mergeDesign(s.design, { topology: result.topology, layout: result.layout });
    s.apply(() => design);
    problems = problems.map((p) => (p.refs ? { ...p, refs: [...new Set(p.refs.map((id) => idMap.get(id) ?? id))] } : p));
    ids = [...idMap.values()];
  } else {
    s.load({ topology: result.topology, layout: result.layout }, null, null, true);
    ids = [...result.topology.hosts.map((h) => h.id), ...result.topology.segments.map((x) => x.id)];
  }
  s.setImportReport({ kind, text, problems });
  s.toggleProblems(true);
  s.clearSelection();
  s.openDialog(null);
  const t = useApp.getState().design.topology;
  s.focusOn(
    ids.filter((id) => t.hosts.some((h) => h.id === id) || t.segments.some((x) => x.id === id)),
    true,
  );
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<ImportKind | 'auto'>('auto');
  const [text, setText] = useState('');
  const [running, setRunning] = useState<RunningImport | null>(null);
  const [failure, setFailure] = useState<readonly ImportProblem[] | null>(null);
  const empty = useApp((s) => s.design.topology.hosts.length === 0 && s.design.topology.segments.length === 0);
  const detected = useMemo(() => (text.trim() === '' ? null : detectImportKind(text)), [text]);
  const runningRef = useRef<RunningImport | null>(null);
  useEffect(() => () => runningRef.current?.cancel(), []);

  const go = async (target: Target) => {
    if (target === 'new' && !confirmDiscard()) return;
    setFailure(null);
    const run = runImport({ kind, text, name: t('import.designName') });
    runningRef.current = run;
    setRunning(run);
    let out;
    try {
      out = await run.done;
    } catch (e) {
      setRunning(null);
      runningRef.current = null;
      if ((e as Error).message !== 'cancelled')
        setFailure([{ line: 0, text: '', message: (e as Error).message, messageZh: (e as Error).message, severity: 'error' }]);
      return;
    }
    setRunning(null);
    runningRef.current = null;
    const r = out.result;
    if (r.topology.services.length === 0) {
      // Nothing usable: the dialog stays open with every reason; the open design is untouched.
      setFailure(r.problems.length ? r.problems : [{ line: 0, text: '', message: t('import.nothing'), messageZh: t('import.nothing'), severity: 'error' }]);
      return;
    }
    acceptImport(empty ? 'new' : target, out.kind, text, r);
    // The remarks are in the Problems panel; the notice only says where, and fades.
    useApp.getState().notify('info', t(target === 'merge' && !empty ? 'import.doneMerged' : 'import.doneNew', { count: r.problems.length }));
  };

  return (
    <Modal title={t('import.title')} testId="import-dialog" onClose={onClose} wide>
      <div className="field">
        <label htmlFor="import-kind">{t('import.kind')}</label>
        <select id="import-kind" data-testid="import-kind" value={kind} onChange={(e) => setKind(e.target.value as ImportKind | 'auto')}>
          <option value="auto">{detected ? t('import.autoDetected', { kind: t(`import.kinds.${detected}`) }) : t('import.auto')}</option>
          {IMPORT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`import.kinds.${k}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="import-text">{t('import.text')}</label>
        <textarea
          id="import-text"
          className="mono"
          rows={14}
          data-testid="import-text"
          value={text}
          spellCheck={false}
          placeholder={t('import.placeholder')}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {failure && (
        <div className="config-error import-failure" role="alert" data-testid="import-error">
          <strong>{t('import.failed')}</strong>
          <ul className="plain-list">
            {failure.map((p, i) => (
              <li key={i}>{p.line > 0 ? `${t('import.line', { line: p.line })} ${remarkText(p, i18n.language)}` : remarkText(p, i18n.language)}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="button-row end">
        {running ? (
          <>
            <span className="muted" data-testid="import-busy">
              {t('import.busy')}
            </span>
            <button type="button" onClick={() => running.cancel()}>
              {t('action.cancel')}
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={onClose}>
              {t('action.cancel')}
            </button>
            {!empty && (
              <button type="button" onClick={() => void go('new')} disabled={text.trim() === ''} data-testid="import-new">
                {t('import.asNew')}
              </button>
            )}
            <button type="button" className="primary" onClick={() => void go('merge')} disabled={text.trim() === ''} data-testid="import-run">
              {empty ? t('import.run') : t('import.intoThis')}
            </button>
          </>
        )}
      </div>
    </Modal>
  );
}
