import type { Finding, Rule } from '../../rule.ts';
import { eachServerPair, vipCarriers } from '../../paths.ts';

/** Reverse-path filtering drops decapsulated TUN traffic. */
export const tunRpFilter: Rule = {
  id: 'tun/rp-filter',
  severity: 'error',
  title: 'TUN real server with reverse-path filtering',
  titleZh: 'TUN 真实服务器开启了反向路径过滤',
  description:
    "After unwrapping, a TUN request appears to arrive on `tunl0` from the client's address. With strict reverse-path filtering (`rp_filter=1`) the kernel checks that it would route the client back out of `tunl0` — it would not (it uses eth0) — and silently drops the packet. " +
    'The kernel uses the larger of `conf.all.rp_filter` and `conf.tunl0.rp_filter`, so both must be 0 (or 2, loose). When they are not set in the design, the distribution default applies, and several distributions default to strict (warning).',
  example: { bad: 'rs1 has rp_filter=1 on all.', fix: 'Set net.ipv4.conf.all.rp_filter=0 and net.ipv4.conf.tunl0.rp_filter=0 on rs1.' },
  check(ctx) {
    const out: Finding[] = [];
    const done = new Set<string>();
    eachServerPair(ctx, 'tun', (r, h, d) => {
      if (h === d || done.has(h.host.id)) return;
      const tunnel = vipCarriers(r).find((f) => f.iface.kind === 'ipip') ?? h.ifaces.find((f) => f.iface.kind === 'ipip');
      if (!tunnel) return; // tun/vip-missing-on-tunnel speaks.
      done.add(h.host.id);
      const all = h.host.sysctl?.rpFilter;
      const own = tunnel.iface.sysctl?.rpFilter;
      const name = tunnel.iface.name;
      const fix = `On ${h.host.name} set net.ipv4.conf.all.rp_filter=0 and net.ipv4.conf.${name}.rp_filter=0.`;
      const fixZh = `在 ${h.host.name} 上设置 net.ipv4.conf.all.rp_filter=0 和 net.ipv4.conf.${name}.rp_filter=0。`;
      const refs = [h.host.id, tunnel.iface.id, r.rs.id];
      if (all === 1 || own === 1) {
        out.push({
          message: `${h.host.name} (a TUN real server) has strict reverse-path filtering (rp_filter=1 on ${all === 1 ? 'all' : name}): unwrapped requests arrive on ${name} from client addresses that ${h.host.name} routes out of another interface, so the kernel drops them.`,
          zh: {
            message: `${h.host.name}（TUN 真实服务器）开启了严格的反向路径过滤（${all === 1 ? 'all' : name} 上 rp_filter=1）：解封装后的请求从 ${name} 进来，源地址是客户端地址，而 ${h.host.name} 走另一个接口去往这些地址，于是内核丢弃它们。`,
            fix: fixZh,
          },
          fix,
          refs,
        });
      } else if (all === undefined || own === undefined) {
        out.push({
          severity: 'warning',
          message: `${h.host.name} (a TUN real server) does not set rp_filter on ${all === undefined && own === undefined ? `all and ${name}` : all === undefined ? 'all' : name}; the distribution default applies, and where it is strict (1) the unwrapped requests arriving on ${name} are dropped.`,
          zh: {
            message: `${h.host.name}（TUN 真实服务器）没有在 ${all === undefined && own === undefined ? `all 和 ${name}` : all === undefined ? 'all' : name} 上设置 rp_filter；将沿用发行版的默认值，若默认是严格模式（1），从 ${name} 进来的解封装请求就会被丢弃。`,
            fix: fixZh,
          },
          fix,
          refs,
        });
      }
    });
    return out;
  },
};
