import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderIpvsadmRules, renderKeepalived } from '../../../shared/generators/index.ts';
import type { ImportResult } from '../../../shared/importers/index.ts';
import {
  detectImportKind,
  importConfig,
  importIpvsadmCommands,
  importIpvsadmList,
  importIpvsadmSave,
  importKeepalived,
} from '../../../shared/importers/index.ts';
import { MAX_LINE_CHARS } from '../../../shared/importers/types.ts';
import { designFileSchema } from '../../../shared/model/schema.ts';
import { makeDesignFile } from '../../../shared/model/file.ts';
import type { Topology, VirtualService } from '../../../shared/model/types.ts';
import { validate } from '../../../shared/validation/index.ts';
import { loadExamples } from '../generators/helpers.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/import');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** What a round trip must keep: the IPVS-relevant part of each service. */
function essence(services: readonly VirtualService[]) {
  return services.map((s) => ({
    protocol: s.protocol,
    vip: s.protocol === 'fwmark' ? '' : s.vip,
    port: s.protocol === 'fwmark' ? 0 : s.port,
    fwmark: s.fwmark,
    scheduler: s.scheduler,
    flags: [...(s.schedulerFlags ?? [])].sort(),
    persistence: s.persistence
      ? { timeout: s.persistence.timeout, netmask: s.persistence.netmask === '255.255.255.255' ? undefined : s.persistence.netmask }
      : undefined,
    realServers: s.realServers.map((r) => ({ rip: r.rip, port: r.port, method: r.method, weight: r.weight })),
  }));
}

function expectLoadable(r: ImportResult): void {
  const parsed = designFileSchema.safeParse(makeDesignFile(r.topology, r.layout));
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
  for (const h of r.topology.hosts) expect(r.layout.positions[h.id], h.id).toBeDefined();
}

const errors = (r: ImportResult) => r.problems.filter((p) => p.severity === 'error');

describe('round trip: import(generate(t)) keeps every service', () => {
  for (const { name, topology } of loadExamples()) {
    const directors = [...new Set(topology.services.map((s) => s.director))];
    for (const d of directors) {
      const own = topology.services.filter((s) => s.director === d);
      it(`${name}/${d} via ipvsadm -S`, () => {
        const r = importIpvsadmSave(renderIpvsadmRules(topology, d));
        expect(errors(r)).toEqual([]);
        expect(essence(r.topology.services)).toEqual(essence(own));
        expectLoadable(r);
      });
      it(`${name}/${d} via keepalived.conf`, () => {
        const r = importKeepalived(renderKeepalived(topology, d));
        expect(errors(r)).toEqual([]);
        expect(essence(r.topology.services)).toEqual(essence(own));
        for (const [i, s] of r.topology.services.entries()) expect(s.healthCheck?.kind).toBe(own[i]!.healthCheck?.kind);
        expectLoadable(r);
      });
      it(`${name}/${d}: the imported design renders the same rules again`, () => {
        const r = importIpvsadmSave(renderIpvsadmRules(topology, d));
        const again = r.topology.services.map((s) => s.director);
        expect(new Set(again).size).toBeGreaterThan(0);
        const text = [...new Set(again)].map((x) => renderIpvsadmRules(r.topology, x)).join('');
        expect(text.split('\n').sort()).toEqual(renderIpvsadmRules(topology, d).split('\n').sort());
      });
    }
  }
});

/** `ipvsadm -L -n` as ipvsadm 1.31 prints it (print_service_entry's formats), for a director of a design. */
function asList(t: Topology, director: string): string {
  const fwd = { nat: 'Masq', dr: 'Route', tun: 'Tunnel' } as const;
  const out = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
  ];
  for (const s of t.services.filter((x) => x.director === director)) {
    let line = s.protocol === 'fwmark' ? `FWM  ${s.fwmark} ${s.scheduler}` : `${s.protocol.toUpperCase().padEnd(4)} ${`${s.vip}:${s.port}`} ${s.scheduler}`;
    if (s.schedulerFlags?.length) line += ` (${s.schedulerFlags.join(',')})`;
    if (s.persistence) line += ` persistent ${s.persistence.timeout}`;
    if (s.persistence?.netmask) line += ` mask ${s.persistence.netmask}`;
    out.push(line);
    for (const r of s.realServers) {
      const port = s.protocol !== 'fwmark' && r.method !== 'nat' ? s.port : r.port;
      out.push(`  -> ${`${r.rip}:${port}`.padEnd(28)} ${fwd[r.method].padEnd(7)} ${String(r.weight).padEnd(6)} ${'0'.padEnd(10)} ${'0'.padEnd(10)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

describe('round trip through ipvsadm -L -n', () => {
  for (const { name, topology } of loadExamples()) {
    for (const d of [...new Set(topology.services.map((s) => s.director))]) {
      it(`${name}/${d}`, () => {
        const r = importIpvsadmList(asList(topology, d));
        expect(errors(r)).toEqual([]);
        expect(essence(r.topology.services)).toEqual(essence(topology.services.filter((s) => s.director === d)));
        expectLoadable(r);
      });
    }
  }
});

describe('the seed article', () => {
  it('NAT part: commands imported, the bad gateway and the misspelt sysctl reported', () => {
    const r = importIpvsadmCommands(fixture('seed-nat.txt'));
    expect(essence(r.topology.services)).toEqual([
      {
        protocol: 'tcp',
        vip: '172.16.111.123',
        port: 80,
        fwmark: undefined,
        scheduler: 'wrr',
        flags: [],
        persistence: undefined,
        realServers: [
          { rip: '192.168.111.101', port: 80, method: 'nat', weight: 1 },
          { rip: '192.168.111.102', port: 80, method: 'nat', weight: 1 },
        ],
      },
    ]);
    const messages = r.problems.map((p) => `${p.line}: ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^2: "192\.168\.111\.2000" .*not a valid IPv4/));
    expect(messages).toContainEqual(expect.stringMatching(/^2: "netipv4\.ip\.forward" is not a sysctl key/));
    // The NAT director forwards and the real servers route through it.
    const director = r.topology.hosts.find((h) => h.role === 'director')!;
    expect(director.sysctl?.ipForward).toBe(true);
    expectLoadable(r);
  });

  it('DR part: every mistake is reported on its line, nothing is accepted silently', () => {
    const r = importIpvsadmCommands(fixture('seed-dr.txt'));
    const at15 = r.problems.filter((p) => p.line === 15).map((p) => `${p.severity}: ${p.message}`);
    expect(at15).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error: -a adds a real server and needs -r; .*read as -A/),
        expect.stringMatching(/^error: flags glued together: "-m-w"/),
        expect.stringMatching(/^error: virtual service address "1172\.17\.253\.100" is not a valid IPv4 address/),
        expect.stringMatching(/^error: flag split by a space: "- r"/),
        expect.stringMatching(/^error: address and flag glued together: "192\.168\.163\.103:80-m"/),
        expect.stringMatching(/^warning: -m \(NAT\) in a DR setup/),
        expect.stringMatching(/^warning: "aRp_ignore" is spelled with capitals/),
        expect.stringMatching(/^warning: .*a space breaks the \/proc\/sys path/),
      ]),
    );
    // The service the author meant with both real servers: the one on the typo line (1172.17.253.100)
    // is imported with a problem that points at it, not dropped.
    expect(essence(r.topology.services)).toEqual([
      expect.objectContaining({
        vip: '172.17.253.100',
        port: 80,
        scheduler: 'wrr',
        realServers: [
          { rip: '192.168.163.102', port: 80, method: 'nat', weight: 1 },
          { rip: '192.168.163.103', port: 80, method: 'nat', weight: 1 },
        ],
      }),
    ]);
    const typo = r.problems.find((p) => /"1172\.17\.253\.100" read as tcp 172\.17\.253\.100:80/.test(p.message));
    expect(typo?.line).toBe(15);
    const rs102 = r.topology.hosts.find((h) => h.interfaces.some((f) => f.addresses.includes('192.168.163.102/24')))!;
    expect(typo?.refs).toEqual([rs102.id]);
    expect(errors(r).length).toBeGreaterThanOrEqual(5);
    expectLoadable(r);
  });
});

describe('ipvsadm -L -n', () => {
  it('reads services, flags, persistence, mask, Masq/Route/Tunnel/Local and trailing pad spaces', () => {
    const r = importIpvsadmList(fixture('list.txt'));
    expect(errors(r)).toEqual([]);
    const [web, dns, tls, mark] = r.topology.services;
    expect(web).toMatchObject({ protocol: 'tcp', vip: '10.0.0.80', port: 80, scheduler: 'wlc', persistence: { timeout: 600, netmask: '255.255.255.0' } });
    expect(web!.realServers).toMatchObject([
      { rip: '10.1.0.11', port: 80, method: 'dr', weight: 2 },
      { rip: '10.1.0.12', port: 80, method: 'dr', weight: 0 },
    ]);
    expect(dns).toMatchObject({ protocol: 'udp', port: 53, scheduler: 'rr', realServers: [{ rip: '10.2.0.11', port: 5353, method: 'nat' }] });
    expect(tls).toMatchObject({
      scheduler: 'sh',
      schedulerFlags: ['sh-fallback', 'sh-port'],
      realServers: [{ method: 'tun' }, { method: 'dr', rip: '10.0.0.81' }],
    });
    expect(mark).toMatchObject({ protocol: 'fwmark', fwmark: 7, scheduler: 'wrr' });
    expect(r.problems.some((p) => p.line === 11 && /Local/.test(p.message))).toBe(true);
    expectLoadable(r);
  });
  it('reads --thresholds output (Uthreshold/Lthreshold replace Forward/Weight) and says what it lacks', () => {
    const r = importIpvsadmList(fixture('list-thresholds.txt'));
    expect(errors(r)).toEqual([]);
    expect(r.topology.services[0]!.realServers).toMatchObject([
      { rip: '192.168.1.180', port: 80 },
      { rip: '192.168.1.181', port: 80, upperThreshold: 10000 },
      { rip: '192.168.1.182', port: 80, upperThreshold: 10000, lowerThreshold: 100 },
    ]);
    expect(r.topology.services[0]!.realServers[0]!.upperThreshold).toBeUndefined();
    expect(r.problems).toContainEqual(
      expect.objectContaining({ severity: 'warning', line: 5, message: expect.stringContaining('no forwarding method or weight') }),
    );
    expectLoadable(r);
  });
  it('refuses --stats output, non-numeric output and garbage lines', () => {
    const stats = importIpvsadmList(
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n  -> RemoteAddress:Port\nTCP  10.0.0.1:80 5 10 0 600 0\n',
    );
    expect(errors(stats).map((p) => p.line)).toEqual([2]);
    const r = importIpvsadmList('TCP  www.example.com:http wlc\n  -> web1:http Route 1 0 0\nhello\n');
    expect(errors(r).map((p) => p.line)).toEqual([1, 2, 3]);
    expectLoadable(r);
  });
});

describe('keepalived.conf', () => {
  it('reads old and new keywords, nested blocks, comments and per-server methods; reports the rest', () => {
    const r = importKeepalived(fixture('keepalived-messy.conf'));
    const [web, mark] = r.topology.services;
    expect(web).toMatchObject({
      vip: '10.0.0.80',
      port: 80,
      scheduler: 'wrr',
      persistence: { timeout: 360 },
      healthCheck: { kind: 'http', path: '/health?full=1', status: 200, connectTimeout: 4, delayLoop: 10 },
    });
    expect(web!.realServers).toMatchObject([
      { rip: '10.1.0.11', method: 'dr', weight: 3, upperThreshold: 200 },
      { rip: '10.1.0.12', method: 'tun', weight: 1 },
    ]);
    expect(mark).toMatchObject({
      protocol: 'fwmark',
      fwmark: 7,
      scheduler: 'sh',
      schedulerFlags: ['sh-port'],
      realServers: [{ rip: '10.2.0.11', port: 8080, method: 'nat', weight: 2 }],
    });
    expect(web!.healthCheck!.sorryServer).toEqual({ ip: '10.9.9.9', port: 80 });
    expect(r.problems).toContainEqual(
      expect.objectContaining({ severity: 'error', line: 48, message: expect.stringContaining('"300.1.1.1" is not a valid IPv4') }),
    );
    expectLoadable(r);
  });
  it('reports unbalanced braces', () => {
    expect(errors(importKeepalived('virtual_server 10.0.0.1 80 {\n lvs_sched rr\n')).map((p) => p.message)).toContainEqual(
      expect.stringContaining('not closed'),
    );
    expect(errors(importKeepalived('}\n')).map((p) => p.message)).toContainEqual(expect.stringContaining('unbalanced'));
  });
});

describe('pasted commands', () => {
  it('handles prompts, sudo, continuations, bundled flags, edits and deletes with ipvsadm semantics', () => {
    const text = [
      '$ sudo ipvsadm -C',
      'ipvsadm -A -t 10.0.0.1:80 -s rr -p',
      'ipvsadm -a -t 10.0.0.1:80 \\',
      '   -r 10.0.1.1 -g -w 2',
      'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w1',
      'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.3:80 -m',
      'ipvsadm -d -t 10.0.0.1:80 -r 10.0.1.3:80',
      'ipvsadm -e -t 10.0.0.1:80 -r 10.0.1.2:80 -m -w 5',
      'ipvsadm -Ln',
      'ipvsadm -a -t 10.0.0.1:80 -r 10.0.1.2:80 -m   # duplicate',
      '-A -u 10.0.0.1:53 -s wlc',
      'ipvsadm --add-service --tcp-service=10.0.0.2:443 --scheduler=sh --sched-flags=sh-port',
    ].join('\n');
    const r = importIpvsadmCommands(text);
    expect(essence(r.topology.services)).toEqual([
      expect.objectContaining({
        vip: '10.0.0.1',
        port: 80,
        scheduler: 'rr',
        persistence: { timeout: 300, netmask: undefined },
        realServers: [
          { rip: '10.0.1.1', port: 80, method: 'dr', weight: 2 },
          { rip: '10.0.1.2', port: 80, method: 'nat', weight: 5 },
        ],
      }),
      expect.objectContaining({ protocol: 'udp', port: 53, scheduler: 'wlc', realServers: [] }),
      expect.objectContaining({ protocol: 'tcp', vip: '10.0.0.2', port: 443, scheduler: 'sh', flags: ['sh-port'] }),
    ]);
    expect(errors(r).map((p) => [p.line, p.message.slice(0, 30)])).toEqual([[10, 'real server 10.0.1.2:80 is alr']]);
  });
  it('unknown options, schedulers, and no commands at all are errors', () => {
    expect(errors(importIpvsadmCommands('ipvsadm -A -t 10.0.0.1:80 -s fastest')).map((p) => p.message)).toContainEqual(
      expect.stringContaining('unknown scheduler "fastest"'),
    );
    expect(errors(importIpvsadmCommands('ipvsadm -A -t 10.0.0.1:80 --frobnicate')).map((p) => p.message)).toContainEqual(
      expect.stringContaining('unknown ipvsadm option'),
    );
    expect(errors(importIpvsadmCommands('just some prose')).map((p) => p.message)).toEqual(['no ipvsadm commands found in the text']);
  });
});

describe('a mistyped real-server address', () => {
  it('imports the real server as typed, on the segment it meant, with a problem pointing at it and addr/malformed from the checker', () => {
    const text = [
      'ipvsadm -A -t 192.168.163.200:80 -s rr',
      'ipvsadm -a -t 192.168.163.200:80 -r 192.168.163.101:80 -g',
      'ipvsadm -a -t 192.168.163.200:80 -r 192.168.163.1000:80 -g -w 3',
    ].join('\n');
    const r = importIpvsadmCommands(text);
    expect(essence(r.topology.services)[0]!.realServers).toEqual([
      { rip: '192.168.163.101', port: 80, method: 'dr', weight: 1 },
      { rip: '192.168.163.1000', port: 80, method: 'dr', weight: 3 },
    ]);
    const bad = r.topology.hosts.find((h) => h.interfaces.some((f) => f.addresses.includes('192.168.163.1000/24')))!;
    const good = r.topology.hosts.find((h) => h.interfaces.some((f) => f.addresses.includes('192.168.163.101/24')))!;
    expect(bad.interfaces.find((f) => f.name === 'eth0')!.segment).toBe(good.interfaces.find((f) => f.name === 'eth0')!.segment);
    const remark = errors(r).find((p) => p.message.includes('"192.168.163.1000"'))!;
    expect(remark).toMatchObject({ line: 3, refs: [bad.id] });
    expect(remark.messageZh).toContain('192.168.163.1000');
    expectLoadable(r);
    const malformed = validate(r.topology).filter((p) => p.rule === 'addr/malformed');
    expect(malformed.some((p) => p.refs.includes(bad.id))).toBe(true);
  });
  it('a mistyped address alone (no other real server, no segment to guess) still imports', () => {
    const r = importIpvsadmCommands('ipvsadm -A -t 10.0.0.1:80\nipvsadm -a -t 10.0.0.1:80 -r 10.9.9.999 -m');
    expect(r.topology.services[0]!.realServers.map((s) => s.rip)).toEqual(['10.9.9.999']);
    expectLoadable(r);
  });
});

describe('hostile or random input never crashes and always gives a loadable design', () => {
  const samples = [
    '',
    '\u0000\u0001\u0002',
    '{'.repeat(5000),
    '}'.repeat(100),
    '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r $(reboot):80 -g\n',
    '-A -t 10.0.0.1:99999 -s rr',
    'virtual_server 10.0.0.1 80 { real_server 10.0.1.1 80 { HTTP_GET { url { path "/x y" } } } }',
    'ipvsadm -a -t "10.0.0.1:80;reboot" -r 1.1.1.1',
    'TCP  10.0.0.1:80 rr\n  -> 10.0.1.1:80 Route 99999999 0 0\n',
  ];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  const alphabet = [
    'ipvsadm',
    '-A',
    '-a',
    '-t',
    '-r',
    '-s',
    'rr',
    '10.0.0.1:80',
    '10.0.1.',
    '{',
    '}',
    'virtual_server',
    'real_server',
    '->',
    'TCP',
    '\n',
    ' ',
    '#',
    'weight',
    '-p',
    '-m-w',
  ];
  for (let i = 0; i < 40; i++) samples.push(Array.from({ length: 60 }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(' '));
  for (const kind of ['ipvsadm', 'ipvsadm-list', 'commands', 'keepalived'] as const) {
    it(kind, () => {
      for (const text of samples) {
        const r = importConfig(kind, text);
        expectLoadable(r);
        for (const s of r.topology.services as VirtualService[]) expect((r.topology as Topology).hosts.some((h) => h.id === s.director)).toBe(true);
      }
    });
  }
});

const SEED_ARTICLE = join(FIXTURES, 'seed-article.txt');
const hasCjk = (t: string) => /[\u4e00-\u9fff]/.test(t);

describe('kind detection', () => {
  it('recognises each format and takes an article or a shell history as commands', () => {
    expect(detectImportKind(fixture('keepalived-messy.conf'))).toBe('keepalived');
    expect(detectImportKind(fixture('list.txt'))).toBe('ipvsadm-list');
    expect(detectImportKind(fixture('list-thresholds.txt'))).toBe('ipvsadm-list');
    expect(detectImportKind('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -g -w 1\n')).toBe('ipvsadm');
    expect(detectImportKind('# saved\n-A -t 10.0.0.1:80 -s rr\n')).toBe('ipvsadm');
    expect(detectImportKind('ipvsadm -A -t 10.0.0.1:80 -s rr\nipvsadm -a -t 10.0.0.1:80 -r 10.0.1.1 -g\n')).toBe('commands');
    expect(detectImportKind(fixture('seed-dr.txt'))).toBe('commands');
    expect(detectImportKind(readFileSync(SEED_ARTICLE, 'utf8'))).toBe('commands');
  });
});

describe('the raw seed article, pasted whole', () => {
  const text = readFileSync(SEED_ARTICLE, 'utf8');
  const r = importConfig(detectImportKind(text), text);

  it('gives both labs: the NAT service and the DR service with both real servers', () => {
    const byVip = Object.fromEntries(essence(r.topology.services).map((s) => [s.vip, s.realServers.map((x) => x.rip)]));
    expect(byVip).toEqual({ '172.16.111.123': ['192.168.111.101', '192.168.111.102'], '172.17.253.100': ['192.168.163.102', '192.168.163.103'] });
    expectLoadable(r);
  });

  it('lists every remark with its line, in English and Chinese, pointing at what it is about', () => {
    expect(r.problems.length).toBeGreaterThanOrEqual(13);
    for (const p of r.problems) {
      expect(p.messageZh, p.message).not.toBe('');
      expect(hasCjk(p.messageZh), p.messageZh).toBe(true);
    }
    const lines = new Set(r.problems.map((p) => p.line));
    expect(lines.has(25) && lines.has(51)).toBe(true);
    const typo = r.problems.find((p) => p.message.includes('"1172.17.253.100" read as'))!;
    expect(typo.line).toBe(51);
    expect(typo.refs?.length).toBeGreaterThan(0);
  });
});

describe('every remark has a Chinese text', () => {
  it('on every fixture and kind', () => {
    for (const f of ['keepalived-messy.conf', 'list.txt', 'list-thresholds.txt', 'seed-dr.txt', 'seed-nat.txt']) {
      for (const kind of ['ipvsadm', 'ipvsadm-list', 'commands', 'keepalived'] as const) {
        for (const p of importConfig(kind, fixture(f)).problems) expect(hasCjk(p.messageZh), `${f}/${kind}: ${p.message}`).toBe(true);
      }
    }
  });
});

describe('ipvsadm -L -n: a duplicated -> line', () => {
  it('is reported and skipped; the design passes the schema', () => {
    const text = 'TCP  10.0.0.1:80 rr\n  -> 10.0.1.1:80 Route 1 0 0\n  -> 10.0.1.1:80 Route 1 0 0\n  -> 10.0.1.2:80 Route 1 0 0\n';
    const r = importIpvsadmList(text);
    expect(r.problems.map((p) => `${p.line}:${p.severity}:${p.message}`)).toContainEqual(
      expect.stringMatching(/^3:error:real server 10\.0\.1\.1:80 appears twice/),
    );
    expect(r.topology.services[0]!.realServers.map((x) => x.rip)).toEqual(['10.0.1.1', '10.0.1.2']);
    expectLoadable(r);
  });
});

describe('line length', () => {
  it('a line over the cap is cut and reported, the rest of the input still read', () => {
    for (const kind of ['ipvsadm', 'ipvsadm-list', 'commands', 'keepalived'] as const) {
      const long = `net.ipv4.${'ipx'.repeat(15000)}ip_forward=1`;
      const r = importConfig(kind, `${long}\n`);
      expect(r.problems[0]!.message, kind).toMatch(new RegExp(`^line 1 is ${long.length} characters long; only the first ${MAX_LINE_CHARS} are read`));
      expect(hasCjk(r.problems[0]!.messageZh)).toBe(true);
    }
    const r = importIpvsadmCommands(`${'x'.repeat(MAX_LINE_CHARS + 10)}\nipvsadm -A -t 10.0.0.1:80 -s rr\n`);
    expect(r.topology.services).toHaveLength(1);
  });
});

describe('fuzz: mutated real outputs always give a design that passes the schema', () => {
  // Bounded to about three seconds; a seeded generator so a failure can be replayed from its seed.
  it('ipvsadm -S, -L -n, commands and keepalived.conf', () => {
    const sources: { kind: 'ipvsadm' | 'ipvsadm-list' | 'commands' | 'keepalived'; text: string }[] = [];
    for (const { topology } of loadExamples()) {
      for (const d of [...new Set(topology.services.map((x) => x.director))]) {
        sources.push({ kind: 'ipvsadm', text: renderIpvsadmRules(topology, d) });
        sources.push({ kind: 'ipvsadm-list', text: asList(topology, d) });
        sources.push({ kind: 'keepalived', text: renderKeepalived(topology, d) });
        sources.push({
          kind: 'commands',
          text: renderIpvsadmRules(topology, d)
            .split('\n')
            .map((l) => (l === '' ? l : `ipvsadm ${l}`))
            .join('\n'),
        });
      }
    }
    sources.push({ kind: 'commands', text: readFileSync(SEED_ARTICLE, 'utf8') });
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    const junk = [
      '-a',
      '-A',
      '->',
      '-r',
      '10.0.1.1:80',
      '1172.17.253.100:80',
      '999.1.1.1',
      '{',
      '}',
      'Route',
      'Masq',
      '  ',
      'real_server 10.0.1.1 80 {',
      'x'.repeat(300),
    ];
    const mutate = (text: string): string => {
      const lines = text.split('\n');
      for (let k = 1 + rnd(3); k > 0; k--) {
        const i = rnd(lines.length);
        switch (rnd(5)) {
          case 0:
            lines.splice(i, 0, lines[rnd(lines.length)]!); // duplicate a line
            break;
          case 1:
            lines.splice(i, 1);
            break;
          case 2: {
            const l = lines[i] ?? '';
            const at = rnd(l.length + 1);
            lines[i] = l.slice(0, at) + junk[rnd(junk.length)]! + l.slice(at);
            break;
          }
          case 3: {
            const l = lines[i] ?? '';
            const at = rnd(l.length + 1);
            lines[i] = l.slice(0, at) + l.slice(at + 1 + rnd(4));
            break;
          }
          default:
            lines.push(lines[i] ?? '');
        }
      }
      return lines.join('\n');
    };
    const until = Date.now() + 3000;
    let cases = 0;
    while (Date.now() < until) {
      const src = sources[rnd(sources.length)]!;
      const caseSeed = seed;
      const text = mutate(src.text);
      const r = importConfig(src.kind, text);
      const parsed = designFileSchema.safeParse(makeDesignFile(r.topology, r.layout));
      if (!parsed.success) throw new Error(`seed ${caseSeed} (${src.kind}) fails the schema: ${JSON.stringify(parsed.error.issues[0])}\n${text}`);
      expect(r.problems.every((p) => p.messageZh !== '')).toBe(true);
      cases++;
    }
    expect(cases).toBeGreaterThan(50);
  });
});
