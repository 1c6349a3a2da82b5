import type { Finding, Rule } from '../../rule.ts';
import { serviceLabel, serviceName } from '../../describe.ts';

/** Port 0 ("all ports") needs persistence. */
export const portZero: Rule = {
  id: 'service/port-zero',
  severity: 'error',
  title: 'Port 0 without persistence',
  description:
    'A service on port 0 matches every port of the VIP. IPVS accepts that only for persistent services (ipvsadm: "Zero port specified for non-persistent service"), because the ports of one client must land on the same real server (think FTP control and data).',
  example: { bad: 'Service all-ports has port 0 and no persistence.', fix: 'Enable persistence (e.g. 300 s), or give the service its real port.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const s of ctx.services) {
      if (s.service.protocol === 'fwmark' || s.service.port !== 0 || s.service.persistence) continue;
      out.push({
        message: `Service ${serviceLabel(s)} listens on port 0 (all ports) without persistence; ipvsadm refuses it ("Zero port specified for non-persistent service").`,
        fix: `Enable persistence on ${serviceName(s)} (e.g. 300 seconds), or set the port the clients use (e.g. 80).`,
        refs: [s.service.id],
      });
    }
    return out;
  },
};
