/** The toolbar: file actions, edit actions, view actions, the mode switch and the language menu. */
import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useReactFlow } from '@xyflow/react';
import { selectDirty, useApp } from '../store/index.ts';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';
import { deleteSelection, duplicateSelection, runAutoLayout } from './actions.ts';
import { confirmDiscard, openDesign, save, saveAs } from './files.ts';
import { useModes } from './extensions.ts';
import { exportDiagram } from './exportImage.ts';
import { downloadExport } from './exportText.ts';
import { useDismissOnOutsideClick } from './useDismiss.ts';

function Menu({ label, testId, children }: { label: string; testId: string; children: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismissOnOutsideClick(ref, open, () => setOpen(false));
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="tb-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid={testId}>
        {label} <span className="caret">▾</span>
      </button>
      {open && (
        <div className="menu-pop" role="menu">
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}

function Tb({ onClick, label, title, testId, disabled }: { onClick: () => void; label: ReactNode; title: string; testId: string; disabled?: boolean }) {
  return (
    <button type="button" className="tb-button" onClick={onClick} title={title} aria-label={title} data-testid={testId} disabled={disabled}>
      {label}
    </button>
  );
}

export function Toolbar() {
  const { t, i18n } = useTranslation();
  const dirty = useApp(selectDirty);
  const name = useApp((s) => s.design.topology.name);
  const displayName = useApp((s) => s.displayName);
  const canUndo = useApp((s) => s.past.length > 0);
  const canRedo = useApp((s) => s.future.length > 0);
  const hasSelection = useApp((s) => s.selectedNodes.length + s.selectedEdges.length > 0);
  const mode = useApp((s) => s.mode);
  const setMode = useApp((s) => s.setMode);
  const openDialog = useApp((s) => s.openDialog);
  const notify = useApp((s) => s.notify);
  const modes = useModes();
  const flow = useReactFlow();

  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${displayName ?? name} — LVS Designer`;
  }, [dirty, displayName, name]);

  const doExport = (kind: 'png' | 'svg') => {
    exportDiagram(kind, flow.getNodes(), displayName?.replace(/\.lvs\.json$/, '') ?? name).then(
      () => notify('info', t('export.done', { kind: kind.toUpperCase() })),
      (e: Error) => notify('error', `${t('export.failed')}: ${e.message}`),
    );
  };

  return (
    <header className="toolbar" role="toolbar" aria-label={t('toolbar.label')}>
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          LVS
        </span>
        <span className="doc-title" data-testid="doc-title" title={displayName ?? name}>
          {displayName ?? name}
          {dirty && (
            <span className="dirty" data-testid="dirty-marker" title={t('toolbar.unsaved')}>
              ●
            </span>
          )}
        </span>
      </div>
      <div className="tb-group">
        <Tb onClick={() => confirmDiscard() && openDialog('templates')} label={t('toolbar.new')} title={`${t('toolbar.new')} (Ctrl+N)`} testId="tb-new" />
        <Tb onClick={() => openDialog('wizard')} label={t('toolbar.wizard')} title={t('toolbar.wizardHint')} testId="tb-wizard" />
        <Tb onClick={() => void openDesign()} label={t('toolbar.open')} title={`${t('toolbar.open')} (Ctrl+O)`} testId="tb-open" />
        <Tb onClick={() => void save()} label={t('toolbar.save')} title={`${t('toolbar.save')} (Ctrl+S)`} testId="tb-save" />
        <Tb onClick={() => void saveAs()} label={t('toolbar.saveAs')} title={`${t('toolbar.saveAs')} (Ctrl+Shift+S)`} testId="tb-saveas" />
        <Tb onClick={() => openDialog('import')} label={t('toolbar.import')} title={t('toolbar.importHint')} testId="tb-import" />
        <Menu label={t('toolbar.export')} testId="tb-export">
          {(close) => (
            <>
              <button type="button" role="menuitem" data-testid="export-png" onClick={() => (close(), doExport('png'))}>
                {t('export.png')}
              </button>
              <button type="button" role="menuitem" data-testid="export-svg" onClick={() => (close(), doExport('svg'))}>
                {t('export.svg')}
              </button>
              {(['drawio', 'mermaid', 'report'] as const).map((k) => (
                <button key={k} type="button" role="menuitem" data-testid={`export-${k}`} onClick={() => (close(), downloadExport(k, useApp.getState().design, displayName?.replace(/\.lvs\.json$/, '') ?? name, i18n.language))}>
                  {t(`export.${k}`)}
                </button>
              ))}
            </>
          )}
        </Menu>
      </div>
      <div className="tb-sep" />
      <div className="tb-group">
        <Tb onClick={() => useApp.getState().undo()} label="↶" title={`${t('toolbar.undo')} (Ctrl+Z)`} testId="tb-undo" disabled={!canUndo} />
        <Tb onClick={() => useApp.getState().redo()} label="↷" title={`${t('toolbar.redo')} (Ctrl+Shift+Z)`} testId="tb-redo" disabled={!canRedo} />
        <Tb onClick={duplicateSelection} label={t('toolbar.duplicate')} title={`${t('toolbar.duplicate')} (Ctrl+D)`} testId="tb-duplicate" disabled={!hasSelection} />
        <Tb onClick={deleteSelection} label={t('toolbar.delete')} title={`${t('toolbar.delete')} (Del)`} testId="tb-delete" disabled={!hasSelection} />
      </div>
      <div className="tb-sep" />
      <div className="tb-group">
        <Tb onClick={runAutoLayout} label={t('toolbar.autoLayout')} title={`${t('toolbar.autoLayout')} (Ctrl+L)`} testId="tb-layout" />
        <Tb onClick={() => void flow.fitView({ padding: 0.15, duration: 200 })} label={t('toolbar.fit')} title={`${t('toolbar.fit')} (Shift+1)`} testId="tb-fit" />
      </div>
      <div className="tb-spacer" />
      {modes.length > 1 && (
        <div className="mode-switch" role="tablist" aria-label={t('toolbar.mode')}>
          {modes.map((m) => (
            <button key={m.id} type="button" role="tab" aria-selected={mode === m.id} className={mode === m.id ? 'is-active' : undefined} onClick={() => setMode(m.id)} data-testid={`mode-${m.id}`}>
              {t(m.titleKey as 'mode.design')}
            </button>
          ))}
        </div>
      )}
      <select className="lang-select" aria-label={t('toolbar.language')} data-testid="language-select" value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
      <Tb onClick={() => openDialog('shortcuts')} label="?" title={t('toolbar.shortcuts')} testId="tb-shortcuts" />
    </header>
  );
}
