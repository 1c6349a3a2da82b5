/** Modal dialogs: templates (new design), open (browser mode), import, crash recovery, shortcuts. */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoredDesign } from '../../shared/ipc/files.ts';
import { useApp } from '../store/index.ts';
import { bridge, settle } from './bridge.ts';
import type { TemplateId } from './files.ts';
import { TEMPLATES, acceptRecovery, discardRecovery, importPickedFile, newFromTemplate, openNamed, recoveryOnOffer } from './files.ts';
import type { ImportKind, ImportProblem } from '../../shared/importers/index.ts';
import { IMPORT_KINDS, importConfig } from '../../shared/importers/index.ts';
import { SHORTCUTS } from './shortcuts.ts';
import { Modal } from './Modal.tsx';

const TEMPLATE_ICONS: Record<TemplateId, string> = { empty: '＋', nat: 'NAT', dr: 'DR', tun: 'TUN' };

function TemplatesDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('templates.title')} testId="templates-dialog" onClose={onClose} wide>
      <div className="template-grid">
        {TEMPLATES.map((id) => (
          <button key={id} type="button" className="template-card" data-testid={`template-${id}`} onClick={() => newFromTemplate(id)}>
            <span className="template-icon">{TEMPLATE_ICONS[id]}</span>
            <strong>{t(`templates.${id}.title`)}</strong>
            <span className="muted">{t(`templates.${id}.text`)}</span>
          </button>
        ))}
      </div>
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          {t('action.cancel')}
        </button>
      </div>
    </Modal>
  );
}

function OpenDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [designs, setDesigns] = useState<readonly StoredDesign[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void settle(bridge().files.list()).then((r) => (r.ok ? setDesigns(r.value) : setError(r.error)));
  }, []);
  return (
    <Modal title={t('open.title')} testId="open-dialog" onClose={onClose}>
      {error && <div className="config-error">{error}</div>}
      {designs === null && !error && <p className="muted">{t('open.loading')}</p>}
      {designs && designs.length === 0 && <p className="muted">{t('open.empty')}</p>}
      {designs && designs.length > 0 && (
        <ul className="file-list">
          {designs.map((d) => (
            <li key={d.name}>
              <button type="button" data-testid={`open-file-${d.name}`} onClick={() => void openNamed(d.name)}>
                <span className="file-name">{d.name}</span>
                <span className="muted">{new Date(d.modifiedAt).toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="button-row">
        <input
          ref={fileInput}
          type="file"
          accept=".json,.lvs.json,application/json"
          hidden
          data-testid="open-upload"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importPickedFile(f);
          }}
        />
        <button type="button" onClick={() => fileInput.current?.click()} data-testid="open-upload-button">
          {t('open.fromComputer')}
        </button>
        <span className="tb-spacer" />
        <button type="button" onClick={onClose}>
          {t('action.cancel')}
        </button>
      </div>
    </Modal>
  );
}

function ImportDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ImportKind>('ipvsadm');
  const [text, setText] = useState('');
  const [problems, setProblems] = useState<readonly ImportProblem[] | null>(null);
  const run = () => {
    const r = importConfig(kind, text, t('import.designName'));
    const errors = r.problems.filter((p) => p.severity === 'error');
    if (r.topology.services.length === 0) {
      // Nothing usable: keep the dialog open with the reasons, the open design untouched.
      setProblems(r.problems.length ? r.problems : [{ line: 0, text: '', message: t('import.nothing'), severity: 'error' }]);
      return;
    }
    const s = useApp.getState();
    s.load({ topology: r.topology, layout: r.layout }, null, null, true);
    s.clearSelection();
    s.openDialog(null);
    s.notify(errors.length ? 'error' : 'info', r.problems.length ? t('import.doneWithProblems', { count: r.problems.length, first: formatProblem(r.problems[0]!) }) : t('import.done'));
    const all = [...r.topology.hosts.map((h) => h.id), ...r.topology.segments.map((x) => x.id)];
    s.focusOn(all, true);
  };
  return (
    <Modal title={t('import.title')} testId="import-dialog" onClose={onClose} wide>
      <div className="field">
        <label htmlFor="import-kind">{t('import.kind')}</label>
        <select id="import-kind" data-testid="import-kind" value={kind} onChange={(e) => setKind(e.target.value as ImportKind)}>
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
          placeholder={kind === 'keepalived' ? 'virtual_server 172.16.111.123 80 {\n  lb_algo wrr\n  lb_kind NAT\n  real_server 192.168.111.101 80 { weight 1 }\n}' : kind === 'ipvsadm-list' ? 'TCP  172.16.111.123:80 wrr\n  -> 192.168.111.101:80  Masq  1  0  0' : '-A -t 172.16.111.123:80 -s wrr\n-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1'}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {problems && (
        <div className="config-error" role="alert" data-testid="import-error">
          <strong>{t('import.failed')}</strong>
          <ul className="plain-list">
            {problems.slice(0, 8).map((p, i) => (
              <li key={i}>{formatProblem(p)}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          {t('action.cancel')}
        </button>
        <button type="button" className="primary" onClick={run} disabled={text.trim() === ''} data-testid="import-run">
          {t('import.run')}
        </button>
      </div>
    </Modal>
  );
}

const formatProblem = (p: ImportProblem): string => (p.line > 0 ? `${p.line}: ${p.message}` : p.message);

function RecoverDialog() {
  const { t } = useTranslation();
  const rec = recoveryOnOffer();
  if (!rec) return null;
  return (
    <Modal title={t('recover.title')} testId="recover-dialog" onClose={discardRecovery}>
      <p>{t('recover.text', { name: rec.file.topology.name, time: new Date(rec.savedAt).toLocaleString() })}</p>
      <div className="button-row end">
        <button type="button" onClick={discardRecovery} data-testid="recover-discard">
          {t('recover.discard')}
        </button>
        <button type="button" className="primary" onClick={acceptRecovery} data-testid="recover-accept">
          {t('recover.restore')}
        </button>
      </div>
    </Modal>
  );
}

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('shortcuts.title')} testId="shortcuts-dialog" onClose={onClose}>
      <table className="shortcut-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id}>
              <td>
                {s.keys.map((k) => (
                  <kbd key={k}>{k === 'Click' ? t('shortcuts.keyClick') : k === 'Drag' ? t('shortcuts.keyDrag') : k}</kbd>
                ))}
              </td>
              <td>{t(`shortcuts.${s.id}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="button-row end">
        <button type="button" onClick={onClose}>
          {t('action.close')}
        </button>
      </div>
    </Modal>
  );
}

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  const openDialog = useApp((s) => s.openDialog);
  const close = () => openDialog(null);
  switch (dialog) {
    case 'templates':
      return <TemplatesDialog onClose={close} />;
    case 'open':
      return <OpenDialog onClose={close} />;
    case 'import':
      return <ImportDialog onClose={close} />;
    case 'recover':
      return <RecoverDialog />;
    case 'shortcuts':
      return <ShortcutsDialog onClose={close} />;
    default:
      return null;
  }
}

export function Notices() {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
  useEffect(() => {
    const infos = notices.filter((n) => n.kind === 'info');
    if (infos.length === 0) return;
    const timer = window.setTimeout(() => infos.forEach((n) => dismiss(n.id)), 4000);
    return () => window.clearTimeout(timer);
  }, [notices, dismiss]);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <span>{n.text}</span>
          <button type="button" className="icon-button" aria-label="×" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
