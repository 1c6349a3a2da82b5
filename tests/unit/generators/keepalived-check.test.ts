/**
 * The generated keepalived.conf passes keepalived's own configuration test (`keepalived -t`, which
 * exits non-zero on any message, even a warning) — run when keepalived is installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderKeepalived } from '../../../shared/generators/index.ts';
import type { RealServer, Topology } from '../../../shared/model/types.ts';
import { loadExamples } from './helpers.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const hasKeepalived = spawnSync('keepalived', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'lvsd-keepalived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keepalivedTest(name: string, conf: string): { code: number | null; out: string } {
  const f = join(dir, `${name}.conf`);
  writeFileSync(f, conf);
  const r = spawnSync('keepalived', ['-t', '-f', f], { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const rs = (id: string, rip: string, port: number, method: RealServer['method'], extra: Partial<RealServer> = {}): RealServer => ({
  id: realServerId(id),
  host: hostId('h'),
  rip,
  port,
  method,
  weight: 2,
  ...extra,
});

/** Every feature the generator can put into keepalived.conf. */
const rich: Topology = {
  name: 'keepalived features',
  segments: [],
  hosts: [],
  services: [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('d'),
      protocol: 'tcp',
      vip: '10.0.0.1',
      port: 80,
      scheduler: 'wrr',
      persistence: { timeout: 300, netmask: '255.255.255.0' },
      healthCheck: { kind: 'http', path: '/healthz?x=1&y=2', status: 204, delayLoop: 10, connectTimeout: 2, retry: 3, delayBeforeRetry: 3 },
      realServers: [rs('a1', '10.1.0.1', 80, 'dr', { upperThreshold: 100, lowerThreshold: 50 }), rs('a2', '10.1.0.2', 80, 'tun')],
    },
    {
      id: serviceId('dns'),
      director: directorRef('d'),
      protocol: 'udp',
      vip: '10.0.0.1',
      port: 53,
      scheduler: 'sh',
      schedulerFlags: ['sh-fallback', 'sh-port'],
      healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
      realServers: [rs('b1', '10.2.0.1', 5353, 'nat')],
    },
    {
      id: serviceId('sctp'),
      director: directorRef('d'),
      protocol: 'sctp',
      vip: '10.0.0.2',
      port: 9,
      scheduler: 'mh',
      schedulerFlags: ['mh-port'],
      realServers: [rs('c1', '10.3.0.1', 9, 'dr')],
    },
    {
      id: serviceId('mark'),
      director: directorRef('d'),
      protocol: 'fwmark',
      vip: '10.0.0.3',
      port: 0,
      fwmark: 7,
      scheduler: 'lblcr',
      persistence: { timeout: 60 },
      realServers: [rs('e1', '10.4.0.1', 0, 'dr')],
    },
    {
      id: serviceId('empty'),
      director: directorRef('d'),
      protocol: 'tcp',
      vip: '10.0.0.4',
      port: 0,
      scheduler: 'rr',
      persistence: { timeout: 60 },
      realServers: [],
    },
  ],
};

describe.skipIf(!hasKeepalived)('keepalived -t accepts the generated keepalived.conf', () => {
  for (const { name, topology } of loadExamples()) {
    for (const d of [...new Set(topology.services.map((s) => s.director))]) {
      it(`${name}/${d}`, () => {
        const r = keepalivedTest(`${name}-${d}`, renderKeepalived(topology, d));
        expect(r.out).toBe('');
        expect(r.code).toBe(0);
      });
    }
  }
  it('every feature: http/tcp checks, thresholds, per-server method, udp/sctp/fwmark, flags, persistence, an empty service', () => {
    const r = keepalivedTest('rich', renderKeepalived(rich, 'd'));
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
  it('would notice a broken file (the check can fail)', () => {
    const r = keepalivedTest('broken', 'virtual_server 10.0.0.1 80 {\n  lvs_sched wrr\n  real_server 10.0.1.1 80 {\n    weight x\n  }\n');
    expect(r.code).not.toBe(0);
  });
});
