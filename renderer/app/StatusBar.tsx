/** Status bar: counts of hosts, segments and services, errors and warnings, backend and autosave. */
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { bridge, usingMemoryBridge } from '../bridge/index.ts';

export function StatusBar() {
  const { t } = useTranslation();
  const hosts = useApp((s) => s.design.topology.hosts.length);
  const segments = useApp((s) => s.design.topology.segments.length);
  const services = useApp((s) => s.design.topology.services.length);
  const diag = useApp(selectDiagnostics);
  const checker = useApp((s) => s.checker);
  const toggle = useApp((s) => s.toggleProblems);
  const autosavedAt = useApp((s) => s.autosavedAt);
  const autosaveError = useApp((s) => s.autosaveError);
  const backend = usingMemoryBridge() ? t('status.noBackend') : bridge().kind === 'electron' ? t('status.desktop') : t('status.browser');
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span data-testid="status-hosts">{t('status.hosts', { count: hosts })}</span>
      <span data-testid="status-segments">{t('status.segments', { count: segments })}</span>
      <span data-testid="status-services">{t('status.services', { count: services })}</span>
      <button type="button" className={`status-problems${diag.errors ? ' has-errors' : ''}`} onClick={() => toggle(true)} data-testid="status-problems">
        {diag.pending ? (
          <span className={checker === 'failed' ? 'status-checker-failed' : 'muted'} data-testid="status-checking">
            {checker === 'failed' ? t('status.checkerFailed') : t('status.checking')}
          </span>
        ) : (
          <>
            <span className="sev-icon sev-error">●</span> <span data-testid="status-errors">{t('status.errors', { count: diag.errors })}</span>
            <span className="sev-icon sev-warning">▲</span> <span data-testid="status-warnings">{t('status.warnings', { count: diag.warnings })}</span>
          </>
        )}
      </button>
      <span className="status-spacer" />
      {autosaveError && (
        <span className="status-autosave-failed" role="alert" title={autosaveError} data-testid="autosave-error">
          {t('status.autosaveFailed')}
        </span>
      )}
      {autosavedAt && !autosaveError && (
        <span className="muted" data-testid="autosave-status">
          {t('status.autosaved', { time: autosavedAt })}
        </span>
      )}
      <span className="muted" data-testid="status-backend">
        {backend}
      </span>
    </footer>
  );
}
