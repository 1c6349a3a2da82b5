/**
 * The engine's paths that need no SSH server (bad requests, auth set-up, closed ports on
 * 127.0.0.1), redaction, the log, and the secret stores. The SSH paths are in
 * tests/integration/deploy (real OpenSSH in network namespaces).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeployEvent, DeployRequest } from '../../../shared/ipc/deploy.ts';
import type { Host, Topology } from '../../../shared/model/types.ts';
import { err, ok } from '../../../shared/util/result.ts';
import type { DeployDeps } from '../../../electron/services/deploy/engine.ts';
import { newDeployId, startDeploy } from '../../../electron/services/deploy/engine.ts';
import { REDACTED, Redactor } from '../../../electron/services/deploy/redact.ts';
import { DeployLog, formatChange, formatEvent } from '../../../electron/services/deploy/log.ts';
import { KnownHosts } from '../../../electron/services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../../electron/services/secrets/store.ts';
import { SafeStorageSecretStore } from '../../../electron/services/secrets/safe-storage.ts';
import { hostId } from '../../../shared/model/ids.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES = [
  { path: 'apply.sh', content: 'true\n', mode: 0o755 },
  { path: 'verify.sh', content: 'true\n', mode: 0o755 },
  { path: 'rollback.sh', content: 'true\n', mode: 0o755 },
];

function host(id: string, ssh?: Host['ssh'], role: Host['role'] = 'real-server'): Host {
  return { id: hostId(id), name: id, role, interfaces: [], ...(ssh ? { ssh } : {}) };
}
const topo = (...hosts: Host[]): Topology => ({ name: 't', segments: [], hosts, services: [] });

function deps(over: Partial<DeployDeps> = {}): DeployDeps {
  return {
    render: () => ok(FILES),
    knownHosts: new KnownHosts(join(dir, 'known_hosts')),
    confirmHostKey: async () => true,
    secrets: new MemorySecretStore(),
    askSecret: async () => null,
    readyTimeoutMs: 3000,
    ...over,
  };
}

async function go(mode: 'dry-run' | 'apply', req: Partial<DeployRequest> & { topology: Topology }, d = deps()) {
  const run = startDeploy(mode, { deployId: newDeployId(), ...req }, d);
  const events: DeployEvent[] = [];
  for await (const e of run.events()) events.push(e);
  return { result: await run.result, events, log: run.log.text() };
}

/** A port on 127.0.0.1 nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('requests the engine refuses before connecting', () => {
  it('bad deploy id, unknown host, host without SSH, no SSH anywhere', async () => {
    expect((await go('dry-run', { deployId: '../x', topology: topo() })).result.outcome).toBe('failed');
    const unknown = await go('dry-run', { topology: topo(host('a')), hosts: [hostId('nope')] });
    expect(unknown.result.outcome).toBe('failed');
    expect(unknown.log).toContain('unknown host id: nope');
    const noSsh = await go('dry-run', { topology: topo(host('a')), hosts: [hostId('a')] });
    expect(noSsh.log).toContain('host a has no SSH endpoint');
    const none = await go('apply', { topology: topo(host('a')) });
    expect(none.result.outcome).toBe('failed');
    expect(none.log).toContain('no host of this design has an SSH endpoint');
    expect(none.result.hosts).toEqual([{ hostId: 'a', status: 'skipped', message: 'no SSH endpoint in the design' }]);
  });

  it('generator errors, missing scripts and bad remote environment fail the host with the reason', async () => {
    const ssh = { host: '127.0.0.1', port: 1, user: 'root', auth: 'agent' as const };
    const r1 = await go('dry-run', { topology: topo(host('a', ssh)) }, deps({ render: () => err('interface eth9 unknown') }));
    expect(r1.result.hosts[0]).toMatchObject({ status: 'failed', message: 'cannot generate the configuration: interface eth9 unknown' });
    const r2 = await go('dry-run', { topology: topo(host('a', ssh)) }, deps({ render: () => ok(FILES.slice(0, 2)) }));
    expect(r2.result.hosts[0]?.message).toContain('no rollback.sh');
    const r3 = await go('dry-run', { topology: topo(host('a', ssh)) }, deps({ remoteEnv: () => ({ LVSD_STATE_DIR: 'rel' }) }));
    expect(r3.result.hosts[0]?.message).toContain('absolute');
  });

  it('auth problems are explained: no agent, no key file, unreadable key, declined password', async () => {
    const port = await closedPort();
    const base = { host: '127.0.0.1', port, user: 'root' };
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      const r = await go('dry-run', {
        topology: topo(
          host('agent', { ...base, auth: 'agent' }),
          host('nokey', { ...base, auth: 'key' }),
          host('badkey', { ...base, auth: 'key', keyPath: join(dir, 'missing_key') }),
          host('pw', { ...base, auth: 'password' }),
        ),
      });
      const msg = (id: string) => r.result.hosts.find((h) => h.hostId === id)?.message ?? '';
      expect(msg('agent')).toContain('SSH_AUTH_SOCK is not set');
      expect(msg('nokey')).toContain('no key file');
      expect(msg('badkey')).toContain('ENOENT');
      expect(msg('pw')).toContain('no password given');
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('a closed port fails fast with "connection refused"', async () => {
    const port = await closedPort();
    const r = await go(
      'dry-run',
      { topology: topo(host('a', { host: '127.0.0.1', port, user: 'root', auth: 'password' })) },
      deps({ askSecret: async () => 'pw' }),
    );
    expect(r.result.outcome).toBe('failed');
    expect(r.result.hosts[0]?.message).toContain('connection refused');
    const phases = r.events.filter((e) => e.type === 'host').map((e) => (e.type === 'host' ? e.phase : ''));
    expect(phases).toEqual(['connecting', 'failed']);
  });

  it('a finished run holds no plaintext secret (its log stays, redacted)', async () => {
    const port = await closedPort();
    const secret = `pw-${process.pid}-forget-me`;
    const run = startDeploy(
      'dry-run',
      { deployId: newDeployId(), topology: topo(host('a', { host: '127.0.0.1', port, user: 'root', auth: 'password' })) },
      deps({ askSecret: async () => secret }),
    );
    let heldWhileRunning = 0;
    run.on((e) => {
      if (e.type === 'host' && e.phase === 'failed') heldWhileRunning = run.secretsHeld();
    });
    await run.result;
    expect(heldWhileRunning, 'the password was registered for redaction during the run').toBeGreaterThan(0);
    expect(run.secretsHeld()).toBe(0);
    expect(run.log.text()).not.toContain(secret);
  });

  it('apply stops before any change when a host cannot be planned', async () => {
    const r = await go(
      'apply',
      { topology: topo(host('a', { host: '127.0.0.1', port: await closedPort(), user: 'root', auth: 'agent' })) },
      deps({ agentSocket: '/nonexistent' }),
    );
    expect(r.result.outcome).toBe('failed');
    expect(r.log).toContain('could not be planned; nothing was changed');
  });
});

describe('redaction and the log', () => {
  it('masks every registered secret, longest first, deep in objects', () => {
    const r = new Redactor();
    r.add('hunter2');
    r.add('hunter2-long');
    r.add('');
    expect(r.redact('pw hunter2-long and hunter2.')).toBe(`pw ${REDACTED} and ${REDACTED}.`);
    expect(r.redactDeep({ a: ['x hunter2'], b: { c: 'hunter2', hunter2: 3 }, n: 1, z: null })).toEqual({
      a: [`x ${REDACTED}`],
      b: { c: REDACTED, [REDACTED]: 3 },
      n: 1,
      z: null,
    });
  });

  it('formats changes and events and saves the log 0600', async () => {
    expect(formatChange({ kind: 'sysctl', action: 'change', subject: 'net.ipv4.ip_forward', from: '0', to: '1' })).toBe(
      '~ sysctl net.ipv4.ip_forward (0 -> 1)',
    );
    expect(formatChange({ kind: 'address', action: 'add', subject: 'lo 10.0.0.1/32', to: '10.0.0.1/32' })).toBe('+ address lo 10.0.0.1/32');
    expect(formatEvent({ type: 'host', deployId: 'd', hostId: hostId('rs1'), phase: 'applying', step: { index: 2, total: 3, label: 'apply.sh' } })).toBe(
      'rs1: applying [2/3 apply.sh]',
    );
    const log = new DeployLog();
    log.record({ type: 'log', deployId: 'd', level: 'warn', text: 'careful' }, new Date(0));
    await log.save(join(dir, 'x.log'));
    expect(readFileSync(join(dir, 'x.log'), 'utf8')).toBe('1970-01-01T00:00:00.000Z warn: careful\n');
    expect(statSync(join(dir, 'x.log')).mode & 0o777).toBe(0o600);
  });
});

describe('secret stores', () => {
  const fakeSafe = (available: boolean, backend = 'gnome_libsecret') => ({
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('hex')}`),
    decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'hex').toString(),
    getSelectedStorageBackend: () => backend,
  });

  it('keeps secrets encrypted on disk with a real keychain, and survives a restart', async () => {
    const file = join(dir, 'secrets', 'deploy-secrets.json');
    const a = new SafeStorageSecretStore(fakeSafe(true), file);
    await a.set('password:root@h:22', 'pässword');
    expect(readFileSync(file, 'utf8')).not.toContain('pässword');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = new SafeStorageSecretStore(fakeSafe(true), file);
    expect(await b.get('password:root@h:22')).toBe('pässword');
    await b.delete('password:root@h:22');
    expect(await new SafeStorageSecretStore(fakeSafe(true), file).get('password:root@h:22')).toBeUndefined();
  });

  it('stays in memory when the OS has no keychain (basic_text) or no encryption', async () => {
    for (const safe of [fakeSafe(true, 'basic_text'), fakeSafe(false)]) {
      const file = join(dir, `mem-${Math.random()}.json`);
      const s = new SafeStorageSecretStore(safe, file);
      expect(s.persistent).toBe(false);
      await s.set('k', 'v');
      expect(await s.get('k')).toBe('v');
      expect(() => statSync(file)).toThrow();
      await s.clear();
      expect(await s.get('k')).toBeUndefined();
    }
  });
});
