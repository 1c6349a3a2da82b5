/** The toolbar: file actions, edit actions, view actions, the mode switch and the language menu. */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useReactFlow } from '@xyflow/react';
import { selectDirty, useApp } from '../store/index.ts';
import { LANGUAGES, setLanguage } from '../i18n/index.ts';
import { deleteSelection, duplicateSelection, runAutoLayout } from './actions.ts';
import { confirmDiscard, openDesign, save, saveAs } from './files.ts';
import { useModes } from './extensions.ts';
import { exportDiagram } from './exportImage.ts';
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

/** One toolbar command: on the bar when it fits, else in the overflow menu. */
interface Command {
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly run: () => void;
  readonly disabled?: boolean;
  /** Shown as a short glyph on the bar (undo/redo), its title in the menu. */
  readonly glyph?: string;
}

interface Group {
  readonly id: 'file' | 'edit' | 'view';
  readonly commands: readonly Command[];
}

/** Pixels kept free for the document title when deciding what folds. */
const TITLE_MIN = 150;

/**
 * Decides which groups stay on the bar: groups fold from the last (view, edit, file) until the
 * bar fits its width; a projector at 1024 px gets a "More" menu instead of a wrapped toolbar.
 */
function useFolding(groups: readonly Group[]) {
  const bar = useRef<HTMLElement>(null);
  const measure = useRef<HTMLDivElement>(null);
  const fixed = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(groups.length);
  const key = groups.map((g) => g.commands.map((c) => c.glyph ?? c.label).join('|')).join('/');
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el) return;
    const decide = () => {
      const widths = [...(measure.current?.children ?? [])].map((c) => (c as HTMLElement).offsetWidth);
      const style = getComputedStyle(el);
      const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const brand = el.querySelector<HTMLElement>('.brand-mark')?.offsetWidth ?? 0;
      // The fixed right side (mode switch, language, help) and room for the More button.
      let free = inner - brand - TITLE_MIN - (fixed.current?.offsetWidth ?? 0) - 60;
      let n = 0;
      for (const w of widths) {
        if (w + 12 > free) break;
        free -= w + 12;
        n++;
      }
      setShown(n);
    };
    decide();
    const ro = new ResizeObserver(decide);
    ro.observe(el);
    if (fixed.current) ro.observe(fixed.current);
    return () => ro.disconnect();
  }, [key]);
  return { bar, measure, fixed, shown };
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

  const exportCommands: Command[] = [
    { id: 'export-png', label: t('export.png'), title: t('export.png'), run: () => doExport('png') },
    { id: 'export-svg', label: t('export.svg'), title: t('export.svg'), run: () => doExport('svg') },
    ...(['drawio', 'mermaid', 'report'] as const).map((k) => ({
      id: `export-${k}`,
      label: t(`export.${k}`),
      title: t(`export.${k}`),
      // The exporters (and the generators behind the report) load on first use, not with the first paint.
      run: () =>
        void import('./exportText.ts').then((m) =>
          m.downloadExport(k, useApp.getState().design, displayName?.replace(/\.lvs\.json$/, '') ?? name, i18n.language),
        ),
    })),
  ];
  const groups: Group[] = [
    {
      id: 'file',
      commands: [
        { id: 'tb-new', label: t('toolbar.new'), title: `${t('toolbar.new')} (Ctrl+N)`, run: () => confirmDiscard() && openDialog('templates') },
        { id: 'tb-wizard', label: t('toolbar.wizard'), title: t('toolbar.wizardHint'), run: () => openDialog('wizard') },
        { id: 'tb-open', label: t('toolbar.open'), title: `${t('toolbar.open')} (Ctrl+O)`, run: () => void openDesign() },
        { id: 'tb-save', label: t('toolbar.save'), title: `${t('toolbar.save')} (Ctrl+S)`, run: () => void save() },
        { id: 'tb-saveas', label: t('toolbar.saveAs'), title: `${t('toolbar.saveAs')} (Ctrl+Shift+S)`, run: () => void saveAs() },
        { id: 'tb-import', label: t('toolbar.import'), title: t('toolbar.importHint'), run: () => openDialog('import') },
      ],
    },
    {
      id: 'edit',
      commands: [
        {
          id: 'tb-undo',
          glyph: '↶',
          label: t('toolbar.undo'),
          title: `${t('toolbar.undo')} (Ctrl+Z)`,
          run: () => useApp.getState().undo(),
          disabled: !canUndo,
        },
        {
          id: 'tb-redo',
          glyph: '↷',
          label: t('toolbar.redo'),
          title: `${t('toolbar.redo')} (Ctrl+Shift+Z)`,
          run: () => useApp.getState().redo(),
          disabled: !canRedo,
        },
        { id: 'tb-duplicate', label: t('toolbar.duplicate'), title: `${t('toolbar.duplicate')} (Ctrl+D)`, run: duplicateSelection, disabled: !hasSelection },
        { id: 'tb-delete', label: t('toolbar.delete'), title: `${t('toolbar.delete')} (Del)`, run: deleteSelection, disabled: !hasSelection },
      ],
    },
    {
      id: 'view',
      commands: [
        { id: 'tb-layout', label: t('toolbar.autoLayout'), title: `${t('toolbar.autoLayout')} (Ctrl+L)`, run: runAutoLayout },
        { id: 'tb-fit', label: t('toolbar.fit'), title: `${t('toolbar.fit')} (Shift+1)`, run: () => void flow.fitView({ padding: 0.15, duration: 200 }) },
      ],
    },
  ];
  const { bar, measure, fixed, shown } = useFolding(groups);
  const onBar = groups.slice(0, shown);
  const folded = groups.slice(shown);

  return (
    <header className="toolbar" role="toolbar" aria-label={t('toolbar.label')} ref={bar} data-folded={folded.length}>
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
      {onBar.map((g, i) => (
        <div key={g.id} className="tb-group" data-group={g.id}>
          {i > 0 && <div className="tb-sep" />}
          {g.commands.map((c) => (
            <Tb key={c.id} onClick={c.run} label={c.glyph ?? c.label} title={c.title} testId={c.id} disabled={c.disabled} />
          ))}
          {g.id === 'file' && (
            <Menu label={t('toolbar.export')} testId="tb-export">
              {(close) =>
                exportCommands.map((c) => (
                  <button key={c.id} type="button" role="menuitem" data-testid={c.id} onClick={() => (close(), c.run())}>
                    {c.label}
                  </button>
                ))
              }
            </Menu>
          )}
        </div>
      ))}
      {folded.length > 0 && (
        <Menu label={t('toolbar.more')} testId="tb-more">
          {(close) =>
            folded.map((g) => (
              <div key={g.id} className="menu-group" role="group">
                {[...g.commands, ...(g.id === 'file' ? exportCommands : [])].map((c) => (
                  <button key={c.id} type="button" role="menuitem" data-testid={c.id} disabled={c.disabled} title={c.title} onClick={() => (close(), c.run())}>
                    {c.label}
                  </button>
                ))}
              </div>
            ))
          }
        </Menu>
      )}
      <div className="tb-spacer" />
      <div className="tb-fixed" ref={fixed}>
        {modes.length > 1 && (
          <div className="mode-switch" role="tablist" aria-label={t('toolbar.mode')}>
            {modes.map((m) => (
              <button
                key={m.id}
                type="button"
                role="tab"
                aria-selected={mode === m.id}
                className={mode === m.id ? 'is-active' : undefined}
                onClick={() => setMode(m.id)}
                data-testid={`mode-${m.id}`}
              >
                {t(m.titleKey as 'mode.design')}
              </button>
            ))}
          </div>
        )}
        <select
          className="lang-select"
          aria-label={t('toolbar.language')}
          data-testid="language-select"
          value={i18n.language}
          onChange={(e) => setLanguage(e.target.value)}
        >
          {LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.label}
            </option>
          ))}
        </select>
        <Tb onClick={() => openDialog('shortcuts')} label="?" title={t('toolbar.shortcuts')} testId="tb-shortcuts" />
      </div>
      {/* Natural widths of the groups (labels only, never interactive), for the folding decision. */}
      <div className="tb-measure" ref={measure} aria-hidden="true">
        {groups.map((g) => (
          <div key={g.id} className="tb-group">
            {g.commands.map((c) => (
              <span key={c.id} className="tb-button">
                {c.glyph ?? c.label}
              </span>
            ))}
            {g.id === 'file' && (
              <span className="tb-button">
                {t('toolbar.export')} <span className="caret">▾</span>
              </span>
            )}
          </div>
        ))}
      </div>
    </header>
  );
}
