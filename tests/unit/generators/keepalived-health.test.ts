/**
 * keepalived.conf with every health-check option: a golden file (UPDATE_GOLDEN=1 rewrites it) that
 * keepalived's own `keepalived -t` accepts, and bad values refused with the name of the field.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderHost, renderKeepalived } from '../../../shared/generators/index.ts';
import type { HealthCheck, RealServer, Topology } from '../../../shared/model/types.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const hasKeepalived = spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'lvsd-keepalived-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GOLDEN = join(import.meta.dirname, '../../fixtures/golden-keepalived/every-option.conf');

function keepalivedTest(name: string, conf: string): { code: number | null; out: string } {
  const f = join(dir, `${name}.conf`);
  writeFileSync(f, conf);
  const r = spawnSync('keepalived', ['-t', '-f', f], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const rs = (id: string, rip: string, port: number, extra: Partial<RealServer> = {}): RealServer => ({
  id: realServerId(id),
  host: hostId('h'),
  rip,
  port,
  method: 'nat',
  weight: 2,
  ...extra,
});

const every: Topology = {
  name: 'every health-check option',
  segments: [],
  hosts: [{ id: hostId('lb1'), name: 'lb1', role: 'director', interfaces: [] }],
  services: [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('lb1'),
      protocol: 'tcp',
      vip: '10.0.0.1',
      port: 80,
      scheduler: 'wlc',
      persistence: { timeout: 120 },
      healthCheck: {
        kind: 'http',
        path: '/healthz?deep=1',
        status: 200,
        digest: '9B3A0C85A887A256D6939DA88AABD8CD',
        delayLoop: 5,
        connectTimeout: 2,
        retry: 2,
        delayBeforeRetry: 1,
        inhibitOnFailure: true,
        alpha: true,
        sorryServer: { ip: '10.0.2.9', port: 8080, method: 'nat', inhibit: true },
        quorum: 2,
        hysteresis: 1,
        quorumUp: '/usr/local/bin/quorum-web up',
        quorumDown: '/usr/local/bin/quorum-web down --page=oncall',
      },
      realServers: [
        rs('w1', '10.0.1.1', 8080),
        rs('w2', '10.0.1.2', 8080, { healthCheck: { connectPort: 8081, delayLoop: 3, path: '/ready' } }),
        rs('w3', '10.0.1.3', 8080, { healthCheck: { kind: 'misc', script: '/usr/local/bin/check_app --port 8080', scriptTimeout: 4, retry: 1 } }),
      ],
    },
    {
      id: serviceId('tls'),
      director: directorRef('lb1'),
      protocol: 'tcp',
      vip: '10.0.0.1',
      port: 443,
      scheduler: 'rr',
      healthCheck: { kind: 'ssl', path: '/', status: 204 },
      realServers: [rs('t1', '10.0.1.1', 443, { method: 'dr' }), rs('t2', '10.0.1.2', 443, { method: 'dr', healthCheck: { kind: 'tcp' } })],
    },
    {
      id: serviceId('db'),
      director: directorRef('lb1'),
      protocol: 'tcp',
      vip: '10.0.0.1',
      port: 5432,
      scheduler: 'lc',
      healthCheck: { kind: 'tcp', connectTimeout: 1, delayLoop: 2 },
      realServers: [rs('d1', '10.0.1.5', 5432)],
    },
    {
      id: serviceId('mark'),
      director: directorRef('lb1'),
      protocol: 'fwmark',
      vip: '10.0.0.1',
      port: 0,
      fwmark: 7,
      scheduler: 'rr',
      persistence: { timeout: 60 },
      healthCheck: { kind: 'misc', script: '/usr/local/bin/check_mark' },
      realServers: [rs('m1', '10.0.1.6', 0, { method: 'dr', weight: 1 })],
    },
  ],
};

describe('keepalived.conf with every health-check option', () => {
  it('equals the golden file', () => {
    const conf = renderKeepalived(every, 'lb1');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, conf);
    expect(conf).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('writes the keepalived keywords for each option', () => {
    const conf = renderKeepalived(every, 'lb1');
    for (const k of [
      'global_defs {\n    router_id lb1\n    script_user root\n    enable_script_security\n}',
      '    alpha\n    quorum 2\n    hysteresis 1\n',
      '    quorum_up "/usr/local/bin/quorum-web up"\n',
      '    sorry_server 10.0.2.9 8080\n    sorry_server_lvs_method NAT\n    sorry_server_inhibit\n',
      '                digest 9b3a0c85a887a256d6939da88aabd8cd\n',
      '        delay_loop 3\n        inhibit_on_failure\n        HTTP_GET {\n            url {\n                path /ready\n',
      '            connect_port 8081\n',
      '            misc_path "/usr/local/bin/check_app --port 8080"\n            misc_timeout 4\n            retry 1\n',
      '        SSL_GET {\n',
      // TCP_CHECK defaults of keepalived 2.2.7 written out: connect_timeout 5, retry 1, delay_before_retry 1.
      '        TCP_CHECK {\n            connect_timeout 5\n            retry 1\n            delay_before_retry 1\n',
      // A dead server is out after delay_loop 5 + 3 × connect_timeout 2 + 2 × delay_before_retry 1.
      'at most 13 s after it fails',
    ]) {
      expect(conf).toContain(k);
    }
  });

  it.skipIf(!hasKeepalived)('is accepted by keepalived -t (no message at all)', () => {
    const r = keepalivedTest('every', renderKeepalived(every, 'lb1'));
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it.skipIf(!hasKeepalived)('keepalived -t would notice a checker keyword it does not know (the check can fail)', () => {
    const conf = renderKeepalived(every, 'lb1').replace('delay_before_retry 1', 'delay_before_retri 1');
    expect(keepalivedTest('typo', conf).code).not.toBe(0);
  });
});

describe('bad health-check values name the field and generate nothing', () => {
  const withCheck = (hc: HealthCheck, rsCheck?: RealServer['healthCheck']): Topology => ({
    ...every,
    services: [{ ...every.services[2]!, healthCheck: hc, realServers: [rs('d1', '10.0.1.5', 5432, rsCheck ? { healthCheck: rsCheck } : {})] }],
  });
  const errorOf = (t: Topology): string => {
    const r = renderHost(t, 'lb1');
    return r.ok ? 'generated' : r.error;
  };
  it.each([
    [
      'script with shell syntax',
      withCheck({ kind: 'misc', script: '/usr/local/bin/check; reboot' }),
      'services[0] (db).healthCheck.script: "/usr/local/bin/check; reboot" contains shell metacharacters',
    ],
    ['relative script', withCheck({ kind: 'misc', script: 'check.sh' }), 'services[0] (db).healthCheck.script: "check.sh" is not an absolute path'],
    ['quote in quorum_down', withCheck({ kind: 'tcp', quorumDown: '/bin/echo "x"' }), 'services[0] (db).healthCheck.quorumDown'],
    ['MISC_CHECK without a script', withCheck({ kind: 'misc' }), 'services[0] (db).healthCheck.script: MISC_CHECK needs a script'],
    [
      'override with $ in the script',
      withCheck({ kind: 'tcp' }, { kind: 'misc', script: '/bin/check $HOME' }),
      'services[0] (db).realServers[0] (d1).healthCheck.script',
    ],
    ['sorry server not an address', withCheck({ kind: 'tcp', sorryServer: { ip: '10.0.2.300', port: 80 } }), 'services[0] (db).healthCheck.sorryServer.ip'],
    ['digest not hex', withCheck({ kind: 'http', digest: 'zz' }), 'services[0] (db).healthCheck.digest'],
  ])('%s', (_name, t, message) => {
    expect(errorOf(t)).toContain(message);
  });

  it('a hand-written ipvsadm rule with shell syntax is refused naming the host field', () => {
    const t: Topology = { ...every, hosts: [{ ...every.hosts[0]!, manualIpvsadmRules: ['-A -t 10.0.0.1:25 -s rr; reboot'] }] };
    expect(errorOf(t)).toContain('hosts (lb1).manualIpvsadmRules[0]');
  });
});
