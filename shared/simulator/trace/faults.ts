/**
 * Fault classification: a drop deep in the stack (an unanswered ARP, a martian source) is traced back
 * to the design mistake that caused it, and the narration says what to fix.
 */
import type { HostId } from '../../model/types.ts';
import type { FaultId, Narration, PacketPlace, TracePhase } from '../types.ts';
import type { Pkt, SimContext, SimState } from './state.ts';
import { emit, hname, methodName } from './state.ts';
import { say, withDetail } from './narration.ts';
import { refAsHostId } from '../../model/ids.ts';

export function classify(ctx: SimContext, s: SimState, reason: FaultId, hostId: HostId, pkt: Pkt | null, phase: TracePhase): FaultId {
  const svc = ctx.service;
  if (ctx.client.id === svc.director && reason !== 'no-real-server' && reason !== 'all-quiesced') return 'client-on-director';
  const rs = s.conn?.rs;
  if (phase === 'request' && rs && rs.method === 'dr' && hostId === svc.director && (reason === 'arp-unanswered' || reason === 'no-route'))
    return 'dr-no-l2-path';
  // Once IPVS sent the request on, a DR/TUN real server without the VIP is the root cause of
  // whatever happens next (dropped there, or forwarded around until the TTL runs out).
  if (
    phase === 'request' &&
    rs &&
    (rs.method === 'dr' || rs.method === 'tun') &&
    !['no-ipip-tunnel', 'rp-filter', 'martian-source', 'arp-unanswered'].includes(reason)
  ) {
    const h = ctx.net.hosts.get(rs.host);
    if (h && !h.local.has(ctx.vip) && s.steps.some((x) => x.place.kind === 'host' && x.place.host === rs.host)) return 'missing-vip-on-rs';
  }
  if (phase === 'request' && !s.conn && pkt && pkt.ip.dst === svc.vip) {
    const dir = ctx.net.hosts.get(refAsHostId(svc.director));
    if (dir && !dir.local.has(ctx.vip) && (reason === 'arp-unanswered' || reason === 'no-route')) return 'vip-not-on-director';
  }
  if (phase === 'reply' && rs?.method === 'nat' && reason === 'unexpected-reply' && pkt && pkt.ip.src === rs.rip) return 'nat-reply-bypasses-director';
  if (phase === 'reply' && rs?.method === 'nat' && reason === 'not-for-this-host' && hostId === svc.director) return 'no-ip-forward';
  if (phase === 'reply' && rs && reason === 'no-route' && hostId === rs.host) return 'rs-no-route-back';
  if (phase === 'reply' && rs && rs.method !== 'nat' && hostId === svc.director && (reason === 'martian-source' || reason === 'not-for-this-host'))
    return 'reply-via-director';
  return reason;
}

export function explain(ctx: SimContext, s: SimState, fault: FaultId, detail: Narration): Narration {
  const svc = ctx.service;
  const dir = hname(ctx, refAsHostId(svc.director));
  const rs = s.conn?.rs;
  const rsName = rs ? hname(ctx, rs.host) : 'the real server';
  switch (fault) {
    case 'nat-reply-bypasses-director':
      return withDetail(detail, say('fault.nat-reply-bypasses-director', { rip: rs?.rip, vip: svc.vip, rsName }));
    case 'no-ip-forward':
      return withDetail(detail, say('fault.no-ip-forward', { director: dir }));
    case 'dr-no-l2-path':
      return withDetail(detail, say('fault.dr-no-l2-path', { rip: rs?.rip, director: dir, rsName }));
    case 'rp-filter':
      return withDetail(detail, say('fault.rp-filter', { rsName }));
    case 'missing-vip-on-rs':
      return withDetail(
        detail,
        say('fault.missing-vip-on-rs', {
          hasRs: rs !== undefined,
          method: rs ? methodName(rs.method) : undefined,
          vip: svc.vip,
          rsName,
          isTun: rs?.method === 'tun',
        }),
      );
    case 'no-ipip-tunnel':
      return withDetail(detail, say('fault.no-ipip-tunnel', { rsName }));
    case 'vip-not-on-director':
      return withDetail(detail, say('fault.vip-not-on-director', { vip: svc.vip, director: dir }));
    case 'client-on-director':
      return withDetail(detail, say('fault.client-on-director', {}));
    case 'reply-via-director':
      return withDetail(detail, say('fault.reply-via-director', { hasRs: rs !== undefined, method: rs ? methodName(rs.method) : undefined, rsName }));
    case 'rs-no-route-back':
      return withDetail(detail, say('fault.rs-no-route-back', { isNat: rs?.method === 'nat', rsName }));
    case 'arp-race':
      return withDetail(detail, say('fault.arp-race', { vip: svc.vip }));
    default:
      return detail;
  }
}

export function drop(
  ctx: SimContext,
  s: SimState,
  reason: FaultId,
  hostId: HostId,
  pkt: Pkt | null,
  phase: TracePhase,
  place: PacketPlace,
  detail: Narration,
): SimState {
  const fault = classify(ctx, s, reason, hostId, pkt, phase);
  const narration = explain(ctx, s, fault, detail);
  const s2 = emit(s, { kind: 'drop', phase, place, ...(pkt ? { pkt } : {}), severity: 'error', narration: detail });
  return { ...s2, queue: [], outcome: { status: 'broken', fault, at: place, stepIndex: s2.steps.length - 1, narration } };
}
