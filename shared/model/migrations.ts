/**
 * Upgrades older `*.lvs.json` documents to the current format, one version step at a time
 * (the tldraw pattern). Each step takes untyped JSON and returns JSON of the next version; the
 * result is validated by the current schema afterwards, so a step only has to move data.
 */

/** Untyped JSON object as read from disk. */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 1 (LVS Designer 0.0.x) kept the forwarding method on the service (`service.method`) and
 * canvas positions on each host and segment (`host.position`). Version 2 follows IPVS, where the
 * method belongs to each real server, and keeps the layout apart from the topology.
 */
function v1ToV2(doc: Json): Json {
  const topology = isObject(doc.topology) ? doc.topology : {};
  const positions: Record<string, unknown> = {};
  const takePosition = (entity: unknown): unknown => {
    if (!isObject(entity)) return entity;
    const { position, ...rest } = entity;
    if (typeof rest.id === 'string' && position !== undefined) positions[rest.id] = position;
    return rest;
  };
  const services = Array.isArray(topology.services) ? topology.services : [];
  return {
    format: 'lvs-designer',
    formatVersion: 2,
    topology: {
      ...topology,
      hosts: Array.isArray(topology.hosts) ? topology.hosts.map(takePosition) : topology.hosts,
      segments: Array.isArray(topology.segments) ? topology.segments.map(takePosition) : topology.segments,
      services: services.map((service: unknown) => {
        if (!isObject(service)) return service;
        const { method = 'dr', ...rest } = service;
        const realServers = Array.isArray(rest.realServers) ? rest.realServers : [];
        return {
          ...rest,
          realServers: realServers.map((rs: unknown) => (isObject(rs) && rs.method === undefined ? { ...rs, method } : rs)),
        };
      }),
    },
    layout: { positions },
  };
}

/**
 * Version 2 had a small health check (`kind` tcp|http, `path`, `status`, `interval`, `timeout`) and
 * the generator filled in the rest (`delay_loop 6`, `connect_timeout 3`, `retry 3`,
 * `delay_before_retry 3`). Version 3 has keepalived's own fields with keepalived's defaults, so the
 * step writes the values version 2 generated: an old design keeps the same timing.
 */
function v2ToV3(doc: Json): Json {
  // A broken topology stays as it is, so the schema reports it at its own path.
  if (!isObject(doc.topology)) return { ...doc, formatVersion: 3 };
  const topology = doc.topology;
  const services = topology.services;
  return {
    ...doc,
    formatVersion: 3,
    topology: {
      ...topology,
      services: Array.isArray(services)
        ? services.map((service: unknown) => {
            if (!isObject(service) || !isObject(service.healthCheck)) return service;
            const { interval, timeout, ...check } = service.healthCheck;
            return {
              ...service,
              healthCheck: {
                ...check,
                ...(check.kind === 'http' && check.path === undefined ? { path: '/' } : {}),
                delayLoop: interval ?? 6,
                connectTimeout: timeout ?? 3,
                retry: 3,
                delayBeforeRetry: 3,
              },
            };
          })
        : services,
    },
  };
}

/**
 * Version 4 adds HA director groups (`topology.directorGroups`, keepalived VRRP instances) and lets
 * a service name a group as its director. A version-3 design has no groups, so nothing moves.
 */
function v3ToV4(doc: Json): Json {
  return { ...doc, formatVersion: 4 };
}

/** Migration steps keyed by the version they upgrade *from*. */
const STEPS: Readonly<Record<number, (doc: Json) => Json>> = { 1: v1ToV2, 2: v2ToV3, 3: v3ToV4 };

/** Reads the version of a document: `formatVersion` (v2+) or `version` (v1). */
export function versionOf(doc: Json): number | undefined {
  const v = doc.formatVersion ?? doc.version;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * Brings a parsed document up to `target`. Returns the upgraded JSON, or an error message when the
 * version is unknown or newer than this build understands.
 */
export function migrate(doc: Json, target: number): { ok: true; doc: Json; from: number } | { ok: false; error: string } {
  const from = versionOf(doc);
  if (from === undefined) return { ok: false, error: 'formatVersion: missing or not a whole number' };
  if (from < 1) return { ok: false, error: `formatVersion: ${from} is not a version of this format (versions start at 1)` };
  if (from > target) {
    return { ok: false, error: `formatVersion: file is version ${from}, this LVS Designer reads up to ${target}; update the app` };
  }
  let current = doc;
  for (let v = from; v < target; v++) {
    const step = STEPS[v];
    if (!step) return { ok: false, error: `formatVersion: no migration from version ${v}` };
    current = step(current);
  }
  return { ok: true, doc: current, from };
}
