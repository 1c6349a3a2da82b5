/**
 * The VM-side script that turns a design into namespaces (pure, no VM): exact infrastructure, no
 * VIPs, and no hostile name ever reaches a shell line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DesignFile, Topology } from '../../shared/model/types.ts';
import { applyOrder, hostFilesScript, hostsScript, inHostCommand, rebootHostsScript, webPorts } from '../../electron/services/lab/hosts.ts';
import { LabError } from '../../electron/services/lab/vm.ts';
import { compileNetwork } from '../../shared/simulator/network.ts';
import { hostId } from '../../shared/model/ids.ts';

const load = (name: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as DesignFile).topology;

describe('hostsScript', () => {
  it('builds the DR lab: one bridge per segment, a namespace per host, infrastructure addresses only', () => {
    const s = hostsScript(load('dr-lab.lvs.json'));
    expect(s.match(/type bridge/g)).toHaveLength(2);
    expect(s.match(/^netns add lvsd-/gm)).toHaveLength(5);
    expect(s).toContain('addr add 192.168.163.101/24 dev eth1');
    expect(s).toContain('addr add 192.168.163.102/24 dev eth0');
    // The VIP (director eth0, real servers' lo) is apply.sh's business.
    expect(s).not.toContain('172.17.253.100');
    expect(s).toContain('/usr/sbin/lvsd-enter rs1 httpd -p 80 -h /run/lvsd/rs1/www');
    expect(s).not.toContain('lvsd-enter client httpd');
  });

  it("gives every ethernet interface the simulator's MAC, so captured and simulated walks compare equal", () => {
    const t = load('dr-lab.lvs.json');
    const s = hostsScript(t);
    const net = compileNetwork(t);
    const ethernet = [...net.ifaces.values()].filter((f) => f.kind === 'ethernet');
    expect(ethernet.length).toBeGreaterThan(0);
    for (const f of ethernet) expect(s).toContain(`link set ${f.name} address ${f.mac}`);
  });

  it('reboots hosts: processes killed, namespace deleted and rebuilt with the same veths and infrastructure only; files kept', () => {
    const t = load('dr-lab.lvs.json');
    const s = rebootHostsScript(t, [hostId('rs1'), hostId('director')]);
    const create = hostsScript(t);
    expect(s.match(/^\/sbin\/ip netns del lvsd-/gm)).toEqual(['/sbin/ip netns del lvsd-', '/sbin/ip netns del lvsd-']);
    expect(s).toContain('/sbin/ip netns pids lvsd-rs1');
    expect(s).toMatch(/kill -9 \$pids/);
    // the same lines createHosts used for these hosts' links and addresses, no VIP
    for (const line of s.split('\n').filter((l) => /^(netns add|link add lvv|addr add|link set)/.test(l))) expect(create).toContain(line);
    expect(s).toContain('addr add 192.168.163.101/24 dev eth1');
    expect(s).not.toContain('172.17.253.100');
    expect(s).toContain('/usr/sbin/lvsd-enter rs1 httpd -p 80 -h /run/lvsd/rs1/www');
    // the host's files (private /etc, /var/lib, state, boot root) are not touched
    expect(s).not.toMatch(/cp -a \/etc|rm -rf|mkdir/);
    // other hosts are left alone
    expect(s).not.toContain('lvsd-rs2');
    expect(() => rebootHostsScript(t, [hostId('nope')])).toThrow(/no host nope/);
    expect(() => rebootHostsScript(t, [hostId('x;y')])).toThrow(LabError);
  });

  it('serves the real-server port (NAT port mapping) and orders hosts for apply', () => {
    const t = load('large-cluster.lvs.json');
    expect(webPorts(t).get(hostId('app1'))).toEqual([8080]);
    expect(webPorts(t).get(hostId('media1'))).toEqual([443]);
    const order = applyOrder(t).map((h) => h.role);
    expect(order.indexOf('director')).toBeGreaterThan(order.lastIndexOf('real-server'));
    expect(order.lastIndexOf('client')).toBeLessThan(order.indexOf('real-server'));
  });

  it.each([
    ['host id', (t: Topology) => ({ ...t, hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, id: 'x;reboot' } : h)) }), /cannot name a lab namespace/],
    ['host id ..', (t: Topology) => ({ ...t, hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, id: '..' } : h)) }), /cannot name a lab namespace/],
    [
      'interface name',
      (t: Topology) => ({
        ...t,
        hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, interfaces: h.interfaces.map((f) => ({ ...f, name: 'eth0 up; reboot' })) } : h)),
      }),
      /not a Linux interface name/,
    ],
    [
      'MAC',
      (t: Topology) => ({ ...t, hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, interfaces: h.interfaces.map((f) => ({ ...f, mac: '$(reboot)' })) } : h)) }),
      /malformed/,
    ],
    [
      'address',
      (t: Topology) => ({
        ...t,
        hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, interfaces: h.interfaces.map((f) => ({ ...f, addresses: ['10.0.0.1/24 dev lo; reboot'] })) } : h)),
      }),
      /not IPv4 CIDR/,
    ],
  ])('refuses a hostile %s', (_what, mutate, message) => {
    const t = mutate(load('nat-lab.lvs.json')) as Topology;
    expect(() => hostsScript(t)).toThrow(LabError);
    expect(() => hostsScript(t)).toThrow(message);
  });

  it('refuses file paths that leave the host directory and quotes commands', () => {
    expect(() => hostFilesScript(hostId('rs1'), [{ path: '../../etc/passwd', content: '', mode: 0o644 }])).toThrow(/plain relative path/);
    expect(() => hostFilesScript(hostId('rs1'), [{ path: '/etc/passwd', content: '', mode: 0o644 }])).toThrow(/plain relative path/);
    const s = hostFilesScript(hostId('rs1'), [{ path: 'sysctl.d/90-lvs-designer.conf', content: "x'; reboot; '", mode: 0o644 }]);
    expect(s).not.toContain('reboot');
    expect(s).toContain("base64 -d > '/run/lvsd/rs1/sysctl.d/90-lvs-designer.conf'");
    expect(inHostCommand(hostId('rs1'), "echo 'a'")).toBe("/usr/sbin/lvsd-enter 'rs1' env /bin/sh -c 'echo '\\''a'\\'''");
    expect(() => inHostCommand(hostId('rs1'), 'true', { 'A;B': '1' })).toThrow(/environment variable/);
  });
});
