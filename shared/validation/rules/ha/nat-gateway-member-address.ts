import type { Finding, Rule } from '../../rule.ts';
import { groupAddresses, groupLabel, groupLabelZh, memberName, staticAddresses } from '../../ha.ts';
import { serviceLabel } from '../../describe.ts';
import { parseIPv4Fast } from '../../context.ts';

/** NAT real servers must route replies through an address that moves with mastership. */
export const natGatewayMemberAddress: Rule = {
  id: 'ha/nat-gateway-member-address',
  severity: 'error',
  title: "NAT real server's gateway is one member's own address, not a VRRP-held DIP",
  titleZh: 'NAT 真实服务器的网关是某个成员自己的地址，而不是由 VRRP 持有的 DIP',
  description:
    "In NAT the replies must go back through the director that holds the connection, which after a failover is the other member. A gateway set to one member's own address keeps sending replies to it: when it is down they are lost, when it is backup it has no connection entry and drops or mangles them. " +
    "Put the DIP in the group's virtual_ipaddress (on the real servers' side) and make it the real servers' gateway, so it moves with the VIP.",
  example: {
    bad: "rs1's gateway is 192.168.111.201, lvs1's own eth1 address.",
    fix: "Add 192.168.111.200/24 dev eth1 to the group's virtual addresses and set rs1's gateway to 192.168.111.200.",
  },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    for (const s of ctx.services) {
      const g = s.group;
      if (!g) continue;
      const held = new Set(groupAddresses(g));
      for (const r of s.realServers) {
        const h = r.host;
        if (!h || r.rs.method !== 'nat' || done.has(h.host.id)) continue;
        const gw = h.host.gateway;
        if (gw === undefined || held.has(gw)) continue;
        const m = g.members.find((x) => ctx.topology.hosts.find((y) => y.id === x.host)?.interfaces.some((f) => staticAddresses(ctx, x, f.name).includes(gw)));
        if (!m) continue;
        done.add(h.host.id);
        const who = memberName(ctx, m);
        const dip = g.virtualAddresses.find((a) => {
          const v = parseIPv4Fast(a.address.split('/')[0]!);
          return v !== null && ctx.onLinkIface(h, v) !== undefined;
        });
        out.push({
          message: `${h.host.name} (NAT real server of ${serviceLabel(s)}) uses ${gw}, ${who}'s own address, as its gateway; after a failover to another member of ${groupLabel(g)} the replies still go to ${who}, which no longer has the connections, so they are lost.`,
          fix: dip
            ? `Set ${h.host.name}'s gateway to ${dip.address.split('/')[0]}, the DIP the group holds.`
            : `Add a DIP on the real servers' segment to the virtual addresses of ${g.name} (e.g. an unused address with dev on that side) and make it ${h.host.name}'s gateway.`,
          refs: [h.host.id, m.host, g.id, r.rs.id],
          zh: {
            message: `${h.host.name}（${serviceLabel(s)} 的 NAT 真实服务器）把 ${who} 自己的地址 ${gw} 作为网关；切换到 ${groupLabelZh(g)} 的其他成员后，回复仍然发往 ${who}，而它已没有这些连接，回复就丢失了。`,
            fix: dip
              ? `把 ${h.host.name} 的网关设为组持有的 DIP ${dip.address.split('/')[0]}。`
              : `在 ${g.name} 的虚拟地址中添加一个位于真实服务器网段的 DIP（该侧未使用的地址），并把它设为 ${h.host.name} 的网关。`,
          },
        });
      }
    }
    return out;
  },
};
