/**
 * Writes the three ready assignments of the seed article (NAT, DR, TUN) to examples/assignments/
 * and six prepared submissions of the DR one to examples/assignments/dr-submissions/ (run:
 * `npx tsx scripts/make-assignments.ts`). Every address of the seed labs becomes a placeholder of a
 * per-student plan: the public and private /24 are drawn per student, the VIP from the public one,
 * and the weight of rs1 (2..4, rs2 keeps 1).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { DesignFile, Host, Topology } from '../shared/model/types.ts';
import { makeDesignFile } from '../shared/model/file.ts';
import { drLab, natLab, tunLab } from '../shared/model/labs.ts';
import type { AssignmentFile, Localized, PlanVariable } from '../shared/assignment/index.ts';
import type { ChallengeGoal } from '../shared/assignment/index.ts';
import {
  ASSIGNMENT_FORMAT_VERSION,
  challengeQuiz,
  challengeSeed,
  fillAssignment,
  makeSubmission,
  parseAssignment,
  serializeJson,
  studentCopy,
} from '../shared/assignment/index.ts';

const OUT = 'examples/assignments';

/** Turns the seed lab's addresses into placeholders: `a.b.c.d` of subnet NAME → `{{NAME.d}}`, the VIP → `{{VIP}}`. */
function templatize<T>(value: T, subnets: Record<string, string>, vip: string): T {
  const text = JSON.stringify(value).replace(/\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.(\d{1,3})\b/g, (m, net: string, host: string) => {
    if (m === vip) return '{{VIP}}';
    const name = subnets[net];
    if (!name) throw new Error(`address ${m} is in no plan subnet`);
    return `{{${name}.${host}}}`;
  });
  return JSON.parse(text) as T;
}

/** A filled-in-later design as the assignment stores it. */
const asTemplate = (d: DesignFile): AssignmentFile['start'] => d as unknown as AssignmentFile['start'];

function layoutOf(file: string): DesignFile['layout'] {
  return (JSON.parse(readFileSync(`examples/${file}`, 'utf8')) as DesignFile).layout;
}

/** rs1 weighted `{{W1}}` (a number variable). */
function weighted(t: Topology): Topology {
  return {
    ...t,
    services: t.services.map((s) => ({
      ...s,
      realServers: s.realServers.map((r) => (r.host === 'rs1' ? { ...r, weight: '{{W1}}' as unknown as number } : r)),
    })),
  };
}

const mapHosts = (t: Topology, f: (h: Host) => Host): Topology => ({ ...t, hosts: t.hosts.map((h) => (h.role === 'real-server' ? f(h) : h)) });

const W1: PlanVariable = { name: 'W1', kind: 'number', min: 2, max: 4 };

const goal = (id: string, kind: string, points: number, title: Localized, hint: Localized, extra: Record<string, unknown> = {}) => ({
  id,
  kind,
  points,
  title,
  hint,
  ...extra,
});

const commonGoals = (method: 'nat' | 'dr' | 'tun') => [
  goal(
    'balances',
    'balances',
    15,
    {
      en: `A virtual service {{VIP}}:80 balances over both real servers by ${method.toUpperCase()} (wrr)`,
      zh: `虚拟服务 {{VIP}}:80 以 ${method.toUpperCase()} 方式（wrr）在两台真实服务器间均衡`,
    },
    {
      en: `Add the service on the director (ipvsadm -A -t {{VIP}}:80 -s wrr) and both real servers with -${method === 'nat' ? 'm' : method === 'dr' ? 'g' : 'i'}.`,
      zh: `在调度器上添加服务（ipvsadm -A -t {{VIP}}:80 -s wrr），并以 -${method === 'nat' ? 'm' : method === 'dr' ? 'g' : 'i'} 添加两台真实服务器。`,
    },
    { service: '{{VIP}}:80', minServers: 2, method, scheduler: 'wrr' },
  ),
  goal(
    'walk',
    'walk',
    20,
    {
      en: 'The packet walk from the client to {{VIP}}:80 and back works through each real server',
      zh: '从客户端到 {{VIP}}:80 再返回的数据包走查经每台真实服务器都能走通',
    },
    {
      en: 'Open the packet walk, pick each real server and read where the packet dies: the narration names the missing address, route or setting.',
      zh: '打开数据包走查，逐一选择真实服务器，看数据包在哪里被丢弃：说明会指出缺少的地址、路由或设置。',
    },
    { client: 'client', service: '{{VIP}}:80' },
  ),
  goal(
    'weights',
    'weights',
    15,
    { en: 'rs1 and rs2 take new connections in the ratio {{W1}}:1 (±10 %)', zh: 'rs1 与 rs2 按 {{W1}}:1（±10%）的比例接收新连接' },
    {
      en: 'With wrr the weights decide the shares: give rs1 weight {{W1}} and rs2 weight 1.',
      zh: '使用 wrr 时由权重决定比例：rs1 的权重设为 {{W1}}，rs2 设为 1。',
    },
    { service: '{{VIP}}:80', ratio: { rs1: '{{W1}}', rs2: 1 }, tolerancePct: 10, requests: 40, client: 'client' },
  ),
  goal(
    'no-errors',
    'no-errors',
    10,
    { en: 'The checker finds no error', zh: '检查器没有发现错误' },
    { en: 'Open the Problems panel: each error names the host and the fix.', zh: '打开“问题”面板：每个错误都指出了主机和修改方法。' },
    { service: '{{VIP}}:80' },
  ),
];

function natAssignment(): AssignmentFile {
  const solution = weighted(natLab('example'));
  const start: Topology = {
    ...mapHosts(solution, (h) => {
      const { gateway: _g, ...rest } = h;
      return rest;
    }),
    hosts: solution.hosts.map((h) => {
      if (h.role === 'real-server') {
        const { gateway: _g, ...rest } = h;
        return rest;
      }
      if (h.role === 'director') {
        const { sysctl: _s, ...rest } = h;
        return rest;
      }
      return h;
    }),
    services: [],
  };
  const subnets = { '172.16.111': 'PUB', '192.168.111': 'LAN' };
  const vip = '172.16.111.123';
  const layout = layoutOf('nat-lab.lvs.json');
  return {
    format: 'lvs-assignment',
    formatVersion: ASSIGNMENT_FORMAT_VERSION,
    id: 'lvs-nat',
    title: { en: 'LVS-NAT: a web service behind a NAT director', zh: 'LVS-NAT：NAT 调度器后的 Web 服务' },
    instructions: {
      en: `# LVS-NAT

Your address plan: public network **{{PUB}}**, private network **{{LAN}}**, VIP **{{VIP}}** (the director's eth0).

The client ({{PUB.13}}) must reach a web service on **{{VIP}}:80**. The director rewrites the destination to one of the real servers rs1 ({{LAN.101}}) and rs2 ({{LAN.102}}) and rewrites the replies back, so the replies **must** come back through it.

1. Turn the director into a router (ip_forward).
2. Make the real servers send their replies through the director (DIP {{LAN.200}}).
3. Create the virtual service {{VIP}}:80 with the **wrr** scheduler and both real servers in NAT mode (-m); rs1 gets weight **{{W1}}**, rs2 weight 1.

The client, the networks and the addresses are given: do not change them.`,
      zh: `# LVS-NAT

你的地址规划：公网 **{{PUB}}**，内网 **{{LAN}}**，VIP **{{VIP}}**（调度器的 eth0）。

客户端（{{PUB.13}}）要访问 **{{VIP}}:80** 上的 Web 服务。调度器把目标地址改写为真实服务器 rs1（{{LAN.101}}）或 rs2（{{LAN.102}}），再把应答改写回来，所以应答**必须**经过调度器返回。

1. 让调度器成为路由器（ip_forward）。
2. 让真实服务器经调度器（DIP {{LAN.200}}）发送应答。
3. 创建虚拟服务 {{VIP}}:80，调度算法 **wrr**，两台真实服务器都用 NAT 方式（-m）；rs1 的权重为 **{{W1}}**，rs2 为 1。

客户端、网络和地址都已给定：不要修改。`,
    },
    plan: {
      variables: [
        { name: 'PUB', kind: 'subnet', pool: '172.16.0.0/12', prefix: 24 },
        { name: 'LAN', kind: 'subnet', pool: '192.168.0.0/16', prefix: 24 },
        { name: 'VIP', kind: 'address', in: 'PUB', min: 100, max: 199 },
        W1,
      ],
    },
    start: asTemplate(templatize(makeDesignFile(start, layout), subnets, vip)),
    locked: ['client', 'public', 'lan'],
    goals: templatize(
      [
        ...commonGoals('nat'),
        goal(
          'forwarding',
          'rule-clear',
          15,
          { en: 'The director forwards packets between its networks', zh: '调度器在两个网络之间转发数据包' },
          { en: 'A NAT director routes: set net.ipv4.ip_forward=1 on it.', zh: 'NAT 调度器要做路由：在它上面设置 net.ipv4.ip_forward=1。' },
          { service: '{{VIP}}:80', rules: ['nat/ip-forward-off'] },
        ),
        goal(
          'replies',
          'rule-clear',
          25,
          { en: 'The real servers send their replies back through the director', zh: '真实服务器经调度器返回应答' },
          {
            en: 'The reply must be rewritten back to the VIP by the director: the real servers’ default gateway is the DIP.',
            zh: '应答必须由调度器改写回 VIP：真实服务器的默认网关应为 DIP。',
          },
          { service: '{{VIP}}:80', rules: ['nat/reply-not-via-director', 'route/no-return-path'] },
        ),
      ],
      subnets,
      vip,
    ),
    solution: asTemplate(templatize(makeDesignFile(solution, layout), subnets, vip)),
  };
}

const ARP_KEYS = (h: Host): Host => {
  const { sysctl: _s, ...rest } = h;
  return { ...rest, interfaces: h.interfaces.map(({ sysctl: _x, ...f }) => f) };
};

function drAssignment(): AssignmentFile {
  const solution = weighted(drLab('example'));
  const start: Topology = {
    ...mapHosts(solution, (h) => ARP_KEYS({ ...h, interfaces: h.interfaces.map((f) => (f.kind === 'loopback' ? { ...f, addresses: [] } : f)) })),
    services: [],
  };
  const subnets = { '172.17.253': 'PUB', '192.168.163': 'LAN' };
  const vip = '172.17.253.100';
  const layout = layoutOf('dr-lab.lvs.json');
  return {
    format: 'lvs-assignment',
    formatVersion: ASSIGNMENT_FORMAT_VERSION,
    id: 'lvs-dr',
    title: { en: 'LVS-DR: direct routing with quiet real servers', zh: 'LVS-DR：直接路由与不应答 ARP 的真实服务器' },
    instructions: {
      en: `# LVS-DR

Your address plan: bridged network **{{PUB}}**, host-only network **{{LAN}}**, VIP **{{VIP}}** (on the director's eth0).

In DR mode the director only rewrites the destination MAC address: every real server must **own the VIP** itself (on \`lo\`, as /32) but must **never answer ARP** for it, and it replies to the client directly through the router ({{LAN.1}}), not through the director.

1. Put {{VIP}}/32 on \`lo\` of rs1 ({{LAN.102}}) and rs2 ({{LAN.103}}).
2. Set arp_ignore=1 and arp_announce=2 on both real servers.
3. Create the virtual service {{VIP}}:80 with **wrr**, both real servers in DR mode (-g); rs1 gets weight **{{W1}}**, rs2 weight 1.

The client, the router and the networks are given: do not change them.`,
      zh: `# LVS-DR

你的地址规划：桥接网络 **{{PUB}}**，仅主机网络 **{{LAN}}**，VIP **{{VIP}}**（在调度器的 eth0 上）。

DR 模式下调度器只改写目标 MAC 地址：每台真实服务器自己必须**持有 VIP**（在 \`lo\` 上，/32），但**绝不能应答**它的 ARP；真实服务器经路由器（{{LAN.1}}）直接应答客户端，而不经过调度器。

1. 在 rs1（{{LAN.102}}）和 rs2（{{LAN.103}}）的 \`lo\` 上配置 {{VIP}}/32。
2. 在两台真实服务器上设置 arp_ignore=1 和 arp_announce=2。
3. 创建虚拟服务 {{VIP}}:80，调度算法 **wrr**，两台真实服务器都用 DR 方式（-g）；rs1 的权重为 **{{W1}}**，rs2 为 1。

客户端、路由器和网络都已给定：不要修改。`,
    },
    plan: {
      variables: [
        { name: 'PUB', kind: 'subnet', pool: '172.16.0.0/12', prefix: 24 },
        { name: 'LAN', kind: 'subnet', pool: '192.168.0.0/16', prefix: 24 },
        { name: 'VIP', kind: 'address', in: 'PUB', min: 100, max: 199 },
        W1,
      ],
    },
    start: asTemplate(templatize(makeDesignFile(start, layout), subnets, vip)),
    locked: ['client', 'router', 'public', 'lan'],
    goals: templatize(
      [
        ...commonGoals('dr'),
        goal(
          'arp',
          'arp',
          20,
          { en: 'rs1 and rs2 hold the VIP on lo and never answer ARP for it', zh: 'rs1 和 rs2 在 lo 上持有 VIP 且从不应答它的 ARP' },
          {
            en: 'ip addr add {{VIP}}/32 dev lo; sysctl net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 — on both real servers.',
            zh: '在两台真实服务器上：ip addr add {{VIP}}/32 dev lo；sysctl net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2。',
          },
          { service: '{{VIP}}:80', hosts: ['rs1', 'rs2'] },
        ),
        goal(
          'direct-reply',
          'rule-clear',
          20,
          { en: 'Replies go to the client directly, not back through the director', zh: '应答直接发给客户端，不经调度器返回' },
          {
            en: 'The real servers’ gateway is the router {{LAN.1}}; the director never sees the replies in DR mode.',
            zh: '真实服务器的网关是路由器 {{LAN.1}}；DR 模式下调度器看不到应答。',
          },
          { service: '{{VIP}}:80', rules: ['dr/reply-via-director', 'dr/vip-missing-on-rs'] },
        ),
      ],
      subnets,
      vip,
    ),
    solution: asTemplate(templatize(makeDesignFile(solution, layout), subnets, vip)),
  };
}

function tunAssignment(): AssignmentFile {
  const solution = weighted(tunLab('example'));
  const start: Topology = {
    ...mapHosts(solution, (h) => ARP_KEYS({ ...h, interfaces: h.interfaces.filter((f) => f.kind !== 'ipip') })),
    services: [],
  };
  const subnets = { '172.18.0': 'FRONT', '10.20.0': 'DC' };
  const vip = '172.18.0.100';
  const layout = layoutOf('tun-lab.lvs.json');
  return {
    format: 'lvs-assignment',
    formatVersion: ASSIGNMENT_FORMAT_VERSION,
    id: 'lvs-tun',
    title: { en: 'LVS-TUN: real servers in a remote data centre', zh: 'LVS-TUN：远程数据中心中的真实服务器' },
    instructions: {
      en: `# LVS-TUN

Your address plan: front network **{{FRONT}}**, remote data centre **{{DC}}**, VIP **{{VIP}}** (a second address on the director's eth0).

The real servers rs1 ({{DC.11}}) and rs2 ({{DC.12}}) are behind a router; the director wraps each request in an IPIP header (outer destination = RIP). Each real server unwraps it on \`tunl0\`, where the VIP lives, and replies to the client directly.

1. Give rs1 and rs2 a \`tunl0\` interface holding {{VIP}}/32.
2. Switch off strict reverse-path filtering on the real servers (rp_filter 0 on all, eth0 and tunl0): the inner source is the client, which does not route back over tunl0.
3. Keep the VIP quiet: arp_ignore=1, arp_announce=2.
4. Create the virtual service {{VIP}}:80 with **wrr**, both real servers in TUN mode (-i); rs1 gets weight **{{W1}}**, rs2 weight 1.`,
      zh: `# LVS-TUN

你的地址规划：前端网络 **{{FRONT}}**，远程数据中心 **{{DC}}**，VIP **{{VIP}}**（调度器 eth0 上的第二个地址）。

真实服务器 rs1（{{DC.11}}）和 rs2（{{DC.12}}）位于路由器之后；调度器把每个请求封装进 IPIP 头（外层目标 = RIP）。真实服务器在持有 VIP 的 \`tunl0\` 上解封装，并直接应答客户端。

1. 给 rs1 和 rs2 添加持有 {{VIP}}/32 的 \`tunl0\` 接口。
2. 关闭真实服务器上的严格反向路径过滤（all、eth0 和 tunl0 的 rp_filter 设为 0）：内层源地址是客户端，它的回程路由不走 tunl0。
3. 让 VIP 保持安静：arp_ignore=1，arp_announce=2。
4. 创建虚拟服务 {{VIP}}:80，调度算法 **wrr**，两台真实服务器都用 TUN 方式（-i）；rs1 的权重为 **{{W1}}**，rs2 为 1。`,
    },
    plan: {
      variables: [
        { name: 'FRONT', kind: 'subnet', pool: '172.16.0.0/12', prefix: 24 },
        { name: 'DC', kind: 'subnet', pool: '10.0.0.0/8', prefix: 24 },
        { name: 'VIP', kind: 'address', in: 'FRONT', min: 100, max: 199 },
        W1,
      ],
    },
    start: asTemplate(templatize(makeDesignFile(start, layout), subnets, vip)),
    locked: ['client', 'router', 'front', 'dc2'],
    goals: templatize(
      [
        ...commonGoals('tun'),
        goal(
          'arp',
          'arp',
          15,
          { en: 'rs1 and rs2 hold the VIP on tunl0 and never answer ARP for it', zh: 'rs1 和 rs2 在 tunl0 上持有 VIP 且从不应答它的 ARP' },
          {
            en: 'ip addr add {{VIP}}/32 dev tunl0; sysctl net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2.',
            zh: 'ip addr add {{VIP}}/32 dev tunl0；sysctl net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2。',
          },
          { service: '{{VIP}}:80', hosts: ['rs1', 'rs2'] },
        ),
        goal(
          'rp-filter',
          'rule-clear',
          25,
          { en: 'Reverse-path filtering does not drop the decapsulated requests', zh: '反向路径过滤不会丢弃解封装后的请求' },
          {
            en: 'The kernel uses max(all, interface): set rp_filter=0 on all, eth0 and tunl0 of each real server.',
            zh: '内核取 all 与接口的较大值：在每台真实服务器的 all、eth0 和 tunl0 上设置 rp_filter=0。',
          },
          { service: '{{VIP}}:80', rules: ['route/strict-rp-filter'] },
        ),
      ],
      subnets,
      vip,
    ),
    solution: asTemplate(templatize(makeDesignFile(solution, layout), subnets, vip)),
  };
}

/** The HA NAT pair (examples/nat-ha-lab.lvs.json): the student adds the VRRP pair and the service. */
function natHaAssignment(): AssignmentFile {
  const file = JSON.parse(readFileSync('examples/nat-ha-lab.lvs.json', 'utf8')) as DesignFile;
  const solution = file.topology;
  const start: Topology = { ...solution, directorGroups: [], services: [] };
  const subnets = { '172.16.111': 'PUB', '192.168.111': 'LAN' };
  const vip = '172.16.111.123';
  return {
    format: 'lvs-assignment',
    formatVersion: ASSIGNMENT_FORMAT_VERSION,
    id: 'lvs-nat-ha',
    title: { en: 'LVS-NAT with two directors: a VRRP pair that fails over', zh: '双调度器 LVS-NAT：能故障切换的 VRRP 主备对' },
    instructions: {
      en: `# LVS-NAT with a VRRP pair

Your address plan: public network **{{PUB}}**, private network **{{LAN}}**, VIP **{{VIP}}**.

Two directors, lvs1 ({{PUB.121}}, {{LAN.201}}) and lvs2 ({{PUB.122}}, {{LAN.202}}), must share the VIP and the DIP **{{LAN.200}}** (the real servers' gateway) with keepalived (VRRP): lvs1 is the master, lvs2 takes over when lvs1 fails.

1. Make a director group of lvs1 and lvs2 (VRRP on eth0, unicast between {{PUB.121}} and {{PUB.122}}) holding {{VIP}}/24 on eth0 and {{LAN.200}}/24 on eth1.
2. lvs1 MASTER, lvs2 BACKUP with a lower priority, \`advert_int\` 1: the backup waits three adverts before it takes over a crashed master; when lvs1 loses the private network (eth1, where the DIP lives) keepalived puts it in FAULT and it hands over at once.
3. Create the virtual service {{VIP}}:80 on the group, **wrr**, rs1 ({{LAN.101}}) and rs2 ({{LAN.102}}) in NAT mode.

The grader crashes lvs1, and separately takes lvs1's eth1 down, and times how long the client waits.`,
      zh: `# 双调度器 LVS-NAT（VRRP 主备对）

你的地址规划：公网 **{{PUB}}**，内网 **{{LAN}}**，VIP **{{VIP}}**。

两台调度器 lvs1（{{PUB.121}}、{{LAN.201}}）和 lvs2（{{PUB.122}}、{{LAN.202}}）用 keepalived（VRRP）共享 VIP 和 DIP **{{LAN.200}}**（真实服务器的网关）：lvs1 为主，lvs1 故障时由 lvs2 接管。

1. 用 lvs1 和 lvs2 建一个调度器组（VRRP 走 eth0，在 {{PUB.121}} 与 {{PUB.122}} 之间单播），在 eth0 上持有 {{VIP}}/24，在 eth1 上持有 {{LAN.200}}/24。
2. lvs1 为 MASTER，lvs2 为优先级更低的 BACKUP，\`advert_int\` 为 1：主节点宕机后备用节点等三个通告间隔再接管；lvs1 失去内网（DIP 所在的 eth1）时，keepalived 让它进入 FAULT 状态并立即交出地址。
3. 在该组上创建虚拟服务 {{VIP}}:80，调度算法 **wrr**，rs1（{{LAN.101}}）和 rs2（{{LAN.102}}）用 NAT 方式。

评分时会让 lvs1 宕机，并另外断开 lvs1 的 eth1，测量客户端等待的时间。`,
    },
    plan: {
      variables: [
        { name: 'PUB', kind: 'subnet', pool: '172.16.0.0/12', prefix: 24 },
        { name: 'LAN', kind: 'subnet', pool: '192.168.0.0/16', prefix: 24 },
        { name: 'VIP', kind: 'address', in: 'PUB', min: 100, max: 199 },
      ],
    },
    start: asTemplate(templatize(makeDesignFile(start, file.layout), subnets, vip)),
    locked: ['client', 'rs1', 'rs2', 'public', 'lan'],
    goals: templatize(
      [
        goal(
          'balances',
          'balances',
          20,
          { en: 'A virtual service {{VIP}}:80 balances over both real servers by NAT', zh: '虚拟服务 {{VIP}}:80 以 NAT 方式在两台真实服务器间均衡' },
          {
            en: 'Add the service {{VIP}}:80 on the director group with rs1 and rs2 as NAT real servers.',
            zh: '在调度器组上添加服务 {{VIP}}:80，rs1 和 rs2 作为 NAT 真实服务器。',
          },
          { service: '{{VIP}}:80', minServers: 2, method: 'nat' },
        ),
        goal(
          'walk',
          'walk',
          20,
          {
            en: 'The packet walk from the client to {{VIP}}:80 and back works through each real server',
            zh: '从客户端到 {{VIP}}:80 再返回的数据包走查经每台真实服务器都能走通',
          },
          {
            en: 'The DIP {{LAN.200}} must be a virtual address of the group: it is the real servers’ gateway.',
            zh: 'DIP {{LAN.200}} 必须是调度器组的虚拟地址：它是真实服务器的网关。',
          },
          { client: 'client', service: '{{VIP}}:80' },
        ),
        goal(
          'failover-crash',
          'failover',
          25,
          { en: 'When lvs1 crashes, lvs2 serves {{VIP}}:80 within 8 s', zh: 'lvs1 宕机时，lvs2 在 8 秒内接管 {{VIP}}:80' },
          {
            en: 'Both members need the same virtual router id and password, unicast peers that reach each other, and advert_int 1 (the backup waits 3 × advert_int).',
            zh: '两个成员需要相同的 virtual_router_id 和密码、能互相到达的单播对端，以及 advert_int 1（备用节点等待 3 × advert_int）。',
          },
          { group: 'pair', withinSeconds: 8, event: 'crash', service: '{{VIP}}:80' },
        ),
        goal(
          'failover-link',
          'failover',
          20,
          { en: 'When lvs1 loses the private network (eth1), lvs2 takes over within 8 s', zh: 'lvs1 失去内网（eth1）时，lvs2 在 8 秒内接管' },
          {
            en: 'The DIP {{LAN.200}}/24 must be a virtual address of the group on eth1: keepalived then tracks eth1, and lvs1 resigns (FAULT) when it goes down.',
            zh: 'DIP {{LAN.200}}/24 必须是调度器组在 eth1 上的虚拟地址：keepalived 会跟踪 eth1，eth1 断开时 lvs1 进入 FAULT 并交出地址。',
          },
          { group: 'pair', withinSeconds: 8, event: 'interface-down', iface: 'eth1', service: '{{VIP}}:80' },
        ),
        goal(
          'challenge',
          'challenge',
          15,
          {
            en: 'Challenge: answer at least 6 of the 8 packet-walk questions of client → {{VIP}}:80 through rs1 correctly',
            zh: '挑战：客户端 → {{VIP}}:80（经 rs1）的 8 道数据包走查题至少答对 6 道',
          },
          {
            en: 'Open the packet walk from the goal (Start the challenge) and answer before each step; in NAT mode the director rewrites the destination to the RIP and the reply’s source back to the VIP.',
            zh: '从目标处打开数据包走查（开始挑战），在每一步之前作答；NAT 模式下调度器把目标改写为 RIP，并把应答的源地址改写回 VIP。',
          },
          { client: 'client', service: '{{VIP}}:80', realServer: 'rs1', minCorrect: 6 },
        ),
      ],
      subnets,
      vip,
    ),
    solution: asTemplate(templatize(file, subnets, vip)),
  };
}

function write(name: string, a: AssignmentFile): AssignmentFile {
  const text = serializeJson(a);
  const parsed = parseAssignment(text);
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error}`);
  writeFileSync(`${OUT}/${name}`, text);
  return parsed.value;
}

mkdirSync(OUT, { recursive: true });
write('lvs-nat.lvs-assignment.json', natAssignment());
const dr = write('lvs-dr.lvs-assignment.json', drAssignment());
write('lvs-tun.lvs-assignment.json', tunAssignment());
const ha = write('lvs-nat-ha.lvs-assignment.json', natHaAssignment());
// The student's copy of one (no solution), as `lvsd assignment export` writes it.
writeFileSync(`${OUT}/lvs-dr.student.lvs-assignment.json`, serializeJson(studentCopy(dr)));

// ---- Six prepared submissions of the DR assignment --------------------------------------------
const SUB = `${OUT}/dr-submissions`;
rmSync(SUB, { recursive: true, force: true });
mkdirSync(SUB, { recursive: true });

function solved(seed: string): { filled: ReturnType<typeof fillOk>; design: DesignFile } {
  const filled = fillOk(seed);
  return { filled, design: filled.solution! };
}
function fillOk(seed: string) {
  const f = fillAssignment(dr, seed);
  if (!f.ok) throw new Error(f.error);
  return f.value;
}
const edit = (d: DesignFile, f: (t: Topology) => Topology): DesignFile => ({ ...d, topology: f(d.topology) });
const submit = (file: string, seed: string, student: string, change: (t: Topology) => Topology = (t) => t) => {
  const { filled, design } = solved(seed);
  const sub = makeSubmission(filled, edit(design, change), { student, submittedAt: '2026-03-01T18:00:00Z' });
  writeFileSync(`${SUB}/${file}`, serializeJson(sub));
  return sub;
};

// 1. Correct.
const alice = submit('s01-alice.lvs-submission.json', 's01', 'Alice');
// 2. Forgot the ARP settings on the real servers (the classic DR mistake).
submit('s02-bob.lvs-submission.json', 's02', 'Bob', (t) => mapHosts(t, ARP_KEYS));
// 3. Forgot the VIP on lo of rs2.
submit('s03-chen.lvs-submission.json', 's03', 'Chen Wei', (t) =>
  mapHosts(t, (h) => (h.id === 'rs2' ? { ...h, interfaces: h.interfaces.map((f) => (f.kind === 'loopback' ? { ...f, addresses: [] } : f)) } : h)),
);
// 4. Weights left at 1:1 and the scheduler at rr.
submit('s04-dana.lvs-submission.json', 's04', 'Dana', (t) => ({
  ...t,
  services: t.services.map((s) => ({ ...s, scheduler: 'rr' as const, realServers: s.realServers.map((r) => ({ ...r, weight: 1 })) })),
}));
// 5. Eve copied Alice's file and put her own id as the seed.
writeFileSync(`${SUB}/s05-eve.lvs-submission.json`, serializeJson({ ...alice, seed: 's05', student: 'Eve' }));
// 6. A file cut off in the middle (an interrupted upload).
const frank = serializeJson(makeSubmission(fillOk('s06'), solved('s06').design, { student: 'Frank' }));
writeFileSync(`${SUB}/s06-frank.lvs-submission.json`, frank.slice(0, Math.floor(frank.length / 2)));

// ---- Two submissions of the HA assignment (tests/lab/grade-lab.test.ts) -----------------------
const HA_SUB = `${OUT}/ha-submissions`;
rmSync(HA_SUB, { recursive: true, force: true });
mkdirSync(HA_SUB, { recursive: true });
/** A submission of the HA assignment whose challenge has `wrong` answers wrong (the rest right). */
const haSubmit = (file: string, seed: string, student: string, change: (t: Topology) => Topology, wrong = 0) => {
  const f = fillAssignment(ha, seed);
  if (!f.ok) throw new Error(f.error);
  const design = edit(f.value.solution!, change);
  const g = f.value.goals.find((x) => x.kind === 'challenge') as ChallengeGoal;
  const q = challengeQuiz(design.topology, g, challengeSeed(ha.id, g.id, seed));
  if (!q.ok) throw new Error(q.error.en);
  const answers = Object.fromEntries(q.quiz.map((x, i) => [x.id, i < wrong ? x.choices.find((c) => c.value !== x.answer)!.value : x.answer]));
  writeFileSync(
    `${HA_SUB}/${file}`,
    serializeJson(makeSubmission(f.value, design, { student, submittedAt: '2026-03-01T18:00:00Z', challenges: { [g.id]: answers } })),
  );
};
// 1. Correct: priorities 150/100, eth1 tracked with weight -60 (covers the gap of 50).
haSubmit('h01-lin.lvs-submission.json', 'h01', 'Lin', (t) => t, 1);
// 2. advert_int 4: the backup waits 3 × 4 s (+ skew) after the last advert before it takes over a
//    crashed master: 8.6–12.6 s after the crash, whenever in the advert interval it happens — too slow for 8 s.
haSubmit('h02-omar.lvs-submission.json', 'h02', 'Omar', (t) => ({
  ...t,
  directorGroups: (t.directorGroups ?? []).map((g) => ({ ...g, advertInt: 4 })),
}));
// 3. The correct pair, but 3 of the 8 challenge answers wrong (5 < 6).
haSubmit('h03-sara.lvs-submission.json', 'h03', 'Sara', (t) => t, 3);
console.log(`wrote 4 assignments, 6 DR and 3 HA submissions to ${OUT}`);
