/**
 * Real packets: read tcpdump captures of one request, merge them into a captured walk shaped like the
 * simulator's trace, and compare the two (docs/live.md, "Real packets").
 */
export { readPcap, LINKTYPE_ETHERNET, MAX_RECORDS } from './pcap.ts';
export type { PcapFile, PcapFrame, PcapIp, PcapTcp } from './pcap.ts';
export { buildCapturedWalk, changedFields } from './walk.ts';
export type { CaptureSource, CaptureFlow, CapturedStep, CapturedWalk } from './walk.ts';
export { compareWalks, wireSteps, describeStep, differenceText } from './compare.ts';
export type { WalkComparison, WalkDifference } from './compare.ts';
