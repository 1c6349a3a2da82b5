import type { Finding, Rule } from '../../rule.ts';
import { directorRef, serviceLabel } from '../../describe.ts';

/** A director cannot have two services with the same protocol, VIP and port (or the same fwmark). */
export const duplicateService: Rule = {
  id: 'service/duplicate',
  severity: 'error',
  title: 'Two services with the same address on one director',
  description:
    'IPVS identifies a virtual service by protocol, VIP and port (or by firewall mark). Creating the second one fails with "Service already exists", and even if it did not, the director could not know which one a packet belongs to.',
  example: { bad: 'Services web and web2 on lb1 are both TCP 198.51.100.80:80.', fix: 'Merge them, or give web2 another port or VIP.' },
  check(ctx) {
    const out: Finding[] = [];
    const seen = new Map<string, string>();
    for (const s of ctx.services) {
      const svc = s.service;
      const key = svc.protocol === 'fwmark' ? `${svc.director}|fwmark|${svc.fwmark ?? ''}` : `${svc.director}|${svc.protocol}|${s.vip ?? svc.vip}|${svc.port}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, svc.id);
        continue;
      }
      out.push({
        message: `Services ${first} and ${serviceLabel(s)} on ${s.director ? directorRef(s.director) : `director ${svc.director}`} are the same virtual service; ipvsadm refuses the second one ("Service already exists").`,
        fix: `Merge the real servers of ${svc.id} into ${first}, or give ${svc.id} another port or VIP.`,
        refs: [svc.id, first],
      });
    }
    return out;
  },
};
