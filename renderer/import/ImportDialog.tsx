/**
 * Import dialog: paste any supported text (the kind is detected, or chosen), then add it to the
 * open design as one undo step or open it as a new design (asking first when the open one has
 * unsaved changes). Files can be chosen or dropped instead: one file fills the text; two or more
 * keepalived.conf files (one per director) import an HA pair as a new design with the director
 * group (a pair is never merged into the open design: the merge does not carry director groups).
 * The import runs in a Web Worker; every remark goes to the Problems panel.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportKind, ImportProblem, ImportResult, PairMemberText } from '../../shared/importers/index.ts';
import { IMPORT_KINDS, detectImportKind, mergeDesign } from '../../shared/importers/index.ts';
import { Modal } from '../app/Modal.tsx';
import { confirmDiscard } from '../app/files.ts';
import { useApp } from '../store/index.ts';
import type { ImportRunKind, RunningImport } from './runImport.ts';
import { runImport } from './runImport.ts';
import { remarkText } from './remarks.ts';

type Target = 'merge' | 'new';

/** One chosen file of a pair: the member name it becomes and the file it came from. */
interface PairFile extends PairMemberText {
  readonly file: string;
}

/** At most this many files at once (a VRRP group rarely has more members). */
const MAX_FILES = 8;

/**
 * The member name for a keepalived.conf: its `router_id` when global_defs has one, else the file
 * name without extension; made unique among `taken` (lvs1, lvs1-2, …).
 */
export function memberName(file: string, text: string, taken: readonly string[]): string {
  const rid = /^[ \t]*router_id[ \t]+([A-Za-z0-9_-]{1,64})[ \t]*$/m.exec(text.slice(0, 65536))?.[1];
  const base =
    rid ??
    (file
      .replace(/\.[^.]*$/, '')
      .replace(/[^A-Za-z0-9_-]/g, '-')
      .slice(0, 60) ||
      'member');
  let name = base;
  for (let i = 2; taken.includes(name); i++) name = `${base}-${i}`;
  return name;
}

/** Puts an import's result into the app: merged into the open design (one undo step) or loaded as a new, unsaved design. */
export function acceptImport(target: Target, kind: ImportRunKind, text: string, result: ImportResult, sources?: Readonly<Record<string, string>>): void {
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
  s.setImportReport({ kind, text, problems, ...(sources ? { sources } : {}) });
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
  const [pair, setPair] = useState<readonly PairFile[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const empty = useApp((s) => s.design.topology.hosts.length === 0 && s.design.topology.segments.length === 0);
  const detected = useMemo(() => (text.trim() === '' ? null : detectImportKind(text)), [text]);
  const runningRef = useRef<RunningImport | null>(null);
  useEffect(() => () => runningRef.current?.cancel(), []);

  /** Reads chosen or dropped files: one fills the text box, two or more become a pair. */
  const takeFiles = async (list: FileList | readonly File[] | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    setFailure(null);
    const bad = (message: string, messageZh: string) => setFailure([{ line: 0, text: '', message, messageZh, severity: 'error' }]);
    if (files.length > MAX_FILES) return bad(`Choose at most ${MAX_FILES} files.`, `最多选择 ${MAX_FILES} 个文件。`);
    const read: PairFile[] = [];
    for (const f of files) {
      const content = await f.text();
      if (content.includes('\u0000'))
        return bad(`${f.name} is a binary file, not keepalived.conf text.`, `${f.name} 是二进制文件，不是 keepalived.conf 文本。`);
      read.push({
        file: f.name,
        text: content,
        name: memberName(
          f.name,
          content,
          read.map((x) => x.name),
        ),
      });
    }
    if (read.length === 1) {
      setPair(null);
      setText(read[0]!.text);
    } else setPair(read);
  };

  const go = async (target: Target) => {
    if ((target === 'new' || (pair && !empty)) && !confirmDiscard()) return;
    setFailure(null);
    const run = runImport(
      pair
        ? {
            kind: 'auto',
            text: '',
            name: t('import.pairDesignName', { names: pair.map((m) => m.name).join(' + ') }),
            members: pair.map(({ name, text: x }) => ({ name, text: x })),
          }
        : { kind, text, name: t('import.designName') },
    );
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
    const merged = target === 'merge' && !empty && !pair;
    if (pair) acceptImport('new', out.kind, pair[0]!.text, r, Object.fromEntries(pair.map((m) => [m.name, m.text])));
    else acceptImport(merged ? 'merge' : 'new', out.kind, text, r);
    // The remarks are in the Problems panel; the notice only says where, and fades.
    useApp.getState().notify('info', t(merged ? 'import.doneMerged' : 'import.doneNew', { count: r.problems.length }));
  };

  return (
    <Modal title={t('import.title')} testId="import-dialog" onClose={onClose} wide>
      <div
        className={`import-drop${dragging ? ' is-dragging' : ''}`}
        data-testid="import-drop"
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          if (e.dataTransfer.files.length === 0) return;
          e.preventDefault();
          setDragging(false);
          void takeFiles(e.dataTransfer.files);
        }}
      >
        <div className="field">
          <label htmlFor="import-files">{t('import.files')}</label>
          <input
            id="import-files"
            type="file"
            multiple
            data-testid="import-files"
            onChange={(e) => {
              void takeFiles(e.target.files);
              e.target.value = '';
            }}
          />
          <span className="muted small">{t('import.filesHint')}</span>
        </div>
        {pair ? (
          <div className="field import-pair" data-testid="import-pair">
            <strong>{t('import.pairTitle', { count: pair.length })}</strong>
            <ul className="plain-list">
              {pair.map((m) => (
                <li key={m.name} data-testid="import-pair-member">
                  <span className="mono">{m.name}</span> ← {m.file}
                </li>
              ))}
            </ul>
            <span className="muted small">{t('import.pairHint')}</span>
            <div>
              <button type="button" className="link-button" onClick={() => setPair(null)} data-testid="import-pair-clear">
                {t('import.pairClear')}
              </button>
            </div>
          </div>
        ) : (
          <>
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
                rows={12}
                data-testid="import-text"
                value={text}
                spellCheck={false}
                placeholder={t('import.placeholder')}
                onChange={(e) => setText(e.target.value)}
              />
            </div>
          </>
        )}
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
            {!empty && !pair && (
              <button type="button" onClick={() => void go('new')} disabled={text.trim() === ''} data-testid="import-new">
                {t('import.asNew')}
              </button>
            )}
            <button type="button" className="primary" onClick={() => void go('merge')} disabled={!pair && text.trim() === ''} data-testid="import-run">
              {pair ? (empty ? t('import.run') : t('import.asNew')) : empty ? t('import.run') : t('import.intoThis')}
            </button>
          </>
        )}
      </div>
    </Modal>
  );
}
