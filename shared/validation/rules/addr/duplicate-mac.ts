import type { Finding, Rule } from '../../rule.ts';
import type { IfaceInfo } from '../../context.ts';
import { andList, andListZh } from '../../describe.ts';
import { isMac } from '../../../addressing/ipv4.ts';

/** MAC addresses must be unique. */
export const duplicateMac: Rule = {
  id: 'addr/duplicate-mac',
  severity: 'error',
  title: 'Duplicate MAC address',
  titleZh: '重复的 MAC 地址',
  description:
    'A switch forwards frames by destination MAC. Two interfaces with the same MAC on one segment make the switch (and DR, which forwards by MAC) deliver frames to the wrong one. ' +
    'On different segments it works but is almost always a cloned-VM mistake, so it is reported as a warning.',
  example: {
    bad: 'rs1 and rs2 were cloned from one VM and both have 52:54:00:12:34:56.',
    fix: 'Give rs2 a new MAC (or remove it to let LVS Designer derive one).',
  },
  check(ctx) {
    const byMac = new Map<string, IfaceInfo[]>();
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        const mac = f.iface.mac;
        if (mac === undefined || !isMac(mac)) continue;
        const key = mac.toLowerCase();
        const list = byMac.get(key);
        if (list) list.push(f);
        else byMac.set(key, [f]);
      }
    }
    const out: Finding[] = [];
    for (const [mac, list] of byMac) {
      if (list.length < 2) continue;
      const sameSegment = list.some((f, i) => f.segment !== null && list.some((g, j) => j > i && g.segment === f.segment));
      const last = list[list.length - 1]!;
      out.push({
        severity: sameSegment ? 'error' : 'warning',
        message: `The MAC address ${mac} is used by ${andList(list.map((f) => `${f.host.host.name}'s ${f.iface.name}`))}${sameSegment ? ' on the same segment: the switch cannot tell them apart' : ''}.`,
        zh: {
          message: `MAC 地址 ${mac} 被 ${andListZh(list.map((f) => `${f.host.host.name} 的 ${f.iface.name}`))} 同时使用${sameSegment ? '，且在同一网段上：交换机无法区分它们' : ''}。`,
          fix: `给 ${last.host.host.name} 的 ${last.iface.name} 一个唯一的 MAC，或删除它的 MAC，由 LVS Designer 自动生成。`,
        },
        fix: `Give ${last.host.host.name}'s ${last.iface.name} a unique MAC, or remove its MAC to let LVS Designer derive one.`,
        refs: [...list.map((f) => f.host.host.id), ...list.map((f) => f.iface.id)],
      });
    }
    return out;
  },
};
