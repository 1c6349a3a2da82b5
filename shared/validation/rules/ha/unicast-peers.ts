import type { Finding, Rule } from '../../rule.ts';
import { advertSource, groupLabel, groupLabelZh, groupsOf, memberName, staticAddresses } from '../../ha.ts';

/** Unicast VRRP only works when every member sends to every other member. */
export const unicastPeers: Rule = {
  id: 'ha/unicast-peers',
  severity: 'error',
  title: 'Unicast peers missing, one-sided or mixed with multicast',
  titleZh: '单播 peer 缺失、不对称或与组播混用',
  description:
    'With unicast_peer a member sends its adverts only to the listed addresses. A member that is not listed by the master never hears it and becomes master too (split brain); a member left on multicast while the others use unicast hears nobody. ' +
    "unicast_src_ip must be an address of the VRRP interface, and the peers list the other members' source addresses.",
  example: {
    bad: 'lvs1 lists unicast_peer 10.0.0.2, lvs2 has no unicast_peer (multicast).',
    fix: 'Give lvs2 unicast_src_ip 10.0.0.2 and unicast_peer 10.0.0.1.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const unicast = g.members.filter((m) => m.unicastPeers !== undefined);
      if (unicast.length === 0) continue;
      for (const m of g.members) {
        const who = memberName(ctx, m);
        if (m.unicastPeers === undefined) {
          out.push({
            message: `In ${groupLabel(g)}, ${who} uses multicast while ${unicast.map((u) => memberName(ctx, u)).join(', ')} use unicast peers; the two kinds of member never hear each other and each side makes itself master (split brain).`,
            fix: `Give ${who} unicast_src_ip and unicast_peer entries for the other members (or remove unicast from all).`,
            refs: [g.id, m.host],
            zh: {
              message: `在 ${groupLabelZh(g)} 中，${who} 使用组播，而 ${unicast.map((u) => memberName(ctx, u)).join('、')} 使用单播 peer；两边永远收不到对方的通告，各自成为 MASTER（脑裂）。`,
              fix: `给 ${who} 配置 unicast_src_ip 和指向其他成员的 unicast_peer（或者所有成员都不用单播）。`,
            },
          });
          continue;
        }
        if (m.unicastSrcIp !== undefined && !staticAddresses(ctx, m).includes(m.unicastSrcIp)) {
          out.push({
            message: `${who}'s unicast_src_ip ${m.unicastSrcIp} is not an address of its VRRP interface ${m.interface}; its adverts leave with a source the peers do not expect, or not at all.`,
            fix: `Set unicast_src_ip to ${staticAddresses(ctx, m)[0] ?? `an address of ${m.interface}`}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 的 unicast_src_ip ${m.unicastSrcIp} 不是其 VRRP 接口 ${m.interface} 的地址；它发出的通告源地址与对端预期不符，或根本发不出去。`,
              fix: `把 unicast_src_ip 设为 ${staticAddresses(ctx, m)[0] ?? `${m.interface} 上的地址`}。`,
            },
          });
        }
        for (const o of g.members) {
          if (o === m) continue;
          const src = advertSource(ctx, o);
          if (src === undefined || m.unicastPeers.includes(src)) continue;
          const other = memberName(ctx, o);
          out.push({
            message: `In ${groupLabel(g)}, ${who} does not list ${other} (${src}) as a unicast_peer, so ${other} never receives ${who}'s adverts and takes the VIP while ${who} still holds it (split brain).`,
            fix: `Add unicast_peer ${src} on ${who}.`,
            refs: [g.id, m.host, o.host],
            zh: {
              message: `在 ${groupLabelZh(g)} 中，${who} 没有把 ${other}（${src}）列为 unicast_peer，${other} 收不到 ${who} 的通告，会在 ${who} 仍持有 VIP 时接管它（脑裂）。`,
              fix: `在 ${who} 上添加 unicast_peer ${src}。`,
            },
          });
        }
        const known = new Set(g.members.filter((o) => o !== m).map((o) => advertSource(ctx, o)));
        for (const p of m.unicastPeers) {
          if (known.has(p)) continue;
          out.push({
            severity: 'warning',
            message: `${who} sends adverts of ${groupLabel(g)} to unicast_peer ${p}, which is not the source address of any other member.`,
            fix: `Remove unicast_peer ${p} from ${who}, or make it the unicast_src_ip of the member it stands for.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 把 ${groupLabelZh(g)} 的通告发给 unicast_peer ${p}，但它不是任何其他成员的源地址。`,
              fix: `从 ${who} 删除 unicast_peer ${p}，或把它设为对应成员的 unicast_src_ip。`,
            },
          });
        }
      }
    }
    return out;
  },
};
