/**
 * One failing design and its fixed version per HA rule, built from the HA examples. The catalogue
 * test uses the failing ones as demos; rules.test.ts checks both sides.
 */
import { readFileSync } from 'node:fs';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { Topology } from '../../../shared/model/types.ts';
import type { DeepMutableDraft } from './draft.ts';
import { directorGroupId, directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

type Draft = DeepMutableDraft<Topology>;

const load = (name: string): Topology => {
  const r = parseDesignFile(readFileSync(new URL(`../../../examples/${name}.lvs.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value.topology;
};
export const natHa = (): Topology => load('nat-ha-lab');

/** Both members track a web check with `weight` instead of eth1. */
function withScript(d: Draft, weight: number): void {
  const g = d.directorGroups![0]!;
  g.scripts = [{ name: 'chk_web', script: '/bin/busybox wget -qO- http://127.0.0.1/', interval: 2, fall: 2, rise: 2, weight }];
  for (const m of g.members) {
    delete m.trackInterfaces;
    m.trackScripts = [{ name: 'chk_web' }];
  }
}
export const drHa = (): Topology => load('dr-ha-lab');

/** A deep copy of `t` changed by `fn`. */
export function change(t: Topology, fn: (d: Draft) => void): Topology {
  const d = structuredClone(t) as Draft;
  fn(d);
  return d as Topology;
}
const group = (d: Draft) => d.directorGroups![0]!;
const member = (d: Draft, host: string) => group(d).members.find((m) => m.host === host)!;
const hostOf = (d: Draft, id: string) => d.hosts.find((h) => h.id === id)!;
const ifaceOf = (d: Draft, id: string, name: string) => hostOf(d, id).interfaces.find((f) => f.name === name)!;

/** A second pair next to the NAT pair, on the same segments. */
export function secondPair(d: Draft, vrid: number, syncId: number) {
  for (const [id, pub, lan] of [
    ['lvs3', '172.16.111.131', '192.168.111.203'],
    ['lvs4', '172.16.111.132', '192.168.111.204'],
  ] as const) {
    d.hosts.push({
      id: hostId(id),
      name: id,
      role: 'director',
      interfaces: [
        { id: interfaceId(`${id}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId('public'), addresses: [`${pub}/24`] },
        { id: interfaceId(`${id}-eth1`), name: 'eth1', kind: 'ethernet', segment: segmentId('lan'), addresses: [`${lan}/24`] },
      ],
      sysctl: { ipForward: true },
    });
  }
  d.directorGroups!.push({
    id: directorGroupId('pair2'),
    name: 'VI_MAIL',
    vrid,
    virtualAddresses: [{ address: '172.16.111.133/24', dev: 'eth0' }],
    sync: { mode: 'keepalived', interface: 'eth1', syncId },
    members: [
      { host: hostId('lvs3'), priority: 150, state: 'MASTER', interface: 'eth0' },
      { host: hostId('lvs4'), priority: 100, state: 'BACKUP', interface: 'eth0' },
    ],
  });
  d.services.push({
    id: serviceId('mail'),
    name: 'mail',
    director: directorRef('pair2'),
    protocol: 'tcp',
    vip: '172.16.111.133',
    port: 25,
    scheduler: 'rr',
    realServers: [{ id: realServerId('mail-rs1'), host: hostId('rs1'), rip: '192.168.111.101', port: 25, method: 'dr', weight: 1 }],
  });
}

export const HA_CASES: Readonly<Record<string, { readonly bad: () => Topology; readonly fixed: () => Topology }>> = {
  'ha/members-disagree': {
    bad: () => change(natHa(), (d) => void (member(d, 'lvs2').differs = { vrid: 52, authentication: null })),
    fixed: () => change(natHa(), (d) => void (member(d, 'lvs2').differs = { vrid: 51 })),
  },
  'ha/virtual-servers-differ': {
    bad: () =>
      change(
        natHa(),
        (d) =>
          void d.services.push({
            ...structuredClone(d.services[0]!),
            id: serviceId('smtp'),
            name: 'smtp',
            director: directorRef('lvs1'),
            port: 25,
            realServers: [],
          }),
      ),
    fixed: () =>
      change(
        natHa(),
        (d) =>
          void d.services.push({
            ...structuredClone(d.services[0]!),
            id: serviceId('smtp'),
            name: 'smtp',
            director: directorRef('pair'),
            port: 25,
            realServers: [],
          }),
      ),
  },
  'ha/shared-vrid': {
    bad: () => change(natHa(), (d) => secondPair(d, 51, 52)),
    fixed: () => change(natHa(), (d) => secondPair(d, 52, 52)),
  },
  // A tracked script (eth1 would not do: it carries the DIP, and keepalived FAULTs on it whatever the weight).
  'ha/priority-gap': {
    bad: () => change(natHa(), (d) => withScript(d, -20)),
    fixed: () => change(natHa(), (d) => withScript(d, -51)),
  },
  'ha/nopreempt-state': {
    bad: () => change(drHa(), (d) => void (member(d, 'lvs1').state = 'MASTER')),
    fixed: () => drHa(),
  },
  'ha/equal-priorities': {
    bad: () => change(drHa(), (d) => void (member(d, 'lvs2').priority = 150)),
    fixed: () => change(drHa(), (d) => void (member(d, 'lvs2').priority = 149)),
  },
  'ha/unicast-peers': {
    bad: () => change(natHa(), (d) => void (member(d, 'lvs1').unicastPeers = ['172.16.111.99'])),
    fixed: () => change(natHa(), (d) => void (member(d, 'lvs1').unicastPeers = ['172.16.111.122'])),
  },
  'ha/peers-off-segment': {
    bad: () => change(natHa(), (d) => void (member(d, 'lvs2').interface = 'eth1')),
    fixed: () => natHa(),
  },
  'ha/sync-daemon': {
    bad: () => change(natHa(), (d) => void delete group(d).sync),
    fixed: () => natHa(),
  },
  'ha/vip-static-on-member': {
    bad: () => change(natHa(), (d) => void ifaceOf(d, 'lvs2', 'eth0').addresses.push('172.16.111.123/24')),
    fixed: () => natHa(),
  },
  'ha/director-is-real-server': {
    bad: () =>
      change(
        natHa(),
        (d) =>
          void d.services[0]!.realServers.push({
            id: realServerId('web-lvs2'),
            host: hostId('lvs2'),
            rip: '192.168.111.202',
            port: 80,
            method: 'nat',
            weight: 1,
          }),
      ),
    fixed: () => natHa(),
  },
  'ha/dr-backup-path': {
    bad: () => change(drHa(), (d) => void (ifaceOf(d, 'lvs2', 'eth1').segment = null)),
    fixed: () => drHa(),
  },
  'ha/nat-gateway-member-address': {
    bad: () =>
      change(natHa(), (d) => {
        hostOf(d, 'rs1').gateway = '192.168.111.201';
        hostOf(d, 'rs2').gateway = '192.168.111.201';
      }),
    fixed: () => natHa(),
  },
  'ha/unknown-name': {
    bad: () => change(drHa(), (d) => void (member(d, 'lvs2').trackScripts = [{ name: 'chk_nginx' }])),
    fixed: () => drHa(),
  },
};
