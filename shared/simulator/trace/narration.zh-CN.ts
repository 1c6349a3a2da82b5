/** Simplified Chinese text of every simulator message (see `narration.ts` for the ids and their parameters). */
import type { NarrationTable } from './narration.ts';

export const zhCN: NarrationTable = {
  'fault.nat-reply-bypasses-director': (p) =>
    `在 LVS-NAT 中，回复必须经过调度器，由它把源地址从 ${p.rip ?? 'RIP'} 改回 ${p.vip}；${p.rsName} 的默认网关不是调度器的 DIP，回复绕过了调度器，客户端连接的是 ${p.vip}，于是丢弃来自 ${p.rip ?? 'RIP'} 的包。修复：把 ${p.rsName} 的网关设为 DIP。`,
  'fault.no-ip-forward': (p) =>
    `${p.director} 的 net.ipv4.ip_forward=0，不会把真实服务器的回复转发给客户端，IPVS 也就没有机会在 FORWARD 链改写它。修复：在 ${p.director} 上执行 sysctl -w net.ipv4.ip_forward=1。`,
  'fault.dr-no-l2-path': (p) =>
    `LVS-DR 只改写目的 MAC，调度器必须在同一个二层网段上直接到达 ${p.rip ?? 'RIP'}；${p.rip ?? 'RIP'} 不在 ${p.director} 的任何网段上。修复：把 ${p.rsName} 接到调度器所在网段，或改用 TUN。`,
  'fault.rp-filter': (p) =>
    `反向路径过滤（rp_filter=1，严格模式）在回源路由走另一个接口时丢包。修复：在 ${p.rsName} 上把 tunl0 和 all 的 rp_filter 设为 0（或 2）。`,
  'fault.missing-vip-on-rs': (p) =>
    `在 LVS-${p.hasRs ? p.method : 'DR'} 中，包的目的地址仍是 VIP ${p.vip}，因此 ${p.rsName} 必须拥有 VIP（${p.isTun ? '配置在 tunl0 上' : '配置在 lo 上'}，/32）。修复：在 ${p.rsName} 的 ${p.isTun ? 'tunl0' : 'lo'} 上添加 ${p.vip}/32。`,
  'fault.no-ipip-tunnel': (p) => `${p.rsName} 没有 ipip 接口（tunl0），内核不认识协议号 4，丢弃隧道包。修复：modprobe ipip，并把 VIP 配置在 tunl0 上。`,
  'fault.vip-not-on-director': (p) =>
    `VIP ${p.vip} 没有配置在调度器 ${p.director} 上，没有主机应答它的 ARP，IPVS 也就收不到请求。修复：在 ${p.director} 面向客户端的接口上添加 ${p.vip}。`,
  'fault.client-on-director': (_p) =>
    `客户端就运行在调度器上：请求以 VIP 为源地址发出，而 DR/TUN 真实服务器自己也拥有 VIP——它要么把请求当作火星包丢弃，要么把回复发给自己，客户端什么也收不到。请从单独的客户端主机测试。`,
  'fault.reply-via-director': (p) =>
    `在 LVS-${p.hasRs ? p.method : 'DR'} 中，真实服务器以 VIP 为源地址回复，回复必须交给路由器而不是经过调度器：调度器自己拥有 VIP，会把这个回复当作火星包丢弃（或根本不转发）。修复：把 ${p.rsName} 的默认网关设为通往客户端的路由器。`,
  'fault.rs-no-route-back': (p) =>
    `真实服务器需要回到客户端的路由：${p.isNat ? 'LVS-NAT 中它的默认网关必须是调度器的 DIP' : '一个通往客户端的默认网关（不经过调度器）'}。修复：设置 ${p.rsName} 的网关。`,
  'fault.arp-race': (p) =>
    `不止一台主机应答了 ${p.vip} 的 ARP；客户端采用最先到达的应答，请求可能直接发到真实服务器而绕过调度器。修复：在真实服务器上设置 arp_ignore=1、arp_announce=2（all 和 lo）。`,
  'originate.request': (p) => `${p.host} 发出 ${p.protocol} 请求，从 ${p.src}:${p.sport} 发往虚拟服务 ${p.dst}:${p.dport}（CIP → VIP）。`,
  'originate.reply': (p) => `${p.host} 从 ${p.src}:${p.sport} 回复 ${p.dst}:${p.dport}（${p.bytes} 字节）${p.fromVip ? '，以自己拥有的 VIP 作为源地址' : ''}。`,
  'local-out.hook': (p) => `本机生成的包经过 ${p.host} 的 OUTPUT（LOCAL_OUT）钩子。`,
  'route-out.unreachable': (p) => `${p.host} 没有到 ${p.dst} 的路由（没有匹配的子网，也没有默认网关）："Network is unreachable"。`,
  'route-out.local': (p) => `${p.dst} 是 ${p.host} 自己的地址（${p.localIface}），包在主机内部环回。`,
  'route-out.unicast': (p) =>
    `${p.host} 查路由：${p.dst} 匹配 "${p.rRouteText}"，包从 ${p.outIface} 发出，${p.viaGateway ? `下一跳是网关 ${p.gateway}` : `直接发往 ${p.dst}（同一链路）`}。`,
  'post.director': (p) => `经过 IPVS 处理后，包经过 ${p.host} 的 POSTROUTING 链，发往真实服务器。`,
  'post.hook': (p) => `包经过 ${p.host} 的 POSTROUTING 链，这是离开 ${p.iface} 之前的最后一个钩子。`,
  'xmit.dr-frame': (p) =>
    `${p.host} 把地址未改动的 IP 包装进新的帧：源 MAC ${p.mac}（自己的），目的 MAC ${p.dstMac}（${p.hasTo ? p.toHost : '?'}）；IP 源 ${p.src}、目的 ${p.dst} 保持不变。`,
  'xmit.frame': (p) => `${p.host} 在 ${p.segment} 上发送帧：${p.mac} → ${p.dstMac}${p.hasTo ? `（${p.toHost}）` : ''}，${p.bytes} 字节。`,
  'xmit.no-such-mac': (p) => `网段上没有 MAC 为 ${p.dstMac} 的接口，帧丢失。`,
  'arrive.frame': (p) => `帧到达 ${p.host} 的 ${p.iface}；目的 MAC 是它自己的，接收该帧。`,
  'pre.director': (p) => `请求进入调度器 ${p.host} 的 PREROUTING 链：源地址 ${p.src}（CIP），目的地址 ${p.dst}（VIP）。`,
  'pre.hook': (p) => `包进入 ${p.host}（${p.iface}）的 PREROUTING 链。`,
  'forward.hook': (p) => `${p.host} 转发该包（ip_forward=1）：TTL ${p.ttlBefore} → ${p.ttlAfter}，经过 FORWARD 链。`,
  'forward.nat-reply-rewrite': (p) =>
    `IPVS 在连接表中找到该连接，在 FORWARD 链把回复的源地址从 ${p.rip}:${p.rport}（RIP）改写为 ${p.vip}:${p.vport}（VIP），客户端看到的就是它访问的地址。`,
  'neigh.unplugged': (p) => `${p.host} 的 ${p.iface} 没有接入任何网段，无法发送。`,
  'neigh.request-announce-leak': (p) =>
    `${p.host} 在 ${p.segName} 上广播“谁是 ${p.nextHop}？请告诉 ${p.sender}”——arp_announce=${p.arpAnnounce} 时它把不在 ${p.iface} 上的地址 ${p.sender} 通告给了网段上的所有主机。`,
  'neigh.request': (p) => `${p.host} 还不知道 ${p.nextHop} 的 MAC，在 ${p.segName} 上广播 ARP 请求：“谁是 ${p.nextHop}？请告诉 ${p.sender}”。`,
  'warn.vip-announced': (p) =>
    `${p.host} 在 ARP 请求中通告了 VIP ${p.vip}（arp_announce=${p.arpAnnounce}）；${p.segName} 上缓存了 VIP 的主机会把它指向 ${p.host}。请设置 arp_announce=2。`,
  'neigh.cache-updated': (p) => `${p.replier} 更新 ARP 缓存：${p.sender} 现在指向 ${p.mac}（${p.host}），而不是 ${p.oldMac}。`,
  'warn.vip-redirected': (p) => `${p.replier} 此后会把发往 VIP 的流量发给 ${p.host}，绕过调度器。`,
  'neigh.silent': (p) => `${p.replier} 在 ${p.holder} 上拥有 ${p.nextHop}，但保持沉默：${p.iface} 的 arp_ignore=${p.arpIgnore}，只应答配置在接收接口上的地址。`,
  'neigh.unanswered': (p) => `${p.segName} 上没有主机应答 ${p.nextHop} 的 ARP（内核重试 3 次后放弃：“No route to host”），包在 ${p.host} 上被丢弃。`,
  'neigh.reply-first': (p) => `${p.replier} 应答：“${p.nextHop} 在 ${p.mac}”${p.race ? `——${p.count} 个应答中最先到达，${p.host} 采用它` : ''}。`,
  'neigh.reply-later': (p) =>
    `${p.replier} 也应答“${p.nextHop} 在 ${p.mac}”（arp_ignore=${p.arpIgnore}）；${p.host} 忽略较晚的应答，但哪台主机胜出取决于竞争。`,
  'warn.arp-race': (p) => `${p.count} 台主机应答了 ${p.nextHop} 的 ARP（${p.hosts.join('、')}）；这次 ${p.winner} 胜出（种子 ${p.seed}）。`,
  'route-in.unreachable': (p) => `${p.host} 没有到 ${p.dst} 的路由，包被丢弃。`,
  'route-in.no-forward': (p) => `${p.dst} 不是 ${p.host} 的地址，而 ${p.host} 不转发（net.ipv4.ip_forward=0）：包被丢弃。`,
  'route-in.martian': (p) => `${p.host} 把该包当作“火星包”丢弃：源地址 ${p.src} 是 ${p.host} 自己的地址，不可能从网络上收到。`,
  'route-in.rp-filter': (p) => `${p.host} 丢弃该包：${p.iface} 上 rp_filter=${p.rpFilter}，而回到 ${p.src} 的路由不从 ${p.iface} 出去。`,
  'route-in.local': (p) => `${p.host} 查路由：${p.dst} 是本机地址（在 ${p.localIface} 上），包交给本机，进入 INPUT。`,
  'route-in.ttl-exceeded': (p) => `在 ${p.host} 上 TTL 减到 0：包被丢弃（ICMP 超时）——是否存在路由环路？`,
  'route-in.forward': (p) => `${p.host} 查路由：${p.dst} 不是本机地址，匹配 "${p.rRouteText}"，${p.host} 将转发它。`,
  'local-in.director': (p) => `目的地址 ${p.dst} 是本机地址，请求进入 INPUT 链（LOCAL_IN），IPVS 挂在这里。`,
  'local-in.hook': (p) => `包到达 ${p.host} 的 LOCAL_IN。`,
  'local-in.no-tunnel': (p) => `${p.host} 收到 IPIP 包（协议号 4），但没有 tunl0 接口：协议不可达，丢弃。`,
  'local-in.decapsulate': (p) => `${p.host} 在 ${p.tunnel} 上剥掉外层 IPIP 头；内层包 ${p.src} → ${p.dst} 像是从 ${p.tunnel} 收到的一样重新进入协议栈。`,
  'local-in.nat-reply-rewrite': (p) => `IPVS 在 LOCAL_IN 把回复的源地址改回 ${p.vip}:${p.vport}（客户端就是本机）。`,
  'ipvs.existing-connection': (p) => `同一个请求再次到达 ${p.host} 上的 IPVS：它找到已有的连接表项，再次转发给 ${p.rsHost}——包在环路中打转。`,
  'ipvs.hash-bucket-unusable': (p) =>
    `${p.scheduler} 调度算法把该客户端哈希到第 ${p.bucket} 个桶，而该桶的真实服务器已静默（权重 0）或过载${p.isDh ? '' : `，没有 ${p.flag} 时内核不会改选其他服务器`}：“no destination available”，ICMP 端口不可达。`,
  'ipvs.service-problem': (p) => `${p.host} 上的 IPVS 无法使用该服务：${p.problem}（ipvsadm 会拒绝这样的配置）。`,
  'ipvs.no-real-server': (p) =>
    `${p.host} 上的 IPVS 匹配到服务 ${p.vip}:${p.port}，但没有任何真实服务器：“no destination available”，客户端收到 ICMP 端口不可达。`,
  'ipvs.all-quiesced': (p) =>
    `${p.scheduler} 调度算法找不到可用的真实服务器（权重都为 0 或超过连接上限）：“no destination available”，客户端收到 ICMP 端口不可达。`,
  'ipvs.chosen-by-hand': (p) =>
    `IPVS 匹配到 ${p.vip}:${p.port}；本次手动选择真实服务器 ${p.rsHost}（${p.rip}）${p.quiesced ? '——它的权重为 0，内核不会为新连接选它' : ''}；创建连接表项。`,
  'ipvs.scheduled': (p) =>
    `IPVS 匹配到虚拟服务 ${p.vip}:${p.port}；${p.scheduler} 调度算法选中 ${p.rsHost}（${p.rip}，${p.method}）${p.reused ? '（来自持久化模板）' : ''}，并记录该连接。`,
  'ipvs.ttl-exceeded': (p) => `请求到达 ${p.host} 的 IPVS 时 TTL 为 ${p.ttl}：IPVS 需要把它减到 0，于是丢弃该包（ICMP 超时）。`,
  'ipvs.nat-rewrite': (p) => `IPVS（NAT）把目的地址 ${p.dst}:${p.dport}（VIP）改写为 ${p.rip}:${p.rport}（RIP）；源地址仍是 ${p.src}（CIP）。`,
  'ipvs.dr-rewrite': (p) => `IPVS（DR）不改地址（${p.src} → ${p.dst}，只有 TTL 减一）；只重新封装帧：源 MAC 为调度器的，目的 MAC 为 ${p.rip} 的。`,
  'ipvs.dr-no-route': (p) => `${p.host} 没有到真实服务器 ${p.rip} 的路由。`,
  'ipvs.dr-localnode': (p) => `${p.rip} 就是调度器自己（LOCALNODE）：请求交给本机服务。`,
  'ipvs.dr-route-on-link': (p) => `IPVS 查到 ${p.rip} 的路由："${p.rRouteText}"——同一链路，帧直接发往真实服务器的 MAC。`,
  'ipvs.dr-route-via-gateway': (p) =>
    `IPVS 通过 "${p.rRouteText}" 路由到 ${p.rip}，但 DR 要求下一跳就是 RIP 本身：它在 ${p.outIface} 上询问 ${p.rip} 的 MAC，而 ${p.rip} 不在那里。`,
  'ipvs.tun-encapsulate': (p) =>
    `IPVS（TUN）给请求再加一层 IP 头（IPIP，协议号 4）：外层源 ${p.outerSrc}（DIP），外层目的 ${p.rip}（RIP）；内层 ${p.src} → ${p.dst} 不变。`,
  'ipvs.unknown-scheduler': (p) =>
    `${p.host} 上没有 ${p.dst}:${p.dport} 的 IPVS 服务：内核没有调度算法“${p.scheduler}”，ipvsadm 拒绝创建该服务。数据包交给 ${p.host} 自己的协议栈，那里没有程序监听，连接被拒绝。`,
  'deliver.no-listener': (p) => `${p.host} 把 ${p.dst} 当作本机地址接收，但没有为该服务在端口 ${p.dport} 上运行服务：回以 TCP RST。`,
  'deliver.request': (p) => `${p.host} 把请求交给端口 ${p.dport} 上的服务：${p.dst} 是它自己的地址${p.hasWhere ? `（在 ${p.whereIface} 上）` : ''}。`,
  'deliver.reply-not-client': (p) => `回复到达 ${p.host}，而它不是客户端：回复发往 ${p.dst}，这是 ${p.host} 的地址。${p.host} 没有这个连接，丢弃它。`,
  'deliver.reply-no-socket': (p) =>
    `${p.host} 收到来自 ${p.src}:${p.sport} 的回复，但它连接的是 ${p.vip}:${p.vport}；没有匹配的套接字，内核回以 RST，请求失败。`,
  'deliver.reply': (p) => `${p.host} 收到来自 ${p.src}:${p.sport} 的回复——正是它访问的地址——连接完成。`,
  'prepare.no-service': (p) => `设计中没有虚拟服务 "${p.service}"。`,
  'prepare.no-client': (p) => `设计中没有主机 "${p.client}"。`,
  'prepare.bad-vip': (p) => `服务 VIP "${p.vip}" 不是合法的 IPv4 地址。`,
  'prepare.client-no-route': (p) => `${p.client} 没有到 ${p.vip} 的路由：它需要 VIP 所在子网的地址或默认网关。`,
  'finish.step-limit': (p) => `模拟在 ${p.steps} 步后停止仍未结束——包可能在环路中循环。`,
  'finish.bypassed-ipvs': (_p) => `客户端得到了回复，但请求从未经过调度器上的 IPVS：真实服务器直接接收了 VIP 的流量，没有负载均衡。`,
  'tcp.segment': (p) => {
    const what = {
      syn: '发起连接（SYN）',
      'syn-ack': '接受连接（SYN-ACK）',
      ack: '完成三次握手（ACK）',
      request: `发送请求，${p.payload} 字节`,
      data: `发送响应中的 ${p.payload} 字节`,
      'data-ack': '确认目前收到的数据',
      fin: '关闭自己这一侧（FIN）',
      'fin-ack': '确认最后一个 FIN',
    }[p.kind];
    const seen = p.directorSees
      ? `调度器看到了这个报文段，其 IPVS 连接项处于 ${p.state}。`
      : `这个报文段直接发往客户端，调度器看不到它，所以连接项仍是 ${p.state}。`;
    return `${p.from} 向 ${p.to} ${what}：标志 ${p.flags}，seq ${p.relSeq}，ack ${p.relAck}。${seen}`;
  },
  'tcp.hop': (p) =>
    `第 ${p.n}/${p.of} 段线路 · ${p.flags}：${p.from}（${p.srcMac}）→ ${p.to}（${p.dstMac}），${p.outerSrc ? `IPIP 外层 ${p.outerSrc} → ${p.outerDst} 包着 ` : ''}${p.src} → ${p.dst}，${p.bytes} 字节（MTU ${p.mtu}）。${
      p.fullSize
        ? `满长报文段在这里需要 ${p.fullSize.needed} 字节：DF 已置位，${p.fullSize.by} 会丢弃它并发送 ICMP“需要分片”（MTU ${p.fullSize.icmpMtu}）；路径 MTU 发现让报文段保持在 MSS ${p.fullSize.mss}。`
        : ''
    }`,
  'tcp.conn-state': (p) =>
    `${p.director} 上的 IPVS 收到 ${p.flags} 后把连接从 ${p.from} 改为 ${p.to}（内核 tcp_states，${p.inputOnly ? 'INPUT_ONLY 表：DR/TUN 中调度器只看到客户端一侧' : 'NAT 表能看到两个方向'}）；该连接项 ${p.timeout} 秒后过期。`,
  'failure.scheduled-dead': (p) =>
    `${p.forced ? `手动选择了 ${p.rsHost}（${p.rip}）` : `${p.scheduler} 调度算法选中 ${p.rsHost}（${p.rip}，${p.method}）`}——但 ${p.rsHost} 已在 ${p.since} 秒前宕机，${
      !p.hasChecker
        ? '而没有任何健康检查，它会一直留在表里'
        : p.detectedAfter === undefined
          ? 'keepalived 还没有发现'
          : `keepalived 要到故障后 ${p.detectedAfter} 秒才${p.inhibit ? '把它的权重设为 0' : '把它移出转发表'}（检测窗口 ${p.min}–${p.max} 秒：delay_loop、connect_timeout、retry、delay_before_retry）`
    }。在此之前它和其他目的服务器一样可被选中；连接条目已创建。`,
  'failure.scheduled-live': (p) =>
    `${p.scheduler} 调度算法选中 ${p.rsHost}（${p.rip}，${p.method}）：keepalived 已在故障后 ${p.since} 秒内${p.inhibit ? `把 ${p.takenOut} 的权重设为 0` : `把 ${p.takenOut} 移出转发表`}，新连接只会去存活的服务器${p.stillIn ? `（${p.stillIn} 已宕机但仍在表中）` : ''}。`,
  'failure.sorry-scheduled': (p) =>
    `所有真实服务器都已移出，quorum 丢失，keepalived 把 sorry server ${p.sorry} 加入转发表：IPVS 把连接发给 ${p.rsHost}（${p.method}），由它返回“稍后再来”页面。`,
  'failure.no-destination': (p) =>
    `${p.host} 上的 IPVS 匹配到 ${p.vip}:${p.port}，但 keepalived ${p.inhibit ? '已把所有真实服务器的权重设为 0' : '已移除所有真实服务器'}，又没有 sorry server：ip_vs_schedule() 找不到目的服务器，ip_vs_leave() 丢弃 SYN 并回送 ICMP 端口不可达（IPVS 没有套接字，发不出 RST）。客户端的 connect() 以“Connection refused”失败。`,
  'failure.sorry-outside': (p) => `quorum 丢失，keepalived 把新连接发往 sorry server ${p.sorry}，但本设计中没有主机拥有这个地址，走查无法跟随数据包过去。`,
  'failure.host-gone': (p) =>
    `${p.sender} 的邻居缓存里还有 ${p.rsHost} 的 MAC（来自之前的流量），所以帧照样发出——但 ${p.rsHost} 已经不在了：没有人接收，也没有 SYN-ACK 返回（现在对 ${p.rip} 的 ARP 也不会有应答）。客户端内核在 1、2、4、8、16、32 秒后重传 SYN（初始 RTO 1 秒，逐次翻倍；tcp_syn_retries=6）；每次重传都命中同一个 IPVS 连接条目${
      !p.hasChecker || p.detectedAfter === undefined
        ? `，而没有任何机制把 ${p.rsHost} 移出，所以全部发往宕机的服务器：connect() 在 ${p.after} 秒后以 ETIMEDOUT 失败。`
        : p.story === 'rescheduled'
          ? `；keepalived 在故障后 ${p.detectedAfter} 秒${p.inhibit ? '把它的权重设为 0' : '移除它'}，第 ${p.retry} 次重传（首个 SYN 之后 ${p.after} 秒）${p.expireNodestConn ? '发现条目指向已移出的服务器：expire_nodest_conn=1 时调度器让条目过期并重新调度这个 SYN' : '到达时条目 60 秒的 SYN_RECV 计时器已经到期（其间调度器丢弃 SYN 且不重置计时器），于是被重新调度'}——客户端连上了，但晚了 ${p.after} 秒。`
          : `；keepalived 在故障后 ${p.detectedAfter} 秒${p.inhibit ? '把它的权重设为 0' : '移除它'}，但${p.inhibit ? '权重为 0 的服务器对已有条目仍是有效目的地' : '调度器丢弃该条目的包且不重置计时器'}${p.expireNodestConn ? '' : '（expire_nodest_conn=0）'}，connect() 在 ${p.after} 秒后以 ETIMEDOUT 失败。`
    }`,
  'failure.rst-sent': (p) =>
    `数据包到达 ${p.rsHost}，但服务已停止：${p.dst}:${p.dport} 上没有监听，${p.rsHost} 的内核立即回应${p.udp ? ' ICMP 端口不可达' : ' TCP RST（复位）'}。`,
  'failure.originate-rst': (p) => `${p.host} 从 ${p.src}:${p.sport} 向 ${p.dst}:${p.dport} 发送 RST，它走正常的回复路径。`,
  'failure.rst-at-client': (p) =>
    `${p.host} 收到来自 ${p.src}:${p.sport} 的 RST：connect() 立即以“Connection refused”（ECONNREFUSED）失败，客户端不会自动重试。${
      !p.hasChecker
        ? `没有健康检查，${p.rsHost} 会继续分到它那一份新连接。`
        : p.detectedAfter === undefined
          ? `keepalived 还没有发现这次故障。`
          : `keepalived 在故障后 ${p.detectedAfter} 秒把 ${p.rsHost} 移出（被拒绝的检查立即失败）；在此之前分给它的新连接都会像这样被拒绝。`
    }`,
  'finish.arp-race-won': (p) =>
    `本次运行中 ${p.winner} 最先应答了 ${p.vip} 的 ARP，所以这个请求碰巧经过了 IPVS。在真实交换机上这些应答是竞争关系：请求方采用最先到达的应答，并在一段时间内（邻居表 locktime）忽略其他应答，所以一部分客户端会直接到达真实服务器而绕过调度器。`,
  'finish.ok': (p) =>
    `LVS-${p.method} 工作正常：${p.client} 访问 ${p.vip}:${p.vport}，由 ${p.rsHost}（${p.rip}）${p.isNat ? '经调度器' : '直接（不经过调度器）'}回复。`,
};
