/**
 * One small failing design per rule — the rule's catalogue example made concrete. The catalogue
 * test checks that every rule has one and that it fires, and prints its message into docs/rules.md.
 */
import type { Topology } from '../../../shared/model/types.ts';
import { HA_CASES } from '../ha/designs.ts';
import { drLab, drOneLan, edit, eth, host, iface, lo, natLab, realServer, rs, service, setScheduler, tunLab } from './builders.ts';
import { directorRef, hostId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

const router = (d: Parameters<Parameters<typeof edit>[1]>[0], address: string) =>
  d.hosts.push({ id: hostId('gw'), name: 'gw', role: 'router', interfaces: [eth('gw', 'eth0', 'lan', [address])], sysctl: { ipForward: true } });

export const DEMOS: Readonly<Record<string, () => Topology>> = {
  'addr/malformed': () => edit(natLab(), (d) => void (host(d, 'rs1').gateway = '192.168.111.2000')),
  'addr/not-unicast': () => edit(natLab(), (d) => void (service(d, 'web').vip = '0.0.0.0')),
  'addr/outside-segment': () => edit(natLab(), (d) => void (iface(d, 'rs1', 'eth0').addresses = ['192.168.112.101/24'])),
  'addr/prefix-mismatch': () => edit(natLab(), (d) => void (iface(d, 'rs1', 'eth0').addresses = ['192.168.111.101/16'])),
  'addr/network-or-broadcast': () => edit(natLab(), (d) => void (iface(d, 'rs1', 'eth0').addresses = ['192.168.111.255/24'])),
  'addr/duplicate-on-segment': () => edit(natLab(), (d) => void (iface(d, 'rs2', 'eth0').addresses = ['192.168.111.101/24'])),
  'addr/duplicate-mac': () =>
    edit(natLab(), (d) => {
      iface(d, 'rs1', 'eth0').mac = '52:54:00:12:34:56';
      iface(d, 'rs2', 'eth0').mac = '52:54:00:12:34:56';
    }),
  'addr/gateway-not-on-link': () => edit(natLab(), (d) => void (host(d, 'rs1').gateway = '192.168.1.1')),
  'addr/gateway-unreachable': () =>
    edit(natLab(), (d) => {
      host(d, 'rs1').routes = [{ destination: '10.0.0.0/8', via: '192.168.111.1' }];
    }),
  'addr/overlapping-segments': () =>
    edit(natLab(), (d) => {
      d.segments.push({ id: segmentId('backend'), name: 'backend', cidr: '192.168.0.0/16' });
      host(d, 'director').interfaces.push(eth('director', 'eth2', 'backend', ['192.168.0.1/16']));
    }),
  'addr/wide-virtual-prefix': () => edit(drLab(), (d) => void (iface(d, 'rs1', 'lo').addresses = ['172.17.253.100/24'])),
  'service/vip-not-on-director': () =>
    edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses = ['172.16.111.12/24'];
      host(d, 'client').gateway = '172.16.111.12';
    }),
  'service/no-real-servers': () => edit(natLab(), (d) => void (service(d, 'web').realServers = [])),
  'service/all-weights-zero': () => edit(natLab(), (d) => service(d, 'web').realServers.forEach((r) => (r.weight = 0))),
  'service/duplicate-real-server': () =>
    edit(natLab(), (d) => void service(d, 'web').realServers.push(rs('web', 'rs1', '192.168.111.101', 'nat', { id: realServerId('web-rs1-again') }))),
  'service/duplicate': () =>
    edit(
      natLab(),
      (d) =>
        void d.services.push({
          ...structuredClone(service(d, 'web')),
          id: serviceId('web2'),
          name: 'web2',
          realServers: [rs('web2', 'rs1', '192.168.111.101', 'nat')],
        }),
    ),
  'service/rip-equals-vip': () => edit(drLab(), (d) => void (realServer(d, 'web', 'rs1').rip = '172.17.253.100')),
  'service/rip-not-on-host': () => edit(natLab(), (d) => void (realServer(d, 'web', 'rs1').rip = '192.168.111.110')),
  'service/unknown-scheduler': () => edit(natLab(), (d) => setScheduler(d, 'web', 'roundrobin')),
  'service/persistence-scheduler': () =>
    edit(natLab(), (d) => {
      setScheduler(d, 'web', 'sh');
      service(d, 'web').persistence = { timeout: 300 };
    }),
  'service/scheduler-flags': () => edit(natLab(), (d) => void (service(d, 'web').schedulerFlags = ['sh-fallback'])),
  'service/port-zero': () => edit(natLab(), (d) => void (service(d, 'web').port = 0)),
  'service/port-mismatch': () => edit(drLab(), (d) => void (realServer(d, 'web', 'rs1').port = 8080)),
  'service/thresholds': () =>
    edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').upperThreshold = 100;
      realServer(d, 'web', 'rs1').lowerThreshold = 200;
    }),
  'service/fwmark': () => edit(natLab(), (d) => void (service(d, 'web').protocol = 'fwmark')),
  'nat/reply-not-via-director': () =>
    edit(natLab(), (d) => {
      router(d, '192.168.111.1/24');
      host(d, 'rs1').gateway = '192.168.111.1';
    }),
  'nat/ip-forward-off': () => edit(natLab(), (d) => void (host(d, 'director').sysctl = {})),
  'nat/vip-on-lo': () => edit(drLab(), (d) => void (realServer(d, 'web', 'rs1').method = 'nat')),
  'nat/director-not-on-rs-segment': () => edit(tunLab(), (d) => void (realServer(d, 'web', 'rs1').method = 'nat')),
  'dr/same-segment': () => edit(tunLab(), (d) => void (realServer(d, 'web', 'rs1').method = 'dr')),
  'dr/vip-missing-on-rs': () => edit(drLab(), (d) => void (iface(d, 'rs1', 'lo').addresses = [])),
  'dr/arp-not-configured': () => edit(drOneLan(), (d) => void (host(d, 'rs1').sysctl = {})),
  'dr/client-arp-exposure': () =>
    edit(drLab(), (d) => {
      d.segments.push({ id: segmentId('lab'), name: 'lab', cidr: '172.17.0.0/16' });
      host(d, 'rs1').sysctl = {};
      iface(d, 'rs1', 'eth0').sysctl = { arpIgnore: 1, arpAnnounce: 2 };
      host(d, 'rs1').interfaces.push(eth('rs1', 'eth1', 'lab', ['172.17.9.1/16']));
      d.hosts.push({ id: hostId('tester'), name: 'tester', role: 'client', interfaces: [eth('tester', 'eth0', 'lab', ['172.17.9.2/16'])] });
    }),
  'dr/reply-via-director': () => edit(drLab(), (d) => void (host(d, 'rs1').gateway = '192.168.163.101')),
  'tun/vip-missing-on-tunnel': () => edit(tunLab(), (d) => void (host(d, 'rs1').interfaces = host(d, 'rs1').interfaces.filter((f) => f.kind !== 'ipip'))),
  'tun/rp-filter': () =>
    edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { arpIgnore: 1, arpAnnounce: 2, rpFilter: 1 };
    }),
  'tun/mtu': () => edit(tunLab(), (d) => void delete iface(d, 'rs1', 'eth0').mtu),
  'tun/rs-unreachable': () => edit(tunLab(), (d) => void (host(d, 'director').gateway = undefined)),
  'tun/arp-exposure': () =>
    edit(tunLab(), (d) => {
      host(d, 'rs1').sysctl = { rpFilter: 0 };
      host(d, 'rs1').interfaces.push(eth('rs1', 'eth1', 'front', ['172.18.0.50/24']));
    }),
  'health/invalid-check': () => edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'misc' })),
  'health/script-path': () => edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'misc', script: 'check_app.sh --port 80' })),
  'health/sorry-is-real-server': () =>
    edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'http', path: '/', sorryServer: { ip: '192.168.111.101', port: 80 } })),
  'health/quorum-above-weights': () => edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp', quorum: 5 })),
  'health/manual-rules-conflict': () =>
    edit(natLab(), (d) => {
      service(d, 'web').healthCheck = { kind: 'http', path: '/' };
      host(d, 'director').manualIpvsadmRules = ['-A -t 172.16.111.123:80 -s rr', '-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1'];
    }),
  'health/http-port': () =>
    edit(natLab(), (d) => {
      service(d, 'web').port = 3306;
      service(d, 'web').realServers.forEach((r) => (r.port = 3306));
      service(d, 'web').healthCheck = { kind: 'http', path: '/health' };
    }),
  'health/connect-timeout': () => edit(natLab(), (d) => void (service(d, 'web').healthCheck = { kind: 'tcp', delayLoop: 3, connectTimeout: 5 })),
  'health/inhibit-persistence': () =>
    edit(natLab(), (d) => {
      service(d, 'web').persistence = { timeout: 300 };
      service(d, 'web').healthCheck = { kind: 'http', path: '/', inhibitOnFailure: true };
    }),
  'health/no-check': () => edit(natLab(), (d) => void (host(d, 'director').ssh = { host: '192.0.2.10', port: 22, user: 'root', auth: 'agent' })),
  'route/gateway-not-forwarding': () => edit(tunLab(), (d) => void (host(d, 'router').sysctl = { ipForward: false })),
  'route/strict-rp-filter': () => edit(tunLab(), (d) => void (iface(d, 'router', 'eth1').sysctl = { rpFilter: 1 })),
  'route/no-return-path': () => edit(drLab(), (d) => void (host(d, 'rs1').gateway = undefined)),
  'route/client-cannot-reach-vip': () =>
    edit(drLab(), (d) => {
      d.segments.push({ id: segmentId('outside'), name: 'outside', cidr: '203.0.113.0/24' });
      host(d, 'router').interfaces.push(eth('router', 'eth2', 'outside', ['203.0.113.1/24']));
      iface(d, 'client', 'eth0').segment = segmentId('outside');
      iface(d, 'client', 'eth0').addresses = ['203.0.113.10/24'];
      host(d, 'client').gateway = undefined;
    }),
  'general/client-on-director': () => edit(natLab(), (d) => void (iface(d, 'client', 'lo').addresses = ['172.16.111.123/32'])),
  'general/mixed-methods': () => edit(drLab(), (d) => void (realServer(d, 'web', 'rs2').method = 'nat')),
  'general/unknown-reference': () => edit(natLab(), (d) => void (service(d, 'web').director = directorRef('lb9'))),
  'general/director-role': () => edit(natLab(), (d) => void (host(d, 'director').role = 'router')),
  'general/unattached-host': () =>
    edit(natLab(), (d) => void d.hosts.push({ id: hostId('rs3'), name: 'rs3', role: 'real-server', interfaces: [lo('rs3'), eth('rs3', 'eth0', null, [])] })),
  ...Object.fromEntries(Object.entries(HA_CASES).map(([id, c]) => [id, c.bad])),
};
