/**
 * Imports the keepalived.conf files of an HA pair (or more members) into one design with a director
 * group: the `virtual_server` blocks become the group's services, the `vrrp_instance` of each file
 * becomes that member (priority, state, interface, unicast peers, tracking, notify), `vrrp_script`
 * blocks and `lvs_sync_daemon` become the group's. Where the members disagree (vrid, advert_int,
 * authentication, virtual addresses, a virtual server on one member only) the first member's value
 * is the group's, the other member keeps its own in `differs` (or the service stays on that member),
 * and a problem says so — nothing is silently dropped, and the checker reports it too.
 */
import type { DirectorGroup, Topology, VirtualService, VrrpAddress, VrrpMember, VrrpScript } from '../model/types.ts';
import { addDirectorGroup } from '../model/commands.ts';
import { buildDesign } from './build.ts';
import type { KeepalivedNode } from './keepalived.ts';
import { parseKeepalived, parseTree } from './keepalived.ts';
import type { ImportProblem, ImportResult, ParsedService } from './types.ts';
import { MAX_IMPORT_BYTES, Problems } from './types.ts';
import { hostId, interfaceId } from '../model/ids.ts';

/** One member's file. */
export interface PairMemberText {
  /** Host name of the member (`lvs1`). */
  readonly name: string;
  readonly text: string;
}

interface ParsedInstance {
  readonly name: string;
  readonly line: number;
  vrid?: number;
  advertInt?: number;
  priority?: number;
  state?: 'MASTER' | 'BACKUP';
  iface?: string;
  nopreempt?: boolean;
  preemptDelay?: number;
  garpMasterDelay?: number;
  garpMasterRefresh?: number;
  version?: 2 | 3;
  unicastSrcIp?: string;
  unicastPeers?: string[];
  authPass?: string;
  addresses: VrrpAddress[];
  trackInterfaces: { name: string; weight?: number }[];
  trackScripts: { name: string; weight?: number }[];
  notify: { master?: string; backup?: string; fault?: string; stop?: string };
  syncIface?: string;
}

interface ParsedMember {
  readonly name: string;
  readonly instances: ParsedInstance[];
  readonly scripts: VrrpScript[];
  readonly sync?: { iface: string; instance?: string; id?: number };
  readonly services: ParsedService[];
  readonly problems: Problems;
}

const int = (w: string | undefined): number | undefined => (w !== undefined && /^-?\d{1,6}$/.test(w) ? Number(w) : undefined);
const unquote = (words: string[]): string => words.join(' ').replace(/^"(.*)"$/, '$1');

function readInstance(n: KeepalivedNode, p: Problems): ParsedInstance {
  const inst: ParsedInstance = { name: n.words[1] ?? 'VI_1', line: n.line, addresses: [], trackInterfaces: [], trackScripts: [], notify: {} };
  for (const c of n.children ?? []) {
    const [kw, a, ...rest] = c.words;
    switch (kw) {
      case 'virtual_router_id':
        inst.vrid = int(a);
        break;
      case 'advert_int':
        inst.advertInt = int(a);
        break;
      case 'priority':
        inst.priority = int(a);
        break;
      case 'state':
        inst.state = a === 'MASTER' ? 'MASTER' : 'BACKUP';
        break;
      case 'interface':
        inst.iface = a;
        break;
      case 'nopreempt':
        inst.nopreempt = true;
        break;
      case 'preempt_delay':
        inst.preemptDelay = int(a);
        break;
      case 'garp_master_delay':
        inst.garpMasterDelay = int(a);
        break;
      case 'garp_master_refresh':
        inst.garpMasterRefresh = int(a);
        break;
      case 'version':
        inst.version = a === '3' ? 3 : 2;
        break;
      case 'unicast_src_ip':
        inst.unicastSrcIp = a;
        break;
      case 'unicast_peer':
        inst.unicastPeers = (c.children ?? []).map((x) => x.words[0]!).filter((x) => x !== undefined);
        break;
      case 'authentication':
        for (const x of c.children ?? []) if (x.words[0] === 'auth_pass' && x.words[1] !== undefined) inst.authPass = x.words[1];
        break;
      case 'virtual_ipaddress':
        for (const x of c.children ?? []) {
          const address = x.words[0]!;
          const devAt = x.words.indexOf('dev');
          inst.addresses.push({
            address: address.includes('/') ? address : `${address}/32`,
            ...(devAt > 0 && x.words[devAt + 1] ? { dev: x.words[devAt + 1]! } : {}),
          });
        }
        break;
      case 'track_interface':
        for (const x of c.children ?? []) {
          const w = x.words.indexOf('weight');
          inst.trackInterfaces.push({ name: x.words[0]!, ...(w > 0 && int(x.words[w + 1]) !== undefined ? { weight: int(x.words[w + 1])! } : {}) });
        }
        break;
      case 'track_script':
        for (const x of c.children ?? []) {
          const w = x.words.indexOf('weight');
          inst.trackScripts.push({ name: x.words[0]!, ...(w > 0 && int(x.words[w + 1]) !== undefined ? { weight: int(x.words[w + 1])! } : {}) });
        }
        break;
      case 'notify_master':
      case 'notify_backup':
      case 'notify_fault':
      case 'notify_stop':
        inst.notify[kw.slice(7) as 'master'] = unquote([a ?? '', ...rest].filter((x) => x !== ''));
        break;
      case 'lvs_sync_daemon_interface':
        inst.syncIface = a;
        break;
      default:
        if (kw !== undefined) p.warning(c.line, c.text, `vrrp_instance ${inst.name}: "${kw}" is not imported`, `vrrp_instance ${inst.name}：未导入 “${kw}”`);
    }
  }
  return inst;
}

function parseMember(m: PairMemberText): ParsedMember {
  const p = new Problems();
  if (m.text.length > MAX_IMPORT_BYTES) {
    p.error(0, '', `input is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`, `输入超过 ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
    return { name: m.name, instances: [], scripts: [], services: [], problems: p };
  }
  const tree = parseTree(m.text, new Problems());
  const instances: ParsedInstance[] = [];
  const scripts: VrrpScript[] = [];
  let sync: ParsedMember['sync'];
  for (const n of tree) {
    const kw = n.words[0];
    if (kw === 'vrrp_instance') instances.push(readInstance(n, p));
    else if (kw === 'vrrp_script') {
      const get = (k: string) => n.children?.find((c) => c.words[0] === k)?.words.slice(1);
      const script = get('script');
      if (script) {
        scripts.push({
          name: n.words[1] ?? 'script',
          script: unquote(script),
          ...(int(get('interval')?.[0]) !== undefined ? { interval: int(get('interval')?.[0])! } : {}),
          ...(int(get('weight')?.[0]) !== undefined ? { weight: int(get('weight')?.[0])! } : {}),
          ...(int(get('fall')?.[0]) !== undefined ? { fall: int(get('fall')?.[0])! } : {}),
          ...(int(get('rise')?.[0]) !== undefined ? { rise: int(get('rise')?.[0])! } : {}),
        });
      }
    } else if (kw === 'global_defs') {
      const s = n.children?.find((c) => c.words[0] === 'lvs_sync_daemon');
      if (s && s.words[1]) {
        const idAt = s.words.indexOf('id');
        sync = {
          iface: s.words[1],
          ...(s.words[2] && s.words[2] !== 'id' ? { instance: s.words[2] } : {}),
          ...(idAt > 0 && int(s.words[idAt + 1]) !== undefined ? { id: int(s.words[idAt + 1])! } : {}),
        };
      }
    } else if (kw === 'vrrp_sync_group') {
      const members =
        (n.children ?? [])
          .find((c) => c.words[0] === 'group')
          ?.children?.map((c) => c.words[0])
          .join(', ') ?? '';
      p.warning(
        n.line,
        n.text,
        `vrrp_sync_group ${n.words[1] ?? ''} (${members}): its instances move together; each is imported as its own group — keep their priorities and tracking alike`,
        `vrrp_sync_group ${n.words[1] ?? ''}（${members}）：其中的实例一起切换；每个实例作为单独的组导入——请保持它们的优先级和跟踪设置一致`,
      );
    }
  }
  const { services } = parseKeepalived(m.text, p);
  return { name: m.name, instances, scripts, ...(sync ? { sync } : {}), services, problems: p };
}

const prefixed = (name: string, list: readonly ImportProblem[]): ImportProblem[] =>
  list.map((x) => ({ ...x, source: name, message: `${name}: ${x.message}`, messageZh: `${name}：${x.messageZh}` }));

/**
 * Merges the members' keepalived.conf files into one design with a director group.
 * @example importKeepalivedPair([{ name: 'lvs1', text: a }, { name: 'lvs2', text: b }])
 */
export function importKeepalivedPair(members: readonly PairMemberText[], name = 'Imported HA pair'): ImportResult {
  const parsed = members.map(parseMember);
  const problems: ImportProblem[] = parsed.flatMap((m) => prefixed(m.name, m.problems.list));
  const note = (severity: ImportProblem['severity'], message: string, messageZh: string) => problems.push({ line: 0, text: '', message, messageZh, severity });

  // Services: the union by key; one present on only some members stays on the first of them.
  const all: ParsedService[] = [];
  const holders = new Map<string, number[]>();
  parsed.forEach((m, i) => {
    for (const s of m.services) {
      if (!holders.has(s.key)) {
        holders.set(s.key, []);
        all.push(s);
      }
      holders.get(s.key)!.push(i);
    }
  });
  const p = new Problems();
  const built = buildDesign(all, p, { name, source: `keepalived.conf of ${members.map((m) => m.name).join(' and ')}` });
  problems.push(...p.list.filter((x) => !/no virtual_server/.test(x.message)));
  let t: Topology = built.topology;
  const first = t.hosts.find((h) => h.role === 'director');
  if (!first || parsed.length < 2) {
    note(
      'error',
      parsed.length < 2 ? 'an HA pair needs the keepalived.conf of at least two members' : 'no virtual_server blocks found in any member',
      parsed.length < 2 ? 'HA 双机至少需要两个成员的 keepalived.conf' : '所有成员中都没有找到 virtual_server 块',
    );
    return { topology: t, layout: built.layout, problems };
  }
  // One host per member: the first built director becomes member 1, copies of it the others.
  const memberIds = parsed.map((m, i) => (i === 0 ? first.id : hostId(`${first.id}${i + 1}`)));
  const hosts = t.hosts.map((h) => (h.id === first.id ? { ...h, name: parsed[0]!.name } : h));
  for (let i = 1; i < parsed.length; i++) {
    const id = memberIds[i]!;
    // keepalived.conf does not say the other member's own addresses: only its unicast source is known (added below).
    hosts.push({
      ...first,
      id: hostId(id),
      name: parsed[i]!.name,
      interfaces: first.interfaces.map((f) => ({ ...f, id: interfaceId(`${id}-${f.name}`), addresses: f.kind === 'ethernet' ? [] : f.addresses })),
    });
    note(
      'warning',
      `${parsed[i]!.name}: its own interface addresses are not in keepalived.conf; add them in the designer`,
      `${parsed[i]!.name}：它自己的接口地址不在 keepalived.conf 中；请在设计器中添加`,
    );
  }
  t = {
    ...t,
    hosts,
    services: t.services.map((s) =>
      s.director !== first.id && t.hosts.find((h) => h.id === s.director)?.role === 'director' ? { ...s, director: first.id } : s,
    ),
  };
  const grouped = addDirectorGroup(t, memberIds);
  if (!grouped) {
    note('error', 'could not build the director group', '无法建立调度器组');
    return { topology: t, layout: built.layout, problems };
  }
  t = grouped.topology;
  const base = t.directorGroups!.find((g) => g.id === grouped.id)!;

  // The instance: the first instance of each member (more are reported, not imported).
  const inst = parsed.map((m) => {
    if (m.instances.length > 1)
      note(
        'warning',
        `${m.name}: ${m.instances.length} vrrp_instance blocks; only ${m.instances[0]!.name} is imported`,
        `${m.name}：有 ${m.instances.length} 个 vrrp_instance 块；只导入 ${m.instances[0]!.name}`,
      );
    if (m.instances.length === 0)
      note('error', `${m.name}: no vrrp_instance — this member never takes the VIP`, `${m.name}：没有 vrrp_instance——该成员永远不会接管 VIP`);
    return m.instances[0];
  });
  const lead = inst.find((x) => x !== undefined);
  const vmember = (i: number): VrrpMember => {
    const x = inst[i];
    const own: VrrpMember = {
      host: hostId(memberIds[i]!),
      priority: x?.priority ?? 100,
      state: x?.state ?? 'BACKUP',
      interface: x?.iface ?? 'eth0',
      ...(x?.unicastSrcIp ? { unicastSrcIp: x.unicastSrcIp } : {}),
      ...(x?.unicastPeers ? { unicastPeers: x.unicastPeers } : {}),
      ...(x && x.trackInterfaces.length > 0 ? { trackInterfaces: x.trackInterfaces } : {}),
      ...(x && x.trackScripts.length > 0 ? { trackScripts: x.trackScripts } : {}),
      ...(x && Object.keys(x.notify).length > 0 ? { notify: x.notify } : {}),
    };
    if (!x || !lead || x === lead) return own;
    const differs: Record<string, unknown> = {};
    const say = (what: string, mine: unknown, theirs: unknown) =>
      note(
        'error',
        `${parsed[i]!.name} disagrees with ${parsed[0]!.name} on ${what}: ${String(mine)} vs ${String(theirs)} (kept as this member's own value; see rule ha/members-disagree)`,
        `${parsed[i]!.name} 与 ${parsed[0]!.name} 的 ${what} 不一致：${String(mine)} 对 ${String(theirs)}（保留为该成员自己的值；见规则 ha/members-disagree）`,
      );
    if (x.vrid !== lead.vrid) {
      differs.vrid = x.vrid ?? 0;
      say('virtual_router_id', x.vrid, lead.vrid);
    }
    if ((x.advertInt ?? 1) !== (lead.advertInt ?? 1)) {
      differs.advertInt = x.advertInt ?? 1;
      say('advert_int', x.advertInt ?? 1, lead.advertInt ?? 1);
    }
    if ((x.authPass ?? null) !== (lead.authPass ?? null)) {
      differs.authentication = x.authPass ? { type: 'PASS', pass: x.authPass } : null;
      say('auth_pass', x.authPass ? 'set' : 'none', lead.authPass ? 'set' : 'none');
    }
    const key = (l: readonly VrrpAddress[]) =>
      l
        .map((a) => a.address)
        .sort()
        .join(',');
    if (key(x.addresses) !== key(lead.addresses)) {
      differs.virtualAddresses = x.addresses;
      say('virtual_ipaddress', key(x.addresses) || 'none', key(lead.addresses) || 'none');
    }
    if (differs.vrid === 0) delete differs.vrid;
    return Object.keys(differs).length > 0 ? { ...own, differs } : own;
  };
  const scripts = new Map<string, VrrpScript>();
  for (const m of parsed) for (const s of m.scripts) if (!scripts.has(s.name)) scripts.set(s.name, s);
  const syncSrc = parsed.find((m) => m.sync)?.sync;
  const syncIface = syncSrc?.iface ?? lead?.syncIface;
  const group: DirectorGroup = {
    ...base,
    name: lead?.name && /^[A-Za-z0-9_.-]{1,64}$/.test(lead.name) ? lead.name : base.name,
    vrid: lead?.vrid ?? base.vrid,
    ...(lead?.advertInt !== undefined ? { advertInt: lead.advertInt } : {}),
    ...(lead?.version === 3 ? { version: 3 as const } : {}),
    ...(lead?.authPass ? { authentication: { type: 'PASS' as const, pass: lead.authPass } } : {}),
    virtualAddresses: lead && lead.addresses.length > 0 ? lead.addresses : base.virtualAddresses,
    ...(lead?.nopreempt ? { nopreempt: true } : {}),
    ...(lead?.preemptDelay !== undefined ? { preemptDelay: lead.preemptDelay } : {}),
    ...(lead?.garpMasterDelay !== undefined ? { garpMasterDelay: lead.garpMasterDelay } : {}),
    ...(lead?.garpMasterRefresh !== undefined ? { garpMasterRefresh: lead.garpMasterRefresh } : {}),
    ...(scripts.size > 0 ? { scripts: [...scripts.values()] } : {}),
    ...(syncIface ? { sync: { mode: 'keepalived' as const, interface: syncIface, ...(syncSrc?.id !== undefined ? { syncId: syncSrc.id } : {}) } } : {}),
    members: parsed.map((_, i) => vmember(i)),
  };
  if (!syncIface)
    note(
      'warning',
      'no lvs_sync_daemon on any member: established connections are lost at failover (rule ha/sync-daemon)',
      '所有成员都没有 lvs_sync_daemon：切换时已建立的连接会丢失（规则 ha/sync-daemon）',
    );
  // Services only some members have stay on the first of them.
  const services: VirtualService[] = t.services.map((s) => {
    const key = all.find((x) =>
      x.protocol === 'fwmark' ? s.protocol === 'fwmark' && s.fwmark === x.fwmark : x.vip === s.vip && x.port === s.port && x.protocol === s.protocol,
    )?.key;
    const on = key ? holders.get(key)! : [];
    if (on.length === parsed.length || on.length === 0) return s;
    note(
      'error',
      `virtual_server ${key} is only on ${on.map((i) => parsed[i]!.name).join(', ')}; it stays on that member (rule ha/virtual-servers-differ)`,
      `virtual_server ${key} 只在 ${on.map((i) => parsed[i]!.name).join('、')} 上；它保留在该成员上（规则 ha/virtual-servers-differ）`,
    );
    return { ...s, director: memberIds[on[0]!]! };
  });
  // Each member's VRRP interface gets its unicast source address when the file names one.
  const withSources = t.hosts.map((h) => {
    const i = memberIds.indexOf(h.id);
    const m = i >= 0 ? group.members[i] : undefined;
    if (!m) return h;
    return {
      ...h,
      interfaces: h.interfaces.map((f) => {
        const named =
          f.name === m.interface ||
          (f.kind === 'ethernet' && !h.interfaces.some((x) => x.name === m.interface) && f === h.interfaces.find((x) => x.kind === 'ethernet'));
        if (!named) return f;
        const addresses = i === 0 ? f.addresses : [];
        const src = m.unicastSrcIp;
        const prefix = f.addresses[0]?.split('/')[1] ?? '24';
        return { ...f, name: m.interface, addresses: src && !addresses.some((a) => a.startsWith(`${src}/`)) ? [`${src}/${prefix}`, ...addresses] : addresses };
      }),
    };
  });
  // NAT real servers routed through the built director's guessed DIP use the DIP the group holds on that subnet instead
  // (the builder guesses /24 segments, so "same subnet" is the first three octets).
  const own = new Set(first.interfaces.flatMap((f) => f.addresses.map((a) => a.split('/')[0]!)));
  const heldOn = (gw: string) =>
    group.virtualAddresses.map((a) => a.address.split('/')[0]!).find((a) => a.split('.').slice(0, 3).join('.') === gw.split('.').slice(0, 3).join('.'));
  const rerouted = withSources.map((h) => {
    if (h.role !== 'real-server' || h.gateway === undefined || !own.has(h.gateway)) return h;
    const dip = heldOn(h.gateway);
    return dip ? { ...h, gateway: dip } : h;
  });
  const layout = { positions: { ...built.layout.positions } };
  const pos = layout.positions[first.id];
  memberIds.slice(1).forEach((id, k) => (layout.positions[id] = { x: pos?.x ?? 0, y: (pos?.y ?? 0) + 180 * (k + 1) }));
  return {
    topology: { ...t, hosts: rerouted, services, directorGroups: t.directorGroups!.map((g) => (g.id === group.id ? group : g)) },
    layout,
    problems,
  };
}
