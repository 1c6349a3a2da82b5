/**
 * zod schema of the current `*.lvs.json` format. Shapes and references are checked here; the
 * *meaning* of addresses (malformed, outside the segment, ...) is the rule checker's job, so a design
 * with a typo can still be saved and reopened.
 */
import * as z from 'zod';
import {
  FORMAT_VERSION,
  FORWARDING_METHODS,
  HEALTH_CHECK_KINDS,
  HOST_ROLES,
  IPVS_OWNERS,
  INTERFACE_KINDS,
  SCHEDULER_FLAGS,
  SERVICE_PROTOCOLS,
  SSH_AUTH_KINDS,
} from './types.ts';
import { VRRP_STATES } from './vrrp.ts';
import type { DirectorGroupId, DirectorRef, HostId, InterfaceId, RealServerId, SegmentId, ServiceId } from './ids.ts';
import { ID_PATTERN } from './ids.ts';

export { ID_PATTERN };

const id = z.string().regex(ID_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');
/**
 * The same check typed as one id kind: a cast of the schema object, so parsing brands an id without
 * any run-time step (the brands exist only in types, see `ids.ts`).
 */
const idOf = <T extends string>() => id as unknown as z.ZodType<T, string>;
const hostIdS = idOf<HostId>();
const segmentIdS = idOf<SegmentId>();
const interfaceIdS = idOf<InterfaceId>();
const serviceIdS = idOf<ServiceId>();
const realServerIdS = idOf<RealServerId>();
const directorGroupIdS = idOf<DirectorGroupId>();
const directorRefS = idOf<DirectorRef>();
/** Free text typed by a user for an address; bounded so a hostile file cannot blow memory up. */
const addressText = z.string().max(64);
const port = z.number().int().min(0).max(65535);
const u16 = z.number().int().min(0).max(65535);
const sysctlValue = z.number().int().min(0).max(8);
const name = z.string().min(1).max(128);

const interfaceSysctl = z.strictObject({
  arpIgnore: sysctlValue.optional(),
  arpAnnounce: sysctlValue.optional(),
  rpFilter: sysctlValue.optional(),
});

const iface = z.strictObject({
  id: interfaceIdS,
  name: z.string().min(1).max(15),
  kind: z.enum(INTERFACE_KINDS as [string, ...string[]]),
  segment: segmentIdS.nullable(),
  addresses: z.array(addressText).max(256),
  mac: z.string().max(32).optional(),
  mtu: z.number().int().min(68).max(65535).optional(),
  sysctl: interfaceSysctl.optional(),
});

const route = z.strictObject({
  destination: addressText,
  via: addressText.optional(),
  dev: z.string().min(1).max(15).optional(),
});

const sshEndpoint = z.strictObject({
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).max(64),
  auth: z.enum(SSH_AUTH_KINDS as [string, ...string[]]),
  keyPath: z.string().max(4096).optional(),
});

const host = z.strictObject({
  id: hostIdS,
  name,
  role: z.enum(HOST_ROLES as [string, ...string[]]),
  interfaces: z.array(iface).max(64),
  gateway: addressText.optional(),
  routes: z.array(route).max(1024).optional(),
  sysctl: z
    .strictObject({
      ipForward: z.boolean().optional(),
      arpIgnore: sysctlValue.optional(),
      arpAnnounce: sysctlValue.optional(),
      rpFilter: sysctlValue.optional(),
    })
    .optional(),
  ssh: sshEndpoint.optional(),
  ipvsOwner: z.enum(IPVS_OWNERS as [string, ...string[]]).optional(),
  manualIpvsadmRules: z.array(z.string().max(512)).max(10000).optional(),
});

const segment = z.strictObject({
  id: segmentIdS,
  name,
  cidr: addressText,
  mtu: z.number().int().min(68).max(65535).optional(),
});

/** Whole seconds; keepalived takes fractions too, but the designer keeps timings readable. */
const seconds = (max: number) => z.number().int().min(1).max(max);
/**
 * A command keepalived runs (MISC_CHECK script, quorum_up/down). Any text loads; the rule
 * `health/script-path` and the generator's strict pattern say what is wrong with it.
 */
const commandText = z.string().min(1).max(1024);

const healthCheckProbe = {
  kind: z.enum(HEALTH_CHECK_KINDS as [string, ...string[]]),
  path: z
    .string()
    .max(1024)
    .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/, 'must be a URL path starting with /')
    .optional(),
  status: z.number().int().min(100).max(599).optional(),
  digest: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'must be an MD5 digest (32 hex digits)')
    .optional(),
  script: commandText.optional(),
  scriptTimeout: seconds(86400).optional(),
  connectPort: z.number().int().min(1).max(65535).optional(),
  delayLoop: seconds(86400).optional(),
  connectTimeout: seconds(3600).optional(),
  retry: z.number().int().min(0).max(1000).optional(),
  delayBeforeRetry: seconds(86400).optional(),
  inhibitOnFailure: z.boolean().optional(),
  alpha: z.boolean().optional(),
};

const healthCheck = z.strictObject({
  ...healthCheckProbe,
  sorryServer: z
    .strictObject({
      ip: addressText,
      port,
      method: z.enum(FORWARDING_METHODS as [string, ...string[]]).optional(),
      inhibit: z.boolean().optional(),
    })
    .optional(),
  quorum: z.number().int().min(1).max(0xffffffff).optional(),
  hysteresis: z.number().int().min(0).max(0xffffffff).optional(),
  quorumUp: commandText.optional(),
  quorumDown: commandText.optional(),
});

const healthCheckOverride = z.strictObject({ ...healthCheckProbe, kind: healthCheckProbe.kind.optional() });

const realServer = z.strictObject({
  id: realServerIdS,
  host: hostIdS,
  rip: addressText,
  port,
  method: z.enum(FORWARDING_METHODS as [string, ...string[]]),
  weight: u16,
  upperThreshold: u16.optional(),
  lowerThreshold: u16.optional(),
  healthCheck: healthCheckOverride.optional(),
});

const service = z.strictObject({
  id: serviceIdS,
  name: z.string().max(128).optional(),
  director: directorRefS,
  protocol: z.enum(SERVICE_PROTOCOLS as [string, ...string[]]),
  vip: addressText,
  port,
  fwmark: z.number().int().min(1).max(0xffffffff).optional(),
  // Unknown scheduler names are a design problem (rule `service/unknown-scheduler`), not a file error.
  scheduler: z.string().min(1).max(16),
  schedulerFlags: z
    .array(z.enum(SCHEDULER_FLAGS as [string, ...string[]]))
    .max(4)
    .optional(),
  persistence: z.strictObject({ timeout: z.number().int().min(1).max(31536000), netmask: addressText.optional() }).optional(),
  healthCheck: healthCheck.optional(),
  realServers: z.array(realServer).max(10000),
});

/** keepalived names (instance, vrrp_script): no spaces or quotes, so they go into the config as they are. */
const keepalivedName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . -');
const ifName = z.string().min(1).max(15);
const trackWeight = z.number().int().min(-253).max(253);
const vrrpAuthentication = z.strictObject({ type: z.literal('PASS'), pass: z.string().min(1).max(64) });
const vrrpAddress = z.strictObject({ address: addressText, dev: ifName.optional() });
const vrid = z.number().int().min(1).max(255);
const advertInt = z.number().int().min(1).max(255);

const vrrpMember = z.strictObject({
  host: hostIdS,
  priority: z.number().int().min(1).max(255),
  state: z.enum(VRRP_STATES as [string, ...string[]]),
  interface: ifName,
  unicastSrcIp: addressText.optional(),
  unicastPeers: z.array(addressText).max(64).optional(),
  trackInterfaces: z
    .array(z.strictObject({ name: ifName, weight: trackWeight.optional() }))
    .max(64)
    .optional(),
  trackScripts: z
    .array(z.strictObject({ name: keepalivedName, weight: trackWeight.optional() }))
    .max(64)
    .optional(),
  notify: z
    .strictObject({ master: commandText.optional(), backup: commandText.optional(), fault: commandText.optional(), stop: commandText.optional() })
    .optional(),
  differs: z
    .strictObject({
      vrid: vrid.optional(),
      advertInt: advertInt.optional(),
      authentication: vrrpAuthentication.nullable().optional(),
      virtualAddresses: z.array(vrrpAddress).max(256).optional(),
    })
    .optional(),
});

const directorGroup = z.strictObject({
  id: directorGroupIdS,
  name: keepalivedName,
  vrid,
  advertInt: advertInt.optional(),
  version: z.union([z.literal(2), z.literal(3)]).optional(),
  authentication: vrrpAuthentication.optional(),
  virtualAddresses: z.array(vrrpAddress).max(256),
  nopreempt: z.boolean().optional(),
  preemptDelay: z.number().int().min(0).max(1000).optional(),
  garpMasterDelay: z.number().int().min(0).max(255).optional(),
  garpMasterRefresh: z.number().int().min(0).max(86400).optional(),
  scripts: z
    .array(
      z.strictObject({
        name: keepalivedName,
        script: commandText,
        interval: seconds(86400).optional(),
        weight: trackWeight.optional(),
        fall: z.number().int().min(1).max(1000).optional(),
        rise: z.number().int().min(1).max(1000).optional(),
      }),
    )
    .max(64)
    .optional(),
  sync: z.strictObject({ mode: z.enum(['keepalived', 'ipvsadm']), interface: ifName, syncId: z.number().int().min(0).max(255).optional() }).optional(),
  members: z.array(vrrpMember).min(1).max(16),
});

const position = z.strictObject({ x: z.number().finite(), y: z.number().finite() });

const topology = z
  .strictObject({
    name: z.string().max(256),
    description: z.string().max(100000).optional(),
    segments: z.array(segment).max(20000),
    hosts: z.array(host).max(20000),
    services: z.array(service).max(10000),
    directorGroups: z.array(directorGroup).max(1000).optional(),
  })
  .superRefine((t, ctx) => {
    // Ids are unique across every kind of entity, so a problem's refs are unambiguous.
    const seen = new Map<string, string>();
    const claim = (value: string, path: (string | number)[]) => {
      const previous = seen.get(value);
      if (previous !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `duplicate id "${value}" (already used at ${previous})` });
      } else {
        seen.set(value, path.join('.'));
      }
    };
    t.segments.forEach((s, i) => claim(s.id, ['segments', i, 'id']));
    const hostIds = new Set<string>();
    t.hosts.forEach((h, i) => {
      claim(h.id, ['hosts', i, 'id']);
      hostIds.add(h.id);
      const names = new Set<string>();
      h.interfaces.forEach((f, j) => {
        claim(f.id, ['hosts', i, 'interfaces', j, 'id']);
        if (names.has(f.name)) {
          ctx.addIssue({ code: 'custom', path: ['hosts', i, 'interfaces', j, 'name'], message: `host "${h.id}" has two interfaces named "${f.name}"` });
        }
        names.add(f.name);
      });
    });
    const segmentIds = new Set(t.segments.map((s) => s.id));
    t.hosts.forEach((h, i) =>
      h.interfaces.forEach((f, j) => {
        if (f.segment !== null && !segmentIds.has(f.segment)) {
          ctx.addIssue({ code: 'custom', path: ['hosts', i, 'interfaces', j, 'segment'], message: `unknown segment "${f.segment}"` });
        }
      }),
    );
    const groupIds = new Set<string>();
    (t.directorGroups ?? []).forEach((g, i) => {
      claim(g.id, ['directorGroups', i, 'id']);
      groupIds.add(g.id);
      const members = new Set<string>();
      g.members.forEach((m, j) => {
        if (!hostIds.has(m.host)) {
          ctx.addIssue({ code: 'custom', path: ['directorGroups', i, 'members', j, 'host'], message: `unknown host "${m.host}"` });
        }
        if (members.has(m.host)) {
          ctx.addIssue({ code: 'custom', path: ['directorGroups', i, 'members', j, 'host'], message: `host "${m.host}" is a member of group "${g.id}" twice` });
        }
        members.add(m.host);
      });
    });
    t.services.forEach((s, i) => {
      claim(s.id, ['services', i, 'id']);
      if (!hostIds.has(s.director) && !groupIds.has(s.director)) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'director'], message: `unknown host or director group "${s.director}"` });
      }
      s.realServers.forEach((r, j) => {
        claim(r.id, ['services', i, 'realServers', j, 'id']);
        if (!hostIds.has(r.host)) {
          ctx.addIssue({ code: 'custom', path: ['services', i, 'realServers', j, 'host'], message: `unknown host "${r.host}"` });
        }
      });
    });
  });

/** Schema of a current-version design file. */
export const designFileSchema = z.strictObject({
  format: z.literal('lvs-designer'),
  formatVersion: z.literal(FORMAT_VERSION),
  topology,
  layout: z.strictObject({ positions: z.record(id, position) }),
});

/** Schema of a topology alone (used by the IPC contract and the CLI). */
export const topologySchema = topology;
