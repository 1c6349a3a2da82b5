/** Modal dialogs: templates (new design), open (browser mode), import, crash recovery, shortcuts. */
import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StoredDesign } from '../../shared/ipc/files.ts';
import { useApp } from '../store/index.ts';
import { bridge, settle } from '../bridge/index.ts';
import type { TemplateId } from './files.ts';
import { TEMPLATES, acceptRecovery, discardRecovery, importPickedFile, newFromTemplate, openNamed, recoveryOnOffer } from './files.ts';
import { SHORTCUTS } from './shortcuts.ts';
import { Modal } from './Modal.tsx';

// The importers and the wizard are not needed for the first paint: they load when their dialog opens.
const ImportDialog = lazy(() => import('../import/ImportDialog.tsx').then((m) => ({ default: m.ImportDialog })));
const WizardDialog = lazy(() => import('../wizard/WizardDialog.tsx').then((m) => ({ default: m.WizardDialog })));

const TEMPLATE_ICONS: Record<TemplateId, string> = { empty: '＋', nat: 'NAT', dr: 'DR', tun: 'TUN' };

function TemplatesDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal title={t('templates.title')} testId="templates-dialog" onClose={onClose} wide>
      <div className="template-grid">
        {TEMPLATES.map((id) => (
          <button key={id} type="button" className="template-card" data-testid={`template-${id}`} onClick={() => void newFromTemplate(id)}>
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
      return (
        <Suspense fallback={null}>
          <ImportDialog onClose={close} />
        </Suspense>
      );
    case 'wizard':
      return (
        <Suspense fallback={null}>
          <WizardDialog onClose={close} />
        </Suspense>
      );
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
