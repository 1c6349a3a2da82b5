/**
 * The live-view parsers on real output recorded in the qemu lab (Debian 12 kernel 6.1, ipvsadm
 * 1.31: scripts/live/capture-lab-outputs.ts) and from keepalived 2.2.7, plus junk and other layouts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseConnectionDigest,
  parseConnections,
  parseCounter,
  parseIpvsList,
  parseIpvsRate,
  parseIpvsStats,
  parseSyncDaemons,
  parseTimeouts,
  splitAddressPort,
} from '../../../shared/live/ipvsadm.ts';
import { effectiveSysctl, parseIpJsonAddr, parseSysctls } from '../../../shared/live/hostState.ts';
import { parseKeepalivedData, parseKeepalivedJson } from '../../../shared/live/keepalived.ts';

const fx = (p: string): string => readFileSync(new URL(`../../fixtures/live/${p}`, import.meta.url), 'utf8');

describe('ipvsadm -Ln', () => {
  it('reads services, flags and real servers of the DR lab', () => {
    const l = parseIpvsList(fx('dr-lab/list.txt'));
    expect(l.unparsed).toEqual([]);
    expect(l.version).toBe('1.2.1');
    expect(l.tableSize).toBe(4096);
    expect(l.services.map((s) => [s.key, s.scheduler, s.persistent])).toEqual([
      ['tcp 172.17.253.100:80', 'wrr', undefined],
      ['tcp 172.17.253.100:8080', 'rr', 300],
    ]);
    expect(l.services[0]!.dests).toEqual([
      { address: '192.168.163.102:80', forward: 'dr', weight: 1, activeConns: 0, inactiveConns: 10 },
      { address: '192.168.163.103:80', forward: 'dr', weight: 1, activeConns: 0, inactiveConns: 10 },
    ]);
    expect(l.services[1]!.dests.map((d) => [d.weight, d.activeConns])).toEqual([
      [2, 1],
      [0, 0],
    ]);
  });

  it('knows Masq and Tunnel', () => {
    expect(parseIpvsList(fx('nat-lab/list.txt')).services[0]!.dests.map((d) => d.forward)).toEqual(['nat', 'nat']);
    expect(parseIpvsList(fx('tun-lab/list.txt')).services[0]!.dests.map((d) => d.forward)).toEqual(['tun', 'tun']);
  });

  it('keeps what it can read of junk and other layouts, and says what it could not', () => {
    const text = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'TCP  10.0.0.1:80 sh (sh-fallback,sh-port) persistent 60 mask 255.255.255.0 ops',
      '  -> 10.0.0.11:80                 Route   3      4          5',
      '  -> 10.0.0.12:80                 Teleport 3      4          5',
      'FWM  7 wlc',
      '  -> [2001:db8::11]:80            Masq    1      0          0',
      'UDP  999.1.1.1:53 rr',
      '\u001b[31mrm -rf /\u001b[0m',
    ].join('\n');
    const l = parseIpvsList(text);
    expect(l.services.map((s) => s.key)).toEqual(['tcp 10.0.0.1:80', 'fwmark 7']);
    expect(l.services[0]).toMatchObject({ scheduler: 'sh', persistent: 60, netmask: '255.255.255.0', ops: true, flags: ['sh-fallback', 'sh-port'] });
    expect(l.services[0]!.dests).toHaveLength(1);
    expect(l.services[1]!.dests[0]!.address).toBe('[2001:db8::11]:80');
    expect(l.unparsed.map((u) => u.line)).toEqual([4, 7, 8]);
  });
});

describe('--stats / --rate', () => {
  it('reads exact counters and rates of the DR lab (replies bypass the director)', () => {
    const s = parseIpvsStats(fx('dr-lab/stats.txt'));
    expect(s.unparsed).toEqual([]);
    expect(s.exact).toBe(true);
    expect(s.services[0]!.counters).toEqual({ conns: 20, inPkts: 137, outPkts: 0, inBytes: 8884, outBytes: 0 });
    expect(s.services[0]!.dests.map((d) => d.counters.conns)).toEqual([10, 10]);
    const r = parseIpvsRate(fx('dr-lab/rate.txt'));
    expect(r.unparsed).toEqual([]);
    expect(r.services[0]!.counters).toEqual({ conns: 2, inPkts: 13, outPkts: 0, inBytes: 833, outBytes: 0 });
    expect(r.services[0]!.dests[1]).toEqual({ address: '192.168.163.103:80', counters: { conns: 1, inPkts: 6, outPkts: 0, inBytes: 419, outBytes: 0 } });
  });

  it('NAT replies pass the director', () => {
    const s = parseIpvsStats(fx('nat-lab/stats.txt'));
    expect(s.services[0]!.counters.outPkts).toBeGreaterThan(0);
  });

  it('rounded counters without --exact are read and flagged approximate', () => {
    expect(parseCounter('12K')).toEqual({ value: 12000, exact: false });
    expect(parseCounter('7')).toEqual({ value: 7, exact: true });
    expect(parseCounter('-1')).toBeNull();
    const s = parseIpvsStats('TCP  10.0.0.1:80   120K  3M  0  2G  0\n  -> 10.0.0.11:80  x 1 2 3 4\n');
    expect(s.exact).toBe(false);
    expect(s.services[0]!.counters.inPkts).toBe(3_000_000);
    expect(s.unparsed).toHaveLength(1);
  });
});

describe('-Lnc', () => {
  it('reads connections and persistence templates of the DR lab', () => {
    const c = parseConnections(fx('dr-lab/conns.txt'));
    expect(c.unparsed).toEqual([]);
    expect(c.total).toBe(fx('dr-lab/conns.txt').trim().split('\n').length - 2);
    const tpl = c.entries.filter((e) => e.template);
    expect(tpl).toHaveLength(1);
    expect(tpl[0]).toMatchObject({
      proto: 'TCP',
      state: 'NONE',
      client: '172.17.253.13',
      clientPort: 0,
      virtual: '172.17.253.100:8080',
      destination: '192.168.163.102:8080',
      expires: 296,
    });
    const fin = c.counts.filter((x) => x.virtual === '172.17.253.100:80' && x.state === 'FIN_WAIT');
    expect(fin.reduce((a, x) => a + x.count, 0)).toBe(20);
  });

  it('keeps a bounded sample but counts every entry', () => {
    const line = (i: number) =>
      `TCP 14:59  ESTABLISHED 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)} 10.0.0.1:80 10.0.1.${11 + (i % 3)}:80`;
    const text = [
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      ...Array.from({ length: 5000 }, (_, i) => line(i)),
      'garbage line',
    ].join('\n');
    const c = parseConnections(text, 100);
    expect(c.total).toBe(5000);
    expect(c.entries).toHaveLength(100);
    expect(c.counts.map((x) => x.count).sort()).toEqual([1666, 1667, 1667]);
    expect(c.unparsed).toEqual([{ line: 5003, text: 'garbage line' }]);
  });

  it('reads the on-host digest (sample, counts, total) and notices a cut-off', () => {
    const d = parseConnectionDigest(
      'TCP 01:56  FIN_WAIT    172.17.253.13:39244 172.17.253.100:80  192.168.163.103:80\n@@count 172.17.253.100:80 192.168.163.103:80 FIN_WAIT 9000\n@@total 9000\n',
    );
    expect(d.total).toBe(9000);
    expect(d.entries).toHaveLength(1);
    expect(d.counts).toEqual([{ virtual: '172.17.253.100:80', destination: '192.168.163.103:80', state: 'FIN_WAIT', count: 9000 }]);
    expect(d.unparsed).toEqual([]);
    expect(parseConnectionDigest('TCP 01:56  FIN_WAIT    1.1.1.1:1 2.2.2.2:80  3.3.3.3:80\n').unparsed[0]!.text).toMatch(/cut off/);
  });
});

describe('timeouts, sync daemon, addresses', () => {
  it('timeouts', () => {
    expect(parseTimeouts(fx('dr-lab/timeout.txt'))).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(parseTimeouts('nope')).toBeNull();
  });

  it('sync daemon (real) and none', () => {
    const d = parseSyncDaemons(fx('dr-lab/daemon.txt'));
    expect(d.unparsed).toEqual([]);
    expect(d.daemons).toEqual([
      { role: 'master', interface: 'lo', syncId: 7, options: { mcast: 'lo', syncid: '7', maxlen: '1472', group: '224.0.0.81', port: '8848', ttl: '1' } },
    ]);
    expect(parseSyncDaemons('')).toEqual({ daemons: [], unparsed: [] });
  });

  it('ip -j addr: the director holds the VIP on eth0, a TUN real server on tunl0', () => {
    const dir = parseIpJsonAddr(fx('dr-lab/addr.json'));
    expect(dir.unparsed).toEqual([]);
    expect(dir.addresses.find((a) => a.address === '172.17.253.100')).toMatchObject({ linkType: 'ether', prefix: 24, up: true });
    const rs = parseIpJsonAddr(fx('tun-lab/rs-addr.json'));
    expect(rs.addresses.find((a) => a.address === '172.18.0.100')).toMatchObject({ interface: 'tunl0', linkType: 'ipip', prefix: 32 });
    expect(parseIpJsonAddr('ip: unknown option -j').unparsed[0]!.text).toMatch(/not iproute2 JSON/);
    expect(parseIpJsonAddr('{"x":1}').unparsed).toHaveLength(1);
  });

  it('sysctls, both layouts; the kernel uses the larger of all and the interface', () => {
    const s = parseSysctls(fx('dr-lab/rs-sysctl.txt'));
    expect(s.unparsed).toEqual([]);
    expect(s.byInterface['all']).toEqual({ arpIgnore: 1, arpAnnounce: 2, rpFilter: 0 });
    const g = parseSysctls('/proc/sys/net/ipv4/conf/all/rp_filter:0\n/proc/sys/net/ipv4/conf/tunl0/rp_filter:1\nbogus\n');
    expect(effectiveSysctl(g.byInterface, 'tunl0', 'rpFilter')).toBe(1);
    expect(g.unparsed).toHaveLength(1);
  });

  it('splitAddressPort', () => {
    expect(splitAddressPort('[::1]:80')).toEqual({ address: '::1', port: 80 });
    expect(splitAddressPort('1.2.3.4:99999')).toBeNull();
  });
});

describe('keepalived', () => {
  it('JSON dump (SIGJSON): VRRP state per instance', () => {
    const k = parseKeepalivedJson(fx('keepalived/keepalived.json'));
    expect(k.unparsed).toEqual([]);
    expect(k.instances.map((i) => [i.name, i.state, i.virtualRouterId, i.priority, i.interface])).toEqual([
      ['VI_web', 'MASTER', 51, 150, 'eth0'],
      ['VI_db', 'MASTER', 52, 100, 'eth0'],
    ]);
    expect(k.instances[0]!.vips).toEqual(['10.99.0.100/24 dev eth0 scope global set']);
    expect(k.instances[0]!.becameMaster).toBe(1);
  });

  it('data dump (SIGUSR1): the same VRRP state from the text', () => {
    const k = parseKeepalivedData(fx('keepalived/keepalived.data'));
    expect(k.unparsed).toEqual([]);
    expect(k.instances.map((i) => [i.name, i.state, i.virtualRouterId, i.priority, i.vips])).toEqual([
      ['VI_web', 'MASTER', 51, 150, ['10.99.0.100/24 dev eth0 scope global set']],
      ['VI_db', 'MASTER', 52, 100, ['10.99.0.101/24 dev eth0 scope global set']],
    ]);
  });

  it('checker data: alive per real server (layout of keepalived check_data.c dump_rs/dump_vs)', () => {
    const text = [
      '------< LVS Topology >------',
      ' ------< Virtual server >------',
      ' VS VIP = 10.0.0.100, VPORT = 80',
      '   lvs_sched = wrr',
      '   ------< Real server >------',
      '   RIP = 10.0.0.11, RPORT = 80, WEIGHT = 3 EFF WEIGHT = 3',
      '   alive = 1',
      '   num failed checkers = 0',
      '   ------< Real server >------',
      '   RIP = 10.0.0.12, RPORT = 80, WEIGHT = 0 EFF WEIGHT = 1',
      '   alive = 0',
      '   num failed checkers = 1',
    ].join('\n');
    expect(parseKeepalivedData(text).realServers).toEqual([
      { virtual: '10.0.0.100:80', realServer: '10.0.0.11:80', alive: true, weight: 3, failedCheckers: 0 },
      { virtual: '10.0.0.100:80', realServer: '10.0.0.12:80', alive: false, weight: 0, failedCheckers: 1 },
    ]);
  });

  it('junk', () => {
    expect(parseKeepalivedJson('<html>').unparsed).toHaveLength(1);
    expect(parseKeepalivedJson('[{"data":{}}]').unparsed).toHaveLength(1);
    const d = parseKeepalivedData(' VRRP Instance = X\n   State = SLEEPING\n');
    expect(d.instances[0]!.state).toBe('UNKNOWN');
    expect(d.unparsed).toHaveLength(1);
  });
});
