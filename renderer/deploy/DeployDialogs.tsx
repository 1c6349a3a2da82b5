/**
 * The Deploy panel's dialogs: the engine's questions (host key on first contact, password, key
 * passphrase, sudo password), the refusal of a changed host key, and the confirmation before an
 * apply or a rollback. A secret lives only in the password field while it is typed.
 */
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeployPrompt } from '../../shared/ipc/deploy.ts';
import { useApp } from '../store/index.ts';
import { selectDiagnostics } from '../store/selectors.ts';
import { answerCredential, answerTrust, cancelRun } from './run.ts';
import { Modal } from '../app/Modal.tsx';
import type { HostId } from '../../shared/model/ids.ts';

/** Deploy questions are never dismissed by a stray click beside them: only Escape or a button. */
function DeployModal({
  title,
  testId,
  onClose,
  danger,
  children,
}: {
  title: string;
  testId: string;
  onClose: () => void;
  danger?: boolean;
  children: ReactNode;
}) {
  return (
    <Modal
      title={title}
      testId={testId}
      onClose={onClose}
      closeOnBackdrop={false}
      initialFocus="input, button.primary, button"
      className={`deploy-modal${danger ? ' deploy-modal-danger' : ''}`}
    >
      {children}
    </Modal>
  );
}

/** Stops the whole run from inside a question (the panel's Cancel is behind the dialog). */
function CancelRunButton() {
  const { t } = useTranslation();
  return (
    <button type="button" className="link-button deploy-cancel-run" data-testid="prompt-cancel-run" onClick={() => void cancelRun()}>
      {t('deploy.cancelRun')}
    </button>
  );
}

const hostName = (hostId: string): string => useApp.getState().design.topology.hosts.find((h) => h.id === hostId)?.name ?? hostId;

function TrustDialog({ prompt }: { prompt: Extract<DeployPrompt, { kind: 'host-key' }> }) {
  const { t } = useTranslation();
  const short = prompt.keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-nistp\d+$/, 'ecdsa');
  return (
    <DeployModal title={t('deploy.trustTitle')} testId="trust-dialog" onClose={() => void answerTrust(prompt.promptId, false)}>
      {prompt.knownTypes && prompt.knownTypes.length > 0 ? (
        // Like OpenSSH: a new key type for a known host is not a first contact and is never trusted silently.
        <p className="deploy-message is-error" role="alert" data-testid="trust-new-type">
          {t('deploy.newKeyType', { endpoint: prompt.endpoint, known: prompt.knownTypes.join(', '), keyType: prompt.keyType })}
        </p>
      ) : (
        <p>{t('deploy.trustText', { endpoint: prompt.endpoint, host: hostName(prompt.hostId), short })}</p>
      )}
      <dl className="deploy-key">
        <dt>{t('deploy.keyType')}</dt>
        <dd className="mono" data-testid="trust-keytype">
          {prompt.keyType}
        </dd>
        <dt>{t('deploy.fingerprint')}</dt>
        <dd className="mono" data-testid="trust-fingerprint">
          {prompt.fingerprint}
        </dd>
      </dl>
      <div className="button-row end">
        <CancelRunButton />
        <button type="button" data-testid="trust-reject" onClick={() => void answerTrust(prompt.promptId, false)}>
          {t('deploy.dontTrust')}
        </button>
        <button type="button" className="primary" data-testid="trust-accept" onClick={() => void answerTrust(prompt.promptId, true)}>
          {t('deploy.trust')}
        </button>
      </div>
    </DeployModal>
  );
}

function CredentialDialog({ prompt }: { prompt: Extract<DeployPrompt, { kind: 'password' | 'passphrase' | 'sudo' }> }) {
  const { t } = useTranslation();
  const [secret, setSecret] = useState('');
  const send = (value: string | null) => {
    setSecret('');
    void answerCredential(prompt.promptId, value);
  };
  return (
    <DeployModal title={`${t(`deploy.credTitle.${prompt.kind}`)} — ${hostName(prompt.hostId)}`} testId="cred-dialog" onClose={() => send(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send(secret);
        }}
      >
        <div className="field">
          <label htmlFor="deploy-cred-input">{prompt.text}</label>
          <input
            id="deploy-cred-input"
            type="password"
            autoComplete="off"
            data-testid="cred-input"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
          <div className="field-hint">{t('deploy.credHint')}</div>
        </div>
        <div className="button-row end">
          <CancelRunButton />
          <button type="button" data-testid="cred-decline" onClick={() => send(null)}>
            {t('deploy.credDecline')}
          </button>
          <button type="submit" className="primary" data-testid="cred-ok">
            {t('deploy.credOk')}
          </button>
        </div>
      </form>
    </DeployModal>
  );
}

/** The oldest unanswered question of the engine, if any. */
export function PromptDialog() {
  const prompt = useApp((s) => s.deploy.prompts[0]);
  if (!prompt) return null;
  return prompt.kind === 'host-key' ? <TrustDialog key={prompt.promptId} prompt={prompt} /> : <CredentialDialog key={prompt.promptId} prompt={prompt} />;
}

/** A changed host key: a refusal with the warning, and no way to trust it from here. */
export function ChangedKeyDialog({ hostId, onClose }: { hostId: HostId; onClose: () => void }) {
  const { t } = useTranslation();
  const info = useApp((s) => s.deploy.hostKeys[hostId]);
  if (!info) return null;
  return (
    <DeployModal title={t('deploy.changedTitle')} testId="changed-key-dialog" onClose={onClose} danger>
      <p>{t('deploy.changedText', { endpoint: info.endpoint })}</p>
      <dl className="deploy-key">
        <dt>{t('deploy.keyType')}</dt>
        <dd className="mono">{info.keyType}</dd>
        <dt>{t('deploy.fingerprint')}</dt>
        <dd className="mono">{info.fingerprint}</dd>
      </dl>
      <pre className="deploy-stderr">{info.message}</pre>
      <div className="button-row end">
        <button type="button" className="danger" data-testid="changed-key-close" onClick={onClose}>
          {t('deploy.close')}
        </button>
      </div>
    </DeployModal>
  );
}

/** What an apply is about to do beyond the plan: the commit-confirm timer and an override of errors. */
function ApplySafety() {
  const { t } = useTranslation();
  const seconds = useApp((s) => s.deploy.confirmSeconds);
  const override = useApp((s) => s.deploy.overrideErrors);
  const installKeepalived = useApp((s) => s.deploy.installKeepalived);
  const errors = useApp((s) => selectDiagnostics(s).errors);
  return (
    <>
      {installKeepalived && (
        <p className="muted" data-testid="deploy-confirm-install-keepalived">
          {t('deploy.planInstallKeepalived')}
        </p>
      )}
      <p className={seconds === 0 ? 'deploy-message is-error' : 'muted'} data-testid="deploy-confirm-timer">
        {seconds === 0 ? t('deploy.confirmOff') : t('deploy.confirmArmed', { seconds })}
      </p>
      {override && errors > 0 && (
        <p className="deploy-message is-error" data-testid="deploy-confirm-override">
          {t('deploy.overrideOn', { count: errors })}
        </p>
      )}
    </>
  );
}

export function ConfirmDialog({
  mode,
  names,
  onConfirm,
  onClose,
}: {
  mode: 'apply' | 'rollback';
  names: readonly string[];
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const apply = mode === 'apply';
  return (
    <DeployModal title={t(apply ? 'deploy.confirmApplyTitle' : 'deploy.confirmRollbackTitle')} testId="deploy-confirm" onClose={onClose}>
      <p>{t(apply ? 'deploy.confirmApplyText' : 'deploy.confirmRollbackText', { count: names.length, names: names.join(', ') })}</p>
      {apply && <ApplySafety />}
      <div className="button-row end">
        <button type="button" data-testid="deploy-confirm-cancel" onClick={onClose}>
          {t('deploy.cancel')}
        </button>
        <button type="button" className={apply ? 'primary' : 'danger'} data-testid="deploy-confirm-ok" onClick={onConfirm}>
          {t(apply ? 'deploy.confirm' : 'deploy.confirmRollback')}
        </button>
      </div>
    </DeployModal>
  );
}
