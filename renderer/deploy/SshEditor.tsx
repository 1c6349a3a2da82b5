/**
 * SSH settings of one host (`host.ssh`): design data, edited through the document commands so
 * every change is one undo step. There is deliberately no field for a secret.
 */
import { useTranslation } from 'react-i18next';
import { updateHost } from '../../shared/model/commands.ts';
import type { Host, SshAuthKind, SshEndpoint } from '../../shared/model/types.ts';
import { SSH_AUTH_KINDS } from '../../shared/model/types.ts';
import { CheckField, NumberField, SelectField, TextField } from '../panels/fields.tsx';
import type { FieldCheck } from '../panels/fieldChecks.ts';
import { useApp } from '../store/index.ts';

const checkHost: FieldCheck = (v) => (/^[A-Za-z0-9_.:[\]%-]{1,255}$/.test(v) ? null : 'deploy.check.host');
const checkUser: FieldCheck = (v) => (/^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$/.test(v) ? null : 'deploy.check.user');
const checkKeyPath: FieldCheck = (v) => (v.length <= 4096 && !/[\r\n\0]/.test(v) ? null : 'deploy.check.keyPath');

/** A first guess for a new endpoint: the host's first address, as root over the agent. */
function defaultEndpoint(host: Host): SshEndpoint {
  const addr = host.interfaces
    .filter((f) => f.kind === 'ethernet')
    .flatMap((f) => f.addresses)[0]
    ?.split('/')[0];
  return { host: addr && checkHost(addr) === null ? addr : host.name, port: 22, user: 'root', auth: 'agent' };
}

export function SshEditor({ host }: { host: Host }) {
  const { t } = useTranslation();
  const applyTopology = useApp((s) => s.applyTopology);
  const id = host.id;
  const set = (ssh: SshEndpoint | undefined) => applyTopology((topo) => updateHost(topo, id, { ssh }));
  const edit = (patch: Partial<SshEndpoint>) => {
    if (!host.ssh) return;
    const next: SshEndpoint = { ...host.ssh, ...patch };
    // The key path only means something for key authentication.
    set(next.auth === 'key' ? next : { host: next.host, port: next.port, user: next.user, auth: next.auth });
  };
  const ssh = host.ssh;
  return (
    <div className="deploy-ssh-editor" data-testid={`deploy-ssh-editor-${id}`}>
      <CheckField label={t('deploy.sshEnabled')} testId={`ssh-enabled-${id}`} checked={!!ssh} onChange={(on) => set(on ? defaultEndpoint(host) : undefined)} />
      {ssh && (
        <>
          <div className="deploy-ssh-grid">
            <TextField
              label={t('deploy.sshHost')}
              testId={`ssh-host-${id}`}
              value={ssh.host}
              check={checkHost}
              mono
              onCommit={(v) => checkHost(v) === null && edit({ host: v })}
            />
            <NumberField
              label={t('deploy.sshPort')}
              testId={`ssh-port-${id}`}
              value={ssh.port}
              min={1}
              max={65535}
              onCommit={(v) => v !== undefined && edit({ port: v })}
            />
          </div>
          <div className="deploy-ssh-grid">
            <TextField
              label={t('deploy.sshUser')}
              testId={`ssh-user-${id}`}
              value={ssh.user}
              check={checkUser}
              mono
              onCommit={(v) => checkUser(v) === null && edit({ user: v })}
            />
            <SelectField<SshAuthKind>
              label={t('deploy.sshAuth')}
              testId={`ssh-auth-${id}`}
              value={ssh.auth}
              options={SSH_AUTH_KINDS.map((k) => ({ value: k, label: t(`deploy.auth.${k}`) }))}
              onChange={(auth) => edit({ auth })}
            />
          </div>
          {ssh.auth === 'key' && (
            <TextField
              label={t('deploy.sshKeyPath')}
              testId={`ssh-keypath-${id}`}
              value={ssh.keyPath ?? ''}
              check={checkKeyPath}
              placeholder="~/.ssh/id_ed25519"
              hint={t('deploy.sshKeyPathHint')}
              mono
              onCommit={(v) => {
                if (checkKeyPath(v) !== null) return;
                const { keyPath: _old, ...rest } = ssh;
                set(v.trim() ? { ...rest, keyPath: v.trim() } : rest);
              }}
            />
          )}
          <p className="field-hint">{t('deploy.sshNoSecret')}</p>
        </>
      )}
    </div>
  );
}
