/**
 * The packet-flow simulator: one request and its reply walked hop by hop through the designed
 * network, derived entirely from the topology — routing tables, ARP with arp_ignore/arp_announce,
 * ip_forward, rp_filter, the martian-source check, the netfilter hooks, IPVS at LOCAL_IN (and
 * LOCAL_OUT for a client on the director), NAT reply rewriting at FORWARD, IPIP encapsulation.
 * Nothing is scripted per forwarding method, so a wrong design breaks the flow where a real network
 * breaks it, and the drop step says why.
 *
 * `simulate()` is a loop over the pure {@link step} function; the {@link SimState} is plain data and
 * the network is a frozen {@link Network} snapshot.
 */
export { simulate, prepare, finish, resolveService, outcomeCode } from './simulate.ts';
export { step } from './step.ts';
export type { SimState, SimContext } from './state.ts';
export { say, withDetail } from './narration.ts';
export type { NarrationId, NarrationParams, NarrationTable } from './narration.ts';
