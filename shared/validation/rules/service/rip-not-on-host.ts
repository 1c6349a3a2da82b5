import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';

/** The RIP must be an address of the real server's host. */
export const ripNotOnHost: Rule = {
  id: 'service/rip-not-on-host',
  severity: 'error',
  title: 'RIP is not an address of its host',
  description:
    'The RIP tells the director where the real server is. If the chosen host does not have that address on one of its network interfaces, requests go to some other machine or to nobody.',
  example: { bad: 'rs1 (192.168.111.101) is a real server of web with RIP 192.168.111.110.', fix: 'Set the RIP to 192.168.111.101.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      for (const r of s.realServers) {
        const h = r.host;
        const rip = r.rip;
        if (!h || rip === null || rip === s.vip) continue;
        if (h.ifaces.some((f) => f.iface.kind !== 'loopback' && f.addresses.some((a) => a.cidr?.value === rip))) continue;
        const candidates = h.ifaces
          .filter((f) => f.iface.kind === 'ethernet')
          .flatMap((f) => f.addresses.filter((a) => a.cidr && a.cidr.value !== s.vip).map((a) => a.cidr!.address));
        const onLo = h.addresses.has(rip);
        out.push({
          message: onLo
            ? `Real server ${h.host.name} of ${serviceLabel(s)} has RIP ${r.rs.rip}, which ${h.host.name} only has on lo; nobody else can reach an address on lo.`
            : `Real server ${h.host.name} of ${serviceLabel(s)} has RIP ${r.rs.rip}, but ${h.host.name} has no interface with that address${candidates.length ? ` (it has ${candidates.join(', ')})` : ''}.`,
          fix: candidates.length
            ? `Set the RIP to ${candidates[0]}, or add ${r.rs.rip} to ${h.host.name}'s interface on the segment it shares with the director.`
            : `Give ${h.host.name} the address ${r.rs.rip} on an interface plugged into a segment, or change the RIP.`,
          refs: [r.rs.id, h.host.id, s.service.id],
        });
      }
    }
    return out;
  },
};
