import type { Finding, Rule } from '../../rule.ts';
import { directorRef, serviceLabel } from '../../describe.ts';
import { eachServerPair, vipCarriers } from '../../paths.ts';

/** A TUN real server needs an IPIP interface and the VIP. */
export const tunVip: Rule = {
  id: 'tun/vip-missing-on-tunnel',
  severity: 'error',
  title: 'TUN real server lacks tunl0 or the VIP',
  description:
    'In TUN mode the director wraps each request in an extra IPv4 header (protocol 4, IPIP) addressed to the RIP. The real server needs the `ipip` module — the `tunl0` interface — to unwrap it, ' +
    'and must own the VIP (inner destination) on a non-ARP interface, normally `tunl0` as a /32; otherwise it answers with "protocol unreachable" or drops the inner packet. ' +
    'The VIP on an ethernet interface would make the real server answer ARP for it.',
  example: { bad: 'rs1 of a TUN service has no tunl0 interface.', fix: 'Add tunl0 (kind ipip) with 172.18.0.100/32 to rs1 (`modprobe ipip`).' },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'tun', (r, h, d) => {
      const vip = r.service.vip;
      if (h === d || vip === null) return;
      const key = `${h.host.id}\u0000${vip}`;
      if (done.has(key)) return;
      done.add(key);
      const vipText = r.service.service.vip;
      const refs = [h.host.id, r.rs.id, r.service.service.id];
      const tunnels = h.ifaces.filter((f) => f.iface.kind === 'ipip');
      const carriers = vipCarriers(r);
      if (tunnels.length === 0) {
        out.push({
          message: `${h.host.name} (a TUN real server of ${serviceLabel(r.service)}) has no IPIP tunnel interface (tunl0), so it cannot unwrap the IPIP packets ${directorRef(d)} sends; it answers them with "protocol unreachable".`,
          fix: `Add a tunl0 interface (kind ipip) with ${vipText}/32 to ${h.host.name} (the ipip module creates it: modprobe ipip).`,
          refs,
        });
        return;
      }
      const eth = carriers.find((f) => f.iface.kind === 'ethernet');
      if (eth) {
        out.push({
          message: `${h.host.name} has the VIP ${vipText} on ${eth.iface.name}, an interface that answers ARP: it competes with ${directorRef(d)} for the VIP on segment ${eth.segment?.segment.name ?? '?'}.`,
          fix: `Move ${vipText} from ${h.host.name}'s ${eth.iface.name} to ${tunnels[0]!.iface.name} as ${vipText}/32.`,
          refs: [...refs, eth.iface.id],
        });
        return;
      }
      if (carriers.length === 0) {
        out.push({
          message: `${h.host.name} (a TUN real server of ${serviceLabel(r.service)}) does not have the VIP ${vipText}. After unwrapping the IPIP header the request is addressed to ${vipText}, so ${h.host.name} drops it.`,
          fix: `Add ${vipText}/32 to ${h.host.name}'s ${tunnels[0]!.iface.name}.`,
          refs: [...refs, tunnels[0]!.iface.id],
        });
      }
    });
    return out;
  },
};
