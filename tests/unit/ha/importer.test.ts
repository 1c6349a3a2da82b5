import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importKeepalivedPair } from '../../../shared/importers/keepalived-pair.ts';
import { topologySchema } from '../../../shared/model/schema.ts';
import { validate } from '../../../shared/validation/index.ts';
import { analyseFailover } from '../../../shared/ha/analysis.ts';

const golden = (lab: string, host: string) => readFileSync(new URL(`../../fixtures/golden/${lab}/${host}/keepalived.conf`, import.meta.url), 'utf8');

describe('importing a keepalived.conf pair', () => {
  it('merges the NAT pair into one design with the group, its members and the service on the group', () => {
    const r = importKeepalivedPair([
      { name: 'lvs1', text: golden('nat-ha-lab', 'lvs1') },
      { name: 'lvs2', text: golden('nat-ha-lab', 'lvs2') },
    ]);
    expect(topologySchema.safeParse(r.topology).success).toBe(true);
    expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const g = r.topology.directorGroups![0]!;
    expect(g).toMatchObject({
      name: 'VI_NAT',
      vrid: 51,
      advertInt: 1,
      authentication: { type: 'PASS', pass: 'lvsnat51' },
      sync: { mode: 'keepalived', interface: 'eth1', syncId: 51 },
    });
    expect(g.virtualAddresses).toEqual([
      { address: '172.16.111.123/24', dev: 'eth0' },
      { address: '192.168.111.200/24', dev: 'eth1' },
    ]);
    expect(g.members.map((m) => [r.topology.hosts.find((h) => h.id === m.host)!.name, m.state, m.priority, m.unicastSrcIp, m.unicastPeers])).toEqual([
      ['lvs1', 'MASTER', 150, '172.16.111.121', ['172.16.111.122']],
      ['lvs2', 'BACKUP', 100, '172.16.111.122', ['172.16.111.121']],
    ]);
    expect(g.members[0]!.trackInterfaces).toEqual([{ name: 'eth1', weight: -60 }]);
    expect(r.topology.services.map((s) => s.director)).toEqual([g.id]);
    expect(validate(r.topology).filter((p) => p.rule.startsWith('ha/') && p.severity === 'error')).toEqual([]);
    const [a] = analyseFailover(r.topology, { doubles: false });
    expect(a!.scenarios.find((s) => s.failures[0]?.kind === 'host-down')!.holders).toHaveLength(1);
  });
  it('imports the DR pair: multicast, nopreempt, the vrrp_script', () => {
    const r = importKeepalivedPair([
      { name: 'lvs-server-1', text: golden('dr-ha-lab', 'lvs1') },
      { name: 'lvs-server-2', text: golden('dr-ha-lab', 'lvs2') },
    ]);
    const g = r.topology.directorGroups![0]!;
    expect(g.nopreempt).toBe(true);
    expect(g.scripts).toEqual([{ name: 'chk_uplink', script: '/bin/busybox ping -c1 -W1 172.17.253.1', interval: 2, fall: 2, rise: 2 }]);
    expect(g.members.every((m) => m.unicastPeers === undefined && m.state === 'BACKUP')).toBe(true);
  });
  it('a pair that disagrees is imported with the problems listed and the checker reporting them', () => {
    const b = golden('nat-ha-lab', 'lvs2')
      .replace('virtual_router_id 51', 'virtual_router_id 52')
      .replace(/virtual_server 172\.16\.111\.123 80 \{[\s\S]*$/, '');
    const r = importKeepalivedPair([
      { name: 'lvs1', text: golden('nat-ha-lab', 'lvs1') },
      {
        name: 'lvs2',
        text: `${b}\nvirtual_server 172.16.111.123 443 {\n    lvs_sched rr\n    lvs_method NAT\n    protocol TCP\n    real_server 192.168.111.101 443 {\n        weight 1\n    }\n}\n`,
      },
    ]);
    const errors = r.problems.filter((p) => p.severity === 'error').map((p) => p.message);
    expect(errors.some((m) => m.includes('lvs2 disagrees with lvs1 on virtual_router_id: 52 vs 51'))).toBe(true);
    expect(errors.some((m) => m.includes('virtual_server tcp 172.16.111.123:80 is only on lvs1'))).toBe(true);
    expect(errors.some((m) => m.includes('172.16.111.123:443 is only on lvs2'))).toBe(true);
    expect(r.topology.directorGroups![0]!.members[1]!.differs).toEqual({ vrid: 52 });
    const rules = new Set(validate(r.topology).map((p) => p.rule));
    expect(rules.has('ha/members-disagree')).toBe(true);
    expect(rules.has('ha/virtual-servers-differ')).toBe(true);
  });
  it('one file only is an error, not a crash', () => {
    const r = importKeepalivedPair([{ name: 'lvs1', text: golden('nat-ha-lab', 'lvs1') }]);
    expect(r.problems.some((p) => p.severity === 'error' && p.message.includes('at least two members'))).toBe(true);
  });
});
