import type { Finding, Rule } from '../../rule.ts';
import { ip } from '../../context.ts';
import { hopFixWhat, hopRole, hopWhat, nextHopsOf } from './gateway-not-on-link.ts';
import { suggestGateway } from '../../suggest.ts';

/** Somebody on the segment must own the gateway address, and forward. */
export const gatewayUnreachable: Rule = {
  id: 'addr/gateway-unreachable',
  severity: 'error',
  title: 'Nobody owns the gateway address',
  description:
    'The gateway must be the address of another host on the same segment, and that host must forward packets (`net.ipv4.ip_forward=1`). ' +
    'If no host on the segment has the address, ARP for it gets no answer and everything sent off the subnet is lost. A gateway that is the host\'s own address, or a host that does not forward, ' +
    'has the same effect (the latter is reported as a warning, because forwarding may be enabled outside the design).',
  example: { bad: 'rs1\'s gateway is 192.168.111.1, but no host on `lan` has that address.', fix: 'Set the gateway to the director\'s DIP 192.168.111.200, or add the router.' },
  check(ctx) {
    const out: Finding[] = [];
    // A NAT director without ip_forward is nat/ip-forward-off's (error) finding; repeating it per host is noise.
    const natDirectors = new Set(ctx.services.filter((s) => s.realServers.some((r) => r.rs.method === 'nat')).map((s) => s.director));
    for (const h of ctx.hosts) {
      for (const hop of nextHopsOf(h)) {
        const f = ctx.onLinkIface(h, hop.address);
        // Not on-link is addr/gateway-not-on-link's finding.
        if (!f) continue;
        if (h.addresses.has(hop.address)) {
          const suggestion = suggestGateway(ctx, h);
          out.push({
            message: `${h.host.name}'s ${hopWhat(hop)} is ${h.host.name}'s own address, so packets for other networks never leave it.`,
            fix: suggestion ? `Set ${hopFixWhat(h, hop)} to ${suggestion}.` : `Set ${hopFixWhat(h, hop)} to the address of a router or director on its segment.`,
            refs: [h.host.id],
          });
          continue;
        }
        if (!f.segment) continue;
        const owners = f.segment.owners.get(hop.address);
        if (!owners || owners.length === 0) {
          const suggestion = suggestGateway(ctx, h);
          out.push({
            message: `${h.host.name}'s ${hopWhat(hop)} is not the address of any host on segment ${f.segment.segment.name}; its ARP request gets no answer and everything ${h.host.name} sends off its subnet is lost.`,
            fix: suggestion
              ? `Set ${hopFixWhat(h, hop)} to ${suggestion}, or give the router on ${f.segment.segment.name} the address ${ip(hop.address)}.`
              : `Give the router or director on ${f.segment.segment.name} the address ${ip(hop.address)}, or change ${hopFixWhat(h, hop)}.`,
            refs: [h.host.id, f.segment.segment.id],
          });
          continue;
        }
        const owner = owners[0]!.host;
        if (owner.host.sysctl?.ipForward !== true && !natDirectors.has(owner)) {
          out.push({
            severity: 'warning',
            message: `${h.host.name}'s ${hopRole(hop)} ${ip(hop.address)} belongs to ${owner.host.name}, which does not forward packets (ip_forward is off), so anything ${h.host.name} sends through it is dropped.`,
            fix: `Turn on ip_forward on ${owner.host.name} (net.ipv4.ip_forward=1), or use a router as ${h.host.name}'s gateway.`,
            refs: [h.host.id, owner.host.id],
          });
        }
      }
    }
    return out;
  },
};
