import type { Finding, Rule } from '../../rule.ts';
import type { IfaceInfo, ServiceInfo } from '../../context.ts';
import { serviceLabel } from '../../describe.ts';

/** A client that owns the VIP (or is the director) never tests the load balancer. */
export const clientOnDirector: Rule = {
  id: 'general/client-on-director',
  severity: 'warning',
  title: 'Client located on the director',
  titleZh: '客户端就在调度器上',
  description:
    'A connection from a host to an address it owns never leaves the host. A client that is the director (shares its addresses) or holds the VIP itself talks to itself: ' +
    "with DR and TUN the real servers' replies, sourced from the VIP, are addressed to a host that owns the VIP and are dropped. Test from a separate client host. " +
    'An error when the client holds the VIP or sits on a DR/TUN director (the request never works), a warning on a NAT director (it answers, but does not test what real clients see).',
  example: { bad: 'The client host has the VIP 172.16.111.123 on its eth0.', fix: 'Remove the VIP from the client and test from another machine.' },
  check(ctx) {
    const out: Finding[] = [];
    const byVip = new Map<number, ServiceInfo[]>();
    for (const s of ctx.services) {
      if (s.vip === null) continue;
      const list = byVip.get(s.vip);
      if (list) list.push(s);
      else byVip.set(s.vip, [s]);
    }
    // Ethernet addresses of the hosts that direct a service: a client holding one of them is that director.
    const directorAddresses = new Map<number, IfaceInfo>();
    for (const s of ctx.services) {
      for (const f of s.director?.ifaces ?? []) {
        if (f.iface.kind !== 'ethernet') continue;
        for (const a of f.addresses) if (a.cidr && !directorAddresses.has(a.cidr.value)) directorAddresses.set(a.cidr.value, f);
      }
    }
    for (const c of ctx.clients) {
      let reported = false;
      for (const f of c.ifaces) {
        for (const a of f.addresses) {
          for (const s of (a.cidr && byVip.get(a.cidr.value)) || []) {
            reported = true;
            out.push({
              // Its requests never reach IPVS: the walk from it is broken, so this is an error.
              severity: 'error',
              message: `Client ${c.host.name} has the VIP ${s.service.vip} of ${serviceLabel(s)} on ${f.iface.name}; its requests to the VIP are delivered to itself and never reach the load balancer.`,
              zh: {
                message: `客户端 ${c.host.name} 的 ${f.iface.name} 上配置了 ${serviceLabel(s)} 的 VIP ${s.service.vip}；它发往 VIP 的请求交给了自己，永远到不了负载均衡器。`,
                fix: `从 ${c.host.name} 的 ${f.iface.name} 上删除 ${s.service.vip}，并从另一台独立的客户端测试该服务。`,
              },
              fix: `Remove ${s.service.vip} from ${c.host.name}'s ${f.iface.name}, and test the service from a separate client.`,
              refs: [c.host.id, f.iface.id, s.service.id],
            });
          }
        }
      }
      if (reported) continue;
      for (const a of c.addresses) {
        const other = directorAddresses.get(a);
        if (!other || other.host === c) continue;
        // NAT still answers a client on the director; DR and TUN replies, sourced from the VIP, are
        // dropped there as martians (the walk breaks), so those make it an error.
        const directs = ctx.services.filter((s) => s.director === other.host);
        const broken = directs.some((s) => s.realServers.some((r) => r.rs.method !== 'nat'));
        out.push({
          ...(broken ? { severity: 'error' as const } : {}),
          message: `Client ${c.host.name} has the address of director ${other.host.host.name} (${other.iface.name}), i.e. it is the director; a client on the director cannot reach the VIP through IPVS the way a real client would.`,
          zh: {
            message: `客户端 ${c.host.name} 拥有调度器 ${other.host.host.name}（${other.iface.name}）的地址，也就是说它就是调度器；调度器上的客户端无法像真正的客户端那样经 IPVS 访问 VIP。`,
            fix: `给 ${c.host.name} 它自己的地址，或者从一台独立的客户端主机测试。`,
          },
          fix: `Give ${c.host.name} its own address, or test from a separate client host.`,
          refs: [c.host.id, other.host.host.id],
        });
        break;
      }
    }
    return out;
  },
};
