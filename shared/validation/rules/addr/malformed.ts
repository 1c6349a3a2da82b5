import type { Finding, Rule } from '../../rule.ts';
import { explainBadCidr, explainBadCidrZh, explainBadIPv4, explainBadIPv4Zh, serviceName } from '../../describe.ts';
import { formatIPv4, isMac, netmaskToPrefix, parseCidr, parseIPv4 } from '../../../addressing/ipv4.ts';

/** Every address, prefix, netmask and MAC in the design must be well-formed. */
export const malformedAddress: Rule = {
  id: 'addr/malformed',
  severity: 'error',
  title: 'Malformed address, prefix, netmask or MAC',
  titleZh: '地址、前缀、子网掩码或 MAC 格式错误',
  description:
    'Every IPv4 address must be four decimal numbers 0-255 separated by dots; interface addresses and subnets also need a prefix `/0`-`/32`; ' +
    'a persistence netmask must be contiguous ones (`255.255.255.0`); a MAC is six hex pairs. `ip`, `ipvsadm` and keepalived reject anything else, ' +
    'so the host or the whole service would fail to come up. A subnet written with host bits set (`192.168.111.5/24`) is accepted but reported as a warning, because the network is really `192.168.111.0/24`.',
  example: { bad: "The real servers' gateway is typed `192.168.111.2000` (the seed article's typo).", fix: 'Write `192.168.111.200`.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.segments) {
      const text = s.segment.cidr;
      if (!s.cidr) {
        out.push({
          message: `Segment ${s.segment.name} has the subnet "${text}", which is not a valid IPv4 subnet: ${explainBadCidr(text)}.`,
          zh: {
            message: `网段 ${s.segment.name} 的子网是 "${text}"，这不是合法的 IPv4 子网：${explainBadCidrZh(text)}。`,
            fix: `把 ${s.segment.name} 的子网写成 a.b.c.d/n 的形式，例如 192.168.111.0/24。`,
          },
          fix: `Write the subnet of ${s.segment.name} as a.b.c.d/n, e.g. 192.168.111.0/24.`,
          refs: [s.segment.id],
        });
      } else if (s.cidr.value !== s.cidr.network) {
        const network = `${formatIPv4(s.cidr.network)}/${s.cidr.prefix}`;
        out.push({
          severity: 'warning',
          message: `Segment ${s.segment.name} has the subnet "${text}", which has host bits set; the network it describes is ${network}.`,
          zh: {
            message: `网段 ${s.segment.name} 的子网是 "${text}"，其中主机位不为零；它表示的网络是 ${network}。`,
            fix: `把 ${s.segment.name} 的子网写成 ${network}。`,
          },
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
            zh: {
              message: bare
                ? `${name} 的 ${f.iface.name} 的地址 "${a.text}" 没有前缀；内核会当作 /32，${name} 就不知道哪些主机是直连的。`
                : `${name} 的 ${f.iface.name} 的地址 "${a.text}" 不合法：${explainBadCidrZh(a.text)}。`,
              fix: bare
                ? `加上网段的前缀，例如 "${a.text}/24"（lo 或 tunl0 上的 VIP 用 "/32"）。`
                : `把 ${name} 的 ${f.iface.name} 上的地址改成 a.b.c.d/n 的形式，例如 192.168.111.101/24。`,
            },
            fix: bare
              ? `Add the prefix of the segment, e.g. "${a.text}/24" (or "/32" for a VIP on lo or tunl0).`
              : `Correct the address on ${name}'s ${f.iface.name} to the form a.b.c.d/n, e.g. 192.168.111.101/24.`,
            refs: [h.host.id, f.iface.id],
          });
        }
        if (f.iface.mac !== undefined && !isMac(f.iface.mac)) {
          out.push({
            message: `${name}'s ${f.iface.name} has the MAC address "${f.iface.mac}", which is not six pairs of hex digits separated by colons.`,
            zh: {
              message: `${name} 的 ${f.iface.name} 的 MAC 地址 "${f.iface.mac}" 不是用冒号隔开的六组十六进制数。`,
              fix: `把 MAC 写成 aa:bb:cc:dd:ee:ff 的形式，或者删除它，由 LVS Designer 自动生成。`,
            },
            fix: `Write the MAC as aa:bb:cc:dd:ee:ff, or remove it to let LVS Designer derive one.`,
            refs: [h.host.id, f.iface.id],
          });
        }
      }
      if (h.host.gateway !== undefined && h.gateway === null) {
        out.push({
          message: `${name}'s default gateway "${h.host.gateway}" is not a valid IPv4 address: ${explainBadIPv4(h.host.gateway)}.`,
          zh: {
            message: `${name} 的默认网关 "${h.host.gateway}" 不是合法的 IPv4 地址：${explainBadIPv4Zh(h.host.gateway)}。`,
            fix: `把 ${name} 的网关改成它所在网段上的路由器或调度器的地址（四个 0-255 的数字，不带前缀）。`,
          },
          fix: `Correct ${name}'s gateway to the address of the router or director on its segment (four numbers 0-255, no prefix).`,
          refs: [h.host.id],
        });
      }
      for (const r of h.host.routes ?? []) {
        if (!parseCidr(r.destination)) {
          out.push({
            message: `${name} has a route to "${r.destination}", which is not a valid destination: ${explainBadCidr(r.destination)}.`,
            zh: {
              message: `${name} 有一条到 "${r.destination}" 的路由，但这不是合法的目的地址：${explainBadCidrZh(r.destination)}。`,
              fix: `把路由的目的地址写成 a.b.c.d/n（默认路由写 0.0.0.0/0）。`,
            },
            fix: `Write the route's destination as a.b.c.d/n (0.0.0.0/0 for a default route).`,
            refs: [h.host.id],
          });
        }
        if (r.via !== undefined && parseIPv4(r.via) === null) {
          out.push({
            message: `${name}'s route to ${r.destination} goes via "${r.via}", which is not a valid IPv4 address: ${explainBadIPv4(r.via)}.`,
            zh: {
              message: `${name} 到 ${r.destination} 的路由经由 "${r.via}"，这不是合法的 IPv4 地址：${explainBadIPv4Zh(r.via)}。`,
              fix: `改正 ${name} 到 ${r.destination} 的路由的下一跳（四个 0-255 的数字，不带前缀）。`,
            },
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
          zh: {
            message: `服务 ${serviceName(s)} 的 VIP "${svc.vip}" 不是合法的 IPv4 地址：${explainBadIPv4Zh(svc.vip)}。`,
            fix: `改正 ${serviceName(s)} 的 VIP（四个 0-255 的数字，不带前缀）。`,
          },
          fix: `Correct the VIP of ${serviceName(s)} (four numbers 0-255, no prefix).`,
          refs: [svc.id],
        });
      }
      const mask = svc.persistence?.netmask;
      if (mask !== undefined && netmaskToPrefix(mask) === null) {
        out.push({
          message: `Service ${serviceName(s)} has the persistence netmask "${mask}", which is not a netmask${parseIPv4(mask) === null ? `: ${explainBadIPv4(mask)}` : ' (the ones must be contiguous, like 255.255.255.0)'}.`,
          zh: {
            message: `服务 ${serviceName(s)} 的持久连接子网掩码 "${mask}" 不是子网掩码${parseIPv4(mask) === null ? `：${explainBadIPv4Zh(mask)}` : '（1 必须连续，例如 255.255.255.0）'}。`,
            fix: `使用 255.255.255.255（单个客户端）或 255.255.255.0（整个 /24 固定到同一台真实服务器）这样的掩码。`,
          },
          fix: `Use a netmask such as 255.255.255.255 (one client) or 255.255.255.0 (a whole /24 sticks to one real server).`,
          refs: [svc.id],
        });
      }
      for (const r of s.realServers) {
        if (r.rip !== null) continue;
        out.push({
          message: `Real server ${r.host?.host.name ?? r.rs.host} of ${serviceName(s)} has the RIP "${r.rs.rip}", which is not a valid IPv4 address: ${explainBadIPv4(r.rs.rip)}.`,
          zh: {
            message: `${serviceName(s)} 的真实服务器 ${r.host?.host.name ?? r.rs.host} 的 RIP "${r.rs.rip}" 不是合法的 IPv4 地址：${explainBadIPv4Zh(r.rs.rip)}。`,
            fix: `把 RIP 设为 ${r.host?.host.name ?? r.rs.host} 某个接口的地址（不带前缀）。`,
          },
          fix: `Set the RIP to one of ${r.host?.host.name ?? r.rs.host}'s interface addresses (without prefix).`,
          refs: [r.rs.id, r.rs.host, svc.id],
        });
      }
    }
    return out;
  },
};
