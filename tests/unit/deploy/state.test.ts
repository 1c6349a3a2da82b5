import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { diffHost, parseApplyScript, parseIpvsRules, parseState, parseSysctlConf } from '../../../electron/services/deploy/state.ts';
import type { Host } from '../../../shared/model/types.ts';
import { hostId, interfaceId } from '../../../shared/model/ids.ts';

const OUTPUT = `@@ uid
0
@@ kernel
Linux 6.1.0
@@ addr
1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever
@@ route
default via 10.0.0.254 dev eth0
10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.2
@@ sysctl
/proc/sys/net/ipv4/ip_forward=0
/proc/sys/net/ipv4/conf/all/arp_ignore=0
/proc/sys/net/ipv4/conf/lo/arp_ignore=1
@@ ipvsadm
-A -t 10.0.0.100:80 -s wlc
-a -t 10.0.0.100:80 -r 10.0.0.3:80 -g -w 1
@@ files
${createHash('sha256').update('same\n').digest('hex')}  ./apply.sh
${'0'.repeat(64)}  ./old.conf
@@ tools
/usr/bin/curl
@@ end
`;

const APPLY = `#!/bin/sh
set_sysctl() { :; }
ensure_addr() { :; }
ensure_route() { :; }
set_sysctl 'net.ipv4.conf.all.arp_ignore' '1' # comment
set_sysctl 'net.ipv4.conf.lo.arp_ignore' '1'
ensure_addr 'lo' '10.0.0.100/32' # VIP
ensure_addr 'eth0' '10.0.0.2/24'
ensure_route 'default' via '10.0.0.1'
ensure_route '10.9.0.0/16' via '10.0.0.254' dev 'eth0'
`;

const host: Host = { id: hostId('rs1'), name: 'rs1', role: 'real-server', interfaces: [] };

describe('state read-out', () => {
  it('parses every section', () => {
    const s = parseState(OUTPUT);
    expect(s.uid).toBe(0);
    expect(s.kernel).toBe('Linux 6.1.0');
    expect(s.addresses.get('eth0')).toEqual(['10.0.0.2/24']);
    expect(s.routes[0]).toEqual({ destination: 'default', via: '10.0.0.254', dev: 'eth0' });
    expect(s.sysctl.get('net.ipv4.conf.lo.arp_ignore')).toBe('1');
    expect(s.ipvs).toEqual(['-A -t 10.0.0.100:80 -s wlc', '-a -t 10.0.0.100:80 -r 10.0.0.3:80 -g -w 1']);
    expect(s.files.size).toBe(2);
    expect(s.tools).toEqual(['/usr/bin/curl']);
  });
  it("reads busybox ip's output (what a lab host prints: no `proto kernel`, trailing blanks)", () => {
    const s = parseState(
      '@@ addr\n1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n' +
        '3: eth0    inet 172.16.111.13/24 scope global eth0\\       valid_lft forever preferred_lft forever\n' +
        '@@ route\ndefault via 172.16.111.123 dev eth0 \n172.16.111.0/24 dev eth0 scope link  src 172.16.111.13 \n@@ end\n',
    );
    expect(s.addresses.get('eth0')).toEqual(['172.16.111.13/24']);
    expect(s.routes).toEqual([
      { destination: 'default', via: '172.16.111.123', dev: 'eth0' },
      { destination: '172.16.111.0/24', dev: 'eth0' },
    ]);
  });
  it('notices absent ipvsadm and a cut-off read-out', () => {
    expect(parseState('@@ ipvsadm\n@absent\n@@ end\n').ipvs).toBeNull();
    expect(parseState("@@ ipvsadm\nCan't initialize ipvs: Protocol not available\n@error 2\n@@ end\n").ipvsError).toContain('Protocol not available');
    expect(() => parseState('@@ uid\n0\n')).toThrow(/stopped early/);
  });
  it('parses sysctl.d files, ipvsadm rules and apply.sh calls', () => {
    expect([...parseSysctlConf('# c\nnet.ipv4.ip_forward = 1\n-net/ipv4/conf/all/arp_ignore=2\n')]).toEqual([
      ['net.ipv4.ip_forward', '1'],
      ['net.ipv4.conf.all.arp_ignore', '2'],
    ]);
    expect(parseIpvsRules('# x\n-A  -t 1.2.3.4:80 -s rr\n\n-a -t 1.2.3.4:80 -r 5.6.7.8:80 -m -w 1\n-C\n')).toEqual([
      '-A -t 1.2.3.4:80 -s rr',
      '-a -t 1.2.3.4:80 -r 5.6.7.8:80 -m -w 1',
    ]);
    const a = parseApplyScript(APPLY)!;
    expect(a.addresses).toEqual([
      { dev: 'lo', cidr: '10.0.0.100/32' },
      { dev: 'eth0', cidr: '10.0.0.2/24' },
    ]);
    expect(a.routes).toEqual([
      { destination: 'default', via: '10.0.0.1' },
      { destination: '10.9.0.0/16', via: '10.0.0.254', dev: 'eth0' },
    ]);
    expect(parseApplyScript('#!/bin/sh\necho hi\n')).toBeNull();
  });
});

describe('diff', () => {
  it('lists what apply.sh would change and the generated files', () => {
    const files = [
      { path: 'apply.sh', content: APPLY, mode: 0o755 },
      { path: 'ipvsadm.rules', content: '-A -t 10.0.0.100:80 -s rr\n-a -t 10.0.0.100:80 -r 10.0.0.3:80 -g -w 1\n', mode: 0o644 },
    ];
    const changes = diffHost(host, files, parseState(OUTPUT)).map(
      (c) => `${c.action} ${c.kind} ${c.subject}${c.from !== undefined ? ` ${c.from}->${c.to}` : ''}`,
    );
    expect(changes).toEqual([
      'add address lo 10.0.0.100/32',
      'change route default via 10.0.0.254 dev eth0->via 10.0.0.1',
      'add route 10.9.0.0/16',
      'change sysctl net.ipv4.conf.all.arp_ignore 0->1',
      'add ipvs -A -t 10.0.0.100:80 -s rr',
      'remove ipvs -A -t 10.0.0.100:80 -s wlc',
      'change file apply.sh',
      'add file ipvsadm.rules',
      'remove file old.conf',
    ]);
  });
  it('is empty when the host already matches', () => {
    const apply = "ensure_addr() { :; }\nensure_addr 'eth0' '10.0.0.2/24'\n";
    const out = OUTPUT.replace(/^[0-9a-f]{64} {2}\.\/apply\.sh$/m, `${createHash('sha256').update(apply).digest('hex')}  ./apply.sh`).replace(
      /^0{64} {2}\.\/old\.conf\n/m,
      '',
    );
    expect(diffHost(host, [{ path: 'apply.sh', content: apply, mode: 0o755 }], parseState(out))).toEqual([]);
  });
  it('falls back to the model when apply.sh has no known helpers', () => {
    const h: Host = {
      ...host,
      interfaces: [{ id: interfaceId('i'), name: 'lo', kind: 'loopback', segment: null, addresses: ['10.0.0.100/32'], sysctl: { arpIgnore: 1 } }],
      sysctl: { ipForward: true },
      gateway: '10.0.0.254',
    };
    const changes = diffHost(h, [], parseState(OUTPUT)).map((c) => `${c.kind} ${c.subject}`);
    // The gateway already matches and lo's arp_ignore is already 1; the recorded files are no longer generated.
    expect(changes).toEqual(['address lo 10.0.0.100/32', 'sysctl net.ipv4.ip_forward', 'file apply.sh', 'file old.conf']);
  });
});
