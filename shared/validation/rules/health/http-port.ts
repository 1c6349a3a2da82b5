import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';
import { effectiveHealthCheck } from '../../../model/health.ts';

/** Well-known ports that never speak HTTP (what an HTTP_GET there would get is not a status line). */
const NOT_HTTP: Readonly<Record<number, string>> = {
  21: 'FTP',
  22: 'SSH',
  23: 'Telnet',
  25: 'SMTP',
  53: 'DNS',
  110: 'POP3',
  143: 'IMAP',
  389: 'LDAP',
  465: 'SMTPS',
  587: 'SMTP submission',
  636: 'LDAPS',
  993: 'IMAPS',
  995: 'POP3S',
  1433: 'SQL Server',
  1521: 'Oracle',
  3306: 'MySQL',
  3389: 'RDP',
  5432: 'PostgreSQL',
  5672: 'AMQP',
  6379: 'Redis',
  11211: 'memcached',
  27017: 'MongoDB',
};

/** An HTTP_GET/SSL_GET aimed at something that does not answer HTTP (or not in that flavour). */
export const httpPort: Rule = {
  id: 'health/http-port',
  severity: 'warning',
  title: 'HTTP health check on a port that does not speak HTTP',
  titleZh: 'HTTP 健康检查指向不使用 HTTP 的端口',
  description:
    '`HTTP_GET` and `SSL_GET` open a TCP connection to the checked port and send a GET for the URL path. On a UDP service, on a well-known non-HTTP port (SSH, SMTP, DNS, MySQL, ...), ' +
    'or with plain HTTP on 443 / TLS on 80, the reply is never the expected status, so keepalived declares every real server down and the service goes dark while the servers are fine. ' +
    'Use `TCP_CHECK` (or `MISC_CHECK` with a protocol-aware script) there, or point the check at the HTTP health port with `connectPort`.',
  example: {
    bad: 'Service db (TCP :3306) has an HTTP_GET check on /health.',
    fix: "Use a TCP_CHECK for db, or set the check's connectPort to the HTTP health port.",
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      for (const r of svc.realServers) {
        const hc = effectiveHealthCheck(svc, r);
        if (!hc || (hc.kind !== 'http' && hc.kind !== 'ssl')) continue;
        const name = hc.kind === 'http' ? 'HTTP_GET' : 'SSL_GET';
        let why: string | undefined;
        let whyZh: string | undefined;
        const explicitPort = r.healthCheck?.connectPort ?? svc.healthCheck?.connectPort;
        if (svc.protocol === 'udp' && explicitPort === undefined) {
          why = 'the service is UDP, and HTTP runs over TCP';
          whyZh = '该服务是 UDP，而 HTTP 运行在 TCP 上';
        } else if (NOT_HTTP[hc.port] !== undefined) {
          why = `port ${hc.port} is ${NOT_HTTP[hc.port]}, not HTTP`;
          whyZh = `端口 ${hc.port} 是 ${NOT_HTTP[hc.port]}，不是 HTTP`;
        } else if (hc.kind === 'http' && hc.port === 443) {
          why = 'port 443 speaks TLS; a plain HTTP_GET gets a TLS alert, not a status line';
          whyZh = '443 端口使用 TLS；普通 HTTP_GET 只会收到 TLS 警报，而不是状态行';
        } else if (hc.kind === 'ssl' && hc.port === 80) {
          why = 'port 80 speaks plain HTTP; SSL_GET fails the TLS handshake';
          whyZh = '80 端口是明文 HTTP；SSL_GET 的 TLS 握手会失败';
        }
        if (why === undefined) continue;
        const better = hc.kind === 'http' && hc.port === 443 ? 'use SSL_GET' : hc.kind === 'ssl' && hc.port === 80 ? 'use HTTP_GET' : 'use TCP_CHECK';
        const betterZh = hc.kind === 'http' && hc.port === 443 ? '改用 SSL_GET' : hc.kind === 'ssl' && hc.port === 80 ? '改用 HTTP_GET' : '改用 TCP_CHECK';
        out.push({
          message: `Service ${serviceLabel(s)} checks real server ${r.rip} with ${name} ${hc.path ?? '/'} on port ${hc.port}, but ${why}: every check fails and keepalived takes the server out although it works.`,
          fix: `In ${serviceName(s)}'s health check, ${better}, or set connectPort to the port where the server answers HTTP.`,
          refs: [svc.id, r.id],
          zh: {
            message: `服务 ${serviceLabel(s)} 用 ${name} ${hc.path ?? '/'} 检查真实服务器 ${r.rip} 的 ${hc.port} 端口，但${whyZh}：每次检查都会失败，keepalived 会把正常工作的服务器移出。`,
            fix: `在 ${serviceName(s)} 的健康检查中${betterZh}，或把 connectPort 设为服务器提供 HTTP 的端口。`,
          },
        });
        break;
      }
    }
    return out;
  },
};
