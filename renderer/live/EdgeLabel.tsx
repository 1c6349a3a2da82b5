/**
 * The live numbers on a host–segment link: conn/s and bytes/s in through that interface — for a
 * real server the rate of its real-server entries whose RIP is on the interface, for a director
 * the rate of the services whose VIP is on it.
 */
import { useApp } from '../store/index.ts';
import type { AppState } from '../store/index.ts';
import { formatRate } from '../../shared/live/table.ts';

function linkRate(s: AppState, hostId: string, interfaceId: string): { cps: number; bps: number } | null {
  const view = s.live.view;
  if (!s.live.sessionId || !view) return null;
  const iface = s.design.topology.hosts.find((h) => h.id === hostId)?.interfaces.find((i) => i.id === interfaceId);
  if (!iface) return null;
  const ips = new Set(iface.addresses.map((a) => a.split('/')[0]!));
  let cps = 0;
  let bps = 0;
  let any = false;
  for (const svc of view.services) {
    const designed = s.design.topology.services.find((x) => x.id === svc.serviceId);
    if (svc.director === hostId && designed && ips.has(designed.vip) && svc.rate) {
      cps += svc.rate.conns;
      bps += svc.rate.inBytes;
      any = true;
    }
    for (const d of svc.dests) {
      if (d.hostId === hostId && d.rate && ips.has(d.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''))) {
        cps += d.rate.conns;
        bps += d.rate.inBytes;
        any = true;
      }
    }
  }
  return any ? { cps, bps } : null;
}

export function LiveEdgeLabel({ hostId, interfaceId }: { hostId: string; interfaceId: string }) {
  const cps = useApp((s) => linkRate(s, hostId, interfaceId)?.cps ?? null);
  const bps = useApp((s) => linkRate(s, hostId, interfaceId)?.bps ?? null);
  if (cps === null || bps === null) return null;
  return (
    <span className="live-edge" data-testid={`live-edge-${interfaceId}`}>
      {cps} c/s · {formatRate(bps)}
    </span>
  );
}
