import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A service's director should have the director role. */
export const directorRole: Rule = {
  id: 'general/director-role',
  severity: 'warning',
  title: 'Service owned by a host that is not a director',
  titleZh: '服务所属的主机不是调度器',
  description:
    'The role decides how LVS Designer draws, simulates and deploys a host: only directors get ipvsadm/keepalived configuration. A service owned by a client, router or real server is usually a wrong pick in the director field.',
  example: { bad: 'Service web names rs1 (role real-server) as its director.', fix: "Pick the director host, or change the host's role to director." },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const d = s.director;
      if (!d || d.host.role === 'director') continue;
      out.push({
        message: `Service ${serviceLabel(s)} is owned by ${d.host.name}, whose role is ${d.host.role}, not director.`,
        zh: {
          message: `服务 ${serviceLabel(s)} 属于 ${d.host.name}，而它的角色是 ${d.host.role}，不是调度器（director）。`,
          fix: `把 ${d.host.name} 的角色改为调度器，或者为 ${serviceName(s)} 选择调度器主机。`,
        },
        fix: `Change ${d.host.name}'s role to director, or choose the director host for ${serviceName(s)}.`,
        refs: [s.service.id, d.host.id],
      });
    }
    return out;
  },
};
