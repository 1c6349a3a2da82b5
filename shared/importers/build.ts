/**
 * Turns parsed services into a loadable design: a director per distinct VIP, a real-server host per
 * RIP, a client, and /24 segments guessed from the addresses, laid out in columns
 * client → director → real servers.
 */
import { formatIPv4, nextFreeAddress, parseIPv4, prefixMask } from '../addressing/ipv4.ts';
import type { Host, Interface, SegmentId, Layout, Position, RealServer, Segment, Topology, VirtualService } from '../model/types.ts';
import { topologySchema } from '../model/schema.ts';
import type { ImportResult, ParsedService, Problems } from './types.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../model/ids.ts';

const GUESS_PREFIX = 24;
/** Limits of the file schema (hosts ≤ 20,000 — keep room for directors and the client; ≤ 10,000 real servers per service; ≤ 64 interfaces). */
const MAX_RS_HOSTS = 19000;
const MAX_REAL_SERVERS = 10000;
const MAX_INTERFACES = 64;

function subnetOf(address: string): string {
  const v = parseIPv4(address)!;
  return `${formatIPv4((v & prefixMask(GUESS_PREFIX)) >>> 0)}/${GUESS_PREFIX}`;
}

const idFrom = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 64);

/** Options for the built design. */
export interface BuildOptions {
  readonly name: string;
  /** What was imported, for the description (`ipvsadm -S -n output`). */
  readonly source: string;
}

/** Builds the design from the services a parser found. */
export function buildDesign(services: readonly ParsedService[], p: Problems, options: BuildOptions): ImportResult {
  const segments: Segment[] = [];
  const segmentOf = new Map<string, SegmentId>();
  const used = new Map<string, string[]>();
  const ensureSegment = (address: string): SegmentId => {
    const cidr = subnetOf(address);
    let id = segmentOf.get(cidr);
    if (id === undefined) {
      id = segmentId(`net-${idFrom(cidr.replace('/', '-'))}`);
      segmentOf.set(cidr, id);
      segments.push({ id, name: cidr, cidr });
      used.set(cidr, []);
    }
    used.get(cidr)!.push(`${address}/32`);
    return id;
  };
  const cidrOfSegment = (id: string) => segments.find((s) => s.id === id)!.cidr;

  // Register every address first, so picked free addresses never collide with imported ones.
  const vips: string[] = [];
  for (const s of services) {
    if (s.vip !== '' && !vips.includes(s.vip)) vips.push(s.vip);
    if (s.vip !== '') ensureSegment(s.vip);
    for (const r of s.realServers) if (parseIPv4(r.rip) !== null) ensureSegment(r.rip);
  }
  // A real server whose address was mistyped (`192.168.163.1000`) keeps it as typed (the checker
  // flags it); its host goes on the segment it most likely meant: the one its first three numbers
  // name, else the one its service's other real servers are on, else none.
  const segmentOfBadRip = new Map<string, SegmentId | null>();
  for (const s of services) {
    for (const r of s.realServers) {
      if (parseIPv4(r.rip) !== null || segmentOfBadRip.has(r.rip)) continue;
      const head = r.rip.split('.').slice(0, 3).join('.');
      const byHead = segments.find((seg) => seg.cidr.split('.').slice(0, 3).join('.') === head);
      const sibling = s.realServers.find((o) => parseIPv4(o.rip) !== null);
      segmentOfBadRip.set(r.rip, byHead?.id ?? (sibling ? ensureSegmentNoUse(sibling.rip) : null));
    }
  }
  if (services.some((s) => s.protocol === 'fwmark')) {
    p.warning(
      0,
      '',
      'firewall-mark services: the VIP the mark is set for is not in the rules; set the service VIP in the design',
      '防火墙标记服务：规则中没有该标记对应的 VIP；请在设计中设置服务的 VIP',
    );
  }
  if (segments.length > 0) {
    const list =
      segments
        .slice(0, 8)
        .map((s) => s.cidr)
        .join(', ') + (segments.length > 8 ? ` and ${segments.length - 8} more` : '');
    p.warning(
      0,
      '',
      `segments were guessed as /${GUESS_PREFIX} networks around the addresses (${list}); check the prefixes`,
      `网段是根据地址猜测的 /${GUESS_PREFIX} 网络（${list}）；请检查前缀长度`,
    );
  }

  const hosts: Host[] = [];
  const positions: Record<string, Position> = {};
  const rsHosts = new Map<string, Host & { interfaces: Interface[] }>();
  const directorOfVip = new Map<string, string>();
  const topologyServices: VirtualService[] = [];
  let hostLimitReported = false;

  // Directors: one per distinct VIP (services sharing a VIP share a director); fwmark-only → the first.
  const directorIds: string[] = [];
  const directorFor = (vip: string): string => {
    const key = vip === '' ? (vips[0] ?? '') : vip;
    let id = directorOfVip.get(key);
    if (id === undefined) {
      id = uniqueId(directorIds.length === 0 ? 'director' : `director${directorIds.length + 1}`);
      directorIds.push(id);
      directorOfVip.set(key, id);
    }
    return id;
  };

  const takeFree = (segId: string): string | null => {
    const cidr = cidrOfSegment(segId);
    const a = nextFreeAddress(cidr, used.get(cidr)!);
    if (a !== null) used.get(cidr)!.push(a.replace(/\/\d+$/, '/32'));
    return a === null ? null : a.replace(/\/\d+$/, `/${GUESS_PREFIX}`);
  };

  // Ids are unique across the design (the schema refuses duplicates): a repeat gets -2, -3, …
  const takenIds = new Set<string>();
  const uniqueId = (wanted: string): string => {
    let id = wanted;
    for (let n = 2; takenIds.has(id); n++) id = `${wanted.slice(0, 58)}-${n}`;
    takenIds.add(id);
    return id;
  };
  // Which design elements each input line became, so a remark can point at them.
  const refsOfLine = new Map<number, string[]>();
  const refLine = (line: number, ...ids: string[]) => refsOfLine.set(line, [...(refsOfLine.get(line) ?? []), ...ids]);

  services.forEach((s, si) => {
    const director = directorFor(s.vip);
    const id = uniqueId(idFrom(s.protocol === 'fwmark' ? `fwmark-${s.fwmark}` : `${s.protocol}-${s.vip}-${s.port}`) || `service${si + 1}`);
    refLine(s.line, director, id);
    const realServers: RealServer[] = [];
    if (s.realServers.length > MAX_REAL_SERVERS) {
      p.error(
        s.line,
        '',
        `service ${s.key} has ${s.realServers.length} real servers; a design holds at most ${MAX_REAL_SERVERS} per service, the rest are not imported`,
        `服务 ${s.key} 有 ${s.realServers.length} 台真实服务器；一个设计每个服务最多 ${MAX_REAL_SERVERS} 台，其余未导入`,
      );
    }
    for (const r of s.realServers.slice(0, MAX_REAL_SERVERS)) {
      let host = rsHosts.get(r.rip);
      if (!host && rsHosts.size >= MAX_RS_HOSTS) {
        if (!hostLimitReported)
          p.error(
            r.line,
            '',
            `more than ${MAX_RS_HOSTS} distinct real servers; a design holds at most ${MAX_RS_HOSTS + 1000} hosts, the rest are not imported`,
            `超过 ${MAX_RS_HOSTS} 台不同的真实服务器；一个设计最多 ${MAX_RS_HOSTS + 1000} 台主机，其余未导入`,
          );
        hostLimitReported = true;
        continue;
      }
      if (!host) {
        const hid = uniqueId(`rs${rsHosts.size + 1}`);
        host = {
          id: hostId(hid),
          name: hid,
          role: 'real-server',
          interfaces: [
            { id: interfaceId(`${hid}-eth0`), name: 'eth0', kind: 'ethernet', segment: segmentOfRip(r.rip), addresses: [`${r.rip}/${GUESS_PREFIX}`] },
          ],
        };
        rsHosts.set(r.rip, host);
      }
      const rsId = uniqueId(idFrom(`${id}-${host.id}-${r.port}`));
      refLine(r.line, host.id, rsId);
      realServers.push({
        id: realServerId(rsId),
        host: host.id,
        rip: r.rip,
        port: r.port,
        method: r.method,
        weight: r.weight,
        ...(r.upperThreshold ? { upperThreshold: r.upperThreshold } : {}),
        ...(r.lowerThreshold ? { lowerThreshold: r.lowerThreshold } : {}),
        ...(r.healthCheck ? { healthCheck: r.healthCheck } : {}),
      });
    }
    topologyServices.push({
      id: serviceId(id),
      director: directorRef(director),
      protocol: s.protocol,
      vip: s.vip,
      port: s.port,
      ...(s.fwmark !== undefined ? { fwmark: s.fwmark } : {}),
      scheduler: s.scheduler as VirtualService['scheduler'],
      ...(s.schedulerFlags && s.schedulerFlags.length > 0 ? { schedulerFlags: s.schedulerFlags } : {}),
      ...(s.persistence ? { persistence: s.persistence } : {}),
      ...(s.healthCheck ? { healthCheck: s.healthCheck } : {}),
      realServers,
    });
  });

  function ensureSegmentNoUse(address: string): SegmentId {
    return segmentOf.get(subnetOf(address))!;
  }
  function segmentOfRip(rip: string): SegmentId | null {
    return parseIPv4(rip) === null ? (segmentOfBadRip.get(rip) ?? null) : ensureSegmentNoUse(rip);
  }

  // Director hosts: VIPs on eth0, one more interface per real-server segment (the DIP).
  const dipOf = new Map<string, Map<string, string>>();
  for (const did of directorIds) {
    const own = topologyServices.filter((s) => s.director === did);
    const ownVips = [...new Set(own.map((s) => s.vip).filter((v) => v !== ''))];
    const interfaces: Interface[] = [{ id: interfaceId(`${did}-lo`), name: 'lo', kind: 'loopback', segment: null, addresses: [] }];
    const front = ownVips[0] === undefined ? undefined : ensureSegmentNoUse(ownVips[0]);
    const byName = new Map<string, Interface & { addresses: string[] }>();
    const dips = new Map<string, string>();
    const ifaceFor = (segId: string): Interface & { addresses: string[] } => {
      let f = byName.get(segId);
      if (!f) {
        const n = byName.size;
        f = { id: interfaceId(`${did}-eth${n}`), name: `eth${n}`, kind: 'ethernet', segment: segmentId(segId), addresses: [] };
        byName.set(segId, f);
        interfaces.push(f);
      }
      return f;
    };
    for (const v of ownVips) ifaceFor(ensureSegmentNoUse(v)).addresses.push(`${v}/${GUESS_PREFIX}`);
    const needsForward = own.some((s) => s.realServers.some((r) => r.method === 'nat'));
    for (const s of own) {
      for (const r of s.realServers) {
        const seg = segmentOfRip(r.rip);
        if (seg === null) continue;
        if (!byName.has(seg) && interfaces.length >= MAX_INTERFACES) {
          if (!dips.has(seg))
            p.warning(
              0,
              '',
              `director ${did} would need more than ${MAX_INTERFACES} interfaces; ${cidrOfSegment(seg)} is not connected to it`,
              `调度器 ${did} 需要超过 ${MAX_INTERFACES} 个接口；${cidrOfSegment(seg)} 没有连接到它`,
            );
          dips.set(seg, '');
          continue;
        }
        const f = ifaceFor(seg);
        if (!dips.has(seg)) {
          // The director's own address on the real-server network (DIP): the VIP if it is there, else a free one.
          const dip = seg === front && f.addresses.length > 0 ? f.addresses[0]! : takeFree(seg);
          if (dip === null) {
            p.warning(
              0,
              '',
              `no free address left in ${cidrOfSegment(seg)} for the director; add one by hand`,
              `${cidrOfSegment(seg)} 中没有空闲地址分配给调度器；请手动添加`,
            );
            dips.set(seg, '');
          } else {
            if (!f.addresses.includes(dip)) f.addresses.push(dip);
            dips.set(seg, dip.split('/')[0]!);
          }
        }
      }
    }
    dipOf.set(did, dips);
    hosts.push({ id: hostId(did), name: did, role: 'director', interfaces, ...(needsForward ? { sysctl: { ipForward: true } } : {}) });
  }

  // Real servers: the VIP on lo (DR) or tunl0 (TUN) with the ARP/rp_filter settings; NAT servers route through the director.
  const byHost = new Map<string, { s: VirtualService; r: RealServer }[]>();
  for (const s of topologyServices) {
    for (const r of s.realServers) {
      const list = byHost.get(r.host) ?? [];
      list.push({ s, r });
      byHost.set(r.host, list);
    }
  }
  for (const host of rsHosts.values()) {
    const mine = byHost.get(host.id) ?? [];
    const drVips = [
      ...new Set(
        mine
          .filter(({ r }) => r.method === 'dr')
          .map(({ s }) => s.vip)
          .filter((v) => v !== ''),
      ),
    ];
    const tunVips = [
      ...new Set(
        mine
          .filter(({ r }) => r.method === 'tun')
          .map(({ s }) => s.vip)
          .filter((v) => v !== ''),
      ),
    ];
    const interfaces: Interface[] = [
      {
        id: interfaceId(`${host.id}-lo`),
        name: 'lo',
        kind: 'loopback',
        segment: null,
        addresses: drVips.map((v) => `${v}/32`),
        ...(drVips.length > 0 ? { sysctl: { arpIgnore: 1, arpAnnounce: 2 } } : {}),
      },
    ];
    if (tunVips.length > 0) {
      interfaces.push({
        id: interfaceId(`${host.id}-tunl0`),
        name: 'tunl0',
        kind: 'ipip',
        segment: null,
        addresses: tunVips.map((v) => `${v}/32`),
        sysctl: { rpFilter: 0 },
      });
    }
    const eth0 = host.interfaces[0]!;
    const arp = drVips.length > 0 || tunVips.length > 0;
    interfaces.push(arp ? { ...eth0, sysctl: { arpIgnore: 1, arpAnnounce: 2, ...(tunVips.length > 0 ? { rpFilter: 0 } : {}) } } : eth0);
    const nat = mine.find(({ r }) => r.method === 'nat');
    let gateway: string | undefined;
    if (nat) {
      const dip = dipOf.get(nat.s.director)?.get(eth0.segment!);
      if (dip) gateway = dip;
    }
    hosts.push({
      ...host,
      interfaces,
      ...(gateway ? { gateway } : {}),
      ...(arp ? { sysctl: { arpIgnore: 1, arpAnnounce: 2, ...(tunVips.length > 0 ? { rpFilter: 0 } : {}) } } : {}),
    });
  }

  // A client on the first VIP's network.
  if (vips.length > 0) {
    const seg = ensureSegmentNoUse(vips[0]!);
    const addr = takeFree(seg);
    if (addr !== null) {
      hosts.unshift({
        id: hostId('client'),
        name: 'client',
        role: 'client',
        interfaces: [
          { id: interfaceId('client-lo'), name: 'lo', kind: 'loopback', segment: null, addresses: [] },
          { id: interfaceId('client-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId(seg), addresses: [addr] },
        ],
      });
    }
  }

  // Layout: columns client | front segments | directors | back segments | real servers.
  const column = (ids: string[], x: number, step: number) => ids.forEach((id, i) => (positions[id] = { x, y: i * step }));
  const frontSegs = [...new Set(vips.map((v) => ensureSegmentNoUse(v)))];
  const backSegs = segments.map((s) => s.id).filter((id) => !frontSegs.includes(id));
  column(
    hosts.filter((h) => h.role === 'client').map((h) => h.id),
    0,
    160,
  );
  column(frontSegs, 220, 160);
  column(directorIds, 440, 200);
  column(backSegs, 660, 160);
  column(
    [...rsHosts.values()].map((h) => h.id),
    880,
    120,
  );

  let topology: Topology = {
    name: options.name,
    description: `Imported from ${options.source}. Addresses of the director's real-server side, the client and the /24 prefixes are guesses; check them.`,
    segments,
    hosts,
    services: topologyServices,
  };
  topology = repairForSchema(topology, p, refsOfLine);
  const layout: Layout = { positions };
  const problems = p.list.map((q) => {
    const { aboutRip, ...rest } = q;
    // A remark about one real server points at its host; otherwise at what its line became.
    const host = aboutRip === undefined ? undefined : rsHosts.get(aboutRip);
    const refs = host !== undefined ? [host.id] : q.line > 0 ? refsOfLine.get(q.line) : undefined;
    return refs === undefined ? rest : { ...rest, refs: [...new Set(refs)] };
  });
  return { topology, layout, problems };
}

/** Where an element came from, for the remark about it. */
const lineOf = (refsOfLine: ReadonlyMap<number, string[]>, id: string): number => {
  for (const [line, ids] of refsOfLine) if (ids.includes(id)) return line;
  return 0;
};

/**
 * The last guard: whatever a parser let through, the design returned passes the file schema.
 * Each element the schema refuses is removed (a real server, else its service or host) and the
 * removal reported as an error on its line — never a design that Save would refuse later.
 */
function repairForSchema(topology: Topology, p: Problems, refsOfLine: ReadonlyMap<number, string[]>): Topology {
  let t = topology;
  for (let round = 0; round < 100; round++) {
    const check = topologySchema.safeParse(t);
    if (check.success) return t;
    const issue = check.error.issues[0]!;
    const [kind, index, sub, subIndex] = issue.path as [string, number, string | undefined, number | undefined];
    const why = `${issue.path.join('.')}: ${issue.message}`;
    if (kind === 'services' && sub === 'realServers' && typeof subIndex === 'number') {
      const rs = t.services[index]!.realServers[subIndex]!;
      p.error(
        lineOf(refsOfLine, rs.id),
        '',
        `real server ${rs.rip}:${rs.port} could not be imported as written (${why})`,
        `真实服务器 ${rs.rip}:${rs.port} 无法按原样导入（${why}）`,
      );
      t = { ...t, services: t.services.map((s, i) => (i === index ? { ...s, realServers: s.realServers.filter((_, j) => j !== subIndex) } : s)) };
    } else if (kind === 'services' && typeof index === 'number') {
      const s = t.services[index]!;
      p.error(lineOf(refsOfLine, s.id), '', `service ${s.id} could not be imported as written (${why})`, `服务 ${s.id} 无法按原样导入（${why}）`);
      t = { ...t, services: t.services.filter((_, i) => i !== index) };
    } else if (kind === 'hosts' && typeof index === 'number') {
      const h = t.hosts[index]!;
      p.error(lineOf(refsOfLine, h.id), '', `host ${h.id} could not be imported as written (${why})`, `主机 ${h.id} 无法按原样导入（${why}）`);
      t = {
        ...t,
        hosts: t.hosts.filter((_, i) => i !== index),
        services: t.services.map((s) => ({ ...s, realServers: s.realServers.filter((r) => r.host !== h.id) })).filter((s) => s.director !== h.id),
      };
    } else {
      p.error(
        0,
        '',
        `the imported design does not pass the file schema (${why}); nothing was imported`,
        `导入的设计未通过文件格式检查（${why}）；没有导入任何内容`,
      );
      return { ...topology, segments: [], hosts: [], services: [] };
    }
  }
  p.error(
    0,
    '',
    'the imported design could not be repaired to pass the file schema; nothing was imported',
    '导入的设计无法修复为符合文件格式；没有导入任何内容',
  );
  return { ...topology, segments: [], hosts: [], services: [] };
}
