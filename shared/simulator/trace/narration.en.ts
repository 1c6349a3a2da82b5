/** English text of every simulator message (see `narration.ts` for the ids and their parameters). */
import type { NarrationTable } from './narration.ts';

export const en: NarrationTable = {
  'fault.nat-reply-bypasses-director': (p) =>
    `In LVS-NAT the reply must go back through the director, which rewrites its source from ${p.rip ?? 'RIP'} to ${p.vip}; ${p.rsName}'s default gateway is not the director's DIP, so the reply went around it and the client, which talked to ${p.vip}, drops a packet from ${p.rip ?? 'RIP'}. Fix: set ${p.rsName}'s gateway to the DIP.`,
  'fault.no-ip-forward': (p) =>
    `${p.director} has net.ipv4.ip_forward=0, so it does not route the real server's reply to the client and IPVS never gets to rewrite it at FORWARD. Fix: sysctl -w net.ipv4.ip_forward=1 on ${p.director}.`,
  'fault.dr-no-l2-path': (p) =>
    `LVS-DR only rewrites the destination MAC, so the director must reach ${p.rip ?? 'the RIP'} directly on a shared L2 segment; ${p.rip ?? 'the RIP'} is not on any segment of ${p.director}. Fix: put ${p.rsName} on the director's segment, or use TUN.`,
  'fault.rp-filter': (p) =>
    `Reverse-path filtering (rp_filter=1, strict) drops a packet when the route back to its source leaves by another interface. Fix: set rp_filter=0 (or 2) on tunl0 and "all" on ${p.rsName}.`,
  'fault.missing-vip-on-rs': (p) =>
    `In LVS-${p.hasRs ? p.method : 'DR'} the packet still carries the VIP ${p.vip} as destination, so ${p.rsName} must own the VIP (${p.isTun ? 'on tunl0' : 'on lo'}, /32). Fix: add ${p.vip}/32 to ${p.isTun ? 'tunl0' : 'lo'} on ${p.rsName}.`,
  'fault.no-ipip-tunnel': (p) =>
    `${p.rsName} has no ipip interface (tunl0), so the kernel does not understand protocol 4 and drops the tunnelled packet. Fix: modprobe ipip and put the VIP on tunl0.`,
  'fault.vip-not-on-director': (p) =>
    `The VIP ${p.vip} is not configured on the director ${p.director}, so nobody answers ARP for it and IPVS never sees the request. Fix: add ${p.vip} to an interface of ${p.director} on the clients' side.`,
  'fault.client-on-director': (_p) =>
    `The client runs on the director itself: its request leaves with the VIP as source, and a DR/TUN real server owns the VIP too — it drops the request as a martian or answers to itself, so nothing comes back. Test from a separate client host.`,
  'fault.reply-via-director': (p) =>
    `In LVS-${p.hasRs ? p.method : 'DR'} the real server answers with the VIP as source and must send the reply to a router, not through the director: the director owns the VIP, so it drops the reply as a martian (or does not forward at all). Fix: make ${p.rsName}'s default gateway a router towards the clients.`,
  'fault.rs-no-route-back': (p) =>
    `The real server needs a route back to the client: ${p.isNat ? `in LVS-NAT its default gateway must be the director's DIP` : 'a default gateway towards the clients (not through the director)'}. Fix: set ${p.rsName}'s gateway.`,
  'fault.arp-race': (p) =>
    `More than one host answered ARP for ${p.vip}; the client keeps the first answer, so requests can go straight to a real server and skip the director. Fix: arp_ignore=1 and arp_announce=2 on the real servers (all and lo).`,
  'originate.request': (p) => `${p.host} sends a ${p.protocol} request from ${p.src}:${p.sport} to the virtual service ${p.dst}:${p.dport} (CIP → VIP).`,
  'originate.reply': (p) =>
    `${p.host} answers from ${p.src}:${p.sport} to ${p.dst}:${p.dport} (${p.bytes} bytes)${p.fromVip ? ', using the VIP it owns as source' : ''}.`,
  'local-out.hook': (p) => `The locally generated packet passes the OUTPUT (LOCAL_OUT) hook of ${p.host}.`,
  'route-out.unreachable': (p) => `${p.host} has no route to ${p.dst} (no matching subnet and no default gateway): "Network is unreachable".`,
  'route-out.local': (p) => `${p.dst} is an address of ${p.host} itself (${p.localIface}), so the packet loops back inside the host.`,
  'route-out.unicast': (p) =>
    `Routing on ${p.host}: ${p.dst} matches "${p.rRouteText}", so the packet leaves by ${p.outIface} towards ${p.viaGateway ? `the gateway ${p.gateway}` : `${p.dst} directly (on-link)`}.`,
  'post.director': (p) => `After IPVS, the packet passes POSTROUTING on ${p.host} on its way to the real server.`,
  'post.hook': (p) => `The packet passes POSTROUTING on ${p.host}, the last hook before it leaves ${p.iface}.`,
  'xmit.dr-frame': (p) =>
    `${p.host} sends the IP packet, addresses unchanged, in a new frame: source MAC ${p.mac} (its own), destination MAC ${p.dstMac} (${p.hasTo ? p.toHost : '?'}); IP source ${p.src} and destination ${p.dst} stay as they were.`,
  'xmit.frame': (p) => `${p.host} transmits the frame on ${p.segment}: ${p.mac} → ${p.dstMac}${p.hasTo ? ` (${p.toHost})` : ''}, ${p.bytes} bytes.`,
  'xmit.no-such-mac': (p) => `No interface on the segment has MAC ${p.dstMac}; the frame is lost.`,
  'arrive.frame': (p) => `The frame arrives at ${p.host} ${p.iface}; the destination MAC is its own, so it accepts the frame.`,
  'pre.director': (p) => `The request enters PREROUTING on the director ${p.host}: source ${p.src} (CIP), destination ${p.dst} (VIP).`,
  'pre.hook': (p) => `The packet enters PREROUTING on ${p.host} (${p.iface}).`,
  'forward.hook': (p) => `${p.host} forwards the packet (ip_forward=1): TTL ${p.ttlBefore} → ${p.ttlAfter}, through the FORWARD hook.`,
  'forward.nat-reply-rewrite': (p) =>
    `IPVS finds the connection in its table and rewrites the reply's source from ${p.rip}:${p.rport} (RIP) to ${p.vip}:${p.vport} (VIP) at FORWARD, so the client sees the address it called.`,
  'neigh.unplugged': (p) => `${p.iface} on ${p.host} is not plugged into any segment; nothing can be sent there.`,
  'neigh.request-announce-leak': (p) =>
    `${p.host} broadcasts "who has ${p.nextHop}? tell ${p.sender}" on ${p.segName} — with arp_announce=${p.arpAnnounce} it announces ${p.sender}, an address that is not on ${p.iface}, to every host on the segment.`,
  'neigh.request': (p) =>
    `${p.host} does not know the MAC of ${p.nextHop} yet and broadcasts an ARP request on ${p.segName}: "who has ${p.nextHop}? tell ${p.sender}".`,
  'warn.vip-announced': (p) =>
    `${p.host} announced the VIP ${p.vip} in an ARP request (arp_announce=${p.arpAnnounce}); hosts on ${p.segName} that cache the VIP now point it at ${p.host}. Set arp_announce=2.`,
  'neigh.cache-updated': (p) => `${p.replier} updates its ARP cache: ${p.sender} is now at ${p.mac} (${p.host}) instead of ${p.oldMac}.`,
  'warn.vip-redirected': (p) => `${p.replier} now sends traffic for the VIP to ${p.host}, bypassing the director.`,
  'neigh.silent': (p) =>
    `${p.replier} owns ${p.nextHop} on ${p.holder} but stays silent: arp_ignore=${p.arpIgnore} on ${p.iface} answers only for addresses of the receiving interface.`,
  'neigh.unanswered': (p) =>
    `Nobody on ${p.segName} answers ARP for ${p.nextHop} (after 3 tries the kernel gives up: "No route to host"); the packet is dropped on ${p.host}.`,
  'neigh.reply-first': (p) => `${p.replier} answers: "${p.nextHop} is at ${p.mac}"${p.race ? ` — first of ${p.count} answers, so ${p.host} keeps it` : ''}.`,
  'neigh.reply-later': (p) =>
    `${p.replier} also answers "${p.nextHop} is at ${p.mac}" (arp_ignore=${p.arpIgnore}); ${p.host} ignores the later answer, but which host wins is a race.`,
  'warn.arp-race': (p) => `${p.count} hosts answered ARP for ${p.nextHop} (${p.hosts.join(', ')}); ${p.winner} won this time (seed ${p.seed}).`,
  'route-in.unreachable': (p) => `${p.host} has no route for ${p.dst}; the packet is dropped.`,
  'route-in.no-forward': (p) => `${p.dst} is not an address of ${p.host}, and ${p.host} does not forward (net.ipv4.ip_forward=0): the packet is dropped.`,
  'route-in.martian': (p) =>
    `${p.host} drops the packet as a martian: its source ${p.src} is one of ${p.host}'s own addresses, which cannot arrive from the network.`,
  'route-in.rp-filter': (p) =>
    `${p.host} drops the packet: rp_filter=${p.rpFilter} on ${p.iface}, and the route back to ${p.src} does not leave by ${p.iface}.`,
  'route-in.local': (p) => `Routing on ${p.host}: ${p.dst} is a local address (on ${p.localIface}), so the packet is for this host and goes to INPUT.`,
  'route-in.ttl-exceeded': (p) => `TTL reached 0 on ${p.host}: the packet is dropped (ICMP time exceeded) — a routing loop?`,
  'route-in.forward': (p) => `Routing on ${p.host}: ${p.dst} is not local; it matches "${p.rRouteText}", so ${p.host} will forward it.`,
  'local-in.director': (p) => `The destination ${p.dst} is local, so the request goes to the INPUT chain (LOCAL_IN), where IPVS is hooked.`,
  'local-in.hook': (p) => `The packet reaches LOCAL_IN on ${p.host}.`,
  'local-in.no-tunnel': (p) => `${p.host} receives an IPIP packet (protocol 4) but has no tunl0 interface: protocol unreachable, dropped.`,
  'local-in.decapsulate': (p) =>
    `${p.host} removes the outer IPIP header on ${p.tunnel}; the inner packet ${p.src} → ${p.dst} re-enters the stack as if it had arrived on ${p.tunnel}.`,
  'local-in.nat-reply-rewrite': (p) => `IPVS rewrites the reply's source back to ${p.vip}:${p.vport} at LOCAL_IN (the client is this host).`,
  'ipvs.existing-connection': (p) =>
    `The same request reaches IPVS on ${p.host} again: it finds the existing connection entry and forwards it to ${p.rsHost} once more — the packet is going round in a loop.`,
  'ipvs.hash-bucket-unusable': (p) =>
    `The ${p.scheduler} scheduler hashes this client to bucket ${p.bucket}, whose real server is quiesced (weight 0) or overloaded${p.isDh ? '' : `, and without ${p.flag} the kernel does not try another one`}: "no destination available", ICMP port unreachable.`,
  'ipvs.service-problem': (p) => `IPVS on ${p.host} cannot use this service: ${p.problem} (ipvsadm would have refused it).`,
  'ipvs.no-real-server': (p) =>
    `IPVS on ${p.host} matches the service ${p.vip}:${p.port} but it has no real server: "no destination available", the client gets ICMP port unreachable.`,
  'ipvs.all-quiesced': (p) =>
    `The ${p.scheduler} scheduler finds no usable real server (every one has weight 0 or is over its connection threshold): "no destination available", the client gets ICMP port unreachable.`,
  'ipvs.chosen-by-hand': (p) =>
    `IPVS matches ${p.vip}:${p.port}; the real server ${p.rsHost} (${p.rip}) is chosen by hand for this run${p.quiesced ? ' — its weight is 0, the kernel would never pick it for a new connection' : ''}; a connection entry is created.`,
  'ipvs.scheduled': (p) =>
    `IPVS matches the virtual service ${p.vip}:${p.port}; the ${p.scheduler} scheduler picks ${p.rsHost} (${p.rip}, ${p.method})${p.reused ? ' from the persistence template' : ''} and records the connection.`,
  'ipvs.ttl-exceeded': (p) =>
    `The request reaches IPVS on ${p.host} with TTL ${p.ttl}: IPVS would have to lower it to 0, so it drops the packet (ICMP time exceeded).`,
  'ipvs.nat-rewrite': (p) => `IPVS (NAT) rewrites the destination ${p.dst}:${p.dport} (VIP) to ${p.rip}:${p.rport} (RIP); the source stays ${p.src} (CIP).`,
  'ipvs.dr-rewrite': (p) =>
    `IPVS (DR) leaves the addresses untouched (${p.src} → ${p.dst}, only the TTL drops by one); it will re-address the frame: source MAC = the director's, destination MAC = ${p.rip}'s.`,
  'ipvs.dr-no-route': (p) => `${p.host} has no route to the real server ${p.rip}.`,
  'ipvs.dr-localnode': (p) => `${p.rip} is the director itself (LOCALNODE): the request is handed to the local service.`,
  'ipvs.dr-route-on-link': (p) => `IPVS routes to ${p.rip}: "${p.rRouteText}" — on-link, the frame goes straight to the real server's MAC.`,
  'ipvs.dr-route-via-gateway': (p) =>
    `IPVS routes to ${p.rip} by "${p.rRouteText}", but DR needs the RIP itself as next hop: it asks for ${p.rip}'s MAC on ${p.outIface}, where ${p.rip} is not.`,
  'ipvs.tun-encapsulate': (p) =>
    `IPVS (TUN) wraps the request in a new IP header (IPIP, protocol 4): outer source ${p.outerSrc} (DIP), outer destination ${p.rip} (RIP); inside, ${p.src} → ${p.dst} is unchanged.`,
  'ipvs.unknown-scheduler': (p) =>
    `${p.host} has no IPVS service for ${p.dst}:${p.dport}: ipvsadm refused to create it because the kernel has no scheduler "${p.scheduler}". The packet reaches ${p.host}'s own stack, where nothing listens, and is refused.`,
  'deliver.no-listener': (p) =>
    `${p.host} accepts ${p.dst} as a local address but runs no server on port ${p.dport} for this service: it answers with a TCP reset.`,
  'deliver.request': (p) =>
    `${p.host} hands the request to its server on port ${p.dport}: ${p.dst} is its own address${p.hasWhere ? ` (on ${p.whereIface})` : ''}.`,
  'deliver.reply-not-client': (p) =>
    `The reply ends at ${p.host}, which is not the client: it is addressed to ${p.dst}, an address of ${p.host}. ${p.host} has no such connection and drops it.`,
  'deliver.reply-no-socket': (p) =>
    `${p.host} receives a reply from ${p.src}:${p.sport}, but it opened its connection to ${p.vip}:${p.vport}; no socket matches, so the kernel answers with a reset and the request fails.`,
  'deliver.reply': (p) => `${p.host} receives the reply from ${p.src}:${p.sport} — exactly the address it called — and the connection completes.`,
  'prepare.no-service': (p) => `There is no virtual service "${p.service}" in this design.`,
  'prepare.no-client': (p) => `There is no host "${p.client}" in this design.`,
  'prepare.bad-vip': (p) => `The service VIP "${p.vip}" is not a valid IPv4 address.`,
  'prepare.client-no-route': (p) => `${p.client} has no route to ${p.vip}: it needs an address on the VIP's subnet or a default gateway.`,
  'finish.step-limit': (p) => `The simulation stopped after ${p.steps} steps without finishing — the packet is probably looping.`,
  'finish.bypassed-ipvs': (_p) =>
    `The client got an answer, but the request never passed through IPVS on the director: a real server took the VIP's traffic directly, so there is no load balancing.`,
  'tcp.segment': (p) => {
    const what = {
      syn: 'opens the connection (SYN)',
      'syn-ack': 'accepts it (SYN-ACK)',
      ack: 'completes the three-way handshake (ACK)',
      request: `sends the request, ${p.payload} bytes`,
      data: `sends ${p.payload} bytes of the response`,
      'data-ack': 'acknowledges the data received so far',
      fin: 'closes its side (FIN)',
      'fin-ack': 'acknowledges the last FIN',
    }[p.kind];
    const seen = p.directorSees
      ? ` The director sees it; its IPVS entry is ${p.state}.`
      : ` This segment goes straight to the client: the director never sees it, so its entry stays ${p.state}.`;
    return `${p.from} ${what} to ${p.to}: flags ${p.flags}, seq ${p.relSeq}, ack ${p.relAck}.${seen}`;
  },
  'tcp.hop': (p) =>
    `Wire ${p.n}/${p.of} · ${p.flags}: ${p.from} (${p.srcMac}) → ${p.to} (${p.dstMac}), ${p.outerSrc ? `IPIP ${p.outerSrc} → ${p.outerDst} around ` : ''}${p.src} → ${p.dst}, ${p.bytes} of ${p.mtu} bytes.${
      p.fullSize
        ? ` A full-sized segment would need ${p.fullSize.needed} bytes here: DF is set, so ${p.fullSize.by} would drop it and send ICMP "fragmentation needed" (MTU ${p.fullSize.icmpMtu}); path-MTU discovery keeps the segments at MSS ${p.fullSize.mss}.`
        : ''
    }`,
  'tcp.conn-state': (p) =>
    `IPVS on ${p.director} moves the connection from ${p.from} to ${p.to} on ${p.flags} (kernel tcp_states, ${p.inputOnly ? 'INPUT_ONLY table: in DR/TUN the director sees only the client side' : 'the NAT table sees both directions'}); the entry now expires in ${p.timeout} s.`,
  'failure.scheduled-dead': (p) =>
    `${p.forced ? `${p.rsHost} (${p.rip}) is chosen by hand` : `The ${p.scheduler} scheduler picks ${p.rsHost} (${p.rip}, ${p.method})`} — but ${p.rsHost} died ${p.since} s ago and ${
      !p.hasChecker
        ? 'nothing checks the real servers (no health check), so it stays in the table for good'
        : p.detectedAfter === undefined
          ? 'keepalived has not noticed it'
          : `keepalived only ${p.inhibit ? 'sets its weight to 0' : 'removes it'} ${p.detectedAfter} s after the failure (detection window ${p.min}–${p.max} s: delay_loop, connect_timeout, retry, delay_before_retry)`
    }. Until then it is a destination like any other; a connection entry is created.`,
  'failure.scheduled-live': (p) =>
    `The ${p.scheduler} scheduler picks ${p.rsHost} (${p.rip}, ${p.method}): keepalived already ${p.inhibit ? 'set the weight of' : 'removed'} ${p.takenOut} ${p.inhibit ? 'to 0' : 'from the table'}, ${p.since} s after the failure, so new connections go to live servers only${p.stillIn ? ` (${p.stillIn} is dead but still in the table)` : ''}.`,
  'failure.sorry-scheduled': (p) =>
    `Every real server is out and the quorum is lost, so keepalived put the sorry server ${p.sorry} into the table: IPVS sends the connection to ${p.rsHost} (${p.method}), which serves a "back soon" page.`,
  'failure.no-destination': (p) =>
    `IPVS on ${p.host} matches ${p.vip}:${p.port} but keepalived ${p.inhibit ? 'set every real server to weight 0' : 'removed every real server'} and there is no sorry server: ip_vs_schedule() finds no destination and ip_vs_leave() drops the SYN and sends ICMP port unreachable back (no RST: IPVS has no socket). The client's connect() fails with "Connection refused".`,
  'failure.sorry-outside': (p) =>
    `The quorum is lost and keepalived sends new connections to the sorry server ${p.sorry}, but no host of this design has that address, so the walk cannot follow the packet there.`,
  'failure.host-gone': (p) =>
    `${p.sender} still has ${p.rsHost}'s MAC in its neighbour cache from earlier traffic, so the frame goes out — but ${p.rsHost} is gone: nothing receives it and no SYN-ACK comes back (ARP for ${p.rip} would go unanswered now). The client's kernel retransmits the SYN after 1, 2, 4, 8, 16 and 32 s (initial RTO 1 s, doubled; tcp_syn_retries=6); each retransmission matches the same IPVS entry${
      !p.hasChecker || p.detectedAfter === undefined
        ? `, and nothing takes ${p.rsHost} out, so all of them go to the dead server: connect() fails with ETIMEDOUT after ${p.after} s.`
        : p.story === 'rescheduled'
          ? `; keepalived ${p.inhibit ? 'sets its weight to 0' : 'removes it'} ${p.detectedAfter} s after the failure, and retransmission ${p.retry} (${p.after} s after the first SYN) ${p.expireNodestConn ? 'finds the entry pointing to a server taken out: with expire_nodest_conn=1 the director expires it and schedules the SYN anew' : "comes after the entry's 60 s SYN_RECV timer ran out (the director dropped the SYNs in between without restarting it), so it is scheduled anew"} — the client connects, ${p.after} s late.`
          : `; keepalived ${p.inhibit ? 'sets its weight to 0' : 'removes it'} ${p.detectedAfter} s after the failure, but ${p.inhibit ? 'a weight-0 server stays a valid destination for its entries' : "the director drops the entry's packets without restarting its timer"}${p.expireNodestConn ? '' : ' (expire_nodest_conn=0)'}, and connect() fails with ETIMEDOUT after ${p.after} s.`
    }`,
  'failure.rst-sent': (p) =>
    `The packet reaches ${p.rsHost}, but its service is stopped: nothing listens on ${p.dst}:${p.dport}, so ${p.rsHost}'s kernel answers ${p.udp ? 'ICMP port unreachable' : 'with a TCP RST (reset)'} at once.`,
  'failure.originate-rst': (p) => `${p.host} sends the RST from ${p.src}:${p.sport} to ${p.dst}:${p.dport}; it takes the normal reply path.`,
  'failure.rst-at-client': (p) =>
    `${p.host} receives the RST from ${p.src}:${p.sport}: connect() fails at once with "Connection refused" (ECONNREFUSED) and the client does not retry by itself. ${
      !p.hasChecker
        ? `Nothing checks the real servers, so ${p.rsHost} keeps getting its share of new connections.`
        : p.detectedAfter === undefined
          ? `keepalived has not noticed the failure.`
          : `keepalived takes ${p.rsHost} out ${p.detectedAfter} s after the failure (a refused check fails at once); until then its share of new connections is refused like this one.`
    }`,
  'finish.arp-race-won': (p) =>
    `${p.winner} answered ARP for ${p.vip} first in this run, so this request happened to pass IPVS. On a real switch the answers race: the asker keeps whichever arrives first and ignores the others for a while (neighbour locktime), so some clients reach a real server directly and bypass the director.`,
  'finish.ok': (p) =>
    `LVS-${p.method} works: ${p.client} talked to ${p.vip}:${p.vport} and ${p.rsHost} (${p.rip}) answered${p.isNat ? ' through the director' : ' directly, without passing the director'}.`,
};
