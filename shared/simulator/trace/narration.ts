/**
 * Every sentence the packet-flow simulator says, by message id. The text lives in one table per
 * language ({@link en} in `narration.en.ts`, {@link zhCN} in `narration.zh-CN.ts`); a stage calls
 * {@link say} with the id and typed parameters and gets a {@link Narration} in both languages.
 * To translate, edit a table: the compiler checks that every id exists and uses only its parameters.
 */
import type { Narration } from '../types.ts';
import { en } from './narration.en.ts';
import { zhCN } from './narration.zh-CN.ts';

/** Parameters of a message that has none. */
export type NoParams = Readonly<Record<string, never>>;

/**
 * The parameters of every message, by id. Addresses are dotted quads, MACs colon-separated,
 * `host`/`replier`/`rsName`… are host names as the user typed them.
 */
export interface NarrationParams {
  readonly 'fault.nat-reply-bypasses-director': { readonly rip?: string; readonly vip: string; readonly rsName: string };
  readonly 'fault.no-ip-forward': { readonly director: string };
  readonly 'fault.dr-no-l2-path': { readonly rip?: string; readonly director: string; readonly rsName: string };
  readonly 'fault.rp-filter': { readonly rsName: string };
  readonly 'fault.missing-vip-on-rs': {
    readonly hasRs: boolean;
    readonly method?: string;
    readonly vip: string;
    readonly rsName: string;
    readonly isTun: boolean;
  };
  readonly 'fault.no-ipip-tunnel': { readonly rsName: string };
  readonly 'fault.vip-not-on-director': { readonly vip: string; readonly director: string };
  readonly 'fault.client-on-director': NoParams;
  readonly 'fault.reply-via-director': { readonly hasRs: boolean; readonly method?: string; readonly rsName: string };
  readonly 'fault.rs-no-route-back': { readonly isNat: boolean; readonly rsName: string };
  readonly 'fault.arp-race': { readonly vip: string };
  readonly 'originate.request': {
    readonly host: string;
    readonly protocol: string;
    readonly src: string;
    readonly sport: number;
    readonly dst: string;
    readonly dport: number;
  };
  readonly 'originate.reply': {
    readonly host: string;
    readonly src: string;
    readonly sport: number;
    readonly dst: string;
    readonly dport: number;
    readonly bytes: number;
    readonly fromVip: boolean;
  };
  readonly 'local-out.hook': { readonly host: string };
  readonly 'route-out.unreachable': { readonly host: string; readonly dst: string };
  readonly 'route-out.local': { readonly dst: string; readonly host: string; readonly localIface: string };
  readonly 'route-out.unicast': {
    readonly host: string;
    readonly dst: string;
    readonly rRouteText: string;
    readonly outIface: string;
    readonly viaGateway: boolean;
    readonly gateway: string;
  };
  readonly 'post.director': { readonly host: string };
  readonly 'post.hook': { readonly host: string; readonly iface: string };
  readonly 'xmit.dr-frame': {
    readonly host: string;
    readonly mac: string;
    readonly dstMac: string;
    readonly hasTo: boolean;
    readonly toHost?: string;
    readonly src: string;
    readonly dst: string;
  };
  readonly 'xmit.frame': {
    readonly host: string;
    readonly segment: string;
    readonly mac: string;
    readonly dstMac: string;
    readonly hasTo: boolean;
    readonly toHost?: string;
    readonly bytes: number;
  };
  readonly 'xmit.no-such-mac': { readonly dstMac: string };
  readonly 'arrive.frame': { readonly host: string; readonly iface: string };
  readonly 'pre.director': { readonly host: string; readonly src: string; readonly dst: string };
  readonly 'pre.hook': { readonly host: string; readonly iface: string };
  readonly 'forward.hook': { readonly host: string; readonly ttlBefore: number; readonly ttlAfter: number };
  readonly 'forward.nat-reply-rewrite': { readonly rip: string; readonly rport: number; readonly vip: string; readonly vport: number };
  readonly 'neigh.unplugged': { readonly iface: string; readonly host: string };
  readonly 'neigh.request-announce-leak': {
    readonly host: string;
    readonly nextHop: string;
    readonly sender: string;
    readonly segName: string;
    readonly arpAnnounce: number;
    readonly iface: string;
  };
  readonly 'neigh.request': { readonly host: string; readonly nextHop: string; readonly segName: string; readonly sender: string };
  readonly 'warn.vip-announced': { readonly host: string; readonly vip: string; readonly arpAnnounce: number; readonly segName: string };
  readonly 'neigh.cache-updated': { readonly replier: string; readonly sender: string; readonly mac: string; readonly host: string; readonly oldMac: string };
  readonly 'warn.vip-redirected': { readonly replier: string; readonly host: string };
  readonly 'neigh.silent': { readonly replier: string; readonly nextHop: string; readonly holder: string; readonly arpIgnore: number; readonly iface: string };
  readonly 'neigh.unanswered': { readonly segName: string; readonly nextHop: string; readonly host: string };
  readonly 'neigh.reply-first': {
    readonly replier: string;
    readonly nextHop: string;
    readonly mac: string;
    readonly race: boolean;
    readonly count: number;
    readonly host: string;
  };
  readonly 'neigh.reply-later': { readonly replier: string; readonly nextHop: string; readonly mac: string; readonly arpIgnore: number; readonly host: string };
  readonly 'warn.arp-race': {
    readonly count: number;
    readonly nextHop: string;
    readonly hosts: readonly string[];
    readonly winner: string;
    readonly seed: number;
  };
  readonly 'route-in.unreachable': { readonly host: string; readonly dst: string };
  readonly 'route-in.no-forward': { readonly dst: string; readonly host: string };
  readonly 'route-in.martian': { readonly host: string; readonly src: string };
  readonly 'route-in.rp-filter': { readonly host: string; readonly rpFilter: number; readonly iface: string; readonly src: string };
  readonly 'route-in.local': { readonly host: string; readonly dst: string; readonly localIface: string };
  readonly 'route-in.ttl-exceeded': { readonly host: string };
  readonly 'route-in.forward': { readonly host: string; readonly dst: string; readonly rRouteText: string };
  readonly 'local-in.director': { readonly dst: string };
  readonly 'local-in.hook': { readonly host: string };
  readonly 'local-in.no-tunnel': { readonly host: string };
  readonly 'local-in.decapsulate': { readonly host: string; readonly tunnel: string; readonly src: string; readonly dst: string };
  readonly 'local-in.nat-reply-rewrite': { readonly vip: string; readonly vport: number };
  readonly 'ipvs.existing-connection': { readonly host: string; readonly rsHost: string };
  readonly 'ipvs.hash-bucket-unusable': { readonly scheduler: string; readonly bucket: number; readonly isDh: boolean; readonly flag: string };
  readonly 'ipvs.service-problem': { readonly host: string; readonly problem: string };
  readonly 'ipvs.no-real-server': { readonly host: string; readonly vip: string; readonly port: number };
  readonly 'ipvs.all-quiesced': { readonly scheduler: string };
  readonly 'ipvs.chosen-by-hand': { readonly vip: string; readonly port: number; readonly rsHost: string; readonly rip: string; readonly quiesced: boolean };
  readonly 'ipvs.scheduled': {
    readonly vip: string;
    readonly port: number;
    readonly scheduler: string;
    readonly rsHost: string;
    readonly rip: string;
    readonly method: string;
    readonly reused: boolean;
  };
  readonly 'ipvs.ttl-exceeded': { readonly host: string; readonly ttl: number };
  readonly 'ipvs.nat-rewrite': { readonly dst: string; readonly dport: number; readonly rip: string; readonly rport: number; readonly src: string };
  readonly 'ipvs.dr-rewrite': { readonly src: string; readonly dst: string; readonly rip: string };
  readonly 'ipvs.dr-no-route': { readonly host: string; readonly rip: string };
  readonly 'ipvs.dr-localnode': { readonly rip: string };
  readonly 'ipvs.dr-route-on-link': { readonly rip: string; readonly rRouteText: string };
  readonly 'ipvs.dr-route-via-gateway': { readonly rip: string; readonly rRouteText: string; readonly outIface: string };
  readonly 'ipvs.tun-encapsulate': { readonly outerSrc: string; readonly rip: string; readonly src: string; readonly dst: string };
  readonly 'ipvs.unknown-scheduler': { readonly host: string; readonly scheduler: string; readonly dst: string; readonly dport: number };
  readonly 'deliver.no-listener': { readonly host: string; readonly dst: string; readonly dport: number };
  readonly 'deliver.request': { readonly host: string; readonly dport: number; readonly dst: string; readonly hasWhere: boolean; readonly whereIface?: string };
  readonly 'deliver.reply-not-client': { readonly host: string; readonly dst: string };
  readonly 'deliver.reply-no-socket': { readonly host: string; readonly src: string; readonly sport: number; readonly vip: string; readonly vport: number };
  readonly 'deliver.reply': { readonly host: string; readonly src: string; readonly sport: number };
  readonly 'prepare.no-service': { readonly service: string };
  readonly 'prepare.no-client': { readonly client: string };
  readonly 'prepare.bad-vip': { readonly vip: string };
  readonly 'prepare.client-no-route': { readonly client: string; readonly vip: string };
  readonly 'finish.step-limit': { readonly steps: number };
  readonly 'finish.bypassed-ipvs': NoParams;
  readonly 'tcp.segment': {
    readonly from: string;
    readonly to: string;
    readonly kind: 'syn' | 'syn-ack' | 'ack' | 'request' | 'data' | 'data-ack' | 'fin' | 'fin-ack';
    readonly flags: string;
    readonly relSeq: number;
    readonly relAck: number;
    readonly payload: number;
    readonly directorSees: boolean;
    readonly director: string;
    readonly state: string;
  };
  readonly 'tcp.hop': {
    /** The segment's flags, e.g. `SYN, ACK`. */
    readonly flags: string;
    readonly n: number;
    readonly of: number;
    readonly from: string;
    readonly to: string;
    readonly srcMac: string;
    readonly dstMac: string;
    readonly src: string;
    readonly dst: string;
    /** Empty unless the wire carries the IPIP outer header of LVS-TUN. */
    readonly outerSrc: string;
    readonly outerDst: string;
    readonly bytes: number;
    readonly mtu: number;
    /** A full-sized segment would not fit this wire (DF set: ICMP "fragmentation needed" from `by`). */
    readonly fullSize: { readonly needed: number; readonly icmpMtu: number; readonly by: string; readonly mss: number } | null;
  };
  readonly 'tcp.conn-state': {
    readonly director: string;
    readonly from: string;
    readonly to: string;
    readonly timeout: number;
    readonly inputOnly: boolean;
    readonly flags: string;
  };
  readonly 'failure.scheduled-dead': {
    readonly scheduler: string;
    readonly rsHost: string;
    readonly rip: string;
    readonly method: string;
    readonly since: number;
    readonly hasChecker: boolean;
    readonly detectedAfter?: number;
    readonly min?: number;
    readonly max?: number;
    readonly inhibit: boolean;
    readonly forced: boolean;
  };
  readonly 'failure.scheduled-live': {
    readonly scheduler: string;
    readonly rsHost: string;
    readonly rip: string;
    readonly method: string;
    readonly since: number;
    /** Dead servers keepalived already took out (host names). */
    readonly takenOut: string;
    /** Dead servers still in the table (host names), '' when none. */
    readonly stillIn: string;
    readonly inhibit: boolean;
  };
  readonly 'failure.sorry-scheduled': { readonly sorry: string; readonly rsHost: string; readonly method: string };
  readonly 'failure.no-destination': { readonly host: string; readonly vip: string; readonly port: number; readonly inhibit: boolean };
  readonly 'failure.sorry-outside': { readonly sorry: string };
  readonly 'failure.host-gone': {
    readonly rsHost: string;
    readonly rip: string;
    readonly sender: string;
    readonly hasChecker: boolean;
    readonly detectedAfter?: number;
    readonly since: number;
    readonly inhibit: boolean;
    readonly expireNodestConn: boolean;
    readonly story: 'rescheduled' | 'timeout';
    readonly retry?: number;
    readonly after: number;
  };
  readonly 'failure.rst-sent': { readonly rsHost: string; readonly dst: string; readonly dport: number; readonly udp: boolean };
  readonly 'failure.originate-rst': { readonly host: string; readonly src: string; readonly sport: number; readonly dst: string; readonly dport: number };
  readonly 'failure.rst-at-client': {
    readonly host: string;
    readonly src: string;
    readonly sport: number;
    readonly rsHost: string;
    readonly hasChecker: boolean;
    readonly detectedAfter?: number;
    readonly since: number;
  };
  readonly 'finish.arp-race-won': { readonly winner: string; readonly vip: string };
  readonly 'finish.ok': {
    readonly method: string;
    readonly client: string;
    readonly vip: string;
    readonly vport: number;
    readonly rsHost: string;
    readonly rip: string;
    readonly isNat: boolean;
  };
}

/** A message id of the simulator. */
export type NarrationId = keyof NarrationParams;

/** One language's text for every message id. */
export type NarrationTable = { readonly [K in NarrationId]: (p: NarrationParams[K]) => string };

/** The narration of message `id` with parameters `p`, in English and Simplified Chinese. */
export function say<K extends NarrationId>(id: K, p: NarrationParams[K]): Narration {
  return { en: en[id](p), zh: zhCN[id](p) };
}

/** `detail` followed by `more`, separated by a space, in both languages (a drop and what caused it). */
export function withDetail(detail: Narration, more: Narration): Narration {
  return { en: `${detail.en} ${more.en}`, zh: `${detail.zh} ${more.zh}` };
}
