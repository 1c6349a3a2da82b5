import type { Finding, Rule } from '../../rule.ts';
import { serviceName } from '../../describe.ts';

/** Every reference must name something that exists. */
export const unknownReference: Rule = {
  id: 'general/unknown-reference',
  severity: 'error',
  title: 'Reference to a host or segment that does not exist',
  description:
    'A service names its director, a real server names its host, an interface names its segment. A file with a dangling reference is refused on load, ' +
    'but a design being edited (or built by a script) can contain one; the checker reports it instead of guessing, and every other rule skips the broken link.',
  example: { bad: 'Service web names the director lb9, which was deleted.', fix: 'Choose an existing director for web, or delete the service.' },
  check(ctx) {
    const out: Finding[] = [];
    for (const h of ctx.hosts) {
      for (const f of h.ifaces) {
        const seg = f.iface.segment;
        if (seg === null || ctx.segmentById.has(seg)) continue;
        out.push({
          message: `${h.host.name}'s ${f.iface.name} is plugged into the segment "${seg}", which does not exist.`,
          fix: `Plug ${h.host.name}'s ${f.iface.name} into an existing segment, or unplug it.`,
          refs: [h.host.id, f.iface.id],
        });
      }
    }
    for (const s of ctx.services) {
      if (!s.director) {
        out.push({
          message: `Service ${serviceName(s)} names the director "${s.service.director}", which does not exist.`,
          fix: `Choose an existing director for ${serviceName(s)}, or delete the service.`,
          refs: [s.service.id],
        });
      }
      for (const r of s.realServers) {
        if (r.host) continue;
        out.push({
          message: `Real server ${r.rs.id} of ${serviceName(s)} names the host "${r.rs.host}", which does not exist.`,
          fix: `Remove ${r.rs.id} from ${serviceName(s)}, or point it at an existing host.`,
          refs: [r.rs.id, s.service.id],
        });
      }
    }
    return out;
  },
};
