/**
 * Every design rule, in catalogue order (addressing, services, NAT, DR, TUN, health checks, routing, general).
 * Problems of equal severity are reported in this order.
 */
import type { Rule } from '../rule.ts';
import { malformedAddress } from './addr/malformed.ts';
import { notUnicastAddress } from './addr/not-unicast.ts';
import { outsideSegment } from './addr/outside-segment.ts';
import { prefixMismatch } from './addr/prefix-mismatch.ts';
import { networkBroadcast } from './addr/network-or-broadcast.ts';
import { duplicateAddress } from './addr/duplicate-on-segment.ts';
import { duplicateMac } from './addr/duplicate-mac.ts';
import { gatewayNotOnLink } from './addr/gateway-not-on-link.ts';
import { gatewayUnreachable } from './addr/gateway-unreachable.ts';
import { overlappingSegments } from './addr/overlapping-segments.ts';
import { wideVirtualPrefix } from './addr/wide-virtual-prefix.ts';
import { vipNotOnDirector } from './service/vip-not-on-director.ts';
import { noRealServers } from './service/no-real-servers.ts';
import { allWeightsZero } from './service/all-weights-zero.ts';
import { duplicateRealServer } from './service/duplicate-real-server.ts';
import { duplicateService } from './service/duplicate.ts';
import { ripEqualsVip } from './service/rip-equals-vip.ts';
import { ripNotOnHost } from './service/rip-not-on-host.ts';
import { unknownScheduler } from './service/unknown-scheduler.ts';
import { persistenceScheduler } from './service/persistence-scheduler.ts';
import { schedulerFlags } from './service/scheduler-flags.ts';
import { portZero } from './service/port-zero.ts';
import { portMismatch } from './service/port-mismatch.ts';
import { thresholds } from './service/thresholds.ts';
import { fwmark } from './service/fwmark.ts';
import { natReplyPath } from './nat/reply-not-via-director.ts';
import { natIpForward } from './nat/ip-forward-off.ts';
import { natSharedSegment } from './nat/director-not-on-rs-segment.ts';
import { natVipOnLo } from './nat/vip-on-lo.ts';
import { drSameSegment } from './dr/same-segment.ts';
import { drVipOnRs } from './dr/vip-missing-on-rs.ts';
import { drArp } from './dr/arp-not-configured.ts';
import { drClientArp } from './dr/client-arp-exposure.ts';
import { drReplyViaDirector } from './dr/reply-via-director.ts';
import { tunVip } from './tun/vip-missing-on-tunnel.ts';
import { tunRpFilter } from './tun/rp-filter.ts';
import { tunMtu } from './tun/mtu.ts';
import { tunReachable } from './tun/rs-unreachable.ts';
import { tunArp } from './tun/arp-exposure.ts';
import { clientVipRoute } from './route/client-cannot-reach-vip.ts';
import { noReturnPath } from './route/no-return-path.ts';
import { gatewayNotForwarding } from './route/gateway-not-forwarding.ts';
import { strictRpFilter } from './route/strict-rp-filter.ts';
import { clientOnDirector } from './general/client-on-director.ts';
import { mixedMethods } from './general/mixed-methods.ts';
import { directorRole } from './general/director-role.ts';
import { unattachedHost } from './general/unattached-host.ts';
import { unknownReference } from './general/unknown-reference.ts';
import { noCheck } from './health/no-check.ts';
import { invalidCheck } from './health/invalid-check.ts';
import { httpPort } from './health/http-port.ts';
import { connectTimeout } from './health/connect-timeout.ts';
import { scriptPath } from './health/script-path.ts';
import { sorryIsRealServer } from './health/sorry-is-real-server.ts';
import { quorumAboveWeights } from './health/quorum-above-weights.ts';
import { inhibitPersistence } from './health/inhibit-persistence.ts';
import { manualRulesConflict } from './health/manual-rules-conflict.ts';
import { membersDisagree } from './ha/members-disagree.ts';
import { virtualServersDiffer } from './ha/virtual-servers-differ.ts';
import { sharedVrid } from './ha/shared-vrid.ts';
import { priorityGap } from './ha/priority-gap.ts';
import { nopreemptState } from './ha/nopreempt-state.ts';
import { equalPriorities } from './ha/equal-priorities.ts';
import { unicastPeers } from './ha/unicast-peers.ts';
import { peersOffSegment } from './ha/peers-off-segment.ts';
import { syncDaemon } from './ha/sync-daemon.ts';
import { vipStaticOnMember } from './ha/vip-static-on-member.ts';
import { directorIsRealServer } from './ha/director-is-real-server.ts';
import { drBackupPath } from './ha/dr-backup-path.ts';
import { natGatewayMemberAddress } from './ha/nat-gateway-member-address.ts';
import { unknownName } from './ha/unknown-name.ts';

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
  wideVirtualPrefix,
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
  natVipOnLo,
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
  gatewayNotForwarding,
  strictRpFilter,
  clientVipRoute,
  clientOnDirector,
  mixedMethods,
  unknownReference,
  directorRole,
  unattachedHost,
  membersDisagree,
  virtualServersDiffer,
  sharedVrid,
  priorityGap,
  nopreemptState,
  equalPriorities,
  unicastPeers,
  peersOffSegment,
  syncDaemon,
  vipStaticOnMember,
  directorIsRealServer,
  drBackupPath,
  natGatewayMemberAddress,
  unknownName,
];
