import { describe, expect, it } from 'vitest';
import { renderHost, renderIpvsadmRules, renderKeepalived } from '../../../shared/generators/index.ts';
import type { Topology, VirtualService } from '../../../shared/model/types.ts';
import { clone, loadExample } from './helpers.ts';
import { directorRef, serviceId, realServerId, hostId } from '../../../shared/model/ids.ts';

function withServices(services: VirtualService[]): Topology {
  const t = clone(loadExample('nat-lab'));
  return { ...t, services };
}

const rs = (id: string, rip: string, port: number, method: 'nat' | 'dr' | 'tun', weight = 1, extra: object = {}) => ({
  id: realServerId(id),
  host: hostId('rs1'),
  rip,
  port,
  method,
  weight,
  ...extra,
});

describe('ipvsadm -S -n format', () => {
  it('NAT lab: the seed article rules', () => {
    expect(renderIpvsadmRules(loadExample('nat-lab'), 'director')).toBe(
      '-A -t 172.16.111.123:80 -s wrr\n-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1\n-a -t 172.16.111.123:80 -r 192.168.111.102:80 -m -w 1\n',
    );
  });
  it('prints -p, -M (only when not /32), -b in ipvsadm order; udp, sctp and fwmark services', () => {
    const t = withServices([
      {
        id: serviceId('a'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip: '10.0.0.1',
        port: 0,
        scheduler: 'sh',
        schedulerFlags: ['sh-port', 'sh-fallback'],
        persistence: { timeout: 600, netmask: '255.255.255.0' },
        realServers: [rs('a1', '10.1.0.1', 0, 'nat', 3)],
      },
      {
        id: serviceId('b'),
        director: directorRef('director'),
        protocol: 'udp',
        vip: '10.0.0.1',
        port: 53,
        scheduler: 'rr',
        persistence: { timeout: 60, netmask: '255.255.255.255' },
        realServers: [rs('b1', '10.1.0.2', 5353, 'dr', 0)],
      },
      {
        id: serviceId('c'),
        director: directorRef('director'),
        protocol: 'sctp',
        vip: '10.0.0.1',
        port: 9,
        scheduler: 'wlc',
        realServers: [rs('c1', '10.1.0.3', 9, 'tun', 2)],
      },
      {
        id: serviceId('d'),
        director: directorRef('director'),
        protocol: 'fwmark',
        vip: '10.0.0.1',
        port: 0,
        fwmark: 7,
        scheduler: 'wrr',
        realServers: [rs('d1', '10.1.0.4', 80, 'dr')],
      },
      { id: serviceId('e'), director: directorRef('other'), protocol: 'tcp', vip: '10.0.0.9', port: 80, scheduler: 'rr', realServers: [] },
    ]);
    expect(renderIpvsadmRules(t, 'director').split('\n')).toEqual([
      '-A -t 10.0.0.1:0 -s sh -p 600 -M 255.255.255.0 -b sh-fallback,sh-port',
      '-a -t 10.0.0.1:0 -r 10.1.0.1:0 -m -w 3',
      '-A -u 10.0.0.1:53 -s rr -p 60',
      // DR cannot map ports: the kernel stores the service port, and -S prints it.
      '-a -u 10.0.0.1:53 -r 10.1.0.2:53 -g -w 0',
      '-A --sctp-service 10.0.0.1:9 -s wlc',
      '-a --sctp-service 10.0.0.1:9 -r 10.1.0.3:9 -i -w 2 --tun-type ipip',
      '-A -f 7 -s wrr',
      '-a -f 7 -r 10.1.0.4:80 -g -w 1',
      '',
    ]);
    expect(renderIpvsadmRules(t, 'nobody')).toBe('');
  });
  it('names scheduler flags the way ipvsadm prints them for the scheduler (so verify and re-apply agree)', () => {
    const t = withServices([
      {
        id: serviceId('m'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip: '10.0.0.1',
        port: 80,
        scheduler: 'mh',
        schedulerFlags: ['sh-port', 'mh-fallback'],
        realServers: [],
      },
      {
        id: serviceId('w'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip: '10.0.0.1',
        port: 81,
        scheduler: 'wrr',
        schedulerFlags: ['sh-fallback'],
        realServers: [],
      },
    ]);
    expect(renderIpvsadmRules(t, 'director')).toBe('-A -t 10.0.0.1:80 -s mh -b mh-fallback,mh-port\n-A -t 10.0.0.1:81 -s wrr -b flag-1\n');
  });
  it('thresholds go into apply.sh as ipvsadm -e and are verified with -Ln --thresholds', () => {
    const t = withServices([
      {
        id: serviceId('a'),
        director: directorRef('director'),
        protocol: 'tcp',
        vip: '172.16.111.123',
        port: 80,
        scheduler: 'wlc',
        realServers: [rs('a1', '192.168.111.101', 8080, 'nat', 2, { upperThreshold: 100, lowerThreshold: 50 })],
      },
    ]);
    const r = renderHost(t, 'director');
    if (!r.ok) throw new Error(r.error);
    const apply = r.value.find((f) => f.path === 'apply.sh')!.content;
    const verify = r.value.find((f) => f.path === 'verify.sh')!.content;
    expect(apply).toContain("lvs_ipvsadm -e -t '172.16.111.123:80' -r '192.168.111.101:8080' -m -w '2' -x '100' -y '50'");
    expect(apply).toContain('TCP 172.16.111.123:80 192.168.111.101:8080 100 50');
    expect(verify).toContain('--thresholds');
    expect(r.value.find((f) => f.path === 'ipvsadm.rules')!.content).not.toMatch(/-x|-y/);
  });
});

describe('keepalived.conf', () => {
  it('one virtual_server per service with method, persistence, checks and per-server overrides', () => {
    const t = withServices([
      {
        id: serviceId('web'),
        name: 'web',
        director: directorRef('director'),
        protocol: 'tcp',
        vip: '10.0.0.1',
        port: 80,
        scheduler: 'wrr',
        persistence: { timeout: 300, netmask: '255.255.255.0' },
        healthCheck: { kind: 'http', path: '/healthz?x=1', status: 204, delayLoop: 10, connectTimeout: 2, retry: 3, delayBeforeRetry: 3 },
        realServers: [rs('w1', '10.1.0.1', 80, 'dr', 5, { upperThreshold: 9, lowerThreshold: 4 }), rs('w2', '10.1.0.2', 80, 'tun')],
      },
      {
        id: serviceId('dns'),
        director: directorRef('director'),
        protocol: 'udp',
        vip: '10.0.0.1',
        port: 53,
        scheduler: 'rr',
        healthCheck: { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 3, delayBeforeRetry: 3 },
        realServers: [rs('d1', '10.1.0.3', 5353, 'nat')],
      },
    ]);
    const conf = renderKeepalived(t, 'director');
    expect(conf).toContain(
      'virtual_server 10.0.0.1 80 {\n    delay_loop 10\n    lvs_sched wrr\n    lvs_method DR\n    persistence_timeout 300\n    persistence_granularity 255.255.255.0\n    protocol TCP\n',
    );
    expect(conf).toContain(
      '    real_server 10.1.0.1 80 {\n        weight 5\n        uthreshold 9\n        lthreshold 4\n        HTTP_GET {\n            url {\n                path /healthz?x=1\n                status_code 204\n            }\n            connect_timeout 2\n',
    );
    expect(conf).toContain('    real_server 10.1.0.2 80 {\n        weight 1\n        lvs_method TUN\n');
    expect(conf).toContain('virtual_server 10.0.0.1 53 {\n    delay_loop 6\n    lvs_sched rr\n    lvs_method NAT\n    protocol UDP\n');
    expect(conf).toContain('    real_server 10.1.0.3 5353 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n');
    // Braces balance, so keepalived sees exactly the blocks we wrote.
    expect(conf.split('{').length).toBe(conf.split('}').length);
  });
});

describe('host scripts', () => {
  it('TUN real server: modprobe ipip and tunl0 up before the rp_filter sysctls, VIP on tunl0 after them', () => {
    const r = renderHost(loadExample('tun-lab'), 'rs1');
    if (!r.ok) throw new Error(r.error);
    const apply = r.value.find((f) => f.path === 'apply.sh')!.content;
    const order = [
      'lvs_modprobe ipip',
      "lvs_ip link set dev 'tunl0' up",
      "set_sysctl 'net.ipv4.conf.tunl0.rp_filter' '0'",
      "ensure_addr 'tunl0' '172.18.0.100/32'",
    ];
    const at = order.map((s) => apply.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(r.value.map((f) => f.path)).toContain('modules-load.d/lvs-designer.conf');
  });
  it('DR real server: arp sysctls before the VIP on lo; the snapshot is taken before both', () => {
    const r = renderHost(loadExample('dr-lab'), 'rs1');
    if (!r.ok) throw new Error(r.error);
    const apply = r.value.find((f) => f.path === 'apply.sh')!.content;
    const snap = apply.indexOf("snap_addr \"$snap_dir\" 'lo' '172.17.253.100/32'");
    const arp = apply.indexOf("set_sysctl 'net.ipv4.conf.lo.arp_ignore' '1'");
    const vip = apply.indexOf("ensure_addr 'lo' '172.17.253.100/32'");
    expect(snap).toBeGreaterThan(0);
    expect(snap).toBeLessThan(arp);
    expect(arp).toBeLessThan(vip);
  });
  it('NAT director: ip_forward, VIP address not re-added when it is also the infrastructure address', () => {
    const r = renderHost(loadExample('nat-lab'), 'director');
    if (!r.ok) throw new Error(r.error);
    const apply = r.value.find((f) => f.path === 'apply.sh')!.content;
    expect(apply).toContain("set_sysctl 'net.ipv4.ip_forward' '1'");
    expect(apply).toContain("ensure_addr 'eth0' '172.16.111.123/24'");
    expect(apply).not.toContain("ensure_addr 'eth1'");
    const verify = r.value.find((f) => f.path === 'verify.sh')!.content;
    expect(verify).toContain("check_addr 'eth1' '192.168.111.200/24' 'infrastructure address'");
  });
  it('every command goes through the LVSD_* overrides', () => {
    const r = renderHost(loadExample('tun-lab'), 'director');
    if (!r.ok) throw new Error(r.error);
    // boot/install.sh and boot/remove.sh only copy files and call systemctl.
    for (const f of r.value.filter((x) => x.path.endsWith('.sh') && x.path !== 'boot/install.sh' && x.path !== 'boot/remove.sh')) {
      for (const line of f.content.split('\n')) {
        if (line.trimStart().startsWith('#')) continue;
        expect(line, `${f.path}: ${line}`).not.toMatch(/(^|[;|&(]\s*|\bthen\s+|\bif\s+!?\s*)(ip|ipvsadm|sysctl|modprobe)\s/);
      }
      expect(f.content).toContain('"${LVSD_IP:-ip}"');
    }
  });
});
