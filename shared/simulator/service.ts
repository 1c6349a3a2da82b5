/** Finding a virtual service of a design by id or `VIP:PORT` (shared by the trace and the connection model). */
import type { Topology, VirtualService } from '../model/types.ts';

/** Resolves `flow.service` (an id or `VIP:PORT`) in the topology. */
export function resolveService(topology: Topology, ref: string): VirtualService | undefined {
  const byId = topology.services.find((s) => s.id === ref);
  if (byId) return byId;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(ref.trim());
  if (!m) return undefined;
  return (
    topology.services.find((s) => s.vip === m[1] && s.port === Number(m[2]) && s.protocol !== 'fwmark') ??
    topology.services.find((s) => s.vip === m[1] && s.port === Number(m[2]))
  );
}
