/**
 * The boot unit: what the script restores depends on who owns the IPVS table; hosts with nothing
 * to restore get no unit.
 */
import { describe, expect, it } from 'vitest';
import { renderHost } from '../../../shared/generators/index.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { loadExample } from './helpers.ts';

const file = (t: Topology, host: string, path: string): string | undefined => {
  const r = renderHost(t, host);
  if (!r.ok) throw new Error(r.error);
  return r.value.find((f) => f.path === path)?.content;
};

describe('boot unit', () => {
  const nat = loadExample('nat-lab');
  it('ipvsadm-owned director: restores the IPVS table with ipvsadm -R into an empty table', () => {
    const s = file(nat, 'director', 'boot/lvs-designer-boot.sh')!;
    expect(s).toContain("lvs_ipvsadm -R <<'LVSD_RULES'\n-A -t 172.16.111.123:80 -s wrr\n-a -t 172.16.111.123:80 -r 192.168.111.101:80 -m -w 1\n");
    expect(s).toContain("lvs_sysctl -w 'net.ipv4.ip_forward=1'");
  });

  it('keepalived-owned director: leaves the designed services to keepalived but restores hand-written rules', () => {
    const t: Topology = {
      ...nat,
      hosts: nat.hosts.map((h) =>
        h.id === 'director' ? { ...h, manualIpvsadmRules: ['-A -t 172.16.111.123:25 -s rr', '-a -t 172.16.111.123:25 -r 192.168.111.101:25 -m -w 1'] } : h,
      ),
      services: nat.services.map((s) => ({ ...s, healthCheck: { kind: 'http' as const, path: '/' } })),
    };
    const s = file(t, 'director', 'boot/lvs-designer-boot.sh')!;
    expect(s).not.toContain('172.16.111.123:80');
    expect(s).toContain('-A -t 172.16.111.123:25 -s rr\n-a -t 172.16.111.123:25 -r 192.168.111.101:25 -m -w 1\nLVSD_RULES');
    expect(s).toContain('keepalived.service (ordered after this unit)');
    // apply.sh leaves a keepalived-owned table alone as well.
    expect(file(t, 'director', 'apply.sh')).not.toContain('ipvsadm -R');
    expect(file(nat, 'director', 'apply.sh')).toContain('lvs_ipvsadm -R');
  });

  it('unit: a oneshot wanted by multi-user.target, before keepalived where keepalived owns the table', () => {
    const u = file(nat, 'rs1', 'boot/lvs-designer-boot.service')!;
    expect(u).toContain('Type=oneshot\nRemainAfterExit=yes\nExecStart=/usr/local/sbin/lvs-designer-boot\n');
    expect(u).not.toContain('keepalived');
    expect(file(loadExample('large-cluster'), 'lb1', 'boot/lvs-designer-boot.service')).toContain('Before=keepalived.service');
    expect(u).toContain('WantedBy=multi-user.target');
  });

  it('a host with nothing a reboot would lose gets no unit', () => {
    const t: Topology = { ...nat, hosts: nat.hosts.map((h) => (h.id === 'client' ? { ...h, gateway: undefined } : h)) } as Topology;
    expect(file(t, 'client', 'boot/lvs-designer-boot.service')).toBeUndefined();
  });
});
