/**
 * The LVS Designer simulator: packet traces through the designed network ({@link simulate}) and the
 * kernel's IPVS schedulers ({@link IpvsScheduler}, {@link simulateConnections}). Pure and seeded.
 */
export * from './types.ts';
export { simulate, step, prepare, finish, resolveService, say, withDetail, outcomeCode } from './trace/index.ts';
export type { SimState, SimContext, NarrationId, NarrationParams, NarrationTable } from './trace/index.ts';
export { compileNetwork, derivedMac, lookupRoute } from './network.ts';
export type { Network, NetHost, NetIface, NetRoute, RouteLookup } from './network.ts';
export { IpvsScheduler, kernelOrder, scheduleSequence, designToKernel, MH_PRIMES, SCHEDULER_MODULES } from './schedulers/index.ts';
export type { DestView, DestExplanation, PickExplanation, RealServerSpec, SchedulerOptions, SequenceOptions, SchedulerModule } from './schedulers/index.ts';
export { createRng, rngInt, rngStep } from './rng.ts';
export type { Rng } from './rng.ts';
export { hsiphashU32, sipHashBytes, sipKey } from './siphash.ts';
export type { SipKey } from './siphash.ts';
export { simulateConnections, ConnectionTable, ServiceRun, replayClosedConnections, DEFAULT_RATE_PER_SECOND } from './connections.ts';
export type {
  Workload,
  WorkloadEvent,
  ConnectionsResult,
  ServerTotal,
  TimelineSample,
  ConnectionTimeouts,
  ConnectionView,
  ServiceRunOptions,
  RunEvent,
  RunSample,
} from './connections.ts';
export { FailureDrill, drillDetection } from './failure-drill.ts';
export { failureContext, failurePresets, retransmitStory, synSentAt, SORRY_ID, SYN_RETRIES } from './trace/failure.ts';
export type { DownServer, FailureContext, RetransmitStory } from './trace/failure.ts';
export type { FailureDrillOptions } from './failure-drill.ts';
export { detectionWindow, failedAttemptSeconds, failureEffects, recoveryWindow, runChecker, simulateServiceHealth } from './health.ts';
export type {
  CheckerRunOptions,
  CheckerTransition,
  DetectionWindow,
  FailureEffects,
  FailureMode,
  HealthEvent,
  KernelFailurePolicy,
  ServerStateChange,
  ServiceHealthOptions,
  ServiceHealthResult,
  TableEntry,
} from './health.ts';
