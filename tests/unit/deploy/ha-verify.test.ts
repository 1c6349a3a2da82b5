import { describe, expect, it } from 'vitest';
import { groupsToCheck, judgeGroup, parseProbe } from '../../../electron/services/deploy/ha-verify.ts';
import type { Topology } from '../../../shared/model/types.ts';
import nat from '../../../examples/nat-ha-lab.lvs.json' with { type: 'json' };
import { hostId } from '../../../shared/model/ids.ts';

const t = ((nat as { topology?: unknown }).topology ?? nat) as unknown as Topology;
const g = t.directorGroups![0]!;

const ipJson = (...addrs: string[]) =>
  JSON.stringify([{ ifname: 'eth0', addr_info: addrs.map((local) => ({ family: local.includes(':') ? 'inet6' : 'inet', local, prefixlen: 24 })) }]);
const probe = (daemons: string, ...addrs: string[]) => parseProbe(`${ipJson(...addrs)}\n@@lvsd-daemon\n${daemons}`)!;
const master = 'master sync daemon (mcast=eth1, syncid=51)\n';
const backup = 'backup sync daemon (mcast=eth1, syncid=51)\n';

describe('HA post-deploy check', () => {
  it('parses ip -j addr and ipvsadm -L --daemon', () => {
    expect(probe(master + backup, '172.16.111.121', 'fe80::1')).toEqual({
      addresses: ['172.16.111.121', 'fe80::1'],
      daemons: [
        { role: 'master', iface: 'eth1', syncId: 51 },
        { role: 'backup', iface: 'eth1', syncId: 51 },
      ],
    });
    expect(parseProbe('Object "addr" is unknown\n@@lvsd-daemon\n')).toBeNull();
  });

  it('one holder per VIP and a daemon on each member: no problem', () => {
    const c = judgeGroup(
      t,
      g,
      new Map([
        [hostId('lvs1'), probe(master, '172.16.111.121', '172.16.111.123', '192.168.111.200')],
        [hostId('lvs2'), probe(backup, '172.16.111.122')],
      ]),
    );
    expect(c.problems).toEqual([]);
    expect(c.vips).toEqual([
      { address: '172.16.111.123', holders: ['lvs1'] },
      { address: '192.168.111.200', holders: ['lvs1'] },
    ]);
  });

  it('split brain, no holder, a missing or wrong-interface daemon are each named', () => {
    const c = judgeGroup(
      t,
      g,
      new Map([
        [hostId('lvs1'), probe(master, '172.16.111.123')],
        [hostId('lvs2'), probe('master sync daemon (mcast=eth0, syncid=51)\n', '172.16.111.123')],
      ]),
    );
    expect(c.problems).toEqual([
      'VI_NAT: lvs1 and lvs2 all hold 172.16.111.123 (split brain)',
      'VI_NAT: no member holds 192.168.111.200',
      'VI_NAT: lvs2 runs no sync daemon on eth1 with syncid 51 (ipvsadm -L --daemon)',
    ]);
    expect(c.syncMissing).toEqual(['lvs2']);
  });

  it('plain ipvsadm sync needs both the master and the backup daemon on every member', () => {
    const plain = { ...g, sync: { ...g.sync!, mode: 'ipvsadm' as const } };
    const c = judgeGroup(
      t,
      plain,
      new Map([
        [hostId('lvs1'), probe(master + backup, '172.16.111.123', '192.168.111.200')],
        [hostId('lvs2'), probe(backup)],
      ]),
    );
    expect(c.problems).toEqual(['VI_NAT: lvs2 does not run both master and backup sync daemons on eth1 with syncid 51 (ipvsadm -L --daemon)']);
  });

  it('checks only groups whose members are all deployed', () => {
    expect(groupsToCheck(t, [hostId('lvs1'), hostId('lvs2'), hostId('rs1')]).map((x) => x.name)).toEqual(['VI_NAT']);
    expect(groupsToCheck(t, [hostId('lvs1')])).toEqual([]);
  });
});
