/**
 * The request channels of the bridge, `domain:verb`, listed once. The Electron preload and the
 * browser-mode client build one method per entry from this table (no generic `invoke` reaches the
 * page), and the Node-side handler registry refuses to start unless every entry has a handler.
 *
 * Adding a domain: its API interface in `shared/ipc/<domain>.ts`, one line in `BridgeDomains` and
 * in `BRIDGE_VERBS` below, and its handlers in `electron/services/bridge/domains/<domain>.ts`.
 */
import type { FilesApi } from './files.ts';
import type { DeployApi } from './deploy.ts';
import type { LiveApi } from './live.ts';
import type { LabApi } from './lab.ts';
import type { CaptureApi } from './capture.ts';

/** Domain name → API interface. */
export interface BridgeDomains {
  readonly files: FilesApi;
  readonly deploy: DeployApi;
  readonly live: LiveApi;
  readonly lab: LabApi;
  readonly capture: CaptureApi;
}

export type DomainName = keyof BridgeDomains;

type VerbTable = { readonly [D in DomainName]: readonly (keyof BridgeDomains[D] & string)[] };

/** Every verb of every domain. A verb missing here is a type error (see the check below). */
export const BRIDGE_VERBS = {
  files: ['open', 'openRecent', 'save', 'saveAs', 'recent', 'list', 'openNamed', 'importText', 'autosave', 'recover', 'clearAutosave'],
  deploy: ['available', 'plan', 'apply', 'rollback', 'cancel', 'trustHost', 'provideCredential', 'forgetCredentials', 'log'],
  live: ['available', 'start', 'stop', 'pause', 'resume', 'connections', 'explain'],
  lab: ['available', 'status', 'up', 'down'],
  capture: ['available', 'run'],
} as const satisfies VerbTable;

// Compile-time completeness: every method of every API must be listed in BRIDGE_VERBS.
type Missing<D extends DomainName> = Exclude<keyof BridgeDomains[D], (typeof BRIDGE_VERBS)[D][number]>;
type AssertNever<T extends never> = T;
/** Resolves to `never`; fails to compile when a verb of some domain is missing from `BRIDGE_VERBS`. */
export type BridgeVerbsComplete = AssertNever<{ [D in DomainName]: Missing<D> }[DomainName]>;

/** The channel name of a verb, e.g. `files:save`. */
export const channelName = (domain: DomainName, verb: string): string => `${domain}:${verb}`;

/** Every request channel, e.g. `['files:open', …, 'deploy:available']`. */
export function allChannels(): string[] {
  return (Object.keys(BRIDGE_VERBS) as DomainName[]).flatMap((d) => BRIDGE_VERBS[d].map((v) => channelName(d, v)));
}
