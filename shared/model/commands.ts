/**
 * Pure edit commands on a topology and its layout — the single home of every edit the designer
 * makes. Each takes the current readonly value and returns a new one (structural sharing, so
 * untouched hosts keep their identity and memoised views of them stay valid), or the same object
 * when nothing changes. Two levels: design commands (`Design` → `Design`: add, remove, paste, move,
 * anything touching the layout) and topology commands (`Topology` → `Topology`), which
 * {@link onTopology} lifts to design commands. Nothing here throws on a bad value: addresses are
 * stored as typed, and the rule checker reports what is wrong.
 */
import type {
  DirectorGroup,
  VrrpMember,
  ForwardingMethod,
  Host,
  HostId,
  HostRole,
  HostSysctl,
  Id,
  Interface,
  InterfaceSysctl,
  Layout,
  Position,
  RealServer,
  Route,
  Segment,
  SegmentId,
  Topology,
  VirtualService,
} from './types.ts';
import { ID_PATTERN } from './ids.ts';
import { nextFreeAddress, parseCidr } from '../addressing/ipv4.ts';
import { directorGroupId, hostId, interfaceId, realServerId, segmentId, serviceId, refAsHostId } from './ids.ts';

/** A topology with its canvas layout: the unit the designer edits and undoes. */
export interface Design {
  readonly topology: Topology;
  readonly layout: Layout;
}

/** An empty design named `name`. */
export const emptyDesign = (name = 'Untitled design'): Design => ({
  topology: { name, segments: [], hosts: [], services: [] },
  layout: { positions: {} },
});

/** A design command (one undo step in the designer). */
export type DesignCommand = (d: Design) => Design;
/** A topology command: changes the topology, leaves the layout alone. */
export type TopologyCommand = (t: Topology) => Topology;

/**
 * Lifts a topology command to a design command. When the command returns the topology it was
 * given, the design itself comes back unchanged, so the designer records no undo step.
 */
export function onTopology(command: TopologyCommand): DesignCommand {
  return (d) => {
    const topology = command(d.topology);
    return topology === d.topology ? d : { ...d, topology };
  };
}

/** Renames the design (the topology's `name`). */
export function renameDesign(t: Topology, name: string): Topology {
  return t.name === name ? t : { ...t, name };
}

/** Sets the design's free-text description; an empty text removes it. */
export function describeDesign(t: Topology, description: string): Topology {
  if ((t.description ?? '') === description) return t;
  const { description: _old, ...rest } = t;
  return description ? { ...rest, description } : rest;
}

/** Every id used anywhere in the topology (hosts, segments, interfaces, services, real servers). */
export function usedIds(t: Topology): Set<Id> {
  const ids = new Set<Id>();
  for (const h of t.hosts) {
    ids.add(h.id);
    for (const f of h.interfaces) ids.add(f.id);
  }
  for (const s of t.segments) ids.add(s.id);
  for (const v of t.services) {
    ids.add(v.id);
    for (const r of v.realServers) ids.add(r.id);
  }
  for (const g of t.directorGroups ?? []) ids.add(g.id);
  return ids;
}

/**
 * A fresh id `base`, `base-2`, `base-3`, ... not in `taken`; the chosen id is added to `taken` so
 * several calls in a row never collide. `base` is cleaned to the id alphabet.
 */
export function freshId(base: string, taken: Set<Id>): Id {
  let clean =
    base
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'item';
  if (!ID_PATTERN.test(clean)) clean = `x-${clean}`;
  let id = clean;
  for (let n = 2; taken.has(id); n++) id = `${clean}-${n}`;
  taken.add(id);
  return id;
}

/** Name prefix of a new host of each role. */
const ROLE_BASE: Record<HostRole, string> = { client: 'client', director: 'director', 'real-server': 'rs', router: 'router' };

/** A fresh display name `base1`, `base2`, ... not used by another host. */
function freshHostName(t: Topology, role: HostRole): string {
  const names = new Set(t.hosts.map((h) => h.name));
  const base = ROLE_BASE[role];
  for (let n = 1; ; n++) if (!names.has(`${base}${n}`)) return `${base}${n}`;
}

const withPosition = (layout: Layout, id: Id, pos: Position): Layout => ({ positions: { ...layout.positions, [id]: pos } });

/** Adds a host of `role` at `pos` with a loopback interface; returns the design and the new id. */
export function addHost(d: Design, role: HostRole, pos: Position): { design: Design; id: HostId } {
  const taken = usedIds(d.topology);
  const name = freshHostName(d.topology, role);
  const id = freshId(name, taken);
  const host: Host = {
    id: hostId(id),
    name,
    role,
    interfaces: [{ id: interfaceId(freshId(`${id}-lo`, taken)), name: 'lo', kind: 'loopback', segment: null, addresses: [] }],
    ...(role === 'router' || role === 'director' ? { sysctl: { ipForward: role === 'router' } } : {}),
  };
  return { design: { topology: { ...d.topology, hosts: [...d.topology.hosts, host] }, layout: withPosition(d.layout, id, pos) }, id: hostId(id) };
}

/** A /24 in 192.168.0.0/16 (then 10.x) that no segment uses yet. */
function freshSubnet(t: Topology): string {
  const used = new Set(t.segments.map((s) => parseCidr(s.cidr)?.network));
  for (let third = 1; third < 256; third++) {
    const cidr = `192.168.${third}.0/24`;
    if (!used.has(parseCidr(cidr)!.network)) return cidr;
  }
  for (let second = 0; second < 256; second++) {
    const cidr = `10.${second}.0.0/24`;
    if (!used.has(parseCidr(cidr)!.network)) return cidr;
  }
  return '10.255.255.0/24';
}

/** Adds a segment (switch) with an unused /24; returns the design and the new id. */
export function addSegment(d: Design, pos: Position): { design: Design; id: SegmentId } {
  const taken = usedIds(d.topology);
  const names = new Set(d.topology.segments.map((s) => s.name));
  let n = 1;
  while (names.has(`net${n}`)) n++;
  const id = freshId(`net${n}`, taken);
  const seg: Segment = { id: segmentId(id), name: `net${n}`, cidr: freshSubnet(d.topology) };
  return { design: { topology: { ...d.topology, segments: [...d.topology.segments, seg] }, layout: withPosition(d.layout, id, pos) }, id: segmentId(id) };
}

/** Every address (CIDR text) configured on an interface plugged into `segment`. */
export function addressesOnSegment(t: Topology, segment: SegmentId): string[] {
  const out: string[] = [];
  for (const h of t.hosts) for (const f of h.interfaces) if (f.segment === segment) out.push(...f.addresses);
  return out;
}

/** The next `ethN` name free on a host. */
function nextEthName(host: Host): string {
  const names = new Set(host.interfaces.map((f) => f.name));
  for (let n = 0; ; n++) if (!names.has(`eth${n}`)) return `eth${n}`;
}

const mapHost = (t: Topology, id: HostId, fn: (h: Host) => Host): Topology => ({
  ...t,
  hosts: t.hosts.map((h) => (h.id === id ? fn(h) : h)),
});

/**
 * Plugs `host` into `segment` with a new ethernet interface holding the next free address of the
 * segment (none when the segment's CIDR is malformed or full). Returns the new interface id, or
 * null when the host or segment does not exist.
 */
export function connect(t: Topology, hostId: HostId, segmentId: SegmentId): { topology: Topology; interfaceId: Id } | null {
  const host = t.hosts.find((h) => h.id === hostId);
  const seg = t.segments.find((s) => s.id === segmentId);
  if (!host || !seg) return null;
  const taken = usedIds(t);
  const name = nextEthName(host);
  const id = freshId(`${host.id}-${name}`, taken);
  const addr = nextFreeAddress(seg.cidr, addressesOnSegment(t, segmentId));
  const iface: Interface = { id: interfaceId(id), name, kind: 'ethernet', segment: segmentId, addresses: addr ? [addr] : [] };
  return { topology: mapHost(t, hostId, (h) => ({ ...h, interfaces: [...h.interfaces, iface] })), interfaceId: id };
}

/** Updates fields of a host (not its interfaces). */
export function updateHost(t: Topology, id: HostId, patch: Partial<Omit<Host, 'id' | 'interfaces'>>): Topology {
  return mapHost(t, id, (h) => dropUndefined({ ...h, ...patch }));
}

/** Updates fields of one interface of a host. */
export function updateInterface(t: Topology, hostId: HostId, ifaceId: Id, patch: Partial<Omit<Interface, 'id'>>): Topology {
  return mapHost(t, hostId, (h) => ({ ...h, interfaces: h.interfaces.map((f) => (f.id === ifaceId ? dropUndefined({ ...f, ...patch }) : f)) }));
}

/** The per-interface sysctls an interface can carry (`net.ipv4.conf.<if>.*`). */
export type InterfaceSysctlKey = keyof InterfaceSysctl;

/**
 * Sets (or with `undefined` unsets, back to the system default) one per-interface sysctl. An
 * interface left with no sysctl at all loses the `sysctl` object, so the file stays minimal.
 */
export function setInterfaceSysctl(t: Topology, hostId: HostId, ifaceId: Id, key: InterfaceSysctlKey, value: number | undefined): Topology {
  return mapHost(t, hostId, (h) => ({
    ...h,
    interfaces: h.interfaces.map((f) => {
      if (f.id !== ifaceId) return f;
      const { sysctl: old, ...rest } = f;
      const next: Record<string, number> = {};
      for (const [k, v] of Object.entries(old ?? {})) if (k !== key && v !== undefined) next[k] = v;
      if (value !== undefined) next[key] = value;
      return Object.keys(next).length ? { ...rest, sysctl: next as InterfaceSysctl } : rest;
    }),
  }));
}

/** Appends a static route to a host (an empty destination by default, for the user to fill in). */
export function addRoute(t: Topology, hostId: HostId, route: Route = { destination: '' }): Topology {
  return mapHost(t, hostId, (h) => ({ ...h, routes: [...(h.routes ?? []), route] }));
}

/**
 * Changes the route at `index` of a host. `via` or `dev` set to `undefined` (or `''`) are removed;
 * the destination is stored as given so the checker can report a malformed one.
 */
export function updateRoute(t: Topology, hostId: HostId, index: number, patch: Partial<Route>): Topology {
  return mapHost(t, hostId, (h) => {
    const routes = h.routes ?? [];
    if (index < 0 || index >= routes.length) return h;
    return {
      ...h,
      routes: routes.map((r, i) => {
        if (i !== index) return r;
        const merged: { destination: string; via?: string | undefined; dev?: string | undefined } = { ...r, ...patch };
        if (merged.via === '') merged.via = undefined;
        if (merged.dev === '') merged.dev = undefined;
        return dropUndefined(merged) as Route;
      }),
    };
  });
}

/** Removes the route at `index` of a host; the `routes` list goes away with its last route. */
export function removeRoute(t: Topology, hostId: HostId, index: number): Topology {
  return mapHost(t, hostId, (h) => {
    const routes = (h.routes ?? []).filter((_, i) => i !== index);
    if (routes.length === (h.routes ?? []).length) return h;
    const { routes: _old, ...rest } = h;
    return routes.length ? { ...rest, routes } : rest;
  });
}

/** Adds an interface of `kind` (loopback `lo`, `tunl0`, or an unplugged ethernet) to a host. */
export function addInterface(t: Topology, hostId: HostId, kind: Interface['kind']): Topology {
  const host = t.hosts.find((h) => h.id === hostId);
  if (!host) return t;
  const taken = usedIds(t);
  const name = kind === 'ethernet' ? nextEthName(host) : kind === 'ipip' ? 'tunl0' : 'lo';
  const iface: Interface = { id: interfaceId(freshId(`${hostId}-${name}`, taken)), name, kind, segment: null, addresses: [] };
  return mapHost(t, hostId, (h) => ({ ...h, interfaces: [...h.interfaces, iface] }));
}

/** Removes one interface from whichever host has it. */
export function removeInterface(t: Topology, ifaceId: Id): Topology {
  return {
    ...t,
    hosts: t.hosts.map((h) => (h.interfaces.some((f) => f.id === ifaceId) ? { ...h, interfaces: h.interfaces.filter((f) => f.id !== ifaceId) } : h)),
  };
}

/** Updates fields of a segment. */
export function updateSegment(t: Topology, id: SegmentId, patch: Partial<Omit<Segment, 'id'>>): Topology {
  return { ...t, segments: t.segments.map((s) => (s.id === id ? dropUndefined({ ...s, ...patch }) : s)) };
}

/**
 * Removes hosts, segments, interfaces (edges), services and real servers by id. Interfaces plugged
 * into a removed segment become unplugged (their addresses are kept); real servers on a removed
 * host and services of a removed director go with them.
 */
export function removeItems(d: Design, ids: Iterable<Id>): Design {
  const gone = new Set(ids);
  if (gone.size === 0) return d;
  const t = d.topology;
  const hosts = t.hosts
    .filter((h) => !gone.has(h.id))
    .map((h) => {
      const touched = h.interfaces.some((f) => gone.has(f.id) || (f.segment !== null && gone.has(f.segment)));
      if (!touched) return h;
      return {
        ...h,
        interfaces: h.interfaces.filter((f) => !gone.has(f.id)).map((f) => (f.segment !== null && gone.has(f.segment) ? { ...f, segment: null } : f)),
      };
    });
  // A group loses removed members; a group left without members goes, and its services with it.
  const groups = (t.directorGroups ?? [])
    .filter((g) => !gone.has(g.id))
    .map((g) => (g.members.some((m) => gone.has(m.host)) ? { ...g, members: g.members.filter((m) => !gone.has(m.host)) } : g));
  for (const g of groups) if (g.members.length === 0) gone.add(g.id);
  const services = t.services
    .filter((v) => !gone.has(v.id) && !gone.has(v.director))
    .map((v) =>
      v.realServers.some((r) => gone.has(r.id) || gone.has(r.host))
        ? { ...v, realServers: v.realServers.filter((r) => !gone.has(r.id) && !gone.has(r.host)) }
        : v,
    );
  const positions: Record<Id, Position> = {};
  for (const [k, p] of Object.entries(d.layout.positions)) if (!gone.has(k)) positions[k] = p;
  const directorGroups = groups.filter((g) => g.members.length > 0);
  const topology: Topology = { ...t, hosts, segments: t.segments.filter((s) => !gone.has(s.id)), services };
  return { topology: t.directorGroups === undefined ? topology : { ...topology, directorGroups }, layout: { positions } };
}

/** A piece of a design copied to the clipboard: hosts and segments with their positions. */
export interface Fragment {
  readonly hosts: readonly Host[];
  readonly segments: readonly Segment[];
  readonly positions: Readonly<Record<Id, Position>>;
}

/** The hosts and segments among `ids`, with their positions, ready to paste. */
export function copyFragment(d: Design, ids: Iterable<Id>): Fragment {
  const want = new Set(ids);
  const hosts = d.topology.hosts.filter((h) => want.has(h.id));
  const segments = d.topology.segments.filter((s) => want.has(s.id));
  const positions: Record<Id, Position> = {};
  for (const x of [...hosts, ...segments]) {
    const p = d.layout.positions[x.id];
    if (p) positions[x.id] = p;
  }
  return { hosts, segments, positions };
}

/**
 * Pastes a fragment with fresh ids, shifted by `offset`. A pasted host keeps the link to a segment
 * pasted with it (same addresses: they are unique in the new segment); a link to a segment of the
 * design gets the segment's next free address so the copy does not clash with the original.
 * Links to segments that no longer exist are unplugged. Returns the ids of the new items.
 */
export function pasteFragment(d: Design, frag: Fragment, offset: Position): { design: Design; ids: Id[] } {
  let t = d.topology;
  const taken = usedIds(t);
  const segMap = new Map<SegmentId, SegmentId>();
  const newIds: Id[] = [];
  const positions: Record<Id, Position> = { ...d.layout.positions };
  const place = (oldId: Id, newId: Id) => {
    const p = frag.positions[oldId];
    if (p) positions[newId] = { x: p.x + offset.x, y: p.y + offset.y };
  };
  const segNames = new Set(t.segments.map((s) => s.name));
  const segments: Segment[] = [];
  for (const s of frag.segments) {
    const id = freshId(s.id, taken);
    segMap.set(s.id, segmentId(id));
    let name = s.name;
    for (let n = 2; segNames.has(name); n++) name = `${s.name}-${n}`;
    segNames.add(name);
    segments.push({ ...s, id: segmentId(id), name });
    newIds.push(id);
    place(s.id, id);
  }
  t = { ...t, segments: [...t.segments, ...segments] };
  const hostNames = new Set(t.hosts.map((h) => h.name));
  const usedOn = new Map<SegmentId, string[]>();
  const onSegment = (seg: SegmentId) => {
    let list = usedOn.get(seg);
    if (!list) usedOn.set(seg, (list = addressesOnSegment(t, seg)));
    return list;
  };
  const hosts: Host[] = [];
  for (const h of frag.hosts) {
    let name = h.name;
    for (let n = 2; hostNames.has(name); n++) name = `${h.name}-${n}`;
    hostNames.add(name);
    const id = freshId(name, taken);
    const interfaces = h.interfaces.map((f): Interface => {
      const fid = freshId(`${id}-${f.name}`, taken);
      if (f.segment === null) return { ...f, id: interfaceId(fid) };
      const mapped = segMap.get(f.segment);
      if (mapped) return { ...f, id: interfaceId(fid), segment: mapped };
      const seg = t.segments.find((s) => s.id === f.segment);
      if (!seg) return { ...f, id: interfaceId(fid), segment: null };
      const used = onSegment(seg.id);
      const addr = nextFreeAddress(seg.cidr, used);
      const addresses = addr ? [addr] : [];
      used.push(...addresses);
      return { ...f, id: interfaceId(fid), addresses };
    });
    const { ssh: _ssh, ...rest } = h;
    hosts.push({ ...rest, id: hostId(id), name, interfaces });
    newIds.push(id);
    place(h.id, id);
  }
  return { design: { topology: { ...t, hosts: [...t.hosts, ...hosts] }, layout: { positions } }, ids: newIds };
}

/** Moves items on the canvas (layout only; the topology is untouched). */
export function moveItems(layout: Layout, moves: Readonly<Record<Id, Position>>): Layout {
  return { positions: { ...layout.positions, ...moves } };
}

/**
 * Adds a virtual service on `director`. The VIP defaults to the director's first ethernet address
 * (the NAT/DR labs put the VIP there) and the port to 80.
 */
export function addService(t: Topology, director: HostId): { topology: Topology; id: Id } {
  const taken = usedIds(t);
  const host = t.hosts.find((h) => h.id === director);
  const firstAddr = host?.interfaces.find((f) => f.kind === 'ethernet' && f.addresses.length > 0)?.addresses[0]?.split('/')[0] ?? '';
  const n = t.services.length + 1;
  const id = freshId(`svc${n}`, taken);
  const svc: VirtualService = { id: serviceId(id), name: `svc${n}`, director, protocol: 'tcp', vip: firstAddr, port: 80, scheduler: 'wrr', realServers: [] };
  return { topology: { ...t, services: [...t.services, svc] }, id };
}

const mapService = (t: Topology, id: Id, fn: (v: VirtualService) => VirtualService): Topology => ({
  ...t,
  services: t.services.map((v) => (v.id === id ? fn(v) : v)),
});

/** Updates fields of a service (not its real servers). */
export function updateService(t: Topology, id: Id, patch: Partial<Omit<VirtualService, 'id' | 'realServers'>>): Topology {
  return mapService(t, id, (v) => dropUndefined({ ...v, ...patch }));
}

/**
 * The forwarding method a real server most likely needs, read from the design: the VIP on the
 * host's loopback → DR, on its tunnel → TUN; otherwise what the service's other real servers use;
 * otherwise NAT when the host shares a segment with the director (its replies can come back
 * through it), TUN when it does not (only a tunnel reaches it).
 */
export function suggestMethod(t: Topology, serviceId: Id, hostId: HostId): ForwardingMethod {
  const svc = t.services.find((v) => v.id === serviceId);
  const host = t.hosts.find((h) => h.id === hostId);
  if (!svc || !host) return 'nat';
  const holds = (kind: Interface['kind']) =>
    svc.vip !== '' && host.interfaces.some((f) => f.kind === kind && f.addresses.some((a) => a.split('/')[0] === svc.vip));
  if (holds('loopback')) return 'dr';
  if (holds('ipip')) return 'tun';
  const others = svc.realServers.filter((r) => r.host !== hostId);
  if (others.length > 0) return others[others.length - 1]!.method;
  const director = t.hosts.find((h) => h.id === svc.director);
  const dirSegs = new Set(director?.interfaces.map((f) => f.segment).filter((x): x is SegmentId => x !== null) ?? []);
  const shares = host.interfaces.some((f) => f.segment !== null && dirSegs.has(f.segment));
  return shares || !director ? 'nat' : 'tun';
}

/**
 * Adds `host` as a real server of a service. The RIP is the host's address on a segment the
 * director is also on (NAT/DR), else its first ethernet address (TUN); the port is the service port.
 */
export function addRealServer(t: Topology, serviceId: Id, hostId: HostId, method?: ForwardingMethod): { topology: Topology; id: Id } | null {
  const svc = t.services.find((v) => v.id === serviceId);
  const host = t.hosts.find((h) => h.id === hostId);
  if (!svc || !host) return null;
  const director = t.hosts.find((h) => h.id === svc.director);
  const dirSegs = new Set(director?.interfaces.map((f) => f.segment).filter((s): s is SegmentId => s !== null) ?? []);
  const eth = host.interfaces.filter((f) => f.kind === 'ethernet' && f.addresses.length > 0);
  const shared = eth.find((f) => f.segment !== null && dirSegs.has(f.segment)) ?? eth[0];
  const rip = shared?.addresses[0]?.split('/')[0] ?? '';
  const taken = usedIds(t);
  const id = freshId(`${serviceId}-${host.id}`, taken);
  const rs: RealServer = { id: realServerId(id), host: hostId, rip, port: svc.port, method: method ?? suggestMethod(t, serviceId, hostId), weight: 1 };
  return { topology: mapService(t, serviceId, (v) => ({ ...v, realServers: [...v.realServers, rs] })), id };
}

/** Updates fields of a real server of a service. */
export function updateRealServer(t: Topology, serviceId: Id, rsId: Id, patch: Partial<Omit<RealServer, 'id'>>): Topology {
  return mapService(t, serviceId, (v) => ({ ...v, realServers: v.realServers.map((r) => (r.id === rsId ? dropUndefined({ ...r, ...patch }) : r)) }));
}

/** Removes `undefined` values so optional fields are absent rather than `undefined` (JSON-safe). */
function dropUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Points hosts' SSH settings at local port forwards (`127.0.0.1:port`, root, key auth with `keyPath`),
 * as the built-in lab hands them out; hosts without an endpoint keep theirs. Unchanged endpoints
 * keep the same topology (no undo step).
 */
export function pointSshAt(t: Topology, endpoints: readonly { readonly host: HostId; readonly port: number }[], keyPath: string): Topology {
  const byHost = new Map(endpoints.map((e) => [e.host, e.port]));
  let changed = false;
  const hosts = t.hosts.map((h) => {
    const port = byHost.get(h.id);
    if (port === undefined) return h;
    const s = h.ssh;
    if (s && s.host === '127.0.0.1' && s.port === port && s.user === 'root' && s.auth === 'key' && s.keyPath === keyPath) return h;
    changed = true;
    return { ...h, ssh: { host: '127.0.0.1', port, user: 'root', auth: 'key' as const, keyPath } };
  });
  return changed ? { ...t, hosts } : t;
}

/** Merges host-wide sysctls into a host (`net.ipv4.ip_forward`, `net.ipv4.conf.all.*`). */
export function setHostSysctl(t: Topology, hostId: HostId, patch: Partial<HostSysctl>): Topology {
  return mapHost(t, hostId, (h) => ({ ...h, sysctl: dropUndefined({ ...(h.sysctl ?? {}), ...patch }) }));
}

/**
 * Makes `address` (a bare IPv4, e.g. the VIP) a /32 on the host's first interface of `kind`
 * (`loopback` → lo, `ipip` → tunl0, created when missing) and removes it from every other
 * interface of the host — "move the VIP to lo" as one edit.
 */
export function moveAddressTo(t: Topology, hostId: HostId, address: string, kind: 'loopback' | 'ipip'): Topology {
  let next = t;
  if (!next.hosts.find((h) => h.id === hostId)?.interfaces.some((f) => f.kind === kind)) next = addInterface(next, hostId, kind);
  const ip = (a: string) => a.split('/')[0];
  return mapHost(next, hostId, (h) => {
    const target = h.interfaces.find((f) => f.kind === kind)!;
    return {
      ...h,
      interfaces: h.interfaces.map((f) => {
        const kept = f.addresses.filter((a) => ip(a) !== address);
        return f.id === target.id ? { ...f, addresses: [...kept, `${address}/32`] } : kept.length === f.addresses.length ? f : { ...f, addresses: kept };
      }),
    };
  });
}

/**
 * Changes a segment's CIDR and moves every address of the old subnet to the same host number in
 * the new one — interface addresses (the VIP on real servers' lo too), gateways, route next hops,
 * service VIPs and RIPs — as one edit. Addresses whose host number does not fit the new prefix,
 * and everything when either CIDR is malformed, are left as they are (the checker reports them).
 * Returns the new topology and how many values were renumbered.
 */
export function renumberSegment(t: Topology, segmentId: SegmentId, cidr: string): { topology: Topology; changed: number } {
  const seg = t.segments.find((s) => s.id === segmentId);
  const from = seg ? parseCidr(seg.cidr) : null;
  const to = parseCidr(cidr);
  const withCidr = updateSegment(t, segmentId, { cidr });
  if (!from || !to) return { topology: withCidr, changed: 0 };
  const maskOf = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
  const fromMask = maskOf(from.prefix);
  const toMask = maskOf(to.prefix);
  const fromNet = (from.value & fromMask) >>> 0;
  const toNet = (to.value & toMask) >>> 0;
  let changed = 0;
  const move = (address: string): string => {
    const [ipText, prefix] = address.split('/');
    const v = parseCidr(`${ipText}/32`)?.value;
    if (v === undefined || (v & fromMask) >>> 0 !== fromNet) return address;
    const host = (v & ~fromMask) >>> 0;
    if ((host & toMask) !== 0) return address;
    const next = (toNet | host) >>> 0;
    const text = `${next >>> 24}.${(next >>> 16) & 255}.${(next >>> 8) & 255}.${next & 255}`;
    if (text === ipText) return address;
    changed++;
    // An address with the old segment's prefix takes the new one; a /32 (the VIP on lo) stays /32.
    return prefix === undefined ? text : `${text}/${prefix === String(from.prefix) ? to.prefix : prefix}`;
  };
  const topology: Topology = {
    ...withCidr,
    hosts: withCidr.hosts.map((h) =>
      dropUndefined({
        ...h,
        interfaces: h.interfaces.map((f) => ({ ...f, addresses: f.addresses.map(move) })),
        gateway: h.gateway === undefined ? undefined : move(h.gateway),
        routes: h.routes?.map((r) => (r.via === undefined ? r : { ...r, via: move(r.via) })),
      }),
    ),
    services: withCidr.services.map((v) => ({
      ...v,
      vip: v.vip === '' ? v.vip : move(v.vip),
      realServers: v.realServers.map((r) => ({ ...r, rip: move(r.rip) })),
    })),
  };
  return { topology: changed === 0 ? withCidr : topology, changed };
}

// ---- HA director groups -----------------------------------------------------------------------

const mapGroup = (t: Topology, id: Id, fn: (g: DirectorGroup) => DirectorGroup): Topology => ({
  ...t,
  directorGroups: (t.directorGroups ?? []).map((g) => (g.id === id ? fn(g) : g)),
});

/** The lowest virtual_router_id 1..255 no group of the design uses yet (51 first, keepalived's example value). */
export function freeVrid(t: Topology): number {
  const used = new Set((t.directorGroups ?? []).map((g) => g.vrid));
  for (let i = 0; i < 255; i++) {
    const v = ((50 + i) % 255) + 1;
    if (!used.has(v)) return v;
  }
  return 51;
}

/**
 * Makes an HA director group of `hosts` (directors): the first starts as MASTER with priority 150,
 * the others as BACKUP 50 lower each, all advertising on their first ethernet interface. The
 * services of those hosts move to the group, and their VIPs become the group's virtual addresses
 * (taken off the members' interfaces, where VRRP must add and remove them).
 */
export function addDirectorGroup(t: Topology, hosts: readonly HostId[]): { topology: Topology; id: Id } | null {
  const members: VrrpMember[] = [];
  hosts.forEach((hid, i) => {
    const h = t.hosts.find((x) => x.id === hid);
    if (!h || members.some((m) => m.host === hid)) return;
    const iface = h.interfaces.find((f) => f.kind === 'ethernet')?.name ?? 'eth0';
    members.push({ host: hid, priority: Math.max(1, 150 - 50 * i), state: i === 0 ? 'MASTER' : 'BACKUP', interface: iface });
  });
  if (members.length === 0) return null;
  const id = freshId('pair', usedIds(t));
  const moved = new Set(members.map((m) => m.host));
  const vips = new Set(t.services.filter((s) => moved.has(refAsHostId(s.director))).map((s) => s.vip));
  const virtualAddresses: { address: string; dev: string }[] = [];
  const hostsOut = t.hosts.map((h) => {
    if (!moved.has(h.id)) return h;
    return {
      ...h,
      interfaces: h.interfaces.map((f) => {
        const keep = f.addresses.filter((a) => {
          const vip = vips.has(a.split('/')[0]!);
          if (vip && f.kind === 'ethernet' && !virtualAddresses.some((v) => v.address.split('/')[0] === a.split('/')[0]))
            virtualAddresses.push({ address: a, dev: f.name });
          return !vip || f.kind !== 'ethernet';
        });
        return keep.length === f.addresses.length ? f : { ...f, addresses: keep };
      }),
    };
  });
  const group: DirectorGroup = { id: directorGroupId(id), name: `VI_${freeVrid(t)}`, vrid: freeVrid(t), advertInt: 1, virtualAddresses, members };
  const services = t.services.map((s) => (moved.has(refAsHostId(s.director)) ? { ...s, director: group.id } : s));
  return { topology: { ...t, hosts: hostsOut, services, directorGroups: [...(t.directorGroups ?? []), group] }, id };
}

/** Updates fields of a group (not its members). */
export function updateDirectorGroup(t: Topology, id: Id, patch: Partial<Omit<DirectorGroup, 'id' | 'members'>>): Topology {
  return mapGroup(t, id, (g) => dropUndefined({ ...g, ...patch }));
}

/** Adds `host` to a group as a BACKUP 10 below the lowest member's priority (no-op if already a member). */
export function addGroupMember(t: Topology, groupId: Id, host: HostId): Topology {
  const h = t.hosts.find((x) => x.id === host);
  if (!h) return t;
  return mapGroup(t, groupId, (g) => {
    if (g.members.some((m) => m.host === host)) return g;
    const lowest = Math.min(...g.members.map((m) => m.priority), 160);
    const iface = g.members[0]?.interface ?? h.interfaces.find((f) => f.kind === 'ethernet')?.name ?? 'eth0';
    return { ...g, members: [...g.members, { host, priority: Math.max(1, lowest - 10), state: 'BACKUP', interface: iface }] };
  });
}

/** Updates one member of a group. */
export function updateGroupMember(t: Topology, groupId: Id, host: HostId, patch: Partial<Omit<VrrpMember, 'host'>>): Topology {
  return mapGroup(t, groupId, (g) => ({ ...g, members: g.members.map((m) => (m.host === host ? dropUndefined({ ...m, ...patch }) : m)) }));
}

/** Removes `host` from a group (the group stays, even empty: removeItems deletes groups). */
export function removeGroupMember(t: Topology, groupId: Id, host: HostId): Topology {
  return mapGroup(t, groupId, (g) => ({ ...g, members: g.members.filter((m) => m.host !== host) }));
}

/**
 * Unicast mode for every member: each sends to the others' address on its VRRP interface
 * (`unicast_src_ip` = its own). Members whose interface has no address keep what they had.
 */
export function useUnicastPeers(t: Topology, groupId: Id): Topology {
  return mapGroup(t, groupId, (g) => {
    const src = new Map<HostId, string>();
    for (const m of g.members) {
      const a = t.hosts
        .find((h) => h.id === m.host)
        ?.interfaces.find((f) => f.name === m.interface)
        ?.addresses[0]?.split('/')[0];
      if (a) src.set(m.host, a);
    }
    return {
      ...g,
      members: g.members.map((m) => {
        const own = src.get(m.host);
        if (!own) return m;
        return { ...m, unicastSrcIp: own, unicastPeers: g.members.filter((o) => o.host !== m.host && src.has(o.host)).map((o) => src.get(o.host)!) };
      }),
    };
  });
}

/** Multicast mode (224.0.0.18) for every member: unicast source and peers dropped. */
export function useMulticast(t: Topology, groupId: Id): Topology {
  return mapGroup(t, groupId, (g) => ({
    ...g,
    members: g.members.map(({ unicastSrcIp: _s, unicastPeers: _p, ...m }) => m),
  }));
}
