/**
 * The health-check rules: each fires on its failing design (the catalogue demo) and is silent once
 * the design is fixed the way its message says; the Chinese text comes with every finding.
 */
import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/validation/index.ts';
import { RULES } from '../../../shared/validation/index.ts';
import { DEMOS } from './demos.ts';
import { edit, host, natLab, problemsOf, service } from './builders.ts';
import type { Topology } from '../../../shared/model/types.ts';

const HEALTH_RULES = RULES.filter((r) => r.id.startsWith('health/')).map((r) => r.id);

/** The demo design with the fix applied. */
const FIXED: Readonly<Record<string, () => Topology>> = {
  'health/invalid-check': () =>
    edit(DEMOS['health/invalid-check']!(), (d) => void (service(d, 'web').healthCheck = { kind: 'misc', script: '/usr/local/bin/check_web.sh' })),
  'health/script-path': () =>
    edit(DEMOS['health/script-path']!(), (d) => void (service(d, 'web').healthCheck = { kind: 'misc', script: '/usr/local/bin/check_app.sh --port 80' })),
  'health/sorry-is-real-server': () =>
    edit(DEMOS['health/sorry-is-real-server']!(), (d) => void (service(d, 'web').healthCheck!.sorryServer = { ip: '192.168.111.150', port: 80 })),
  'health/quorum-above-weights': () => edit(DEMOS['health/quorum-above-weights']!(), (d) => void (service(d, 'web').healthCheck!.quorum = 2)),
  'health/manual-rules-conflict': () =>
    edit(
      DEMOS['health/manual-rules-conflict']!(),
      (d) => void (host(d, 'director').manualIpvsadmRules = ['-A -t 172.16.111.123:25 -s rr', '-a -t 172.16.111.123:25 -r 192.168.111.101:25 -m -w 1']),
    ),
  'health/http-port': () => edit(DEMOS['health/http-port']!(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp' })),
  'health/connect-timeout': () => edit(DEMOS['health/connect-timeout']!(), (d) => void (service(d, 'web').healthCheck!.connectTimeout = 1)),
  'health/inhibit-persistence': () => edit(DEMOS['health/inhibit-persistence']!(), (d) => void delete service(d, 'web').healthCheck!.inhibitOnFailure),
  'health/no-check': () => edit(DEMOS['health/no-check']!(), (d) => void (service(d, 'web').healthCheck = { kind: 'http', path: '/' })),
};

describe('health-check rules', () => {
  it('are all covered here', () => {
    expect(Object.keys(FIXED).sort()).toEqual([...HEALTH_RULES].sort());
  });

  it.each(HEALTH_RULES)('%s fires on its failing design, in English and Chinese', (id) => {
    const found = problemsOf(DEMOS[id]!(), id);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) {
      expect(p.zh?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(p.zh?.fix).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(RULES.find((r) => r.id === id)!.titleZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each(HEALTH_RULES)('%s is silent once fixed', (id) => {
    expect(problemsOf(FIXED[id]!(), id)).toEqual([]);
  });

  it('the fixed designs raise no other health problem', () => {
    for (const id of HEALTH_RULES) {
      expect(
        validate(FIXED[id]!())
          .filter((p) => p.rule.startsWith('health/'))
          .map((p) => p.rule),
        id,
      ).toEqual([]);
    }
  });
});

describe('details', () => {
  it('health/no-check: a lab design without a deploy target is left alone', () => {
    expect(problemsOf(natLab(), 'health/no-check')).toEqual([]);
  });

  it('health/http-port: HTTP on 443 asks for SSL_GET, a connectPort to an HTTP port is fine, UDP is refused', () => {
    const on443 = edit(natLab(), (d) => {
      service(d, 'web').port = 443;
      service(d, 'web').realServers.forEach((r) => (r.port = 443));
      service(d, 'web').healthCheck = { kind: 'http', path: '/' };
    });
    expect(problemsOf(on443, 'health/http-port')[0]!.fix).toContain('use SSL_GET');
    const viaPort = edit(DEMOS['health/http-port']!(), (d) => void (service(d, 'web').healthCheck!.connectPort = 8080));
    expect(problemsOf(viaPort, 'health/http-port')).toEqual([]);
    const udp = edit(natLab(), (d) => {
      service(d, 'web').protocol = 'udp';
      service(d, 'web').healthCheck = { kind: 'http', path: '/' };
    });
    expect(problemsOf(udp, 'health/http-port')[0]!.message).toContain('UDP');
  });

  it('health/connect-timeout: a real server override is named and counted in the detection time', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').healthCheck = { kind: 'tcp', delayLoop: 10, connectTimeout: 2 };
      service(d, 'web').realServers[1]!.healthCheck = { connectTimeout: 12, retry: 2, delayBeforeRetry: 1 };
    });
    const [p] = problemsOf(t, 'health/connect-timeout');
    expect(p!.message).toContain('for real server 192.168.111.102');
    // delay_loop 10 + (2 + 1) × 12 + 2 × 1
    expect(p!.message).toContain('after 48 s');
  });

  it('health/quorum-above-weights: hysteresis that keeps the quorum from coming back is a warning', () => {
    const t = edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp', quorum: 2, hysteresis: 1 }));
    expect(problemsOf(t, 'health/quorum-above-weights').map((p) => p.severity)).toEqual(['warning']);
  });

  it('health/script-path: shell syntax in quorum_down is reported with the field name', () => {
    const t = edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp', quorumDown: '/usr/local/bin/page; rm -rf /' }));
    const [p] = problemsOf(t, 'health/script-path');
    expect(p!.message).toContain('quorum_down');
    expect(p!.message).toContain('shell syntax');
    expect(p!.fix).toContain('quorumDown');
  });

  it('health/invalid-check: a check on an ipvsadm-owned director warns that nothing runs it', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').healthCheck = { kind: 'tcp' };
      host(d, 'director').ipvsOwner = 'ipvsadm';
    });
    expect(problemsOf(t, 'health/invalid-check').map((p) => p.severity)).toEqual(['warning']);
    const path = edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp', path: '/x' }));
    expect(problemsOf(path, 'health/invalid-check')[0]!.message).toContain('TCP_CHECK sends no HTTP request');
  });

  it('health/manual-rules-conflict: an ipvsadm-owned director may keep its own rules', () => {
    const t = edit(DEMOS['health/manual-rules-conflict']!(), (d) => void (host(d, 'director').ipvsOwner = 'ipvsadm'));
    expect(problemsOf(t, 'health/manual-rules-conflict')).toEqual([]);
  });
});
