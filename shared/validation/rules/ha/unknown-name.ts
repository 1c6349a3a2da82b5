import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberName } from '../../ha.ts';

/** Every interface and script a group names must exist. */
export const unknownName: Rule = {
  id: 'ha/unknown-name',
  severity: 'error',
  title: 'An HA group names an interface or track script that does not exist',
  titleZh: 'HA 组引用了不存在的接口或 track 脚本',
  description:
    'keepalived refuses to start an instance whose interface does not exist, and drops track_script entries naming no vrrp_script (the member then never loses priority for it). A virtual address on a missing dev is never added. Each name is checked on every member, because interface names differ between hosts.',
  example: { bad: 'lvs2 advertises on eth2, which lvs2 does not have.', fix: "Use lvs2's interface on the shared segment, e.g. eth0." },
  check(ctx) {
    const out: Finding[] = [];
    for (const g of groupsOf(ctx)) {
      const scripts = new Set((g.scripts ?? []).map((s) => s.name));
      for (const m of g.members) {
        const host = ctx.topology.hosts.find((h) => h.id === m.host);
        if (!host) continue;
        const who = memberName(ctx, m);
        const names = new Set(host.interfaces.map((f) => f.name));
        const missing: { what: string; whatZh: string; name: string }[] = [];
        if (!names.has(m.interface)) missing.push({ what: 'VRRP interface', whatZh: 'VRRP 接口', name: m.interface });
        for (const t of m.trackInterfaces ?? []) if (!names.has(t.name)) missing.push({ what: 'tracked interface', whatZh: '被跟踪接口', name: t.name });
        for (const a of g.virtualAddresses)
          if (a.dev !== undefined && !names.has(a.dev)) missing.push({ what: `interface for ${a.address}`, whatZh: `${a.address} 的接口`, name: a.dev });
        for (const x of missing) {
          out.push({
            message: `${who} has no interface ${x.name}, the ${x.what} of ${groupLabel(g)}.`,
            fix: `Use one of ${who}'s interfaces (${[...names].join(', ') || 'none yet'}) or rename it to ${x.name}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 没有接口 ${x.name}（${groupLabelZh(g)} 的${x.whatZh}）。`,
              fix: `改用 ${who} 的接口（${[...names].join('、') || '暂无'}），或把接口改名为 ${x.name}。`,
            },
          });
        }
        for (const t of m.trackScripts ?? []) {
          if (scripts.has(t.name)) continue;
          out.push({
            message: `${who} tracks the script ${t.name} in ${groupLabel(g)}, but the group defines no vrrp_script of that name; keepalived ignores the entry, so that failure never lowers ${who}'s priority.`,
            fix: `Define vrrp_script ${t.name} in the group, or remove it from ${who}'s track_script.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 在 ${groupLabelZh(g)} 中跟踪脚本 ${t.name}，但组里没有同名的 vrrp_script；keepalived 会忽略这一项，这种故障永远不会降低 ${who} 的优先级。`,
              fix: `在组中定义 vrrp_script ${t.name}，或从 ${who} 的 track_script 中删除它。`,
            },
          });
        }
      }
    }
    return out;
  },
};
