/**
 * Branded id types: every kind of entity id is a `string` at run time, but the type checker keeps
 * them apart, so passing an interface id where a host id is expected (or keying a host map by a
 * segment id) fails to compile. The brand exists only in types; the constructors below are casts.
 *
 * Ids enter the program in three ways: parsed from a file or a bridge payload (the zod schema casts
 * at that boundary, see `schema.ts`), made by the app (`generate.ts`, the wizard, importers) or
 * written in code and tests through the constructors here.
 */
declare const idKind: unique symbol;

/**
 * Identifier pattern shared by every entity. Ids become file and namespace names (generated files
 * per host, lab namespaces), so `.` and `..` are refused, and so are prototype keys. Here rather than
 * in `schema.ts` so that code checking an id does not load zod.
 */
export const ID_PATTERN = /^(?!__proto__$|constructor$|prototype$|\.{1,2}$)[A-Za-z0-9_.-]{1,64}$/;

/** A string tagged with the kind of entity it names. */
export type Branded<K extends string> = string & { readonly [idKind]: K };

export type HostId = Branded<'host'>;
export type SegmentId = Branded<'segment'>;
export type InterfaceId = Branded<'interface'>;
export type ServiceId = Branded<'service'>;
export type RealServerId = Branded<'real-server'>;
export type DirectorGroupId = Branded<'director-group'>;
/** What a service's `director` names: one director host, or a director group (HA pair). */
export type DirectorRef = HostId | DirectorGroupId;
/** Any entity id (layout keys, problem refs, the unique-id check). */
export type AnyId = HostId | SegmentId | InterfaceId | ServiceId | RealServerId | DirectorGroupId;

export const hostId = (s: string): HostId => s as HostId;
export const segmentId = (s: string): SegmentId => s as SegmentId;
export const interfaceId = (s: string): InterfaceId => s as InterfaceId;
export const serviceId = (s: string): ServiceId => s as ServiceId;
export const realServerId = (s: string): RealServerId => s as RealServerId;
export const directorGroupId = (s: string): DirectorGroupId => s as DirectorGroupId;
/** A service's director reference as typed (a host or group id; which one is looked up). */
export const directorRef = (s: string): DirectorRef => s as DirectorRef;
/**
 * A director reference that names no director group names a host: callers look the group up first
 * (or find nothing under that id), so the id can then be used as the host id it is.
 */
export const refAsHostId = (ref: DirectorRef): HostId => ref as string as HostId;
/** The same for a reference already known to name a group (or to be looked up among groups). */
export const refAsGroupId = (ref: DirectorRef): DirectorGroupId => ref as string as DirectorGroupId;
