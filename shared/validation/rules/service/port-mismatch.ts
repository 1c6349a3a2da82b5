import type { Finding, Rule } from '../../rule.ts';
import { methodLabel, serviceLabel } from '../../describe.ts';

/** DR and TUN cannot change the destination port. */
export const portMismatch: Rule = {
  id: 'service/port-mismatch',
  severity: 'error',
  title: 'DR/TUN real server on another port than the VIP',
  titleZh: 'DR/TUN 真实服务器的端口与 VIP 不同',
  description:
    "In DR the director only rewrites the destination MAC, and in TUN it wraps the packet in an IPIP header: the TCP/UDP header is never touched, so the real server receives the request on the VIP's port. " +
    'ipvsadm silently forces the real server port to the service port for `-g` and `-i`, so a different port in the design is not what gets deployed. Only NAT can map ports (80 → 8080). Firewall-mark services are exempt.',
  example: { bad: 'web (VIP port 80) has rs1:8080 with DR.', fix: 'Make rs1 listen on 80 and set its port to 80, or use NAT.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      if (s.service.protocol === 'fwmark' || s.service.port === 0) continue;
      for (const r of s.realServers) {
        if (r.rs.method === 'nat' || r.rs.port === s.service.port) continue;
        const name = r.host?.host.name ?? r.rs.host;
        out.push({
          message: `Real server ${name} of ${serviceLabel(s)} uses port ${r.rs.port} with ${methodLabel(r.rs.method)}, but ${r.rs.method.toUpperCase()} cannot change ports: requests arrive on port ${s.service.port}, and ipvsadm forces the real server port to ${s.service.port}.`,
          zh: {
            message: `${serviceLabel(s)} 的真实服务器 ${name} 以 ${methodLabel(r.rs.method)} 方式使用端口 ${r.rs.port}，但 ${r.rs.method.toUpperCase()} 不能改端口：请求到达的是端口 ${s.service.port}，ipvsadm 会把真实服务器端口强制设为 ${s.service.port}。`,
            fix: `让 ${name} 监听端口 ${s.service.port} 并把它的端口设为 ${s.service.port}，或者改用 NAT（-m）做端口映射。`,
          },
          fix: `Make ${name} listen on port ${s.service.port} and set its port to ${s.service.port}, or use NAT (-m) for port mapping.`,
          refs: [r.rs.id, r.rs.host, s.service.id],
        });
      }
    }
    return out;
  },
};
