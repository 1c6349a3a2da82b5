/**
 * The "Built-in lab" section of the Deploy and Live tabs: one button runs the design in the qemu lab
 * (VM, deploy, live view), another stops it; the phase, the last progress lines and why it cannot
 * run (no qemu, not root, no backend) are shown in words.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { labBlockedReason, labWorking } from './blocked.ts';
import { refreshLab, runInLab, stopLab } from './run.ts';

export function LabSection({ where }: { where: 'deploy' | 'live' }) {
  const { t } = useTranslation();
  const lab = useApp((s) => s.lab);
  const deployRunning = useApp((s) => s.deploy.running !== null);
  const hostCount = useApp((s) => s.design.topology.hosts.length);
  const errors = useApp((s) => selectDiagnostics(s).errors);
  const override = useApp((s) => s.deploy.overrideErrors);
  const setRightTab = useApp((s) => s.setRightTab);
  useEffect(() => {
    void refreshLab();
  }, []);
  const a = lab.availability;
  const working = labWorking(lab.phase);
  const blocked = labBlockedReason({ hosts: hostCount, busy: working || deployRunning, errors, override });
  // The Live tab shows the section only while a lab is in use; the Deploy tab always offers it.
  if (where === 'live' && !lab.running && lab.phase === 'idle') return null;
  const phaseText = lab.phase === 'idle' || lab.phase === 'failed' ? '' : t(`lab.phase.${lab.phase}`);
  return (
    <section className={`lab-section lab-${where}`} data-testid={`lab-section-${where}`} data-phase={lab.phase}>
      <h3 className="panel-title">{t('lab.title')}</h3>
      {where === 'deploy' && <p className="lab-intro">{t('lab.intro')}</p>}
      {a && !a.available ? (
        <p className="deploy-message is-error" data-testid={`lab-unavailable-${where}`}>
          {t('lab.unavailable', { reason: a.reason ?? '' })}
        </p>
      ) : (
        <div className="deploy-actions">
          <button
            type="button"
            className="primary"
            data-testid={`lab-run-${where}`}
            disabled={!a?.available || blocked !== null}
            onClick={() => void runInLab()}
          >
            {t('lab.run')}
          </button>
          <button
            type="button"
            data-testid={`lab-stop-${where}`}
            disabled={!a?.available || !lab.running || working || deployRunning}
            onClick={() => void stopLab()}
          >
            {t('lab.stop')}
          </button>
          {where === 'deploy' && lab.phase === 'live' && (
            <button type="button" className="link-button" data-testid="lab-open-live" onClick={() => setRightTab('live')}>
              {t('lab.openLive')}
            </button>
          )}
        </div>
      )}
      {blocked && blocked !== 'busy' && a?.available && lab.phase !== 'live' && (
        <p className="deploy-message" data-testid={`lab-blocked-${where}`}>
          {t(`lab.blocked.${blocked}`)}
        </p>
      )}
      {a?.available && lab.running && lab.phase === 'idle' && (
        <p className="deploy-message" data-testid={`lab-running-${where}`}>
          {t('lab.running', { design: lab.design ?? '?', count: lab.endpoints.length })}
        </p>
      )}
      {phaseText && (
        <p className="deploy-running" data-testid={`lab-phase-${where}`}>
          {working && <span className="deploy-spinner" />} {phaseText}
        </p>
      )}
      {lab.readySeconds !== null && lab.phase !== 'failed' && lab.phase !== 'idle' && (
        <p className="deploy-message" data-testid={`lab-ready-${where}`}>
          {t('lab.ready', { seconds: lab.readySeconds })}
        </p>
      )}
      {lab.phase === 'failed' && lab.error && (
        <p className="deploy-message is-error" role="alert" data-testid={`lab-error-${where}`}>
          {lab.error === 'deploy-failed' ? t('lab.deployFailed') : t('lab.failed', { error: lab.error })}
        </p>
      )}
      {where === 'deploy' && lab.lines.length > 0 && (
        <details className="lab-log" open={working}>
          <summary>{t('lab.log')}</summary>
          <pre className="mono" data-testid="lab-log">
            {lab.lines.join('\n')}
          </pre>
        </details>
      )}
    </section>
  );
}
