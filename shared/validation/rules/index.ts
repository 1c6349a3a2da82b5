/**
 * Every design rule, in catalogue order (addressing, services, NAT, DR, TUN, health checks, routing, general).
 * Problems of equal severity are reported in this order.
 */
import type { Rule } from '../rule.ts';
import { malformedAddress } from './malformed-address.ts';
import { notUnicastAddress } from './not-unicast.ts';
import { outsideSegment } from './outside-segment.ts';
import { prefixMismatch } from './prefix-mismatch.ts';
import { networkBroadcast } from './network-broadcast.ts';
import { duplicateAddress } from './duplicate-address.ts';
import { duplicateMac } from './duplicate-mac.ts';
import { gatewayNotOnLink } from './gateway-not-on-link.ts';
import { gatewayUnreachable } from './gateway-unreachable.ts';
import { overlappingSegments } from './overlapping-segments.ts';
import { vipNotOnDirector } from './vip-not-on-director.ts';
import { noRealServers } from './no-real-servers.ts';
import { allWeightsZero } from './all-weights-zero.ts';
import { duplicateRealServer } from './duplicate-real-server.ts';
import { duplicateService } from './duplicate-service.ts';
import { ripEqualsVip } from './rip-equals-vip.ts';
import { ripNotOnHost } from './rip-not-on-host.ts';
import { unknownScheduler } from './unknown-scheduler.ts';
import { persistenceScheduler } from './persistence-scheduler.ts';
import { schedulerFlags } from './scheduler-flags.ts';
import { portZero } from './port-zero.ts';
import { portMismatch } from './port-mismatch.ts';
import { thresholds } from './thresholds.ts';
import { fwmark } from './fwmark.ts';
import { natReplyPath } from './nat-reply-path.ts';
import { natIpForward } from './nat-ip-forward.ts';
import { natSharedSegment } from './nat-shared-segment.ts';
import { drSameSegment } from './dr-same-segment.ts';
import { drVipOnRs } from './dr-vip-on-rs.ts';
import { drArp } from './dr-arp.ts';
import { drClientArp } from './dr-client-arp.ts';
import { drReplyViaDirector } from './dr-reply-via-director.ts';
import { tunVip } from './tun-vip.ts';
import { tunRpFilter } from './tun-rp-filter.ts';
import { tunMtu } from './tun-mtu.ts';
import { tunReachable } from './tun-reachable.ts';
import { tunArp } from './tun-arp.ts';
import { clientVipRoute } from './client-vip-route.ts';
import { noReturnPath } from './no-return-path.ts';
import { clientOnDirector } from './client-on-director.ts';
import { mixedMethods } from './mixed-methods.ts';
import { directorRole } from './director-role.ts';
import { unattachedHost } from './unattached-host.ts';
import { unknownReference } from './unknown-reference.ts';
import { noCheck } from './health/no-check.ts';
import { invalidCheck } from './health/invalid-check.ts';
import { httpPort } from './health/http-port.ts';
import { connectTimeout } from './health/connect-timeout.ts';
import { scriptPath } from './health/script-path.ts';
import { sorryIsRealServer } from './health/sorry-is-real-server.ts';
import { quorumAboveWeights } from './health/quorum-above-weights.ts';
import { inhibitPersistence } from './health/inhibit-persistence.ts';
import { manualRulesConflict } from './health/manual-rules-conflict.ts';

/** All rules LVS Designer checks, in report order. */
export const RULES: readonly Rule[] = [
  malformedAddress,
  notUnicastAddress,
  outsideSegment,
  prefixMismatch,
  networkBroadcast,
  duplicateAddress,
  duplicateMac,
  gatewayNotOnLink,
  gatewayUnreachable,
  overlappingSegments,
  vipNotOnDirector,
  noRealServers,
  allWeightsZero,
  duplicateRealServer,
  duplicateService,
  ripEqualsVip,
  ripNotOnHost,
  unknownScheduler,
  persistenceScheduler,
  schedulerFlags,
  portZero,
  portMismatch,
  thresholds,
  fwmark,
  natReplyPath,
  natIpForward,
  natSharedSegment,
  drSameSegment,
  drVipOnRs,
  drArp,
  drClientArp,
  drReplyViaDirector,
  tunVip,
  tunRpFilter,
  tunMtu,
  tunReachable,
  tunArp,
  invalidCheck,
  scriptPath,
  sorryIsRealServer,
  quorumAboveWeights,
  manualRulesConflict,
  httpPort,
  connectTimeout,
  inhibitPersistence,
  noCheck,
  noReturnPath,
  clientVipRoute,
  clientOnDirector,
  mixedMethods,
  unknownReference,
  directorRole,
  unattachedHost,
];
