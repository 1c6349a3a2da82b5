import type { Finding, Rule } from '../../rule.ts';

/** A host not plugged into any segment takes no part in the design. */
export const unattachedHost: Rule = {
  id: 'general/unattached-host',
  severity: 'info',
  title: 'Host not connected to any segment',
  titleZh: '主机没有连接到任何网段',
  description:
    'A host whose interfaces are all unplugged (or that has only lo/tunl0) cannot send or receive anything; it is probably not finished yet. ' +
    'It is an error for a host the services depend on — a director or real server of a service, or a client when the design has services (its walk to the VIP cannot start) — and a note otherwise.',
  example: { bad: 'rs3 was added but its eth0 is not connected to a segment.', fix: "Connect rs3's eth0 to `lan`." },
  check(ctx) {
    const out: Finding[] = [];
    // Hosts a service depends on: an unplugged one breaks it, which the packet walk shows as a drop.
    const needed = new Set<string>();
    for (const s of ctx.services) {
      if (s.director) needed.add(s.director.host.id);
      for (const r of s.realServers) if (r.host) needed.add(r.host.host.id);
    }
    if (ctx.services.length > 0) for (const c of ctx.clients) needed.add(c.host.id);
    for (const h of ctx.hosts) {
      if (h.segments.length > 0) continue;
      const eth = h.ifaces.find((f) => f.iface.kind === 'ethernet');
      out.push({
        ...(needed.has(h.host.id) ? { severity: 'error' as const } : {}),
        message: `${h.host.name} is not connected to any segment, so it cannot send or receive anything.`,
        zh: {
          message: `${h.host.name} 没有连接到任何网段，既不能发送也不能接收任何东西。`,
          fix: eth ? `把 ${h.host.name} 的 ${eth.iface.name} 连接到一个网段。` : `给 ${h.host.name} 添加一个以太网接口并连接到一个网段。`,
        },
        fix: eth ? `Connect ${h.host.name}'s ${eth.iface.name} to a segment.` : `Add an ethernet interface to ${h.host.name} and connect it to a segment.`,
        refs: eth ? [h.host.id, eth.iface.id] : [h.host.id],
      });
    }
    return out;
  },
};
