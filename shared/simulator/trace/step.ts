/**
 * The pure step function and its stages, one per place in the Linux network stack a packet passes:
 * originate, LOCAL_OUT, routing, POSTROUTING, neighbour (ARP), transmit, arrive, PREROUTING, input
 * routing (martian and rp_filter checks), FORWARD, LOCAL_IN, IPVS and local delivery.
 */
import type { HostId, RealServer } from '../../model/types.ts';
import { parseIPv4, prefixMask } from '../../addressing/ipv4.ts';
import type { FaultId, HeaderStack, Narration, PacketPlace, RouteDecision, TracePhase } from '../types.ts';
import type { FailureContext } from './failure.ts';
import { retransmitStory } from './failure.ts';
import type { NetHost, NetIface } from '../network.ts';
import { ifaceCovers, localIface, lookupRoute } from '../network.ts';
import { IpvsScheduler } from '../schedulers/index.ts';
import { SCHEDULER_MODULES } from '../schedulers/registry.ts';
import { ConnectionTable, replayClosedConnections } from '../connections.ts';
import { rngStep } from '../rng.ts';
import type { Conn, Pkt, SimContext, SimState, Work } from './state.ts';
import {
  ARP_FRAME,
  BROADCAST,
  ETH_HEADER,
  IPIP_HEADER,
  ZERO_MAC,
  addBytes,
  connEntry,
  emit,
  findService,
  hname,
  hostOf,
  hostPlace,
  ifaceOf,
  ip,
  letterFor,
  methodName,
  rport,
} from './state.ts';
import { drop } from './faults.ts';
import { say } from './narration.ts';
import { segmentId } from '../../model/ids.ts';

/**
 * Advances the simulation by one unit of work (which may add one or several trace steps: an ARP
 * exchange is a request plus its replies). Pure: returns a new state.
 */
export function step(state: SimState, ctx: SimContext): SimState {
  const [work, ...rest] = state.queue;
  if (!work || state.outcome) return state;
  const s: SimState = { ...state, queue: rest };
  const push = (st: SimState, ...w: Work[]): SimState => ({ ...st, queue: [...w, ...st.queue] });
  const host = hostOf(ctx, work.host);
  const H = host.name;
  const pkt = work.pkt;
  const phase = work.phase;
  switch (work.op) {
    case 'originate': {
      const isReq = phase === 'request';
      const letter = isReq ? letterFor(ctx, s, 'client-send') : letterFor(ctx, s, 'rs-reply');
      const narration =
        !isReq && pkt.l4.segment === 'RST'
          ? say('failure.originate-rst', { host: H, src: pkt.ip.src, sport: pkt.l4.sport, dst: pkt.ip.dst, dport: pkt.l4.dport })
          : isReq
            ? say('originate.request', {
                host: H,
                protocol: pkt.l4.protocol.toUpperCase(),
                src: pkt.ip.src,
                sport: pkt.l4.sport,
                dst: pkt.ip.dst,
                dport: pkt.l4.dport,
              })
            : say('originate.reply', {
                host: H,
                src: pkt.ip.src,
                sport: pkt.l4.sport,
                dst: pkt.ip.dst,
                dport: pkt.l4.dport,
                bytes: pkt.size,
                fromVip: pkt.ip.src === ctx.service.vip,
              });
      const s2 = emit(s, { kind: 'originate', phase, place: hostPlace(host.id), pkt, ...(letter ? { letter } : {}), narration });
      return push(s2, { op: 'local-out', host: host.id, pkt, phase });
    }
    case 'local-out': {
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id),
        pkt,
        hook: 'LOCAL_OUT',
        narration: say('local-out.hook', { host: H }),
      });
      if (phase === 'request' && !s.conn && findService(ctx, host.id, pkt)) return push(s2, { op: 'ipvs', host: host.id, pkt, phase, iface: null });
      return push(s2, { op: 'route-out', host: host.id, pkt, phase, forwarded: false });
    }
    case 'route-out': {
      const dst = parseIPv4((pkt.outer ?? pkt.ip).dst) ?? 0;
      const r = lookupRoute(host, dst);
      if (r.kind === 'unreachable') {
        return drop(ctx, s, 'no-route', host.id, pkt, phase, hostPlace(host.id), say('route-out.unreachable', { host: H, dst: ip(dst) }));
      }
      if (r.kind === 'local') {
        const s2 = emit(s, {
          kind: 'route',
          phase,
          place: hostPlace(host.id),
          pkt,
          route: { result: 'local', route: `local ${ip(dst)} dev ${r.iface.name}`, iface: r.iface.id },
          narration: say('route-out.local', { dst: ip(dst), host: H, localIface: r.iface.name }),
        });
        const lo = host.ifaces.find((f) => f.kind === 'loopback') ?? r.iface;
        return push(s2, { op: 'pre', host: host.id, pkt, phase, iface: lo.id, loopback: true });
      }
      const decision: RouteDecision = {
        result: work.forwarded ? 'forward' : 'output',
        route: r.route.text,
        iface: r.route.iface.id,
        nextHop: ip(r.nextHop),
        ...(r.src !== null ? { source: ip(r.src) } : {}),
      };
      const s2 = emit(s, {
        kind: 'route',
        phase,
        place: hostPlace(host.id),
        pkt,
        route: decision,
        narration: say('route-out.unicast', {
          host: H,
          dst: ip(dst),
          rRouteText: r.route.text,
          outIface: r.route.iface.name,
          viaGateway: r.route.via !== null,
          gateway: ip(r.nextHop),
        }),
      });
      return push(s2, { op: 'post', host: host.id, pkt, phase, iface: r.route.iface.id, nextHop: r.nextHop, forwarded: work.forwarded, knownNh: false });
    }
    case 'post': {
      const isDirReq = host.id === ctx.service.director && phase === 'request' && s.conn !== null;
      const letter = isDirReq ? letterFor(ctx, s, 'director-post') : undefined;
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id, work.iface),
        pkt,
        hook: 'POSTROUTING',
        ...(letter ? { letter } : {}),
        narration: isDirReq ? say('post.director', { host: H }) : say('post.hook', { host: H, iface: ifaceOf(host, work.iface).name }),
      });
      return push(s2, { ...work, op: 'neigh' });
    }
    case 'neigh':
      return neighbour(ctx, s, work, host, push);
    case 'xmit': {
      const f = ifaceOf(host, work.iface);
      const framed: Pkt = { ...pkt, eth: { src: f.mac, dst: work.dstMac } };
      const members = ctx.net.segments.get(segmentId(f.segment ?? '')) ?? [];
      const to = members.find((m) => m.mac === work.dstMac && m.id !== f.id);
      const wire = framed.size + ETH_HEADER;
      let s2 = addBytes(s, host.id, 0, wire, work.forwarded ? wire : 0);
      const isDr = s.conn?.rs.method === 'dr' && host.id === ctx.service.director && phase === 'request';
      const place: PacketPlace = {
        kind: 'link',
        segment: segmentId(f.segment ?? ''),
        from: { host: host.id, iface: f.id },
        to: to ? { host: to.host, iface: to.id } : null,
      };
      s2 = emit(s2, {
        kind: 'transmit',
        phase,
        place,
        pkt: framed,
        framed: true,
        narration: isDr
          ? say('xmit.dr-frame', {
              host: H,
              mac: f.mac,
              dstMac: work.dstMac,
              hasTo: to !== undefined,
              toHost: to ? hname(ctx, to.host) : undefined,
              src: pkt.ip.src,
              dst: pkt.ip.dst,
            })
          : say('xmit.frame', {
              host: H,
              segment: ctx.net.topology.segments.find((x) => x.id === f.segment)?.name ?? String(f.segment),
              mac: f.mac,
              dstMac: work.dstMac,
              hasTo: to !== undefined,
              toHost: to ? hname(ctx, to.host) : undefined,
              bytes: wire,
            }),
      });
      if (!to) return drop(ctx, s2, 'not-for-this-host', host.id, framed, phase, place, say('xmit.no-such-mac', { dstMac: work.dstMac }));
      if (ctx.failure?.goneHosts.has(to.host)) return hostGone(ctx, s2, to.host, H, framed, phase);
      return push(s2, { op: 'arrive', host: to.host, pkt: framed, phase, iface: to.id });
    }
    case 'arrive': {
      const f = ifaceOf(host, work.iface);
      const wire = pkt.size + ETH_HEADER;
      const s2 = emit(addBytes(s, host.id, wire, 0, 0), {
        kind: 'arrive',
        phase,
        place: hostPlace(host.id, f.id),
        pkt,
        framed: true,
        narration: say('arrive.frame', { host: H, iface: f.name }),
      });
      return push(s2, { op: 'pre', host: host.id, pkt, phase, iface: f.id, loopback: false });
    }
    case 'pre': {
      const isDirReq = host.id === ctx.service.director && phase === 'request' && !s.conn;
      const letter = isDirReq ? letterFor(ctx, s, 'director-pre') : undefined;
      const f = ifaceOf(host, work.iface);
      const s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id, f.id),
        pkt,
        hook: 'PREROUTING',
        ...(letter ? { letter } : {}),
        narration: isDirReq ? say('pre.director', { host: H, src: pkt.ip.src, dst: pkt.ip.dst }) : say('pre.hook', { host: H, iface: f.name }),
      });
      return push(s2, { ...work, op: 'route-in' });
    }
    case 'route-in':
      return routeIn(ctx, s, work, host, push);
    case 'forward': {
      const ttl = (pkt.outer ?? pkt.ip).ttl - 1;
      let p2: Pkt = pkt.outer ? { ...pkt, outer: { ...pkt.outer, ttl } } : { ...pkt, ip: { ...pkt.ip, ttl } };
      let s2 = emit(s, {
        kind: 'hook',
        phase,
        place: hostPlace(host.id),
        pkt: p2,
        hook: 'FORWARD',
        narration: say('forward.hook', { host: H, ttlBefore: ttl + 1, ttlAfter: ttl }),
      });
      // ip_vs_out at FORWARD: a VS/NAT reply from the real server gets the VIP back as its source.
      const c = s.conn;
      if (
        c &&
        host.id === ctx.service.director &&
        c.rs.method === 'nat' &&
        phase === 'reply' &&
        p2.ip.src === c.rs.rip &&
        p2.l4.sport === rport(ctx, c.rs) &&
        p2.ip.dst === ip(c.cip) &&
        p2.l4.dport === c.cport
      ) {
        const vport = ctx.dport;
        p2 = { ...p2, ip: { ...p2.ip, src: ctx.service.vip }, l4: { ...p2.l4, sport: vport } };
        const nc: Conn = { ...c, state: p2.l4.segment === 'RST' ? 'CLOSE' : 'ESTABLISHED' };
        s2 = {
          ...emit(s2, {
            kind: 'rewrite',
            phase,
            place: hostPlace(host.id),
            pkt: p2,
            hook: 'FORWARD',
            conn: connEntry(ctx, nc),
            ...(letterFor(ctx, s2, 'nat-reply') ? { letter: letterFor(ctx, s2, 'nat-reply')! } : {}),
            narration: say('forward.nat-reply-rewrite', { rip: c.rs.rip, rport: rport(ctx, c.rs), vip: ctx.service.vip, vport }),
          }),
          conn: nc,
        };
      }
      return push(s2, { op: 'post', host: host.id, pkt: p2, phase, iface: work.out, nextHop: work.nextHop, forwarded: true, knownNh: false });
    }
    case 'local-in':
      return localIn(ctx, s, work, host, push);
    case 'ipvs':
      return ipvs(ctx, s, work, host, push);
    case 'deliver':
      return deliver(ctx, s, work, host, push);
  }
}

type Push = (st: SimState, ...w: Work[]) => SimState;

function neighbour(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'neigh' }>, host: NetHost, push: Push): SimState {
  const f = ifaceOf(host, work.iface);
  const pkt = work.pkt;
  const H = host.name;
  const key = `${host.id}/${f.id}`;
  const cached = s.arp[key]?.[work.nextHop];
  if (cached) return push(s, { op: 'xmit', host: host.id, pkt, phase: work.phase, iface: f.id, dstMac: cached, forwarded: work.forwarded });
  // A host that just died is still in its neighbours' caches (the entry outlives it by minutes):
  // the frame goes out to its old MAC without an ARP request, and is lost there (see hostGone).
  if (ctx.failure && f.segment !== null) {
    const gone = (ctx.net.segments.get(f.segment) ?? []).find((m) => ctx.failure!.goneHosts.has(m.host) && hostOf(ctx, m.host).local.has(work.nextHop));
    if (gone) return push(s, { op: 'xmit', host: host.id, pkt, phase: work.phase, iface: f.id, dstMac: gone.mac, forwarded: work.forwarded });
  }
  if (f.segment === null) {
    return drop(ctx, s, 'no-route', host.id, pkt, work.phase, hostPlace(host.id, f.id), say('neigh.unplugged', { iface: f.name, host: H }));
  }
  // arp_announce picks the sender IP of the request.
  const srcIp = parseIPv4((pkt.outer ?? pkt.ip).src) ?? 0;
  const best = f.addresses.find((a) => (work.nextHop & prefixMask(a.prefix)) >>> 0 === a.network)?.value ?? f.addresses[0]?.value ?? 0;
  let sender: number;
  if (f.arpAnnounce >= 2) sender = best;
  else if (f.arpAnnounce === 1) sender = ifaceCovers(f, srcIp) && host.local.has(srcIp) ? srcIp : best;
  else sender = host.local.has(srcIp) ? srcIp : best;
  const segName = ctx.net.topology.segments.find((x) => x.id === f.segment)?.name ?? f.segment;
  const arpPkt: HeaderStack = {
    eth: { src: f.mac, dst: BROADCAST, type: 'arp' },
    arp: { op: 'request', senderMac: f.mac, senderIp: ip(sender), targetMac: ZERO_MAC, targetIp: ip(work.nextHop) },
    size: ARP_FRAME,
  };
  const announceLeak = !f.addresses.some((a) => a.value === sender);
  let st = addBytes(s, host.id, 0, ARP_FRAME, 0);
  st = emit(st, {
    kind: 'arp-request',
    phase: work.phase,
    place: { kind: 'link', segment: f.segment, from: { host: host.id, iface: f.id }, to: null },
    packet: arpPkt,
    severity: announceLeak ? 'warning' : 'info',
    narration: announceLeak
      ? say('neigh.request-announce-leak', { host: H, nextHop: ip(work.nextHop), sender: ip(sender), segName, arpAnnounce: f.arpAnnounce, iface: f.name })
      : say('neigh.request', { host: H, nextHop: ip(work.nextHop), segName, sender: ip(sender) }),
  });
  if (announceLeak && ip(sender) === ctx.service.vip) {
    st = {
      ...st,
      warnings: [
        ...st.warnings,
        { fault: 'arp-announce', narration: say('warn.vip-announced', { host: H, vip: ctx.service.vip, arpAnnounce: f.arpAnnounce, segName }) },
      ],
    };
  }
  // Every other interface on the segment hears the broadcast.
  const members = ctx.net.segments.get(f.segment) ?? [];
  const repliers: NetIface[] = [];
  let arp = st.arp;
  for (const m of members) {
    if (m.id === f.id) continue;
    const rh = ctx.net.hosts.get(m.host);
    if (!rh) continue;
    st = addBytes(st, m.host, ARP_FRAME, 0, 0);
    const mkey = `${m.host}/${m.id}`;
    // arp_process(): a request is answered for any address of the local table (inet_addr_type RTN_LOCAL)
    const holder = localIface(rh, work.nextHop);
    // Linux refreshes an existing entry for the sender even when the request is not for it.
    const existing = arp[mkey]?.[sender];
    if (existing !== undefined && existing !== f.mac) {
      arp = { ...arp, [mkey]: { ...arp[mkey], [sender]: f.mac } };
      st = emit(
        { ...st, arp },
        {
          kind: 'arp-learn',
          phase: work.phase,
          place: hostPlace(m.host, m.id),
          packet: null,
          severity: 'warning',
          narration: say('neigh.cache-updated', { replier: rh.name, sender: ip(sender), mac: f.mac, host: H, oldMac: existing }),
        },
      );
      if (ip(sender) === ctx.service.vip)
        st = { ...st, warnings: [...st.warnings, { fault: 'arp-announce', narration: say('warn.vip-redirected', { replier: rh.name, host: H }) }] };
    }
    if (!holder) continue;
    let answers: boolean;
    if (m.arpIgnore >= 8) answers = false;
    else if (m.arpIgnore === 1) answers = holder.id === m.id;
    else if (m.arpIgnore === 2)
      answers = holder.id === m.id && m.addresses.some((a) => a.value === work.nextHop && (sender & prefixMask(a.prefix)) >>> 0 === a.network);
    else answers = true;
    if (answers) repliers.push(m);
    else if (holder.kind !== 'ethernet' || holder.id !== m.id) {
      st = emit(st, {
        kind: 'arp-silent',
        phase: work.phase,
        place: hostPlace(m.host, m.id),
        packet: null,
        narration: say('neigh.silent', { replier: rh.name, nextHop: ip(work.nextHop), holder: holder.name, arpIgnore: m.arpIgnore, iface: m.name }),
      });
    }
  }
  if (repliers.length === 0) {
    return drop(
      ctx,
      { ...st, arp },
      'arp-unanswered',
      host.id,
      pkt,
      work.phase,
      { kind: 'link', segment: f.segment, from: { host: host.id, iface: f.id }, to: null },
      say('neigh.unanswered', { segName, nextHop: ip(work.nextHop), host: H }),
    );
  }
  // Several answers race; the seeded RNG decides which arrives first. The first one is kept
  // (neighbour locktime ignores a different answer within a second).
  let order = repliers;
  let rng = st.rng;
  if (repliers.length > 1) {
    const arr = [...repliers];
    for (let i = arr.length - 1; i > 0; i--) {
      const r = rngStep(rng);
      rng = r.state;
      const j = r.value % (i + 1);
      [arr[i], arr[j]] = [arr[j]!, arr[i]!];
    }
    order = arr;
  }
  st = { ...st, rng };
  order.forEach((m, i) => {
    const rh = ctx.net.hosts.get(m.host)!;
    st = addBytes(addBytes(st, m.host, 0, ARP_FRAME, 0), host.id, ARP_FRAME, 0, 0);
    const race = order.length > 1;
    st = emit(st, {
      kind: 'arp-reply',
      phase: work.phase,
      place: { kind: 'link', segment: f.segment!, from: { host: m.host, iface: m.id }, to: { host: host.id, iface: f.id } },
      packet: {
        eth: { src: m.mac, dst: f.mac, type: 'arp' },
        arp: { op: 'reply', senderMac: m.mac, senderIp: ip(work.nextHop), targetMac: f.mac, targetIp: ip(sender) },
        size: ARP_FRAME,
      },
      severity: race ? 'warning' : 'info',
      narration:
        i === 0
          ? say('neigh.reply-first', { replier: rh.name, nextHop: ip(work.nextHop), mac: m.mac, race, count: order.length, host: H })
          : say('neigh.reply-later', { replier: rh.name, nextHop: ip(work.nextHop), mac: m.mac, arpIgnore: m.arpIgnore, host: H }),
    });
  });
  const winner = order[0]!;
  arp = { ...st.arp, [key]: { ...st.arp[key], [work.nextHop]: winner.mac } };
  // The target learns the requester (the request was for it).
  const wkey = `${winner.host}/${winner.id}`;
  arp = { ...arp, [wkey]: { ...arp[wkey], [sender]: f.mac } };
  st = { ...st, arp };
  if (order.length > 1) {
    st = {
      ...st,
      arpRace: true,
      warnings: [
        ...st.warnings,
        {
          fault: 'arp-race',
          narration: say('warn.arp-race', {
            count: order.length,
            nextHop: ip(work.nextHop),
            hosts: order.map((m) => ctx.net.hosts.get(m.host)!.name),
            winner: ctx.net.hosts.get(winner.host)!.name,
            seed: ctx.seed,
          }),
        },
      ],
    };
  }
  return push(st, { op: 'xmit', host: host.id, pkt, phase: work.phase, iface: f.id, dstMac: winner.mac, forwarded: work.forwarded });
}

function rpFilterDrops(host: NetHost, iface: NetIface, src: number): boolean {
  const mode = iface.rpFilter;
  if (mode === 0) return false;
  const r = lookupRoute(host, src);
  if (r.kind === 'unreachable') return true;
  if (mode === 2) return false;
  return r.kind !== 'unicast' || r.route.iface.id !== iface.id;
}

function routeIn(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'route-in' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const hdr = pkt.outer ?? pkt.ip;
  const src = parseIPv4(hdr.src) ?? 0;
  const dst = parseIPv4(hdr.dst) ?? 0;
  const f = ifaceOf(host, work.iface);
  const H = host.name;
  const place = hostPlace(host.id, f.id);
  const r = lookupRoute(host, dst);
  if (r.kind === 'unreachable') {
    return drop(ctx, s, 'no-route', host.id, pkt, work.phase, place, say('route-in.unreachable', { host: H, dst: hdr.dst }));
  }
  if (r.kind === 'unicast' && !host.ipForward) {
    const fault: FaultId = 'not-for-this-host';
    return drop(ctx, s, fault, host.id, pkt, work.phase, place, say('route-in.no-forward', { dst: hdr.dst, host: H }));
  }
  // fib_validate_source() (net/ipv4/fib_frontend.c): a packet from the network claiming one of our
  // own addresses is a martian. With rp_filter off the kernel only looks for the address itself
  // (inet_lookup_ifaddr_rcu); with rp_filter on it looks the source up in the FIB, where an address
  // inside a subnet on lo is RTN_LOCAL too.
  if (!work.loopback && (host.local.has(src) || (f.rpFilter !== 0 && localIface(host, src)))) {
    return drop(ctx, s, 'martian-source', host.id, pkt, work.phase, place, say('route-in.martian', { host: H, src: hdr.src }));
  }
  if (!work.loopback && rpFilterDrops(host, f, src)) {
    return drop(
      ctx,
      s,
      'rp-filter',
      host.id,
      pkt,
      work.phase,
      place,
      say('route-in.rp-filter', { host: H, rpFilter: f.rpFilter, iface: f.name, src: hdr.src }),
    );
  }
  if (r.kind === 'local') {
    const s2 = emit(s, {
      kind: 'route',
      phase: work.phase,
      place,
      pkt,
      route: { result: 'local', route: `local ${hdr.dst} dev ${r.iface.name}`, iface: r.iface.id },
      narration: say('route-in.local', { host: H, dst: hdr.dst, localIface: r.iface.name }),
    });
    return push(s2, { op: 'local-in', host: host.id, pkt, phase: work.phase, iface: f.id });
  }
  if (hdr.ttl <= 1) {
    return drop(ctx, s, 'ttl-exceeded', host.id, pkt, work.phase, place, say('route-in.ttl-exceeded', { host: H }));
  }
  const s2 = emit(s, {
    kind: 'route',
    phase: work.phase,
    place,
    pkt,
    route: { result: 'forward', route: r.route.text, iface: r.route.iface.id, nextHop: ip(r.nextHop) },
    narration: say('route-in.forward', { host: H, dst: hdr.dst, rRouteText: r.route.text }),
  });
  return push(s2, { op: 'forward', host: host.id, pkt, phase: work.phase, iface: f.id, out: r.route.iface.id, nextHop: r.nextHop });
}

function localIn(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'local-in' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const H = host.name;
  const isDirReq = host.id === ctx.service.director && work.phase === 'request' && !s.conn && !pkt.outer;
  const letter = isDirReq ? letterFor(ctx, s, 'director-in') : undefined;
  let st = emit(s, {
    kind: 'hook',
    phase: work.phase,
    place: hostPlace(host.id, work.iface),
    pkt,
    hook: 'LOCAL_IN',
    ...(letter ? { letter } : {}),
    narration: isDirReq ? say('local-in.director', { dst: pkt.ip.dst }) : say('local-in.hook', { host: H }),
  });
  if (pkt.outer) {
    const tun = host.ifaces.find((f) => f.kind === 'ipip');
    if (!tun) {
      return drop(ctx, st, 'no-ipip-tunnel', host.id, pkt, work.phase, hostPlace(host.id, work.iface), say('local-in.no-tunnel', { host: H }));
    }
    const inner: Pkt = { ip: pkt.ip, l4: pkt.l4, size: pkt.size - IPIP_HEADER };
    const letter2 = letterFor(ctx, st, 'tun-decap');
    st = emit(st, {
      kind: 'decapsulate',
      phase: work.phase,
      place: hostPlace(host.id, tun.id),
      pkt: inner,
      ...(letter2 ? { letter: letter2 } : {}),
      narration: say('local-in.decapsulate', { host: H, tunnel: tun.name, src: pkt.ip.src, dst: pkt.ip.dst }),
    });
    return push(st, { op: 'pre', host: host.id, pkt: inner, phase: work.phase, iface: tun.id, loopback: false });
  }
  // ip_vs_out at LOCAL_IN: a NAT reply addressed to the director itself (client on the director).
  const c = st.conn;
  if (
    c &&
    host.id === ctx.service.director &&
    work.phase === 'reply' &&
    c.rs.method === 'nat' &&
    pkt.ip.src === c.rs.rip &&
    pkt.l4.sport === rport(ctx, c.rs)
  ) {
    const vport = ctx.dport;
    const p2: Pkt = { ...pkt, ip: { ...pkt.ip, src: ctx.service.vip }, l4: { ...pkt.l4, sport: vport } };
    const nc: Conn = { ...c, state: pkt.l4.segment === 'RST' ? 'CLOSE' : 'ESTABLISHED' };
    st = {
      ...emit(st, {
        kind: 'rewrite',
        phase: work.phase,
        place: hostPlace(host.id),
        pkt: p2,
        hook: 'LOCAL_IN',
        conn: connEntry(ctx, nc),
        narration: say('local-in.nat-reply-rewrite', { vip: ctx.service.vip, vport }),
      }),
      conn: nc,
    };
    return push(st, { op: 'deliver', host: host.id, pkt: p2, phase: work.phase, iface: work.iface });
  }
  const again = st.conn && pkt.ip.src === ip(st.conn.cip) && pkt.l4.sport === st.conn.cport;
  if (work.phase === 'request' && (!st.conn || again) && findService(ctx, host.id, pkt))
    return push(st, { op: 'ipvs', host: host.id, pkt, phase: work.phase, iface: work.iface });
  return push(st, { op: 'deliver', host: host.id, pkt, phase: work.phase, iface: work.iface });
}

function ipvs(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'ipvs' }>, host: NetHost, push: Push): SimState {
  const found = findService(ctx, host.id, work.pkt) ?? ctx.service;
  // With real servers down, IPVS works on the table keepalived left (removed servers gone, weights 0, the sorry server).
  const failure = found.id === ctx.service.id ? ctx.failure : undefined;
  const svc = failure ? failure.table : found;
  const pkt = work.pkt;
  const H = host.name;
  const place = hostPlace(host.id, work.iface ?? undefined);
  let rs: RealServer | undefined;
  let reused = false;
  let sched: IpvsScheduler | undefined;
  const existing = s.conn && pkt.ip.src === ip(s.conn.cip) && pkt.l4.sport === s.conn.cport ? s.conn : null;
  if (existing) {
    // ip_vs_in finds the entry and forwards the packet to the same real server again.
    const st0 = emit(s, {
      kind: 'schedule',
      phase: work.phase,
      place,
      packet: null,
      conn: connEntry(ctx, existing),
      severity: 'warning',
      narration: say('ipvs.existing-connection', { host: H, rsHost: hname(ctx, existing.rs.host) }),
    });
    return forwardTo(ctx, st0, work, host, existing, push);
  }
  // A server picked by hand that keepalived already removed is no destination any more: the scheduler decides.
  const forced = ctx.flow.realServer !== undefined && (!failure || svc.realServers.some((r) => r.id === ctx.flow.realServer));
  if (failure?.sorryOutside) {
    const detail = say('failure.sorry-outside', { sorry: failure.sorryOutside });
    const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
    return { ...st, queue: [], outcome: { status: 'failed', failure: 'sorry-server-outside', at: place, stepIndex: st.steps.length - 1, narration: detail } };
  }
  if (forced) {
    rs = svc.realServers.find((r) => r.id === ctx.flow.realServer);
  } else {
    // `ipvsadm -A -s NAME` fails for a scheduler the kernel lacks, so no virtual service exists and
    // the director's own stack answers the VIP:port (the checker's service/unknown-scheduler error).
    if (!Object.hasOwn(SCHEDULER_MODULES, svc.scheduler)) {
      return drop(
        ctx,
        s,
        'no-listener',
        host.id,
        pkt,
        work.phase,
        place,
        say('ipvs.unknown-scheduler', { host: H, scheduler: String(svc.scheduler), dst: pkt.ip.dst, dport: pkt.l4.dport }),
      );
    }
    sched = IpvsScheduler.forService(svc, { seed: ctx.seed });
    const caddr = parseIPv4(pkt.ip.src) ?? 0;
    const daddr = parseIPv4(pkt.ip.dst) ?? 0;
    // Earlier connections of the same client, already closed, as on a director that has served them:
    // the cursors moved on, a persistence template is alive, and the closed connections still count
    // in InActConn for the TCP FIN timeout (2 min) — the model `lvsd schedule --active 0` uses.
    const prior = Math.min(100_000, Math.max(0, Math.trunc(ctx.flow.previousConnections ?? 0)));
    if (prior > 0) replayClosedConnections(new ConnectionTable(sched, { udp: svc.protocol === 'udp' }), { caddr, daddr, dport: pkt.l4.dport }, prior);
    const explained = sched.explain(caddr, pkt.l4.sport, daddr);
    const d = sched.connect(caddr, pkt.l4.sport, daddr, pkt.l4.dport);
    reused = sched.lastFromTemplate;
    rs = d ? svc.realServers.find((r) => r.id === d.id) : undefined;
    if (
      !rs &&
      (svc.scheduler === 'sh' || svc.scheduler === 'mh' || svc.scheduler === 'dh') &&
      explained.bucket !== undefined &&
      svc.realServers.some((r) => r.weight > 0) &&
      !sched.problem
    ) {
      const flag = svc.scheduler === 'mh' ? 'mh-fallback' : 'sh-fallback';
      const detail = say('ipvs.hash-bucket-unusable', { scheduler: svc.scheduler, bucket: explained.bucket, isDh: svc.scheduler === 'dh', flag });
      const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
      return { ...st, queue: [], outcome: { status: 'broken', fault: 'no-real-server', at: place, stepIndex: st.steps.length - 1, narration: detail } };
    }
  }
  if (!rs && failure && !sched?.problem) {
    // ip_vs_schedule() found nothing: ip_vs_leave() answers ICMP port unreachable and drops the SYN.
    const inhibit = [...failure.down.values()].some((d) => d.inhibit);
    const detail = say('failure.no-destination', { host: H, vip: svc.vip, port: svc.port, inhibit });
    const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
    return { ...st, queue: [], outcome: { status: 'failed', failure: 'no-destination', at: place, stepIndex: st.steps.length - 1, narration: detail } };
  }
  if (!rs) {
    const none = svc.realServers.length === 0;
    const problem = sched?.problem ?? null;
    const fault: FaultId = none || problem || ctx.flow.realServer !== undefined ? 'no-real-server' : 'all-quiesced';
    const detail = problem
      ? say('ipvs.service-problem', { host: H, problem })
      : none
        ? say('ipvs.no-real-server', { host: H, vip: svc.vip, port: svc.port })
        : say('ipvs.all-quiesced', { scheduler: svc.scheduler });
    const st = emit(s, { kind: 'drop', phase: work.phase, place, pkt, severity: 'error', narration: detail });
    return { ...st, queue: [], outcome: { status: 'broken', fault, at: place, stepIndex: st.steps.length - 1, narration: detail } };
  }
  const conn: Conn = {
    rs,
    cip: parseIPv4(pkt.ip.src) ?? 0,
    cport: pkt.l4.sport,
    state: svc.protocol === 'udp' ? 'UDP' : svc.protocol === 'sctp' ? 'INIT1' : 'SYN_RECV',
    templateReused: reused,
  };
  const rsHost = hname(ctx, rs.host);
  const warnQuiesced = rs.weight === 0;
  let st: SimState = { ...s, conn };
  const dead = failure?.down.get(rs.id);
  st = emit(st, {
    kind: 'schedule',
    phase: work.phase,
    place,
    packet: null,
    conn: connEntry(ctx, conn),
    severity: warnQuiesced || dead ? 'warning' : 'info',
    narration: failure
      ? failureScheduleNarration(ctx, failure, rs, forced, reused)
      : forced
        ? say('ipvs.chosen-by-hand', { vip: svc.vip, port: svc.port, rsHost, rip: rs.rip, quiesced: warnQuiesced })
        : say('ipvs.scheduled', { vip: svc.vip, port: svc.port, scheduler: svc.scheduler, rsHost, rip: rs.rip, method: methodName(rs.method), reused }),
  });
  return forwardTo(ctx, st, work, host, conn, push);
}

/** IPVS transmits the request to the connection's real server by its forwarding method. */
function forwardTo(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'ipvs' }>, host: NetHost, conn: Conn, push: Push): SimState {
  const H = host.name;
  const place = hostPlace(host.id, work.iface ?? undefined);
  const rs = conn.rs;
  let st = s;
  const letter = letterFor(ctx, st, 'ipvs-rewrite');
  const rip = parseIPv4(rs.rip) ?? 0;
  // __ip_vs_get_out_rt() decrements the TTL of every packet it sends to a non-local real server
  // (NAT, DR and TUN alike; TUN before encapsulating, so the outer header inherits it).
  const toLocal = lookupRoute(host, rip).kind === 'local';
  if (!toLocal && work.pkt.ip.ttl <= 1) {
    return drop(ctx, st, 'ttl-exceeded', host.id, work.pkt, work.phase, place, say('ipvs.ttl-exceeded', { host: H, ttl: work.pkt.ip.ttl }));
  }
  const pkt: Pkt = toLocal ? work.pkt : { ...work.pkt, ip: { ...work.pkt.ip, ttl: work.pkt.ip.ttl - 1 } };
  if (rs.method === 'nat') {
    const p2: Pkt = { ...pkt, ip: { ...pkt.ip, dst: rs.rip }, l4: { ...pkt.l4, dport: rport(ctx, rs) } };
    st = emit(st, {
      kind: 'rewrite',
      phase: work.phase,
      place,
      pkt: p2,
      hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
      conn: connEntry(ctx, conn),
      ...(letter ? { letter } : {}),
      narration: say('ipvs.nat-rewrite', { dst: work.pkt.ip.dst, dport: pkt.l4.dport, rip: rs.rip, rport: rport(ctx, rs), src: pkt.ip.src }),
    });
    st = addBytes(st, host.id, 0, 0, pkt.size + ETH_HEADER);
    return push(st, { op: 'route-out', host: host.id, pkt: p2, phase: work.phase, forwarded: false });
  }
  if (rs.method === 'dr') {
    st = emit(st, {
      kind: 'rewrite',
      phase: work.phase,
      place,
      pkt,
      hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
      conn: connEntry(ctx, conn),
      ...(letter ? { letter } : {}),
      narration: say('ipvs.dr-rewrite', { src: pkt.ip.src, dst: pkt.ip.dst, rip: rs.rip }),
    });
    st = addBytes(st, host.id, 0, 0, pkt.size + ETH_HEADER);
    const r = lookupRoute(host, rip);
    if (r.kind === 'unreachable') {
      return drop(ctx, st, 'no-route', host.id, pkt, work.phase, place, say('ipvs.dr-no-route', { host: H, rip: rs.rip }));
    }
    if (r.kind === 'local') {
      st = emit(st, {
        kind: 'route',
        phase: work.phase,
        place,
        pkt,
        route: { result: 'local', route: `local ${rs.rip}` },
        narration: say('ipvs.dr-localnode', { rip: rs.rip }),
      });
      return push(st, { op: 'deliver', host: host.id, pkt, phase: work.phase, iface: work.iface ?? r.iface.id });
    }
    // IP_VS_RT_MODE_KNOWN_NH: the next hop is the RIP itself, even when the route has a gateway.
    st = emit(st, {
      kind: 'route',
      phase: work.phase,
      place,
      pkt,
      route: { result: 'output', route: r.route.text, iface: r.route.iface.id, nextHop: rs.rip },
      severity: r.route.via !== null ? 'warning' : 'info',
      narration:
        r.route.via === null
          ? say('ipvs.dr-route-on-link', { rip: rs.rip, rRouteText: r.route.text })
          : say('ipvs.dr-route-via-gateway', { rip: rs.rip, rRouteText: r.route.text, outIface: r.route.iface.name }),
    });
    return push(st, { op: 'post', host: host.id, pkt, phase: work.phase, iface: r.route.iface.id, nextHop: rip, forwarded: false, knownNh: true });
  }
  // TUN: push an outer IPv4 header, source = the director's route source towards the RIP.
  const r = lookupRoute(host, rip);
  const outerSrc =
    r.kind === 'unicast' && r.src !== null
      ? ip(r.src)
      : r.kind === 'local'
        ? rs.rip
        : ip(host.ifaces.find((f) => f.addresses.length > 0)?.addresses[0]?.value ?? 0);
  const p2: Pkt = { ...pkt, outer: { src: outerSrc, dst: rs.rip, ttl: pkt.ip.ttl, protocol: 'ipip' }, size: pkt.size + IPIP_HEADER };
  const letterT = letterFor(ctx, st, 'tun-encap');
  st = emit(st, {
    kind: 'encapsulate',
    phase: work.phase,
    place,
    pkt: p2,
    hook: work.iface ? 'LOCAL_IN' : 'LOCAL_OUT',
    conn: connEntry(ctx, conn),
    ...(letterT ? { letter: letterT } : {}),
    narration: say('ipvs.tun-encapsulate', { outerSrc, rip: rs.rip, src: pkt.ip.src, dst: pkt.ip.dst }),
  });
  st = addBytes(st, host.id, 0, 0, p2.size + ETH_HEADER);
  return push(st, { op: 'route-out', host: host.id, pkt: p2, phase: work.phase, forwarded: false });
}

function deliver(ctx: SimContext, s: SimState, work: Extract<Work, { op: 'deliver' }>, host: NetHost, push: Push): SimState {
  const pkt = work.pkt;
  const H = host.name;
  const place = hostPlace(host.id, work.iface);
  const svc = ctx.service;
  if (work.phase === 'request') {
    const c = s.conn;
    // A server whose service stopped: the host is up, its kernel has no socket on the port and resets.
    if (ctx.failure && c && c.rs.host === host.id && ctx.failure.down.has(c.rs.id) && ctx.failure.scenario.mode === 'refused') {
      const udp = pkt.l4.protocol !== 'tcp';
      const st = emit(s, {
        kind: 'deliver',
        phase: work.phase,
        place,
        pkt,
        severity: 'error',
        narration: say('failure.rst-sent', { rsHost: H, dst: pkt.ip.dst, dport: pkt.l4.dport, udp }),
      });
      if (udp) {
        const n = say('failure.rst-sent', { rsHost: H, dst: pkt.ip.dst, dport: pkt.l4.dport, udp });
        return { ...st, queue: [], outcome: { status: 'failed', failure: 'rs-down-refused', at: place, stepIndex: st.steps.length - 1, narration: n } };
      }
      const rst: Pkt = {
        ip: { src: pkt.ip.dst, dst: pkt.ip.src, ttl: 64, protocol: pkt.ip.protocol },
        l4: { protocol: pkt.l4.protocol, sport: pkt.l4.dport, dport: pkt.l4.sport, segment: 'RST' },
        size: 40,
      };
      return push(st, { op: 'originate', host: host.id, pkt: rst, phase: 'reply' });
    }
    // The sorry server is a destination keepalived added; it is not one of the designed real servers.
    const sorry = ctx.failure?.sorry;
    const serving =
      svc.realServers.find((r) => r.host === host.id && (r.port === pkt.l4.dport || r.port === 0)) ??
      (sorry && c?.rs.id === sorry.id && sorry.host === host.id && (sorry.port === pkt.l4.dport || sorry.port === 0) ? sorry : undefined);
    if (!serving) {
      return drop(ctx, s, 'no-listener', host.id, pkt, work.phase, place, say('deliver.no-listener', { host: H, dst: pkt.ip.dst, dport: pkt.l4.dport }));
    }
    const where = host.local.get(parseIPv4(pkt.ip.dst) ?? 0);
    const st = emit(s, {
      kind: 'deliver',
      phase: work.phase,
      place,
      pkt,
      narration: say('deliver.request', {
        host: H,
        dport: pkt.l4.dport,
        dst: pkt.ip.dst,
        hasWhere: where !== undefined,
        whereIface: where ? where.name : undefined,
      }),
    });
    const reply: Pkt = {
      ip: { src: pkt.ip.dst, dst: pkt.ip.src, ttl: 64, protocol: pkt.ip.protocol },
      l4: { protocol: pkt.l4.protocol, sport: pkt.l4.dport, dport: pkt.l4.sport, segment: 'response' },
      size: ctx.replyBytes,
    };
    return push(st, { op: 'originate', host: host.id, pkt: reply, phase: 'reply' });
  }
  const vport = ctx.dport;
  const expected = host.id === ctx.client.id && pkt.ip.dst === ip(ctx.cip) && pkt.l4.dport === ctx.sport && pkt.ip.src === svc.vip && pkt.l4.sport === vport;
  if (!expected) {
    const why =
      host.id !== ctx.client.id
        ? say('deliver.reply-not-client', { host: H, dst: pkt.ip.dst })
        : say('deliver.reply-no-socket', { host: H, src: pkt.ip.src, sport: pkt.l4.sport, vip: svc.vip, vport });
    return drop(ctx, s, 'unexpected-reply', host.id, pkt, work.phase, place, why);
  }
  if (pkt.l4.segment === 'RST' && ctx.failure && s.conn) {
    const d = ctx.failure.down.get(s.conn.rs.id);
    const n = say('failure.rst-at-client', {
      host: H,
      src: pkt.ip.src,
      sport: pkt.l4.sport,
      rsHost: hname(ctx, s.conn.rs.host),
      hasChecker: d?.window !== undefined,
      ...(d?.detectedAfter !== undefined ? { detectedAfter: d.detectedAfter } : {}),
      since: ctx.failure.scenario.since,
    });
    const st = emit(s, { kind: 'deliver', phase: work.phase, place, pkt, severity: 'error', narration: n });
    return { ...st, queue: [], outcome: { status: 'failed', failure: 'rs-down-refused', at: place, stepIndex: st.steps.length - 1, narration: n } };
  }
  const letter = letterFor(ctx, s, 'client-deliver');
  const st = emit(s, {
    kind: 'deliver',
    phase: work.phase,
    place,
    pkt,
    ...(letter ? { letter } : {}),
    narration: say('deliver.reply', { host: H, src: pkt.ip.src, sport: pkt.l4.sport }),
  });
  return { ...st, queue: [] };
}

/** The schedule step's narration when real servers are down: a dead pick, a live one, or the sorry server. */
function failureScheduleNarration(ctx: SimContext, failure: FailureContext, rs: RealServer, forced: boolean, reused: boolean): Narration {
  const svc = failure.table;
  const rsHost = hname(ctx, rs.host);
  if (failure.sorry && rs.id === failure.sorry.id)
    return say('failure.sorry-scheduled', { sorry: `${rs.rip}:${rs.port}`, rsHost, method: methodName(rs.method) });
  const dead = failure.down.get(rs.id);
  if (dead) {
    return say('failure.scheduled-dead', {
      scheduler: svc.scheduler,
      rsHost,
      rip: rs.rip,
      method: methodName(rs.method),
      since: failure.scenario.since,
      hasChecker: dead.window !== undefined,
      ...(dead.detectedAfter !== undefined ? { detectedAfter: dead.detectedAfter } : {}),
      ...(dead.window ? { min: dead.window.min, max: dead.window.max } : {}),
      inhibit: dead.inhibit,
      forced,
    });
  }
  const downs = [...failure.down.values()];
  const takenOut = downs.filter((d) => d.takenOut);
  const name = (id: string) => hname(ctx, ctx.service.realServers.find((r) => r.id === id)?.host ?? (id as HostId));
  if (takenOut.length === 0) {
    return forced
      ? say('ipvs.chosen-by-hand', { vip: svc.vip, port: svc.port, rsHost, rip: rs.rip, quiesced: rs.weight === 0 })
      : say('ipvs.scheduled', { vip: svc.vip, port: svc.port, scheduler: svc.scheduler, rsHost, rip: rs.rip, method: methodName(rs.method), reused });
  }
  return say('failure.scheduled-live', {
    scheduler: svc.scheduler,
    rsHost,
    rip: rs.rip,
    method: methodName(rs.method),
    since: failure.scenario.since,
    takenOut: takenOut.map((d) => name(d.id)).join(', '),
    stillIn: downs
      .filter((d) => !d.takenOut)
      .map((d) => name(d.id))
      .join(', '),
    inhibit: takenOut.every((d) => d.inhibit),
  });
}

/** The request's frame reached the MAC of a host that is gone: nothing answers, the client retransmits. */
function hostGone(ctx: SimContext, s: SimState, gone: HostId, sender: string, pkt: Pkt, phase: TracePhase): SimState {
  const failure = ctx.failure!;
  const rs = s.conn?.rs;
  const dead = rs ? failure.down.get(rs.id) : undefined;
  const since = failure.scenario.since;
  const expireNodestConn = failure.scenario.expireNodestConn ?? false;
  const story = retransmitStory(since, dead?.detectedAfter, dead?.inhibit ?? false, expireNodestConn);
  const place = hostPlace(gone);
  const n = say('failure.host-gone', {
    rsHost: hname(ctx, gone),
    rip: rs?.rip ?? '',
    sender,
    hasChecker: dead?.window !== undefined,
    ...(dead?.detectedAfter !== undefined ? { detectedAfter: dead.detectedAfter } : {}),
    since,
    inhibit: dead?.inhibit ?? false,
    expireNodestConn,
    story: story.kind,
    ...(story.kind === 'rescheduled' ? { retry: story.retry } : {}),
    after: story.after,
  });
  const st = emit(s, { kind: 'drop', phase, place, pkt, framed: true, severity: 'error', narration: n });
  return { ...st, queue: [], outcome: { status: 'failed', failure: 'rs-down-silent', at: place, stepIndex: st.steps.length - 1, narration: n } };
}
