import type { Finding, Rule } from '../../rule.ts';

/** A host not plugged into any segment takes no part in the design. */
export const unattachedHost: Rule = {
  id: 'general/unattached-host',
  severity: 'info',
  title: 'Host not connected to any segment',
  description: 'A host whose interfaces are all unplugged (or that has only lo/tunl0) cannot send or receive anything; it is probably not finished yet.',
  example: { bad: 'rs3 was added but its eth0 is not connected to a segment.', fix: 'Connect rs3\'s eth0 to `lan`.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      if (h.segments.length > 0) continue;
      const eth = h.ifaces.find((f) => f.iface.kind === 'ethernet');
      out.push({
        message: `${h.host.name} is not connected to any segment, so it cannot send or receive anything.`,
        fix: eth ? `Connect ${h.host.name}'s ${eth.iface.name} to a segment.` : `Add an ethernet interface to ${h.host.name} and connect it to a segment.`,
        refs: eth ? [h.host.id, eth.iface.id] : [h.host.id],
      });
    }
    return out;
  },
};
