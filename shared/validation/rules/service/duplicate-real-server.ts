import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A service cannot list the same rip:port twice. */
export const duplicateRealServer: Rule = {
  id: 'service/duplicate-real-server',
  severity: 'error',
  title: 'Same real server twice in one service',
  titleZh: '同一服务中同一真实服务器出现两次',
  description:
    'IPVS identifies a real server of a service by its address and port. Adding the same RIP:port a second time fails with "Destination already exists", so the configuration stops half-applied.',
  example: { bad: 'web lists 192.168.111.101:80 twice.', fix: "Remove the second entry (raise the first one's weight instead)." },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const seen = new Map<string, string>();
      for (const r of s.realServers) {
        const key = `${r.rip ?? r.rs.rip}:${r.rs.port}`;
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, r.rs.id);
          continue;
        }
        out.push({
          message: `Service ${serviceLabel(s)} lists the real server ${r.rs.rip}:${r.rs.port} twice; ipvsadm refuses the second one ("Destination already exists").`,
          zh: {
            message: `服务 ${serviceLabel(s)} 把真实服务器 ${r.rs.rip}:${r.rs.port} 列了两次；ipvsadm 会拒绝第二个（"Destination already exists"）。`,
            fix: `从 ${serviceName(s)} 中删除第二个 ${r.rs.rip}:${r.rs.port}；想给它更多流量，就提高它的权重。`,
          },
          fix: `Remove the second ${r.rs.rip}:${r.rs.port} from ${serviceName(s)}; to send it more traffic, raise its weight.`,
          refs: [r.rs.id, first, s.service.id],
        });
      }
    }
    return out;
  },
};
