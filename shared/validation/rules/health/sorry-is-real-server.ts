import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** The sorry server is one of the service's own real servers. */
export const sorryIsRealServer: Rule = {
  id: 'health/sorry-is-real-server',
  severity: 'error',
  title: 'Sorry server is a real server of the same service',
  titleZh: 'sorry server 是同一服务的真实服务器',
  description:
    'keepalived adds the `sorry_server` to the IPVS table when the live real servers no longer reach the quorum. If it is one of the real servers, keepalived tries to add a destination that is already there ' +
    '(the kernel answers "File exists"); keepalived versions have crashed or removed the real server on reload because of it (keepalived PR #1370, issues #490, #2601). ' +
    'And a server that just failed its check is no place to send everyone. Use a separate host (a static "back soon" page) as the sorry server.',
  example: {
    bad: "web's sorry server is 192.168.111.101:80, which is also its real server rs1.",
    fix: 'Point the sorry server at a separate host, e.g. 192.168.111.150:80.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const sorry = s.service.healthCheck?.sorryServer;
      if (!sorry) continue;
      const same = s.service.realServers.find((r) => r.rip === sorry.ip);
      if (!same) continue;
      out.push({
        message: `Service ${serviceLabel(s)} uses ${sorry.ip}:${sorry.port} as its sorry server, but ${sorry.ip} is already its real server ${same.id}: keepalived would add a destination that exists, and the fallback is a server that just failed.`,
        fix: `Set ${serviceName(s)}'s sorry server to a host that is not one of its real servers.`,
        refs: [s.service.id, same.id],
        zh: {
          message: `服务 ${serviceLabel(s)} 把 ${sorry.ip}:${sorry.port} 作为 sorry server，但 ${sorry.ip} 已经是它的真实服务器 ${same.id}：keepalived 会添加一个已存在的目标，而兜底的正是刚刚失败的服务器。`,
          fix: `把 ${serviceName(s)} 的 sorry server 改为不属于其真实服务器的主机。`,
        },
      });
    }
    return out;
  },
};
