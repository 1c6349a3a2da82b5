import type { Finding, Rule } from '../../rule.ts';
import { explainBadCidr, explainBadIPv4, serviceName } from '../../describe.ts';
import { formatIPv4, isMac, netmaskToPrefix, parseCidr, parseIPv4 } from '../../../addressing/ipv4.ts';

/** Every address, prefix, netmask and MAC in the design must be well-formed. */
export const malformedAddress: Rule = {
  id: 'addr/malformed',
  severity: 'error',
  title: 'Malformed address, prefix, netmask or MAC',
  description:
    'Every IPv4 address must be four decimal numbers 0-255 separated by dots; interface addresses and subnets also need a prefix `/0`-`/32`; ' +
    'a persistence netmask must be contiguous ones (`255.255.255.0`); a MAC is six hex pairs. `ip`, `ipvsadm` and keepalived reject anything else, ' +
    'so the host or the whole service would fail to come up. A subnet written with host bits set (`192.168.111.5/24`) is accepted but reported as a warning, because the network is really `192.168.111.0/24`.',
  example: { bad: 'The real servers\' gateway is typed `192.168.111.2000` (the seed article\'s typo).', fix: 'Write `192.168.111.200`.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.segments) {
      const text = s.segment.cidr;
      if (!s.cidr) {
        out.push({
          message: `Segment ${s.segment.name} has the subnet "${text}", which is not a valid IPv4 subnet: ${explainBadCidr(text)}.`,
          fix: `Write the subnet of ${s.segment.name} as a.b.c.d/n, e.g. 192.168.111.0/24.`,
          refs: [s.segment.id],
        });
      } else if (s.cidr.value !== s.cidr.network) {
        const network = `${formatIPv4(s.cidr.network)}/${s.cidr.prefix}`;
        out.push({
          severity: 'warning',
          message: `Segment ${s.segment.name} has the subnet "${text}", which has host bits set; the network it describes is ${network}.`,
          fix: `Write the subnet of ${s.segment.name} as ${network}.`,
          refs: [s.segment.id],
        });
      }
    }
    for (const h of ctx.hosts) {
      const name = h.host.name;
      for (const f of h.ifaces) {
        for (const a of f.addresses) {
          if (a.cidr) continue;
          const bare = parseCidr(a.text, 32);
          out.push({
            message: bare
              ? `${name}'s ${f.iface.name} has the address "${a.text}" without a prefix; the kernel would assume /32 and ${name} would not know which hosts are on-link.`
              : `${name}'s ${f.iface.name} has the address "${a.text}", which is not valid: ${explainBadCidr(a.text)}.`,
            fix: bare
              ? `Add the prefix of the segment, e.g. "${a.text}/24" (or "/32" for a VIP on lo or tunl0).`
              : `Correct the address on ${name}'s ${f.iface.name} to the form a.b.c.d/n, e.g. 192.168.111.101/24.`,
            refs: [h.host.id, f.iface.id],
          });
        }
        if (f.iface.mac !== undefined && !isMac(f.iface.mac)) {
          out.push({
            message: `${name}'s ${f.iface.name} has the MAC address "${f.iface.mac}", which is not six pairs of hex digits separated by colons.`,
            fix: `Write the MAC as aa:bb:cc:dd:ee:ff, or remove it to let LVS Designer derive one.`,
            refs: [h.host.id, f.iface.id],
          });
        }
      }
      if (h.host.gateway !== undefined && h.gateway === null) {
        out.push({
          message: `${name}'s default gateway "${h.host.gateway}" is not a valid IPv4 address: ${explainBadIPv4(h.host.gateway)}.`,
          fix: `Correct ${name}'s gateway to the address of the router or director on its segment (four numbers 0-255, no prefix).`,
          refs: [h.host.id],
        });
      }
      for (const r of h.host.routes ?? []) {
        if (!parseCidr(r.destination)) {
          out.push({
            message: `${name} has a route to "${r.destination}", which is not a valid destination: ${explainBadCidr(r.destination)}.`,
            fix: `Write the route's destination as a.b.c.d/n (0.0.0.0/0 for a default route).`,
            refs: [h.host.id],
          });
        }
        if (r.via !== undefined && parseIPv4(r.via) === null) {
          out.push({
            message: `${name}'s route to ${r.destination} goes via "${r.via}", which is not a valid IPv4 address: ${explainBadIPv4(r.via)}.`,
            fix: `Correct the next hop of ${name}'s route to ${r.destination} (four numbers 0-255, no prefix).`,
            refs: [h.host.id],
          });
        }
      }
    }
    for (const s of ctx.services) {
      const svc = s.service;
      if (s.vip === null) {
        out.push({
          message: `Service ${serviceName(s)} has the VIP "${svc.vip}", which is not a valid IPv4 address: ${explainBadIPv4(svc.vip)}.`,
          fix: `Correct the VIP of ${serviceName(s)} (four numbers 0-255, no prefix).`,
          refs: [svc.id],
        });
      }
      const mask = svc.persistence?.netmask;
      if (mask !== undefined && netmaskToPrefix(mask) === null) {
        out.push({
          message: `Service ${serviceName(s)} has the persistence netmask "${mask}", which is not a netmask${parseIPv4(mask) === null ? `: ${explainBadIPv4(mask)}` : ' (the ones must be contiguous, like 255.255.255.0)'}.`,
          fix: `Use a netmask such as 255.255.255.255 (one client) or 255.255.255.0 (a whole /24 sticks to one real server).`,
          refs: [svc.id],
        });
      }
      for (const r of s.realServers) {
        if (r.rip !== null) continue;
        out.push({
          message: `Real server ${r.host?.host.name ?? r.rs.host} of ${serviceName(s)} has the RIP "${r.rs.rip}", which is not a valid IPv4 address: ${explainBadIPv4(r.rs.rip)}.`,
          fix: `Set the RIP to one of ${r.host?.host.name ?? r.rs.host}'s interface addresses (without prefix).`,
          refs: [r.rs.id, r.rs.host, svc.id],
        });
      }
    }
    return out;
  },
};
