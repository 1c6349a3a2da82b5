import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** inhibit_on_failure on a persistent service: what happens to the clients of a failed server. */
export const inhibitPersistence: Rule = {
  id: 'health/inhibit-persistence',
  severity: 'info',
  title: 'inhibit_on_failure with persistence keeps clients on the failed server',
  titleZh: 'inhibit_on_failure 与持久连接同时使用会让客户端留在故障服务器上',
  description:
    "With `inhibit_on_failure` keepalived does not remove a failed real server, it sets its weight to 0. The scheduler then picks it for no new client — but a persistent service (`-p`) first looks up the client's " +
    'persistence template, and a template pointing at a weight-0 ("quiescent") server is still used until it expires (the persistence timeout, renewed by every new connection). ' +
    'Clients that were on the failed server keep being sent there. The kernel drops such templates at once only with `net.ipv4.vs.expire_quiescent_template = 1`; ' +
    'existing connections to it die only with `net.ipv4.vs.expire_nodest_conn = 1` (for removed servers).',
  example: {
    bad: 'web is persistent (300 s) and its health check has inhibit_on_failure.',
    fix: 'Set net.ipv4.vs.expire_quiescent_template = 1 on the director, or drop inhibit_on_failure so a failed server is removed.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      const p = svc.persistence;
      if (!p || !svc.healthCheck) continue;
      const inhibited = svc.realServers.some((r) => (r.healthCheck?.inhibitOnFailure ?? svc.healthCheck?.inhibitOnFailure) === true);
      if (!inhibited) continue;
      const director = s.director?.host.name ?? svc.director;
      out.push({
        message: `Service ${serviceLabel(s)} is persistent (${p.timeout} s) and sets a failed real server's weight to 0 (inhibit_on_failure): clients with a persistence template for it keep being sent to the dead server for up to ${p.timeout} s after their last connection.`,
        fix: `Set net.ipv4.vs.expire_quiescent_template = 1 on ${director}, or remove inhibit_on_failure from ${serviceName(s)} so a failed server is taken out of the table.`,
        refs: [svc.id],
        zh: {
          message: `服务 ${serviceLabel(s)} 启用了持久连接（${p.timeout} 秒），且故障真实服务器的权重会被设为 0（inhibit_on_failure）：持有该服务器持久模板的客户端，在最后一次连接后最多 ${p.timeout} 秒内仍会被送到这台宕机的服务器。`,
          fix: `在 ${director} 上设置 net.ipv4.vs.expire_quiescent_template = 1，或去掉 ${serviceName(s)} 的 inhibit_on_failure，让故障服务器被移出转发表。`,
        },
      });
    }
    return out;
  },
};
