import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel } from '../../describe.ts';
import { ipvsOwnerOf } from '../../../model/health.ts';
import { serviceAddress } from '../../../model/topology.ts';
import { parseIpvsadmSave } from '../../../importers/ipvsadm-text.ts';
import { Problems } from '../../../importers/types.ts';

/** Hand-written ipvsadm rules for a service keepalived programs on the same director. */
export const manualRulesConflict: Rule = {
  id: 'health/manual-rules-conflict',
  severity: 'error',
  title: 'keepalived-owned director also has hand-written ipvsadm rules for the same service',
  titleZh: '由 keepalived 管理的 director 上还有同一服务的手写 ipvsadm 规则',
  description:
    'On a director whose IPVS table keepalived owns, keepalived adds and removes the real servers of its `virtual_server`s as their checks pass and fail. ' +
    'A hand-written `ipvsadm` rule for the same service (loaded at boot or by hand) fights it: a server keepalived removed comes back at the next boot or restore, a rule added by hand is dropped on the next reload, ' +
    'and after a reload keepalived may keep weights it did not set. Either let keepalived own the service (delete the hand-written rules) or make the director `ipvsadm`-owned.',
  example: {
    bad: 'Director lb runs keepalived for web (TCP 10.0.0.1:80) and also keeps `-A -t 10.0.0.1:80 -s rr` in its manual ipvsadm rules.',
    fix: 'Delete the manual rules for 10.0.0.1:80.',
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      const rules = h.host.manualIpvsadmRules;
      if (!rules || rules.length === 0 || ipvsOwnerOf(ctx.topology, h.host) !== 'keepalived') continue;
      const manual = parseIpvsadmSave(rules.join('\n'), new Problems()).services;
      for (const s of ctx.services) {
        if (s.service.director !== h.host.id) continue;
        const svc = s.service;
        const hit = manual.find((m) =>
          svc.protocol === 'fwmark'
            ? m.protocol === 'fwmark' && m.fwmark === svc.fwmark
            : m.protocol === svc.protocol && m.vip === svc.vip && m.port === svc.port,
        );
        if (!hit) continue;
        out.push({
          message: `${h.host.name}'s IPVS table is owned by keepalived, which programs service ${serviceLabel(s)}, but its hand-written ipvsadm rules also define ${serviceAddress(svc, true)}: the two overwrite each other (a removed dead server comes back at the next restore).`,
          fix: `Delete the manual ipvsadm rules for ${serviceAddress(svc, true)} on ${h.host.name}, or set ${h.host.name}'s IPVS owner to ipvsadm.`,
          refs: [h.host.id, svc.id],
          zh: {
            message: `${h.host.name} 的 IPVS 表由 keepalived 管理，keepalived 负责服务 ${serviceLabel(s)}，但它的手写 ipvsadm 规则也定义了 ${serviceAddress(svc, true)}：两者会互相覆盖（被移除的故障服务器会在下次恢复规则时回来）。`,
            fix: `删除 ${h.host.name} 上针对 ${serviceAddress(svc, true)} 的手写 ipvsadm 规则，或把 ${h.host.name} 的 IPVS 管理者改为 ipvsadm。`,
          },
        });
      }
    }
    return out;
  },
};
