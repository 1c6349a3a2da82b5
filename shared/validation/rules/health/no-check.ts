import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** A service that will run on real hosts but has nothing that notices a dead real server. */
export const noCheck: Rule = {
  id: 'health/no-check',
  severity: 'info',
  title: 'Production service without a health check',
  titleZh: '生产服务没有健康检查',
  description:
    'IPVS itself never notices that a real server died: without a health check the scheduler keeps sending a share of new connections to it, and those clients see timeouts or resets. ' +
    'keepalived runs a checker (`TCP_CHECK`, `HTTP_GET`, `SSL_GET`, `MISC_CHECK`) per real server and removes a failed one from the table (or sets its weight to 0). ' +
    'The rule looks at services that are meant for real hosts: their director has an SSH deploy target, or another service of the same director is already checked, and they have at least two real servers to fail over between.',
  example: {
    bad: 'Service web on a director with an SSH target has two real servers and no health check.',
    fix: 'Add an HTTP_GET check on `/` (or a TCP_CHECK) to web.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      if (svc.healthCheck || svc.realServers.length < 2 || !s.director) continue;
      const director = s.director.host;
      const production = director.ssh !== undefined || ctx.topology.services.some((o) => o.director === director.id && o.healthCheck !== undefined);
      if (!production) continue;
      const kind =
        svc.port === 80 || svc.port === 8080 ? 'an HTTP_GET check on a health URL' : svc.port === 443 ? 'an SSL_GET check on a health URL' : 'a TCP_CHECK';
      const kindZh =
        svc.port === 80 || svc.port === 8080 ? '对健康检查 URL 的 HTTP_GET 检查' : svc.port === 443 ? '对健康检查 URL 的 SSL_GET 检查' : 'TCP_CHECK';
      out.push({
        message: `Service ${serviceLabel(s)} on ${director.name} has ${svc.realServers.length} real servers but no health check: when one dies, IPVS keeps scheduling new connections to it.`,
        fix: `Give ${serviceName(s)} ${kind}, so keepalived takes a dead real server out of the table.`,
        refs: [svc.id, director.id],
        zh: {
          message: `${director.name} 上的服务 ${serviceLabel(s)} 有 ${svc.realServers.length} 台真实服务器，但没有健康检查：某台宕机后，IPVS 仍会把新连接调度给它。`,
          fix: `为 ${serviceName(s)} 添加${kindZh}，让 keepalived 把宕机的真实服务器移出转发表。`,
        },
      });
    }
    return out;
  },
};
