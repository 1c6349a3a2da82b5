import type { Finding, Rule } from '../../rule.ts';
import { methodLabel, serviceLabel } from '../../describe.ts';

/** One service, one forwarding method. */
export const mixedMethods: Rule = {
  id: 'general/mixed-methods',
  severity: 'warning',
  title: 'Forwarding methods mixed inside one service',
  titleZh: '同一服务中混用了转发方式',
  description:
    'IPVS allows a different forwarding method per real server, but NAT, DR and TUN need opposite host settings (NAT: gateway = director; DR/TUN: VIP on lo/tunl0, ARP suppressed, gateway = a router). ' +
    "Mixing them in one service is nearly always a mistake — like the seed article's DR design where the real servers were added with `-m` (NAT).",
  example: { bad: 'Service web has rs1 with DR (-g) and rs2 with NAT (-m).', fix: 'Use DR for both (and configure rs2 like rs1).' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const methods = [...new Set(s.realServers.map((r) => r.rs.method))];
      if (methods.length < 2) continue;
      const counts = methods.map((m) => ({ m, n: s.realServers.filter((r) => r.rs.method === m).length })).sort((a, b) => b.n - a.n);
      const main = counts[0]!.m;
      const odd = s.realServers.filter((r) => r.rs.method !== main);
      out.push({
        message: `Service ${serviceLabel(s)} mixes forwarding methods: ${counts.map((c) => `${c.n} × ${methodLabel(c.m)}`).join(', ')}. Each method needs different real server settings, so some of them are almost certainly misconfigured.`,
        zh: {
          message: `服务 ${serviceLabel(s)} 混用了转发方式：${counts.map((c) => `${c.n} × ${methodLabel(c.m)}`).join('、')}。每种方式要求真实服务器做不同的设置，所以其中一些几乎肯定配置错了。`,
          fix: `让 ${odd
            .slice(0, 3)
            .map((r) => r.host?.host.name ?? r.rs.host)
            .join('、')}${odd.length > 3 ? ' 等' : ''} 也使用 ${methodLabel(main)}。`,
        },
        fix: `Use ${methodLabel(main)} for ${odd
          .slice(0, 3)
          .map((r) => r.host?.host.name ?? r.rs.host)
          .join(', ')}${odd.length > 3 ? ' and the others' : ''} too.`,
        refs: [s.service.id, ...odd.map((r) => r.rs.id)],
      });
    }
    return out;
  },
};
