/**
 * Deploy order and safety check for HA director groups: members are deployed backups first (lowest
 * priority first) and the master last, with keepalived reloaded (SIGHUP), never restarted — a restart
 * sends a priority-0 advert and moves the VIP, a reload keeps it. A deploy is refused when the design
 * would leave two members MASTER (split brain) or none, or when the group has checker errors that
 * cause either.
 */
import type { HostId, Topology } from '../model/types.ts';
import { steadyMaster } from '../model/ha.ts';
import { electMasters } from './analysis.ts';
import { validate } from '../validation/index.ts';

/** The deploy order of the hosts, or why it is refused. */
export type HaDeployPlan =
  | { readonly ok: true; readonly order: readonly HostId[]; readonly reload: readonly HostId[] }
  | { readonly ok: false; readonly reason: { readonly en: string; readonly zh: string } };

/** Rules whose errors make the VRRP election itself unsafe. */
const UNSAFE = new Set([
  'ha/members-disagree',
  'ha/shared-vrid',
  'ha/nopreempt-state',
  'ha/unicast-peers',
  'ha/peers-off-segment',
  'ha/vip-static-on-member',
  'ha/unknown-name',
]);

/**
 * Orders `hosts` for deployment: hosts outside any group first (real servers, routers), then each
 * group's backups by ascending priority, then its master. `reload` lists the members whose
 * keepalived is to be reloaded. Refuses a design whose members would not elect exactly one master.
 */
export function haDeployPlan(t: Topology, hosts: readonly HostId[]): HaDeployPlan {
  const groups = (t.directorGroups ?? []).filter((g) => g.members.some((m) => hosts.includes(m.host)));
  if (groups.length > 0) {
    const problems = validate(t).filter((p) => p.severity === 'error' && UNSAFE.has(p.rule));
    if (problems.length > 0) {
      const p = problems[0]!;
      return { ok: false, reason: { en: `refused: ${p.message}`, zh: `拒绝部署：${p.zh?.message ?? p.message}` } };
    }
  }
  const name = (h: HostId) => t.hosts.find((x) => x.id === h)?.name ?? h;
  const tail: HostId[] = [];
  const reload: HostId[] = [];
  for (const g of groups) {
    const { masters } = electMasters(t, g, [], null);
    if (masters.length !== 1) {
      const who = masters.map(name).join(' and ');
      return {
        ok: false,
        reason:
          masters.length === 0
            ? {
                en: `refused: no member of ${g.name} would become MASTER, so nobody would hold the VIP`,
                zh: `拒绝部署：${g.name} 没有成员会成为 MASTER，没有人持有 VIP`,
              }
            : {
                en: `refused: ${who} would all be MASTER of ${g.name} (split brain)`,
                zh: `拒绝部署：${masters.map(name).join(' 和 ')} 都会成为 ${g.name} 的 MASTER（脑裂）`,
              },
      };
    }
    const master = steadyMaster(t, g)?.host ?? masters[0]!;
    const backups = g.members
      .filter((m) => m.host !== master && hosts.includes(m.host))
      .sort((a, b) => a.priority - b.priority)
      .map((m) => m.host);
    for (const h of [...backups, ...(hosts.includes(master) ? [master] : [])]) {
      if (!tail.includes(h)) tail.push(h);
      if (!reload.includes(h)) reload.push(h);
    }
  }
  return { ok: true, order: [...hosts.filter((h) => !tail.includes(h)), ...tail], reload };
}
