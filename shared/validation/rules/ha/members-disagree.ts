import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';

const addrList = (list: readonly { address: string }[]): string => list.map((a) => a.address).join(', ') || 'none';

/** Members of one VRRP instance must agree on vrid, advert_int, authentication and the virtual addresses. */
export const membersDisagree: Rule = {
  id: 'ha/members-disagree',
  severity: 'error',
  title: 'Members of an HA group disagree on vrid, advert_int, authentication or virtual addresses',
  titleZh: 'HA 组成员的 vrid、advert_int、认证或虚拟地址不一致',
  description:
    'A backup only accepts adverts that carry its own virtual_router_id, advert interval and password; anything else is dropped (keepalived logs "received VRID mismatch" or "auth failure"), ' +
    'so the backup hears no master and becomes master too: split brain, the VIP on both directors. Different virtual_ipaddress lists mean the VIPs a client uses depend on which director is master.',
  example: { bad: "lvs1's keepalived.conf says virtual_router_id 51, lvs2's says 52.", fix: 'Use virtual_router_id 51 on both.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      for (const m of g.members) {
        const d = m.differs;
        if (!d) continue;
        const who = memberName(ctx, m);
        if (d.vrid !== undefined && d.vrid !== g.vrid) {
          out.push({
            message: `${who} uses virtual_router_id ${d.vrid} in ${groupLabel(g)}; the other members use ${g.vrid}. They drop each other's adverts, both become MASTER and the VIP is on both (split brain).`,
            fix: `Set virtual_router_id ${g.vrid} on ${who}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 在 ${groupLabelZh(g)} 中使用 virtual_router_id ${d.vrid}，其他成员使用 ${g.vrid}。双方丢弃对方的通告，都成为 MASTER，VIP 同时出现在两台机器上（脑裂）。`,
              fix: `在 ${who} 上设置 virtual_router_id ${g.vrid}。`,
            },
          });
        }
        if (d.advertInt !== undefined && d.advertInt !== (g.advertInt ?? 1)) {
          out.push({
            message: `${who} uses advert_int ${d.advertInt} in ${groupLabel(g)}; the others use ${g.advertInt ?? 1}. VRRPv2 drops adverts with another interval, so the members cannot see each other (split brain).`,
            fix: `Set advert_int ${g.advertInt ?? 1} on ${who}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 在 ${groupLabelZh(g)} 中使用 advert_int ${d.advertInt}，其他成员使用 ${g.advertInt ?? 1}。VRRPv2 丢弃间隔不同的通告，成员之间互相看不到（脑裂）。`,
              fix: `在 ${who} 上设置 advert_int ${g.advertInt ?? 1}。`,
            },
          });
        }
        if (d.authentication !== undefined && (d.authentication?.pass.slice(0, 8) ?? null) !== (g.authentication?.pass.slice(0, 8) ?? null)) {
          const mine = d.authentication ? 'a different auth_pass' : 'no authentication';
          out.push({
            message: `${who} has ${mine} in ${groupLabel(g)}; the others ${g.authentication ? 'use auth_pass' : 'use none'}. Adverts fail the check ("auth failure"), each side sees no master and both take the VIP.`,
            fix: g.authentication
              ? `Give ${who} the same authentication block (auth_type PASS, the same first 8 characters of auth_pass).`
              : `Remove the authentication block from ${who}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 在 ${groupLabelZh(g)} 中${d.authentication ? '使用不同的 auth_pass' : '没有配置认证'}，其他成员${g.authentication ? '使用 auth_pass' : '没有认证'}。通告认证失败，双方都看不到 MASTER，都接管 VIP。`,
              fix: g.authentication
                ? `给 ${who} 配置相同的 authentication 块（auth_type PASS，auth_pass 前 8 个字符相同）。`
                : `删除 ${who} 上的 authentication 块。`,
            },
          });
        }
        if (d.virtualAddresses !== undefined) {
          const a = new Set(d.virtualAddresses.map((x) => x.address));
          const b = new Set(g.virtualAddresses.map((x) => x.address));
          if (a.size !== b.size || [...a].some((x) => !b.has(x))) {
            out.push({
              message: `${who} lists virtual_ipaddress ${addrList(d.virtualAddresses)} in ${groupLabel(g)}; the others list ${addrList(g.virtualAddresses)}. Which addresses answer depends on which director is master.`,
              fix: `Give ${who} the same virtual_ipaddress block: ${addrList(g.virtualAddresses)}.`,
              refs: [g.id, m.host],
              zh: {
                message: `${who} 在 ${groupLabelZh(g)} 中的 virtual_ipaddress 是 ${addrList(d.virtualAddresses)}，其他成员是 ${addrList(g.virtualAddresses)}。哪些地址可用取决于谁是 MASTER。`,
                fix: `让 ${who} 使用相同的 virtual_ipaddress：${addrList(g.virtualAddresses)}。`,
              },
            });
          }
        }
      }
    }
    return out;
  },
};
