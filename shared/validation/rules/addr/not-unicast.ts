import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { serviceName } from '../../describe.ts';

/** Why `v` cannot be a host's unicast address, or null when it can. */
export function notUnicast(v: number): string | null {
  if (v === 0) return '0.0.0.0 means "any address", not a host';
  if (v >>> 24 === 127) return 'it is in the loopback range 127.0.0.0/8, which never leaves a host';
  if (v >>> 24 === 0) return 'it is in 0.0.0.0/8 ("this network"), which cannot be used as an address';
  if (v === 0xffffffff) return '255.255.255.255 is the limited broadcast address';
  if (v >>> 28 === 14) return 'it is a multicast address (224.0.0.0/4)';
  if (v >>> 28 === 15) return 'it is in the reserved range 240.0.0.0/4';
  return null;
}

/** VIPs, RIPs, gateways and segment addresses must be ordinary unicast addresses. */
export const notUnicastAddress: Rule = {
  id: 'addr/not-unicast',
  severity: 'error',
  title: 'Address that cannot belong to a host',
  description:
    'Some well-formed addresses can never be a host\'s address: 0.0.0.0 ("any"), 127.0.0.0/8 (loopback, never leaves the host), 224.0.0.0/4 (multicast), 240.0.0.0/4 (reserved) and 255.255.255.255 (broadcast). ' +
    'As a VIP, RIP, gateway or address on a segment they make the service or the route fail. (`127.0.0.1/8` on `lo` is of course fine.)',
  example: { bad: 'Service web has the VIP 0.0.0.0.', fix: 'Use the address clients connect to, e.g. 172.16.111.123.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        if (f.iface.kind !== 'ethernet') continue;
        for (const a of f.addresses) {
          const why = a.cidr && a.cidr.prefix > 0 ? notUnicast(a.cidr.value) : null;
          if (!why) continue;
          out.push({
            message: `${h.host.name}'s ${f.iface.name} has ${a.text}, which cannot be a host address: ${why}.`,
            fix: `Give ${h.host.name}'s ${f.iface.name} an ordinary address of its segment's subnet.`,
            refs: [h.host.id, f.iface.id],
          });
        }
      }
      if (h.gateway !== null) {
        const why = notUnicast(h.gateway);
        if (why) {
          out.push({
            message: `${h.host.name}'s default gateway ${ip(h.gateway)} cannot be a router's address: ${why}.`,
            fix: `Set ${h.host.name}'s gateway to the address of the router or director on its segment.`,
            refs: [h.host.id],
          });
        }
      }
    }
    for (const s of ctx.services) {
      const why = s.vip === null ? null : notUnicast(s.vip);
      if (why) {
        out.push({
          message: `Service ${serviceName(s)} has the VIP ${s.service.vip}, which clients cannot connect to: ${why}.`,
          fix: `Set the VIP of ${serviceName(s)} to the address clients use, configured on the director's client-facing interface.`,
          refs: [s.service.id],
        });
      }
      for (const r of s.realServers) {
        const whyRip = r.rip === null ? null : notUnicast(r.rip);
        if (!whyRip) continue;
        const name = r.host?.host.name ?? r.rs.host;
        out.push({
          message: `Real server ${name} of ${serviceName(s)} has the RIP ${r.rs.rip}, which the director cannot send to: ${whyRip}.`,
          fix: `Set the RIP to ${name}'s address on the segment it shares with the director.`,
          refs: [r.rs.id, r.rs.host, s.service.id],
        });
      }
    }
    return out;
  },
};
