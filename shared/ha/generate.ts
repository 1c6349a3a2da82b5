/**
 * A generated HA design for benchmarks and tests: `groups` NAT pairs, each with `members`
 * directors, a public and a private segment of its own, two real servers and unicast peers.
 */
import type { DirectorGroup, Host, Segment, Topology, VirtualService } from '../model/types.ts';
import { directorGroupId, directorRef, hostId, interfaceId, segmentId, serviceId, realServerId } from '../model/ids.ts';

/** Builds `groups` × `members` HA NAT groups (up to 200 groups, 50 members). */
export function generateHaTopology(groups: number, members: number): Topology {
  const segments: Segment[] = [];
  const hosts: Host[] = [];
  const services: VirtualService[] = [];
  const directorGroups: DirectorGroup[] = [];
  for (let g = 0; g < groups; g++) {
    const pub = `10.${g}.1`;
    const lan = `10.${g}.2`;
    segments.push({ id: segmentId(`pub${g}`), name: `public ${g}`, cidr: `${pub}.0/24` }, { id: segmentId(`lan${g}`), name: `lan ${g}`, cidr: `${lan}.0/24` });
    hosts.push({
      id: hostId(`client${g}`),
      name: `client${g}`,
      role: 'client',
      interfaces: [{ id: interfaceId(`client${g}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId(`pub${g}`), addresses: [`${pub}.200/24`] }],
      gateway: `${pub}.100`,
    });
    const ids: string[] = [];
    for (let m = 0; m < members; m++) {
      const id = `g${g}d${m}`;
      ids.push(id);
      hosts.push({
        id: hostId(id),
        name: id,
        role: 'director',
        interfaces: [
          { id: interfaceId(`${id}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId(`pub${g}`), addresses: [`${pub}.${10 + m}/24`] },
          { id: interfaceId(`${id}-eth1`), name: 'eth1', kind: 'ethernet', segment: segmentId(`lan${g}`), addresses: [`${lan}.${10 + m}/24`] },
        ],
        sysctl: { ipForward: true },
      });
    }
    for (let r = 0; r < 2; r++) {
      hosts.push({
        id: hostId(`g${g}rs${r}`),
        name: `g${g}rs${r}`,
        role: 'real-server',
        interfaces: [
          { id: interfaceId(`g${g}rs${r}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentId(`lan${g}`), addresses: [`${lan}.${100 + r}/24`] },
        ],
        gateway: `${lan}.1`,
      });
    }
    directorGroups.push({
      id: directorGroupId(`grp${g}`),
      name: `VI_${g}`,
      vrid: g + 1,
      virtualAddresses: [
        { address: `${pub}.100/24`, dev: 'eth0' },
        { address: `${lan}.1/24`, dev: 'eth1' },
      ],
      scripts: [{ name: 'chk_lvs', script: '/bin/busybox true', weight: -60 }],
      sync: { mode: 'keepalived', interface: 'eth1', syncId: g + 1 },
      members: ids.map((id, m) => ({
        host: hostId(id),
        priority: 150 - 20 * m,
        state: m === 0 ? 'MASTER' : 'BACKUP',
        interface: 'eth0',
        unicastSrcIp: `${pub}.${10 + m}`,
        unicastPeers: ids.filter((o) => o !== id).map((_, k) => `${pub}.${10 + (k >= m ? k + 1 : k)}`),
        trackScripts: [{ name: 'chk_lvs' }],
        trackInterfaces: [{ name: 'eth1', weight: -60 }],
      })),
    });
    services.push({
      id: serviceId(`web${g}`),
      name: `web${g}`,
      director: directorRef(`grp${g}`),
      protocol: 'tcp',
      vip: `${pub}.100`,
      port: 80,
      scheduler: 'wrr',
      realServers: [0, 1].map((r) => ({
        id: realServerId(`web${g}-rs${r}`),
        host: hostId(`g${g}rs${r}`),
        rip: `${lan}.${100 + r}`,
        port: 80,
        method: 'nat' as const,
        weight: 1,
      })),
    });
  }
  return { name: `${groups} HA groups × ${members} members`, segments, hosts, services, directorGroups };
}
