import type { Finding, Rule } from '../../rule.ts';
import { formatIPv4, isNetworkOrBroadcast, prefixMask } from '../../../addressing/ipv4.ts';

/** The network and broadcast addresses of a subnet cannot be a host's address. */
export const networkBroadcast: Rule = {
  id: 'addr/network-or-broadcast',
  severity: 'error',
  title: 'Network or broadcast address used as a host address',
  titleZh: '把网络地址或广播地址当作主机地址',
  description:
    'In a subnet larger than /31, the first address names the network and the last is the broadcast address: a packet sent to it reaches every host on the segment. ' +
    'A host configured with either one does not get its own traffic reliably, and other hosts refuse to send to it.',
  example: { bad: "rs1's eth0 has 192.168.111.255/24.", fix: 'Use an address between 192.168.111.1 and 192.168.111.254.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        const seg = f.segment?.cidr ?? null;
        for (const a of f.addresses) {
          const c = a.cidr;
          if (!c) continue;
          let which: string | null = null;
          if (isNetworkOrBroadcast(c)) which = c.value === c.network ? 'network' : 'broadcast';
          else if (seg && seg.prefix < 31 && (c.value & prefixMask(seg.prefix)) >>> 0 === seg.network) {
            if (c.value === seg.network) which = 'network';
            else if (c.value === seg.broadcast) which = 'broadcast';
          }
          if (!which) continue;
          const subnet = seg ? `${formatIPv4(seg.network)}/${seg.prefix}` : `${formatIPv4(c.network)}/${c.prefix}`;
          out.push({
            message: `${h.host.name}'s ${f.iface.name} has ${a.text}, which is the ${which} address of ${subnet} and cannot belong to a host.`,
            zh: {
              message: `${h.host.name} 的 ${f.iface.name} 配置了 ${a.text}，它是 ${subnet} 的${which === 'network' ? '网络' : '广播'}地址，不能属于某台主机。`,
              fix: `给 ${h.host.name} 的 ${f.iface.name} 一个严格介于 ${subnet} 的网络地址和广播地址之间的地址。`,
            },
            fix: `Give ${h.host.name}'s ${f.iface.name} an address strictly between the network and broadcast addresses of ${subnet}.`,
            refs: [h.host.id, f.iface.id],
          });
        }
      }
    }
    return out;
  },
};
