import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { hopFixWhat, hopFixWhatZh, hopRole, hopRoleZh, hopWhat, hopWhatZh, nextHopsOf } from './gateway-not-on-link.ts';
import { suggestGateway } from '../../suggest.ts';

/** Somebody on the segment must own the gateway address, and forward. */
export const gatewayUnreachable: Rule = {
  id: 'addr/gateway-unreachable',
  severity: 'error',
  title: 'Nobody owns the gateway address',
  titleZh: '网关地址不属于任何主机',
  description:
    'The gateway must be the address of another host on the same segment, and that host must forward packets (`net.ipv4.ip_forward=1`). ' +
    "If no host on the segment has the address, ARP for it gets no answer and everything sent off the subnet is lost. A gateway that is the host's own address, or a host that does not forward, " +
    'has the same effect (the latter is reported as a warning, because forwarding may be enabled outside the design).',
  example: {
    bad: "rs1's gateway is 192.168.111.1, but no host on `lan` has that address.",
    fix: "Set the gateway to the director's DIP 192.168.111.200, or add the router.",
  },
  check(ctx) {
    const out: Finding[] = [];
    // A NAT director without ip_forward is nat/ip-forward-off's (error) finding; repeating it per host is noise.
    const natDirectors = new Set(ctx.services.filter((s) => s.realServers.some((r) => r.rs.method === 'nat')).map((s) => s.director));
    for (const h of ctx.hosts) {
      for (const hop of nextHopsOf(h)) {
        const f = ctx.onLinkIface(h, hop.address);
        // Not on-link is addr/gateway-not-on-link's finding.
        if (!f) continue;
        if (h.addresses.has(hop.address)) {
          const suggestion = suggestGateway(ctx, h);
          out.push({
            message: `${h.host.name}'s ${hopWhat(hop)} is ${h.host.name}'s own address, so packets for other networks never leave it.`,
            zh: {
              message: `${h.host.name} 的${hopWhatZh(hop)} 是 ${h.host.name} 自己的地址，发往其他网络的数据包永远离不开它。`,
              fix: suggestion ? `把${hopFixWhatZh(h, hop)}设为 ${suggestion}。` : `把${hopFixWhatZh(h, hop)}设为它所在网段上的路由器或调度器的地址。`,
            },
            fix: suggestion
              ? `Set ${hopFixWhat(h, hop)} to ${suggestion}.`
              : `Set ${hopFixWhat(h, hop)} to the address of a router or director on its segment.`,
            refs: [h.host.id],
          });
          continue;
        }
        if (!f.segment) continue;
        const owners = f.segment.owners.get(hop.address);
        if (!owners || owners.length === 0) {
          const suggestion = suggestGateway(ctx, h);
          out.push({
            message: `${h.host.name}'s ${hopWhat(hop)} is not the address of any host on segment ${f.segment.segment.name}; its ARP request gets no answer and everything ${h.host.name} sends off its subnet is lost.`,
            zh: {
              message: `${h.host.name} 的${hopWhatZh(hop)} 不是网段 ${f.segment.segment.name} 上任何主机的地址；它的 ARP 请求得不到应答，${h.host.name} 发往本子网以外的一切都会丢失。`,
              fix: suggestion
                ? `把${hopFixWhatZh(h, hop)}设为 ${suggestion}，或者给 ${f.segment.segment.name} 上的路由器配置地址 ${ip(hop.address)}。`
                : `给 ${f.segment.segment.name} 上的路由器或调度器配置地址 ${ip(hop.address)}，或者修改${hopFixWhatZh(h, hop)}。`,
            },
            fix: suggestion
              ? `Set ${hopFixWhat(h, hop)} to ${suggestion}, or give the router on ${f.segment.segment.name} the address ${ip(hop.address)}.`
              : `Give the router or director on ${f.segment.segment.name} the address ${ip(hop.address)}, or change ${hopFixWhat(h, hop)}.`,
            refs: [h.host.id, f.segment.segment.id],
          });
          continue;
        }
        const owner = owners[0]!.host;
        if (owner.host.sysctl?.ipForward !== true && !natDirectors.has(owner)) {
          out.push({
            severity: 'warning',
            message: `${h.host.name}'s ${hopRole(hop)} ${ip(hop.address)} belongs to ${owner.host.name}, which does not forward packets (ip_forward is off), so anything ${h.host.name} sends through it is dropped.`,
            zh: {
              message: `${h.host.name} 的${hopRoleZh(hop)} ${ip(hop.address)} 属于 ${owner.host.name}，而它不转发数据包（ip_forward 关闭），所以 ${h.host.name} 经它发出的一切都会被丢弃。`,
              fix: `在 ${owner.host.name} 上打开 ip_forward（net.ipv4.ip_forward=1），或者用一台路由器作为 ${h.host.name} 的网关。`,
            },
            fix: `Turn on ip_forward on ${owner.host.name} (net.ipv4.ip_forward=1), or use a router as ${h.host.name}'s gateway.`,
            refs: [h.host.id, owner.host.id],
          });
        }
      }
    }
    return out;
  },
};
