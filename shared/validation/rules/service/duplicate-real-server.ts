import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A service cannot list the same rip:port twice. */
export const duplicateRealServer: Rule = {
  id: 'service/duplicate-real-server',
  severity: 'error',
  title: 'Same real server twice in one service',
  description:
    'IPVS identifies a real server of a service by its address and port. Adding the same RIP:port a second time fails with "Destination already exists", so the configuration stops half-applied.',
  example: { bad: 'web lists 192.168.111.101:80 twice.', fix: 'Remove the second entry (raise the first one\'s weight instead).' },
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
          fix: `Remove the second ${r.rs.rip}:${r.rs.port} from ${serviceName(s)}; to send it more traffic, raise its weight.`,
          refs: [r.rs.id, first, s.service.id],
        });
      }
    }
    return out;
  },
};
