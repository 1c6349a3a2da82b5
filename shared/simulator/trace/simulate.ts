/**
 * Entry points of the packet-flow simulator: {@link prepare} the context and initial state,
 * run the pure {@link step} function until the flow ends, {@link finish} into a public {@link Trace}.
 */
import type { Topology } from '../../model/types.ts';
import { parseIPv4 } from '../../addressing/ipv4.ts';
import { withVrrpHolders } from '../../model/ha.ts';
import type { FaultId, Flow, HostBytes, Narration, SimulateOptions, Trace, TraceOutcome } from '../types.ts';
import type { Network } from '../network.ts';
import { compileNetwork, lookupRoute } from '../network.ts';
import { rngStep } from '../rng.ts';
import type { Pkt, SimContext, SimState } from './state.ts';
import { connEntry, hname, ip, methodName } from './state.ts';
import { classify, explain } from './faults.ts';
import { say } from './narration.ts';
import { step } from './step.ts';
import { tcpSummary } from './tcp-summary.ts';
import { connInState, tcpSteps } from './tcp-steps.ts';
import { resolveService } from '../service.ts';
import { refAsHostId, hostId } from '../../model/ids.ts';
import { failureContext } from './failure.ts';

export { resolveService };

function broken(flow: Flow, seed: number, fault: FaultId, narration: Narration): Trace {
  return { flow, seed, steps: [], outcome: { status: 'broken', fault, at: { kind: 'host', host: flow.client }, narration }, warnings: [], bytes: [] };
}

/**
 * Prepares the context and the initial state of a simulation, or explains why it cannot start
 * (unknown client or service, client without an address). Exposed for step-by-step playback.
 */
export function prepare(topology: Topology | Network, flow: Flow, options: SimulateOptions = {}): { ctx: SimContext; state: SimState } | { error: Trace } {
  // An HA design is walked in its steady state: each group's master holds the VIPs and runs the services (as the checker sees it).
  const net = 'hosts' in topology && topology.hosts instanceof Map ? (topology as Network) : compileNetwork(withVrrpHolders(topology as Topology));
  const seed = (options.seed ?? 1) >>> 0;
  const service = resolveService(net.topology, flow.service);
  if (!service) return { error: broken(flow, seed, 'no-service', say('prepare.no-service', { service: flow.service })) };
  const client = net.hosts.get(flow.client);
  if (!client) return { error: broken(flow, seed, 'no-service', say('prepare.no-client', { client: flow.client })) };
  const vip = parseIPv4(service.vip);
  if (vip === null) return { error: broken(flow, seed, 'no-service', say('prepare.bad-vip', { vip: service.vip })) };
  let rng = seed ^ 0x9e3779b9;
  let sport = flow.sport;
  if (sport === undefined || !Number.isInteger(sport) || sport < 1 || sport > 65535) {
    const r = rngStep(rng);
    rng = r.state;
    sport = 32768 + (r.value % (60999 - 32768 + 1));
  }
  const r = lookupRoute(client, vip);
  const cip = r.kind === 'local' ? vip : r.kind === 'unicast' ? r.src : null;
  if (cip === null) {
    return { error: broken(flow, seed, 'no-route', say('prepare.client-no-route', { client: client.name, vip: service.vip })) };
  }
  const protocol = service.protocol === 'fwmark' ? 'tcp' : service.protocol;
  const dport =
    service.port === 0 ? (flow.dport !== undefined && Number.isInteger(flow.dport) && flow.dport >= 1 && flow.dport <= 65535 ? flow.dport : 80) : service.port;
  const ctx: SimContext = {
    net,
    flow,
    service,
    vip,
    client,
    cip,
    sport,
    dport,
    seed,
    replyBytes: Math.max(40, Math.trunc(flow.replyBytes ?? 10240)),
    ...(options.failure ? { failure: failureContext(net, service, options.failure) } : {}),
  };
  const req: Pkt = {
    ip: { src: ip(cip), dst: service.vip, ttl: 64, protocol },
    l4: { protocol, sport, dport, segment: 'request' },
    size: Math.max(40, Math.trunc(flow.requestBytes ?? 100)),
  };
  const state: SimState = {
    queue: [{ op: 'originate', host: client.id, pkt: req, phase: 'request' }],
    steps: [],
    arp: {},
    conn: null,
    outcome: null,
    warnings: [],
    bytes: {},
    rng,
    last: {},
    letters: [],
    arpRace: false,
  };
  return { ctx, state };
}

/**
 * The code of an outcome that is not ok: the design fault of a broken walk, or the runtime failure
 * (a dead real server, options.failure) of a failed one; null when the walk worked.
 */
export function outcomeCode(o: TraceOutcome): string | null {
  return o.status === 'broken' ? o.fault : o.status === 'failed' ? o.failure : null;
}

/** Turns a finished state into the public {@link Trace}. */
export function finish(ctx: SimContext, state: SimState): Trace {
  let outcome = state.outcome;
  const vport = ctx.dport;
  if (!outcome) {
    const last = state.steps[state.steps.length - 1];
    const delivered = last?.kind === 'deliver' && last.phase === 'reply';
    if (!delivered) {
      const at = last?.place ?? { kind: 'host' as const, host: ctx.client.id };
      const detail = say('finish.step-limit', { steps: state.steps.length });
      const fault = classify(ctx, state, 'step-limit', at.kind === 'host' ? at.host : at.from.host, null, last?.phase ?? 'request');
      outcome = { status: 'broken', fault, at, narration: explain(ctx, state, fault, detail) };
    } else if (!state.conn) {
      const fault: FaultId = state.arpRace ? 'arp-race' : 'vip-not-on-director';
      const detail = say('finish.bypassed-ipvs', {});
      outcome = { status: 'broken', fault, at: last.place, narration: explain(ctx, state, fault, detail) };
    } else if (state.arpRace) {
      // The director won this run's ARP race, but on a real switch the first answer wins (the
      // neighbour entry then ignores other answers for `locktime`, net/ipv4/arp.c arp_process) and
      // which host answers first is timing: the same design sends a share of clients straight to a
      // real server. A race is never a working design.
      const race = state.steps.find((s) => s.kind === 'arp-reply' && s.severity === 'warning');
      const detail = say('finish.arp-race-won', { winner: hname(ctx, refAsHostId(ctx.service.director)), vip: ctx.service.vip });
      outcome = { status: 'broken', fault: 'arp-race', at: race?.place ?? last.place, narration: explain(ctx, state, 'arp-race', detail) };
    } else {
      const rs = state.conn.rs;
      outcome = {
        status: 'ok',
        narration: say('finish.ok', {
          method: methodName(rs.method),
          client: ctx.client.name,
          vip: ctx.service.vip,
          vport,
          rsHost: hname(ctx, rs.host),
          rip: rs.rip,
          isNat: rs.method === 'nat',
        }),
      };
    }
  }
  const bytes: HostBytes[] = Object.entries(state.bytes).map(([host, b]) => ({ host: hostId(host), ...b }));
  const conn = state.conn ? connEntry(ctx, state.conn) : undefined;
  const tcp =
    outcome.status === 'ok' && state.conn
      ? tcpSummary(ctx.net.topology, state.steps, {
          method: state.conn.rs.method,
          protocol: ctx.service.protocol,
          requestBytes: Math.max(40, Math.trunc(ctx.flow.requestBytes ?? 100)),
          replyBytes: ctx.replyBytes,
          seed: ctx.seed,
        })
      : null;
  // The walk carries the whole TCP connection after the hop-by-hop first exchange, each segment over
  // the same wires (see tcp-steps.ts); the entry ends where the FIN exchange leaves it (NAT: TIME_WAIT,
  // DR/TUN: FIN_WAIT, since the director never sees the server's FIN).
  const steps = tcp && conn ? [...state.steps, ...tcpSteps(ctx, state.steps, tcp, conn, state.steps.length)] : state.steps;
  const finalConn = tcp && conn ? connInState(conn, tcp.finalState) : conn;
  return {
    flow: ctx.flow,
    seed: ctx.seed,
    service: { id: ctx.service.id, vip: ctx.service.vip, port: ctx.service.port, protocol: ctx.service.protocol, scheduler: ctx.service.scheduler },
    ...(state.conn ? { method: state.conn.rs.method, realServer: state.conn.rs.id } : {}),
    steps,
    outcome,
    warnings: state.warnings,
    ...(finalConn ? { conn: finalConn } : {}),
    bytes,
    ...(tcp ? { tcp } : {}),
  };
}

/**
 * Simulates one request and its reply from `flow.client` to `flow.service` through the designed
 * network and returns every step. Pure and deterministic for a given `seed`.
 * @example simulate(topology, { client: 'client', service: '172.16.111.123:80' }, { seed: 1 })
 */
export function simulate(topology: Topology | Network, flow: Flow, options: SimulateOptions = {}): Trace {
  const p = prepare(topology, flow, options);
  if ('error' in p) return p.error;
  const maxSteps = Math.max(10, options.maxSteps ?? 1000);
  let state = p.state;
  while (state.queue.length > 0 && !state.outcome && state.steps.length < maxSteps) state = step(state, p.ctx);
  return finish(p.ctx, state);
}
