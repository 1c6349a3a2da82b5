/**
 * keepalived.conf import of health checks: a generated file with every option imports back to the
 * same design (and generates the same file again); `@id` conditional lines; `include` resolved
 * relative to the file and refused outside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importConfig, importKeepalived } from '../../../shared/importers/index.ts';
import { renderKeepalived } from '../../../shared/generators/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { run as importCli } from '../../../electron/cli/commands/import.ts';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden-keepalived/every-option.conf');
const INCLUDE_DIR = join(import.meta.dirname, '../../fixtures/import/keepalived-include');

/** The design's services without ids and hosts (the importer names those itself). */
const essence = (t: Topology) =>
  t.services.map((s) => ({
    ...s,
    id: undefined,
    name: undefined,
    director: undefined,
    realServers: s.realServers.map((r) => ({ ...r, id: undefined, host: undefined })),
  }));

describe('round trip', () => {
  it('every health-check option survives generate → import → generate', () => {
    const conf = readFileSync(GOLDEN, 'utf8');
    const r = importKeepalived(conf);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const web = r.topology.services[0]!;
    expect(web.healthCheck).toEqual({
      kind: 'http',
      path: '/healthz?deep=1',
      status: 200,
      digest: '9b3a0c85a887a256d6939da88aabd8cd',
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
    });
    expect(web.realServers[1]!.healthCheck).toEqual({ path: '/ready', connectPort: 8081, delayLoop: 3 });
    expect(web.realServers[2]!.healthCheck).toMatchObject({ kind: 'misc', script: '/usr/local/bin/check_app --port 8080', scriptTimeout: 4, retry: 1 });
    expect(r.topology.services.map((s) => s.healthCheck?.kind)).toEqual(['http', 'ssl', 'tcp', 'misc']);
    // Regenerating from the import gives the same virtual_server blocks.
    const director = r.topology.services[0]!.director;
    const again = renderKeepalived(r.topology, director);
    const body = (text: string) => text.slice(text.indexOf('virtual_server')).replace(/^# service .*\n/gm, '');
    expect(body(again)).toBe(body(conf));
    // And importing that again is stable.
    expect(essence(importKeepalived(again).topology)).toEqual(essence(r.topology));
  });

  it('a virtual_server without checkers gets no health check (delay_loop alone is not one)', () => {
    const r = importKeepalived('virtual_server 10.0.0.1 80 {\n delay_loop 6\n lvs_sched rr\n real_server 10.0.1.1 80 {\n  weight 1\n }\n}\n');
    expect(r.topology.services[0]!.healthCheck).toBeUndefined();
  });
});

describe('@ conditional lines and include', () => {
  const read = (rel: string) => {
    try {
      return readFileSync(join(INCLUDE_DIR, rel), 'utf8');
    } catch {
      return null;
    }
  };

  it('with config id lb1: reads @lb1 lines, skips @^lb1 lines, splices the include, refuses ../ and absolute paths', () => {
    const r = importConfig('keepalived', readFileSync(join(INCLUDE_DIR, 'keepalived.conf'), 'utf8'), 'x', { configId: 'lb1', include: read });
    const web = r.topology.services[0]!;
    expect(r.topology.services).toHaveLength(1);
    expect(web.healthCheck).toMatchObject({
      kind: 'http',
      path: '/healthz',
      inhibitOnFailure: true,
      sorryServer: { ip: '10.0.2.9', port: 8080, inhibit: true },
    });
    expect(web.realServers.map((x) => x.rip)).toEqual(['10.0.1.1']);
    const messages = r.problems.map((p) => `${p.line}: ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^7: include \.\.\/outside\.conf: leaves the imported file's directory; refused/));
    expect(messages).toContainEqual(expect.stringMatching(/^8: include \/etc\/keepalived\/other\.conf: an absolute path is outside/));
  });

  it('without a config id: @lb1 lines are skipped and said so, @^lb1 lines read', () => {
    const r = importConfig('keepalived', readFileSync(join(INCLUDE_DIR, 'keepalived.conf'), 'utf8'), 'x', { include: read });
    const web = r.topology.services[0]!;
    expect(web.realServers.map((x) => x.rip)).toEqual(['10.0.1.1', '10.0.1.9']);
    expect(web.healthCheck!.sorryServer).toEqual({ ip: '10.0.2.9', port: 8080 });
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('lines for config id @lb1, @lb2 were skipped'));
    // A problem inside the included file points at the include line, naming the file and its line.
    expect(r.problems).toContainEqual(expect.objectContaining({ line: 6, message: expect.stringContaining('(in conf.d/web.conf line 22)') }));
  });

  it('an include that includes itself is read once', () => {
    const r = importConfig('keepalived', 'include loop.conf\n', 'x', {
      include: (rel) =>
        rel === 'loop.conf' ? 'include loop.conf\nvirtual_server 10.0.0.1 80 {\n real_server 10.0.1.1 80 {\n  TCP_CHECK {\n  }\n }\n}\n' : null,
    });
    expect(r.topology.services).toHaveLength(1);
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('includes itself'));
  });

  it('lvsd import reads includes next to the file and refuses the one outside', async () => {
    let out = '';
    let err = '';
    const code = await importCli(['keepalived', join(INCLUDE_DIR, 'keepalived.conf'), '--config-id', 'lb2'], {
      stdout: (s: string) => (out += s),
      stderr: (s: string) => (err += s),
    } as never);
    expect(code).toBe(0);
    expect(JSON.parse(out).topology.services[0].vip).toBe('10.0.0.1');
    expect(err).toContain("leaves the imported file's directory; refused");
  });
});
