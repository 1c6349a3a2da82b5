/**
 * The Deploy tab: the hosts with their SSH settings and live status, Plan / Apply / Rollback /
 * Cancel / Save log, the per-host plan (changes and order), and the end-to-end check.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeployPlan, E2eResult, HostChange, HostPlan } from '../../shared/ipc/deploy.ts';
import type { Host } from '../../shared/model/types.ts';
import { bridge, settle } from '../bridge/index.ts';
import { NumberField } from '../panels/fields.tsx';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { ChangedKeyDialog, ConfirmDialog, PromptDialog } from './DeployDialogs.tsx';
import { SshEditor } from './SshEditor.tsx';
import { cancelRun, forgetCredentials, listenForProgress, saveLog, selectedHosts, startRun } from './run.ts';
import { hostTone } from './status.ts';
import { LabSection } from '../lab/LabSection.tsx';

function HostRow({ host }: { host: Host }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [showChanged, setShowChanged] = useState(false);
  const excluded = useApp((s) => s.deploy.excluded.includes(host.id));
  const progress = useApp((s) => s.deploy.hosts[host.id]);
  // A dry run's outcome per host is "not started" by design: its phases say more.
  const outcome = useApp((s) => (s.deploy.result?.mode === 'dry-run' ? undefined : s.deploy.result?.hosts.find((h) => h.hostId === host.id)));
  const key = useApp((s) => s.deploy.hostKeys[host.id]);
  const running = useApp((s) => s.deploy.running !== null);
  const setExcluded = useApp((s) => s.deploySetExcluded);
  const tone = useApp((s) => hostTone(s, host.id));
  const changed = key?.status === 'changed';
  useEffect(() => {
    if (changed) setShowChanged(true);
  }, [changed, key?.fingerprint]);
  const statusText = outcome && !running ? t(`deploy.status.${outcome.status}`) : progress ? t(`deploy.phase.${progress.phase}`) : '';
  const endpoint = host.ssh ? `${host.ssh.user}@${host.ssh.host}:${host.ssh.port}` : '';
  const raw = (!running && outcome?.message) || progress?.message;
  // "connecting" carries the endpoint the row already shows.
  const message = raw && raw !== endpoint ? raw : undefined;
  return (
    <li className={`deploy-host tone-${tone ?? 'none'}`} data-testid={`deploy-host-${host.id}`}>
      <div className="deploy-host-head">
        {host.ssh ? (
          <input
            type="checkbox"
            aria-label={t('deploy.include', { name: host.name })}
            data-testid={`deploy-include-${host.id}`}
            checked={!excluded}
            disabled={running}
            onChange={(e) => setExcluded(host.id, !e.target.checked)}
          />
        ) : (
          <span className="deploy-host-nocheck" />
        )}
        <span className="deploy-host-name">{host.name}</span>
        <span className="muted deploy-host-role">{t(`role.${host.role}`)}</span>
        <span className="mono deploy-endpoint">{endpoint || t('deploy.noSsh')}</span>
        <span
          className={`deploy-chip tone-${tone ?? 'none'}`}
          data-testid={`deploy-status-${host.id}`}
          data-phase={progress?.phase ?? ''}
          data-status={(!running && outcome?.status) || ''}
        >
          {statusText}
        </span>
        <button type="button" className="link-button deploy-edit" aria-expanded={open} data-testid={`deploy-edit-${host.id}`} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'} {t('deploy.edit')}
        </button>
      </div>
      {progress?.step && running && (
        <div className="deploy-step" data-testid={`deploy-step-${host.id}`}>
          {t('deploy.step', { index: progress.step.index, total: progress.step.total, label: progress.step.label })}
        </div>
      )}
      {message && (
        <div className={`deploy-message${tone === 'bad' ? ' is-error' : ''}`} data-testid={`deploy-message-${host.id}`}>
          {message}
        </div>
      )}
      {progress?.stderr && (
        <pre className="deploy-stderr" data-testid={`deploy-stderr-${host.id}`}>
          {progress.stderr}
        </pre>
      )}
      {key && key.status !== 'changed' && (
        <div className="deploy-key-line mono muted" data-testid={`deploy-key-${host.id}`}>
          {t('deploy.trusted', { keyType: key.keyType, fingerprint: key.fingerprint, status: t(`deploy.keyStatus.${key.status}`) })}
        </div>
      )}
      {changed && (
        <button type="button" className="deploy-key-changed" data-testid={`deploy-key-changed-${host.id}`} onClick={() => setShowChanged(true)}>
          {t('deploy.changedTitle')}
        </button>
      )}
      {open && <SshEditor host={host} />}
      {showChanged && changed && <ChangedKeyDialog hostId={host.id} onClose={() => setShowChanged(false)} />}
    </li>
  );
}

/** Long names like `net.ipv4.conf.eth0.arp_ignore` wrap after a dot or slash, not mid-word. */
function Breakable({ text }: { text: string }) {
  const parts = text.split(/(?<=[./])/);
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </span>
      ))}
    </>
  );
}

function ChangeRow({ c }: { c: HostChange }) {
  const { t } = useTranslation();
  return (
    <tr className={`change-${c.action}`}>
      <td>{t(`deploy.kinds.${c.kind}`)}</td>
      <td className="deploy-action">{t(`deploy.actions.${c.action}`)}</td>
      <td className="mono">
        <Breakable text={c.subject} />
      </td>
      <td className="mono">{c.from !== undefined || c.to !== undefined ? `${c.from ?? '—'} → ${c.to ?? '—'}` : ''}</td>
    </tr>
  );
}

function PlanHost({ hp }: { hp: HostPlan }) {
  const { t } = useTranslation();
  return (
    <section className={`plan-host plan-${hp.status}`} data-testid={`plan-host-${hp.hostId}`}>
      <header>
        <strong>{hp.hostName}</strong>
        <span className="mono muted">{hp.endpoint}</span>
        <span className={`deploy-chip tone-${hp.status === 'failed' ? 'bad' : 'none'}`}>{t(`deploy.planStatus.${hp.status}`)}</span>
        {hp.status === 'ready' && (
          <span className="muted" data-testid={`plan-count-${hp.hostId}`}>
            {hp.changes.length === 0 ? t('deploy.noChanges') : t('deploy.changes', { count: hp.changes.length })}
          </span>
        )}
      </header>
      {hp.error && <div className="deploy-message is-error">{hp.error}</div>}
      {hp.status === 'ready' && hp.changes.length > 0 && (
        <table className="plan-changes">
          <thead>
            <tr>
              <th>{t('deploy.kind')}</th>
              <th>{t('deploy.action')}</th>
              <th>{t('deploy.subject')}</th>
              <th>{t('deploy.fromTo')}</th>
            </tr>
          </thead>
          <tbody>
            {hp.changes.map((c, i) => (
              <ChangeRow key={i} c={c} />
            ))}
          </tbody>
        </table>
      )}
      {hp.notes.length > 0 && (
        <ul className="plan-notes muted">
          {hp.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PlanView({ plan }: { plan: DeployPlan }) {
  const { t } = useTranslation();
  const name = (id: string) => plan.hosts.find((h) => h.hostId === id)?.hostName ?? id;
  const shown = plan.hosts.filter((h) => h.status !== 'skipped');
  const installKeepalived = useApp((s) => s.deploy.planInstallKeepalived);
  return (
    <div className="deploy-plan" data-testid="plan-view">
      <h3 className="panel-title">{t('deploy.planTitle')}</h3>
      {installKeepalived && (
        <p className="muted" data-testid="plan-install-keepalived">
          {t('deploy.planInstallKeepalived')}
        </p>
      )}
      {plan.noChanges && (
        <p className="deploy-ok" data-testid="plan-no-changes">
          {t('deploy.allNoChanges')}
        </p>
      )}
      {plan.stages.length > 0 && (
        <ol className="plan-stages" aria-label={t('deploy.stages')} data-testid="plan-stages">
          {plan.stages.map((st, i) => (
            <li key={i}>
              <span className="muted">{t('deploy.stage', { n: i + 1 })}:</span> {st.map(name).join(', ')}
            </li>
          ))}
        </ol>
      )}
      {shown.map((hp) => (
        <PlanHost key={hp.hostId} hp={hp} />
      ))}
    </div>
  );
}

export function E2eView({ e2e }: { e2e: E2eResult }) {
  const { t } = useTranslation();
  const from = useApp((s) => s.design.topology.hosts.find((h) => h.id === e2e.clientHostId)?.name ?? e2e.clientHostId);
  return (
    <div className="deploy-e2e" data-testid="e2e-results">
      <h3 className="panel-title">
        {t('deploy.e2eTitle')} <span className="muted">{t('deploy.e2eFrom', { host: from })}</span>
      </h3>
      {e2e.checks.map((c) => {
        const entries = Object.entries(c.distribution).sort((a, b) => b[1] - a[1]);
        return (
          <section key={c.service} className={`e2e-check${c.succeeded === 0 ? ' is-bad' : ''}`}>
            <header>
              <span className="mono">{c.service}</span>
              <span className={c.succeeded === c.requests ? 'deploy-ok' : 'is-error'}>{t('deploy.e2eAnswered', { ok: c.succeeded, total: c.requests })}</span>
            </header>
            {c.error && <div className="deploy-message is-error">{c.error}</div>}
            {entries.length === 0 ? (
              <div className="muted">{t('deploy.e2eNone')}</div>
            ) : (
              <ul className="e2e-dist">
                {entries.map(([answer, n]) => (
                  <li key={answer}>
                    <span className="mono e2e-answer" title={answer}>
                      {answer}
                    </span>
                    <span className="e2e-bar">
                      <span style={{ width: `${Math.round((100 * n) / Math.max(1, c.requests))}%` }} />
                    </span>
                    <span className="e2e-n">{n}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}

/**
 * "Install keepalived": lets apply run the package manager on a keepalived-owned director that lacks
 * keepalived (request `installKeepalived`); without it such a director is refused in the plan.
 */
function InstallKeepalived() {
  const { t } = useTranslation();
  const on = useApp((s) => s.deploy.installKeepalived);
  const running = useApp((s) => s.deploy.running !== null);
  const set = useApp((s) => s.deploySetInstallKeepalived);
  return (
    <div className="deploy-install-keepalived">
      <label className="deploy-override">
        <input type="checkbox" data-testid="deploy-install-keepalived" checked={on} disabled={running} onChange={(e) => set(e.target.checked)} />
        {t('deploy.installKeepalived')}
      </label>
      <p className="muted field-hint" data-testid="deploy-install-keepalived-hint">
        {t('deploy.installKeepalivedHint')}
      </p>
    </div>
  );
}

/**
 * The checker's errors block plan and apply (the engine's gate); the user may tick an explicit
 * "deploy anyway", which is sent as `overrideErrors` and recorded in the log with the list.
 */
function BlockingErrors() {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.toLowerCase().startsWith('zh');
  const errors = useApp((s) => selectDiagnostics(s).problems).filter((p) => p.severity === 'error');
  const override = useApp((s) => s.deploy.overrideErrors);
  const running = useApp((s) => s.deploy.running !== null);
  const setOverride = useApp((s) => s.deploySetOverrideErrors);
  const count = errors.length;
  // A tick given for other errors does not carry over to a design whose errors are gone or new.
  useEffect(() => {
    if (count === 0 && override) setOverride(false);
  }, [count, override, setOverride]);
  if (count === 0) return null;
  return (
    <div className={`deploy-blocking${override ? ' is-overridden' : ''}`} data-testid="deploy-blocking">
      <strong>{t('deploy.blockedTitle', { count })}</strong>
      <ul className="deploy-blocking-list">
        {errors.slice(0, 8).map((p, i) => (
          <li key={i}>
            <span className="mono muted">{p.rule}</span> {zh ? p.zh.message : p.message}
          </li>
        ))}
        {count > 8 && <li className="muted">…</li>}
      </ul>
      <label className="deploy-override">
        <input type="checkbox" data-testid="deploy-override-errors" checked={override} disabled={running} onChange={(e) => setOverride(e.target.checked)} />
        {t('deploy.overrideErrors')}
      </label>
    </div>
  );
}

export function DeployPanel() {
  const { t } = useTranslation();
  const hosts = useApp((s) => s.design.topology.hosts);
  const d = useApp((s) => s.deploy);
  const notify = useApp((s) => s.notify);
  const [available, setAvailable] = useState<boolean | null>(null);
  const [confirm, setConfirm] = useState<'apply' | 'rollback' | null>(null);
  useEffect(() => {
    listenForProgress();
    let live = true;
    void settle(bridge().deploy.available()).then((r) => live && setAvailable(r.ok && r.value));
    return () => {
      live = false;
    };
  }, []);
  const chosen = selectedHosts(useApp.getState().design.topology, d.excluded);
  const names = chosen.map((id) => hosts.find((h) => h.id === id)?.name ?? id);
  const busy = d.running !== null;
  const errorText = d.error ? (d.error === 'no-hosts' ? t('deploy.errors.no-hosts') : d.error) : busy ? null : (d.result?.error ?? null);
  // A dry run's plan speaks for itself; only its cancellation is worth a line.
  const outcome =
    busy || !d.result
      ? null
      : d.result.mode === 'dry-run'
        ? d.result.outcome === 'cancelled'
          ? t('deploy.cancelledPlan')
          : null
        : d.result.mode === 'rollback' && d.result.outcome === 'success'
          ? t('deploy.rollbackDone')
          : t(`deploy.outcome.${d.result.outcome}`);
  return (
    <div className="deploy-panel" data-testid="deploy-panel">
      {available === false && <p className="deploy-message is-error">{t('deploy.unavailable')}</p>}
      <LabSection where="deploy" />
      <div className="deploy-actions">
        <button type="button" data-testid="deploy-plan" disabled={busy || available !== true} onClick={() => void startRun('dry-run')}>
          {t('deploy.plan')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="deploy-apply"
          disabled={busy || available !== true || chosen.length === 0}
          onClick={() => setConfirm('apply')}
        >
          {t('deploy.apply')}
        </button>
        <button
          type="button"
          className="danger"
          data-testid="deploy-rollback"
          disabled={busy || available !== true || chosen.length === 0}
          onClick={() => setConfirm('rollback')}
        >
          {t('deploy.rollback')}
        </button>
        {busy && (
          <button type="button" data-testid="deploy-cancel" disabled={d.cancelling} onClick={() => void cancelRun()}>
            {d.cancelling ? t('deploy.cancelling') : t('deploy.cancel')}
          </button>
        )}
      </div>
      <div className="deploy-actions secondary">
        <button
          type="button"
          data-testid="deploy-save-log"
          disabled={!d.deployId || busy}
          onClick={() =>
            void saveLog().then((e) => {
              if (e) notify('error', e === 'no-log' ? t('deploy.noLog') : e);
            })
          }
        >
          {t('deploy.saveLog')}
        </button>
        <button
          type="button"
          data-testid="deploy-forget"
          disabled={busy || available !== true}
          onClick={() => void forgetCredentials().then(() => notify('info', t('deploy.forgotten')))}
        >
          {t('deploy.forget')}
        </button>
      </div>
      {busy && d.running && (
        <p className="deploy-running" data-testid="deploy-running">
          <span className="deploy-spinner" /> {t(`deploy.running.${d.running}`)}
        </p>
      )}
      {errorText && (
        <p className="deploy-message is-error" role="alert" data-testid="deploy-error">
          {errorText}
        </p>
      )}
      {outcome && d.result && (
        <p className={`deploy-outcome outcome-${d.result.outcome}`} data-testid="deploy-outcome" data-outcome={d.result.outcome}>
          {outcome}
        </p>
      )}
      <BlockingErrors />
      <h3 className="panel-title">{t('deploy.hosts')}</h3>
      {hosts.length === 0 ? (
        <p className="muted">{t('deploy.noHosts')}</p>
      ) : (
        <ul className="deploy-hosts">
          {hosts.map((h) => (
            <HostRow key={h.id} host={h} />
          ))}
        </ul>
      )}
      <NumberField
        label={t('deploy.e2eRequests')}
        testId="deploy-e2e-requests"
        value={d.e2eRequests}
        min={0}
        max={1000}
        onCommit={(n) => n !== undefined && useApp.getState().deploySetE2eRequests(n)}
      />
      <NumberField
        label={t('deploy.confirmSeconds')}
        testId="deploy-confirm-seconds"
        value={d.confirmSeconds}
        min={0}
        max={3600}
        hint={d.confirmSeconds === 0 ? t('deploy.confirmOff') : t('deploy.confirmSecondsHint')}
        onCommit={(n) => n !== undefined && useApp.getState().deploySetConfirmSeconds(n)}
      />
      <InstallKeepalived />
      {d.plan && <PlanView plan={d.plan} />}
      {d.e2e && <E2eView e2e={d.e2e} />}
      <PromptDialog />
      {confirm && (
        <ConfirmDialog
          mode={confirm}
          names={names}
          onClose={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void startRun(confirm);
          }}
        />
      )}
    </div>
  );
}
