import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, memberName } from '../../ha.ts';
import { serviceLabel } from '../../describe.ts';

/** A member of an HA group that is also a real server of the group's service loops packets. */
export const directorIsRealServer: Rule = {
  id: 'ha/director-is-real-server',
  severity: 'error',
  title: "A member of an HA group is also a real server of the group's service",
  titleZh: 'HA 组成员同时是该组服务的真实服务器',
  description:
    "Both members carry the virtual service in their IPVS tables (keepalived programs it on the backup too). When the master forwards a request to the backup as a real server, the backup's IPVS catches it again and balances it back — the packet ping-pongs between the directors until the connection times out. " +
    'Running the real service on the directors needs a firewall mark service that only matches on the master, which this design does not express; the plain fix is separate real servers.',
  example: {
    bad: 'Service web of pair VI_1 (lvs1, lvs2) has lvs2 as a real server.',
    fix: 'Remove lvs2 from the real servers of web, or take it out of the pair.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const g = s.group;
      if (!g) continue;
      for (const r of s.realServers) {
        const m = g.members.find((x) => x.host === r.rs.host);
        if (!m) continue;
        const who = memberName(ctx, m);
        out.push({
          message: `${who} is a member of ${groupLabel(g)} and also a real server of its service ${serviceLabel(s)}; the master forwards requests to ${who}, whose own IPVS table balances them again, so they loop between the directors.`,
          fix: `Remove ${who} from the real servers of ${s.service.name ?? s.service.id} (use a separate real server), or take it out of ${g.name}.`,
          refs: [r.rs.id, m.host, g.id, s.service.id],
          zh: {
            message: `${who} 是 ${groupLabelZh(g)} 的成员，同时又是其服务 ${serviceLabel(s)} 的真实服务器；MASTER 把请求转发给 ${who}，而 ${who} 自己的 IPVS 表又会再次调度它们，报文在两台 director 之间来回循环。`,
            fix: `把 ${who} 从 ${s.service.name ?? s.service.id} 的真实服务器中删除（使用单独的真实服务器），或把它移出 ${g.name}。`,
          },
        });
      }
    }
    return out;
  },
};
