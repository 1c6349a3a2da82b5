/**
 * Health checks as keepalived resolves them: the defaults keepalived applies to a field left out,
 * a real server's overrides on top of its service's check, and who owns a director's IPVS table.
 *
 * Defaults are those of keepalived 2.2.7 (Debian bookworm): `check_data.c` (virtual server:
 * `connect_timeout` 5 s, `delay_loop` 60 s), `check_api.c` (checker: `retry` 1,
 * `delay_before_retry` 1 s), `check_http.c` (HTTP_GET/SSL_GET: `delay_before_retry` 3 s),
 * `check_misc.c` (MISC_CHECK: `retry` 0, `misc_timeout` = `delay_loop`).
 */
import type { HealthCheck, HealthCheckKind, Host, IpvsOwner, RealServer, Topology, VirtualService } from './types.ts';
import { servicesOf } from './topology.ts';

/** keepalived's value for each timing field left out, per checker kind (seconds / counts). */
export const HEALTH_CHECK_DEFAULTS: Readonly<
  Record<HealthCheckKind, { readonly delayLoop: number; readonly connectTimeout: number; readonly retry: number; readonly delayBeforeRetry: number }>
> = {
  tcp: { delayLoop: 60, connectTimeout: 5, retry: 1, delayBeforeRetry: 1 },
  http: { delayLoop: 60, connectTimeout: 5, retry: 1, delayBeforeRetry: 3 },
  ssl: { delayLoop: 60, connectTimeout: 5, retry: 1, delayBeforeRetry: 3 },
  misc: { delayLoop: 60, connectTimeout: 5, retry: 0, delayBeforeRetry: 1 },
};

/** quorum and hysteresis when left out (keepalived `check_data.c`). */
export const QUORUM_DEFAULT = 1;
export const HYSTERESIS_DEFAULT = 0;

/** A real server's health check with every keepalived default filled in. */
export interface EffectiveHealthCheck {
  readonly kind: HealthCheckKind;
  /** Seconds between checks of a healthy server. */
  readonly delayLoop: number;
  /** Seconds a connect / HTTP request may take before the attempt counts as failed. */
  readonly connectTimeout: number;
  /** Failed attempts retried before the server is declared down. */
  readonly retry: number;
  /** Seconds between retries. */
  readonly delayBeforeRetry: number;
  /** MISC_CHECK: seconds before the script is killed (counts as a failure). */
  readonly scriptTimeout: number;
  readonly inhibitOnFailure: boolean;
  readonly alpha: boolean;
  /** Port the checker connects to. */
  readonly port: number;
  readonly path?: string;
  readonly status?: number;
  readonly digest?: string;
  readonly script?: string;
}

/**
 * The check keepalived runs against `rs`: the service's check, the real server's overrides on top,
 * keepalived's defaults for the rest. `undefined` when the service has no health check.
 * @example effectiveHealthCheck(web, web.realServers[0]).delayLoop // 60 unless set
 */
export function effectiveHealthCheck(service: VirtualService, rs?: RealServer): EffectiveHealthCheck | undefined {
  const base = service.healthCheck;
  if (!base) return undefined;
  if (!rs) return resolveHealthCheck(base, service);
  // Rules ask for every real server on every check: the immutable model lets one answer per
  // (service, real server) pair serve until either object is replaced by an edit.
  const hit = effectiveCache.get(rs);
  if (hit && hit.service === service) return hit.check;
  const check = resolveHealthCheck(base, service, rs);
  effectiveCache.set(rs, { service, check });
  return check;
}

const effectiveCache = new WeakMap<RealServer, { readonly service: VirtualService; readonly check: EffectiveHealthCheck }>();

function resolveHealthCheck(base: HealthCheck, service: VirtualService, rs?: RealServer): EffectiveHealthCheck {
  const hc = { ...base, ...(rs?.healthCheck ?? {}) };
  const d = HEALTH_CHECK_DEFAULTS[hc.kind];
  const delayLoop = hc.delayLoop ?? d.delayLoop;
  return {
    kind: hc.kind,
    delayLoop,
    connectTimeout: hc.connectTimeout ?? d.connectTimeout,
    retry: hc.retry ?? d.retry,
    delayBeforeRetry: hc.delayBeforeRetry ?? d.delayBeforeRetry,
    scriptTimeout: hc.scriptTimeout ?? delayLoop,
    inhibitOnFailure: hc.inhibitOnFailure ?? false,
    alpha: hc.alpha ?? false,
    port: hc.connectPort ?? rs?.port ?? service.port,
    ...(hc.path !== undefined ? { path: hc.path } : {}),
    ...(hc.status !== undefined ? { status: hc.status } : {}),
    ...(hc.digest !== undefined ? { digest: hc.digest } : {}),
    ...(hc.script !== undefined ? { script: hc.script } : {}),
  };
}

/** The quorum policy of a service: keepalived defaults filled in. */
export function effectiveQuorum(check: HealthCheck | undefined): { quorum: number; hysteresis: number } {
  return { quorum: check?.quorum ?? QUORUM_DEFAULT, hysteresis: check?.hysteresis ?? HYSTERESIS_DEFAULT };
}

/**
 * Who programs the IPVS table of `director`: its `ipvsOwner`, else `keepalived` when one of its
 * services has a health check, else `ipvsadm`.
 */
export function ipvsOwnerOf(t: Topology, director: Host): IpvsOwner {
  if (director.ipvsOwner) return director.ipvsOwner;
  return servicesOf(t, director.id).some((s) => s.healthCheck !== undefined) ? 'keepalived' : 'ipvsadm';
}

/**
 * A command keepalived may run (MISC_CHECK `misc_path`, `quorum_up`, `quorum_down`): an absolute
 * path and plain arguments, nothing a shell or keepalived's own `$NAME` expansion would interpret.
 */
export const COMMAND_PATTERN = /^\/[A-Za-z0-9._+/-]{1,255}( [A-Za-z0-9._+=:,/@%-]{1,255}){0,32}$/;

/** Characters that would make a command line do something else than run one program. */
const SHELL_META = /[;&|`$<>()[\]{}*?~!#"'\\\n\r\t]/;

/**
 * What is wrong with a command text, or null: `relative` when it does not start with `/`,
 * `metacharacters` when it contains shell or keepalived syntax, `invalid` for anything else the
 * pattern refuses (double spaces, non-ASCII, too long).
 */
export function commandProblem(text: string): 'relative' | 'metacharacters' | 'invalid' | null {
  if (SHELL_META.test(text)) return 'metacharacters';
  if (!text.startsWith('/')) return 'relative';
  return COMMAND_PATTERN.test(text) ? null : 'invalid';
}
