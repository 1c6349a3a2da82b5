import type { Finding, Rule } from '../rule.ts';
import { serviceLabel } from '../describe.ts';

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
    const reported = new Set<string>();
    for (const s of ctx.services) {
      if (s.vip === null) continue;
      for (const f of ctx.owners.get(s.vip) ?? []) {
        const c = f.host;
        if (c.host.role !== 'client') continue;
        reported.add(c.host.id);
        out.push({
          message: `Client ${c.host.name} has the VIP ${s.service.vip} of ${serviceLabel(s)} on ${f.iface.name}; its requests to the VIP are delivered to itself and never reach the load balancer.`,
          fix: `Remove ${s.service.vip} from ${c.host.name}'s ${f.iface.name}, and test the service from a separate client.`,
          refs: [c.host.id, f.iface.id, s.service.id],
        });
      }
    }
    const directors = new Set(ctx.services.map((s) => s.director).filter((d) => d !== undefined));
    for (const c of ctx.clients) {
      if (reported.has(c.host.id)) continue;
      for (const a of c.addresses) {
        const other = (ctx.owners.get(a) ?? []).find((f) => f.host !== c && directors.has(f.host) && f.iface.kind === 'ethernet');
        if (!other) continue;
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
