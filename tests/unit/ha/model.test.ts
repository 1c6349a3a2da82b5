import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import { migrate } from '../../../shared/model/migrations.ts';
import type { DirectorGroup, Topology } from '../../../shared/model/types.ts';
import { directorHostsOf, effectivePriority, masterDownMicros, maxPriorityDrop, skewMicros, steadyMaster, withVrrpHolders } from '../../../shared/model/ha.ts';
import { servicesOf } from '../../../shared/model/topology.ts';
import { addDirectorGroup, addGroupMember, removeItems, updateGroupMember, useMulticast, useUnicastPeers } from '../../../shared/model/commands.ts';
import { hostId } from '../../../shared/model/ids.ts';

export const loadExample = (name: string): Topology => {
  const r = parseDesignFile(readFileSync(`examples/${name}.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
};

describe('file format v4', () => {
  it('migrates a v3 file by bumping the version only', () => {
    const v3 = JSON.parse(readFileSync('examples/nat-lab.lvs.json', 'utf8'));
    v3.formatVersion = 3;
    const r = migrate(v3, 4);
    if (!r.ok) throw new Error(r.error);
    expect(r.doc).toEqual({ ...v3, formatVersion: 4 });
  });

  it('round-trips the HA examples', () => {
    for (const name of ['nat-ha-lab', 'dr-ha-lab']) {
      const text = readFileSync(`examples/${name}.lvs.json`, 'utf8');
      const r = parseDesignFile(text);
      if (!r.ok) throw new Error(r.error.message);
      expect(serializeDesignFile(r.value)).toBe(text);
      expect(r.value.topology.directorGroups?.[0]?.members).toHaveLength(2);
    }
  });

  it('refuses a service naming neither a host nor a group, a member that is no host, and a host twice in a group', () => {
    const doc = JSON.parse(readFileSync('examples/nat-ha-lab.lvs.json', 'utf8'));
    doc.topology.services[0].director = 'nobody';
    let r = parseDesignFile(JSON.stringify(doc));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('unknown host or director group "nobody"');
    const doc2 = JSON.parse(readFileSync('examples/nat-ha-lab.lvs.json', 'utf8'));
    doc2.topology.directorGroups[0].members[1].host = 'lvs1';
    r = parseDesignFile(JSON.stringify(doc2));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('member of group "pair" twice');
    const doc3 = JSON.parse(readFileSync('examples/nat-ha-lab.lvs.json', 'utf8'));
    doc3.topology.directorGroups[0].vrid = 256;
    expect(parseDesignFile(JSON.stringify(doc3)).ok).toBe(false);
  });
});

describe('keepalived VRRP timers', () => {
  it('VRRPv2: skew is (256 − priority)/256 s whatever advert_int is', () => {
    expect(skewMicros(2, 1, 100)).toBe(609375);
    expect(skewMicros(2, 5, 100)).toBe(609375);
    expect(masterDownMicros(2, 1, 100)).toBe(3_609_375);
    expect(masterDownMicros(2, 1, 254)).toBe(3_007_812);
  });
  it('VRRPv3: skew is (256 − priority) × advert_int / 256 (RFC 5798)', () => {
    expect(skewMicros(3, 1, 100)).toBe(609375);
    expect(skewMicros(3, 2, 100)).toBe(1218750);
    expect(masterDownMicros(3, 2, 100)).toBe(7_218_750);
  });
});

describe('effective priority', () => {
  const dr = loadExample('dr-ha-lab').directorGroups![0]!;
  const g: DirectorGroup = { ...dr, scripts: dr.scripts!.map((s) => ({ ...s, weight: -60 })) };
  const lvs1 = g.members[0]!;
  it('subtracts a negative script weight while the script fails', () => {
    expect(effectivePriority(g, lvs1).priority).toBe(150);
    const failed = effectivePriority(g, lvs1, { failedScripts: new Set(['chk_uplink']) });
    expect(failed.priority).toBe(90);
    expect(failed.terms).toEqual([{ what: 'script', name: 'chk_uplink', weight: -60, applies: true }]);
    expect(maxPriorityDrop(g, lvs1)).toBe(60);
  });
  it('a weight-0 tracked interface puts the member into FAULT; the VRRP interface down too', () => {
    const m = { ...lvs1, trackInterfaces: [{ name: 'eth1' }] };
    expect(effectivePriority(g, m, { downInterfaces: new Set(['eth1']) }).fault).toBe(true);
    expect(effectivePriority(g, lvs1, { downInterfaces: new Set(['eth0']) }).fault).toBe(true);
  });
  it('clamps to 1..254 and adds positive weights while the item is up', () => {
    const up: DirectorGroup = { ...g, scripts: [{ name: 's', script: '/bin/true', weight: 200 }] };
    expect(effectivePriority(up, { ...lvs1, trackScripts: [{ name: 's' }] }).priority).toBe(254);
    expect(effectivePriority(up, { ...lvs1, trackScripts: [{ name: 's' }] }, { failedScripts: new Set(['s']) }).priority).toBe(150);
  });
});

describe('group services and the steady state', () => {
  const t = loadExample('nat-ha-lab');
  it('a group service runs on every member', () => {
    expect(directorHostsOf(t, t.services[0]!)).toEqual(['lvs1', 'lvs2']);
    expect(servicesOf(t, hostId('lvs2')).map((s) => s.id)).toEqual(['web']);
  });
  it('the master holds the virtual addresses; another holder can be chosen', () => {
    expect(steadyMaster(t, t.directorGroups![0]!)?.host).toBe('lvs1');
    const v = withVrrpHolders(t);
    expect(v.hosts.find((h) => h.id === 'lvs1')!.interfaces.find((f) => f.name === 'eth1')!.addresses).toContain('192.168.111.200/24');
    expect(v.services[0]!.director).toBe('lvs1');
    const b = withVrrpHolders(t, new Map([['pair', hostId('lvs2')]]));
    expect(b.hosts.find((h) => h.id === 'lvs2')!.interfaces.find((f) => f.name === 'eth0')!.addresses).toContain('172.16.111.123/24');
    expect(b.hosts.find((h) => h.id === 'lvs1')!.interfaces.find((f) => f.name === 'eth0')!.addresses).not.toContain('172.16.111.123/24');
  });
  it('equal priorities: the higher primary address wins, as in keepalived', () => {
    const g = t.directorGroups![0]!;
    const eq = { ...g, members: g.members.map((m) => ({ ...m, priority: 100 })) };
    expect(steadyMaster(t, eq)?.host).toBe('lvs2');
  });
});

describe('group edit commands', () => {
  const nat = loadExample('nat-lab');
  it('makes a pair from two directors: services move to it, the VIP leaves the interfaces and becomes VRRP-held', () => {
    const withSecond: Topology = {
      ...nat,
      hosts: [...nat.hosts, { ...nat.hosts.find((h) => h.id === 'director')!, id: hostId('director2'), name: 'director2', interfaces: [] }],
    };
    const r = addDirectorGroup(withSecond, [hostId('director'), hostId('director2')])!;
    const g = r.topology.directorGroups![0]!;
    expect(g.members.map((m) => [m.host, m.state, m.priority])).toEqual([
      ['director', 'MASTER', 150],
      ['director2', 'BACKUP', 100],
    ]);
    expect(g.virtualAddresses).toEqual([{ address: '172.16.111.123/24', dev: 'eth0' }]);
    expect(r.topology.services[0]!.director).toBe(r.id);
    expect(r.topology.hosts.find((h) => h.id === 'director')!.interfaces.find((f) => f.name === 'eth0')!.addresses).toEqual([]);
  });
  it('adds and updates members, switches to unicast and back, and removing a member host keeps the group', () => {
    const t = loadExample('dr-ha-lab');
    let u = useUnicastPeers(t, 'pair');
    expect(u.directorGroups![0]!.members.map((m) => [m.unicastSrcIp, m.unicastPeers])).toEqual([
      ['172.17.253.101', ['172.17.253.102']],
      ['172.17.253.102', ['172.17.253.101']],
    ]);
    u = useMulticast(u, 'pair');
    expect(u.directorGroups![0]!.members[0]!.unicastPeers).toBeUndefined();
    u = addGroupMember(u, 'pair', hostId('router'));
    expect(u.directorGroups![0]!.members[2]).toMatchObject({ host: 'router', state: 'BACKUP', priority: 90 });
    u = updateGroupMember(u, 'pair', hostId('router'), { priority: 20 });
    expect(u.directorGroups![0]!.members[2]!.priority).toBe(20);
    const d = removeItems({ topology: u, layout: { positions: {} } }, ['router']);
    expect(d.topology.directorGroups![0]!.members).toHaveLength(2);
    const gone = removeItems(d, ['lvs1', 'lvs2']);
    expect(gone.topology.directorGroups).toEqual([]);
    expect(gone.topology.services).toEqual([]);
  });
});
