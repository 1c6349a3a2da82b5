import type { Finding, Rule } from '../../rule.ts';
import type { IfaceInfo, ServiceInfo } from '../../context.ts';
import { serviceLabel } from '../../describe.ts';

/** A client that owns the VIP (or is the director) never tests the load balancer. */
export const clientOnDirector: Rule = {
  id: 'general/client-on-director',
  severity: 'warning',
  title: 'Client located on the director',
  description:
    'A connection from a host to an address it owns never leaves the host. A client that is the director (shares its addresses) or holds the VIP itself talks to itself: ' +
    'with DR and TUN the real servers\' replies, sourced from the VIP, are addressed to a host that owns the VIP and are dropped. Test from a separate client host.',
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
              message: `Client ${c.host.name} has the VIP ${s.service.vip} of ${serviceLabel(s)} on ${f.iface.name}; its requests to the VIP are delivered to itself and never reach the load balancer.`,
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
        out.push({
          message: `Client ${c.host.name} has the address of director ${other.host.host.name} (${other.iface.name}), i.e. it is the director; a client on the director cannot reach the VIP through IPVS the way a real client would.`,
          fix: `Give ${c.host.name} its own address, or test from a separate client host.`,
          refs: [c.host.id, other.host.host.id],
        });
        break;
      }
    }
    return out;
  },
};
