/**
 * Merging an import into the open design: the imported services join the hosts and segments the
 * design already has — a segment with the same CIDR is the same segment, a host that already holds
 * an imported host's address is that host — and everything else is added with fresh ids, to the
 * right of the existing drawing. Pure; the designer applies it as one undo step.
 */
import type { Design } from '../model/commands.ts';
import { freshId, usedIds } from '../model/commands.ts';
import type { Host, Id, Position, Segment, Topology, VirtualService } from '../model/types.ts';
import { directorRef, hostId, realServerId, segmentId, serviceId, interfaceId } from '../model/ids.ts';

/** The merged design and, for every imported id, the id it has in the merged design. */
export interface MergeResult {
  readonly design: Design;
  readonly idMap: ReadonlyMap<Id, Id>;
}

const ipOf = (cidr: string): string => cidr.split('/')[0]!;

/** Adds the imported design to `base` (see the module comment). */
export function mergeDesign(base: Design, imported: Design): MergeResult {
  const t = base.topology;
  const taken = usedIds(t);
  const idMap = new Map<Id, Id>();

  // Segments: same CIDR → the existing one.
  const segments: Segment[] = [...t.segments];
  for (const s of imported.topology.segments) {
    const same = t.segments.find((x) => x.cidr === s.cidr);
    if (same) idMap.set(s.id, same.id);
    else {
      const id = taken.has(s.id) ? freshId(s.id, taken) : (taken.add(s.id), s.id);
      idMap.set(s.id, id);
      segments.push({ ...s, id: segmentId(id) });
    }
  }

  // Hosts: one that already has any of the imported host's addresses (other than on lo) is it.
  const ownerOf = new Map<string, Id>();
  for (const h of t.hosts) for (const f of h.interfaces) if (f.kind !== 'loopback') for (const a of f.addresses) ownerOf.set(ipOf(a), h.id);
  const hosts: Host[] = [...t.hosts];
  for (const h of imported.topology.hosts) {
    const addresses = h.interfaces.filter((f) => f.kind !== 'loopback').flatMap((f) => f.addresses.map(ipOf));
    const existing = h.role === 'client' ? undefined : addresses.map((a) => ownerOf.get(a)).find((x) => x !== undefined);
    if (existing !== undefined) {
      idMap.set(h.id, existing);
      continue;
    }
    if (h.role === 'client' && t.hosts.some((x) => x.role === 'client')) continue;
    const id = taken.has(h.id) ? freshId(h.id, taken) : (taken.add(h.id), h.id);
    idMap.set(h.id, id);
    const interfaces = h.interfaces.map((f) => {
      const fid = taken.has(f.id) ? freshId(f.id.replace(h.id, id), taken) : (taken.add(f.id), f.id);
      idMap.set(f.id, fid);
      return { ...f, id: interfaceId(fid), segment: f.segment === null ? null : segmentId(idMap.get(f.segment) ?? f.segment) };
    });
    const name = t.hosts.some((x) => x.name === h.name) ? id : h.name;
    hosts.push({ ...h, id: hostId(id), name, interfaces });
  }

  // Services: the same service (protocol, VIP, port or mark) on the same director gains the real
  // servers it lacks; any other is added.
  const services: VirtualService[] = [...t.services];
  const sameService = (a: VirtualService, b: VirtualService) =>
    a.director === b.director && a.protocol === b.protocol && (a.protocol === 'fwmark' ? a.fwmark === b.fwmark : a.vip === b.vip && a.port === b.port);
  for (const v of imported.topology.services) {
    const director = idMap.get(v.director) ?? v.director;
    const at = services.findIndex((x) => sameService(x, { ...v, director: directorRef(director) }));
    const target = at >= 0 ? services[at]! : undefined;
    const id = target ? target.id : taken.has(v.id) ? freshId(v.id, taken) : (taken.add(v.id), v.id);
    idMap.set(v.id, id);
    const realServers = [...(target?.realServers ?? [])];
    for (const r of v.realServers) {
      const host = idMap.get(r.host) ?? r.host;
      const same = realServers.find((x) => x.host === host && x.port === r.port);
      if (same) {
        idMap.set(r.id, same.id);
        continue;
      }
      const rid = taken.has(r.id) ? freshId(r.id, taken) : (taken.add(r.id), r.id);
      idMap.set(r.id, rid);
      realServers.push({ ...r, id: realServerId(rid), host: hostId(host) });
    }
    if (target) services[at] = { ...target, realServers };
    else services.push({ ...v, id: serviceId(id), director: directorRef(director), realServers });
  }

  // New items go to the right of the current drawing, keeping their imported arrangement.
  const xs = Object.values(base.layout.positions).map((p) => p.x);
  const dx = xs.length === 0 ? 0 : Math.max(...xs) + 320;
  const positions: Record<Id, Position> = { ...base.layout.positions };
  for (const [oldId, p] of Object.entries(imported.layout.positions)) {
    const id = idMap.get(oldId);
    if (id === undefined || positions[id] !== undefined) continue;
    positions[id] = { x: p.x + dx, y: p.y };
  }
  const topology: Topology = { ...t, segments, hosts, services };
  return { design: { topology, layout: { positions } }, idMap };
}
