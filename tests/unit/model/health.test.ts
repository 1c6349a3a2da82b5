import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import { migrate } from '../../../shared/model/migrations.ts';
import { effectiveHealthCheck, effectiveQuorum, ipvsOwnerOf } from '../../../shared/model/health.ts';
import type { RealServer, Topology, VirtualService } from '../../../shared/model/types.ts';
import { renderKeepalived } from '../../../shared/generators/index.ts';
import { directorRef, hostId, realServerId, serviceId } from '../../../shared/model/ids.ts';

const v2Text = readFileSync(new URL('../../fixtures/model/v2-nat.lvs.json', import.meta.url), 'utf8');

describe('v2 → v3 migration', () => {
  it('turns interval/timeout into keepalived fields with the values version 2 generated', () => {
    const r = parseDesignFile(v2Text);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.formatVersion).toBe(4);
    expect(r.value.topology.services[0]!.healthCheck).toEqual({
      kind: 'http',
      path: '/',
      status: 200,
      delayLoop: 6,
      connectTimeout: 3,
      retry: 3,
      delayBeforeRetry: 3,
    });
  });

  it('keeps explicit v2 interval and timeout, and gives a path-less HTTP check the "/" v2 requested', () => {
    const doc = JSON.parse(v2Text);
    doc.topology.services[0].healthCheck = { kind: 'http', interval: 10, timeout: 2 };
    const r = migrate(doc, 3);
    if (!r.ok) throw new Error(r.error);
    const hc = (r.doc.topology as { services: { healthCheck: unknown }[] }).services[0]!.healthCheck;
    expect(hc).toEqual({ kind: 'http', path: '/', delayLoop: 10, connectTimeout: 2, retry: 3, delayBeforeRetry: 3 });
  });

  it('generates the same keepalived.conf for a v2 file as version 2 did', () => {
    const r = parseDesignFile(v2Text);
    if (!r.ok) throw new Error(r.error.message);
    const conf = renderKeepalived(r.value.topology, 'director');
    expect(conf).toContain('    delay_loop 6\n');
    expect(conf).toContain('            connect_timeout 3\n            retry 3\n            delay_before_retry 3\n');
  });

  it('leaves a v2 file without health checks unchanged apart from the version', () => {
    const doc = JSON.parse(v2Text);
    delete doc.topology.services[0].healthCheck;
    const r = migrate(doc, 3);
    if (!r.ok) throw new Error(r.error);
    expect(r.doc).toEqual({ ...doc, formatVersion: 3 });
  });
});

const rs = (id: string, extra: Partial<RealServer> = {}): RealServer => ({
  id: realServerId(id),
  host: hostId(id),
  rip: '10.0.0.2',
  port: 8080,
  method: 'nat',
  weight: 1,
  ...extra,
});
const svc = (extra: Partial<VirtualService> = {}): VirtualService => ({
  id: serviceId('web'),
  director: directorRef('lb'),
  protocol: 'tcp',
  vip: '10.0.0.1',
  port: 80,
  scheduler: 'rr',
  realServers: [rs('rs1')],
  ...extra,
});

describe('effectiveHealthCheck', () => {
  it('fills in keepalived 2.2.7 defaults per checker kind', () => {
    expect(effectiveHealthCheck(svc({ healthCheck: { kind: 'tcp' } }), rs('rs1'))).toMatchObject({
      delayLoop: 60,
      connectTimeout: 5,
      retry: 1,
      delayBeforeRetry: 1,
      port: 8080,
      inhibitOnFailure: false,
      alpha: false,
    });
    expect(effectiveHealthCheck(svc({ healthCheck: { kind: 'http' } }))).toMatchObject({ retry: 1, delayBeforeRetry: 3, port: 80 });
    expect(effectiveHealthCheck(svc({ healthCheck: { kind: 'misc', script: '/bin/true', delayLoop: 7 } }))).toMatchObject({
      retry: 0,
      delayBeforeRetry: 1,
      scriptTimeout: 7,
    });
  });

  it('lets a real server override the service check', () => {
    const s = svc({ healthCheck: { kind: 'http', path: '/', delayLoop: 6, inhibitOnFailure: true } });
    const e = effectiveHealthCheck(s, rs('rs1', { healthCheck: { kind: 'tcp', connectPort: 9000, delayLoop: 2 } }));
    expect(e).toMatchObject({ kind: 'tcp', port: 9000, delayLoop: 2, inhibitOnFailure: true, delayBeforeRetry: 1 });
  });

  it('is undefined without a service check, and quorum defaults to 1 / hysteresis 0', () => {
    expect(effectiveHealthCheck(svc(), rs('rs1', { healthCheck: { delayLoop: 3 } }))).toBeUndefined();
    expect(effectiveQuorum(undefined)).toEqual({ quorum: 1, hysteresis: 0 });
    expect(effectiveQuorum({ kind: 'tcp', quorum: 3, hysteresis: 1 })).toEqual({ quorum: 3, hysteresis: 1 });
  });
});

describe('ipvsOwnerOf', () => {
  const t = (services: VirtualService[], owner?: 'ipvsadm' | 'keepalived'): Topology => ({
    name: 't',
    segments: [],
    hosts: [{ id: hostId('lb'), name: 'lb', role: 'director', interfaces: [], ...(owner ? { ipvsOwner: owner } : {}) }],
    services,
  });
  it('defaults to keepalived when a service of the director has a check, ipvsadm otherwise; an explicit choice wins', () => {
    expect(ipvsOwnerOf(t([svc({ healthCheck: { kind: 'tcp' } })]), t([]).hosts[0]!)).toBe('keepalived');
    expect(ipvsOwnerOf(t([svc()]), t([]).hosts[0]!)).toBe('ipvsadm');
    const pinned = t([svc({ healthCheck: { kind: 'tcp' } })], 'ipvsadm');
    expect(ipvsOwnerOf(pinned, pinned.hosts[0]!)).toBe('ipvsadm');
  });
});

describe('v3 schema', () => {
  const withCheck = (hc: unknown, rsCheck?: unknown) => {
    const doc = JSON.parse(v2Text);
    doc.formatVersion = 3;
    doc.topology.services[0].healthCheck = hc;
    if (rsCheck !== undefined) doc.topology.services[0].realServers[0].healthCheck = rsCheck;
    return parseDesignFile(JSON.stringify(doc));
  };
  it('accepts every keepalived option', () => {
    const r = withCheck(
      {
        kind: 'ssl',
        path: '/health',
        status: 200,
        digest: '0123456789abcdef0123456789abcdef',
        connectPort: 443,
        delayLoop: 5,
        connectTimeout: 2,
        retry: 2,
        delayBeforeRetry: 1,
        inhibitOnFailure: true,
        alpha: true,
        sorryServer: { ip: '192.168.111.9', port: 80, method: 'nat', inhibit: true },
        quorum: 2,
        hysteresis: 1,
        quorumUp: '/usr/local/bin/up',
        quorumDown: '/usr/local/bin/down web',
      },
      { retry: 5, kind: 'misc', script: '/usr/local/bin/check rs1', scriptTimeout: 4 },
    );
    expect(r.ok ? 'ok' : r.error.message).toBe('ok');
  });
  it('names the bad field', () => {
    const bad = (hc: unknown, rsCheck?: unknown) => {
      const r = withCheck(hc, rsCheck);
      return r.ok ? 'ok' : r.error.message;
    };
    expect(bad({ kind: 'icmp' })).toMatch(/^topology\.services\[0\]\.healthCheck\.kind/);
    expect(bad({ kind: 'http', digest: 'xyz' })).toMatch(/healthCheck\.digest: must be an MD5 digest/);
    expect(bad({ kind: 'tcp', delayLoop: 0 })).toMatch(/healthCheck\.delayLoop/);
    expect(bad({ kind: 'tcp' }, { quorum: 2 })).toMatch(/realServers\[0\]\.healthCheck: Unrecognized key: "quorum"/);
  });
});
