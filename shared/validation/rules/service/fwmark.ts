import type { Finding, Rule } from '../../rule.ts';
import { serviceName } from '../../describe.ts';

/** Firewall-mark services need a mark; other services do not use one. */
export const fwmark: Rule = {
  id: 'service/fwmark',
  severity: 'error',
  title: 'Firewall mark missing or unused',
  titleZh: '防火墙标记缺失或无效',
  description:
    'A firewall-mark service (`ipvsadm -f`) matches packets that iptables/nftables marked with that number; without a mark it cannot be created. A mark on a TCP/UDP/SCTP service is ignored (warning).',
  example: {
    bad: 'Service bundle has protocol fwmark but no mark.',
    fix: 'Set the mark (e.g. 1) and mark the packets with `iptables -t mangle ... -j MARK --set-mark 1`.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      const svc = s.service;
      if (svc.protocol === 'fwmark' && svc.fwmark === undefined) {
        out.push({
          message: `Service ${serviceName(s)} is a firewall-mark service without a mark number, so ipvsadm cannot create it.`,
          zh: {
            message: `服务 ${serviceName(s)} 是防火墙标记（fwmark）服务，却没有标记号，ipvsadm 无法创建它。`,
            fix: `设置 ${serviceName(s)} 的防火墙标记（例如 1），并在调度器上用 iptables/nftables 给它的数据包打标记。`,
          },
          fix: `Set the firewall mark of ${serviceName(s)} (e.g. 1), and mark its packets with iptables/nftables on the director.`,
          refs: [svc.id],
        });
      } else if (svc.protocol !== 'fwmark' && svc.fwmark !== undefined) {
        out.push({
          severity: 'warning',
          message: `Service ${serviceName(s)} is a ${svc.protocol.toUpperCase()} service but has the firewall mark ${svc.fwmark}; IPVS ignores the mark for address/port services.`,
          zh: {
            message: `服务 ${serviceName(s)} 是 ${svc.protocol.toUpperCase()} 服务，却带有防火墙标记 ${svc.fwmark}；对地址/端口服务，IPVS 忽略这个标记。`,
            fix: `删除该标记，或者把 ${serviceName(s)} 的协议改为 fwmark。`,
          },
          fix: `Remove the mark, or change the protocol of ${serviceName(s)} to fwmark.`,
          refs: [svc.id],
        });
      }
    }
    return out;
  },
};
