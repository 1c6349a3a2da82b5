/**
 * Strict checks for every value that reaches a generated shell line or configuration file.
 *
 * The design file is untrusted input (it may come from someone else), so nothing is interpolated
 * into a script before it matches a narrow pattern; the generated text quotes it as well. A value
 * that fails is reported with the design field it came from, and nothing is generated.
 */
import { netmaskToPrefix, parseCidr, parseIPv4 } from '../addressing/ipv4.ts';
import type { Scheduler, SchedulerFlag } from '../model/types.ts';
import { SCHEDULER_FLAGS, SCHEDULERS } from '../model/types.ts';
import { commandProblem } from '../model/health.ts';

/** Thrown inside the generator and turned into an error Result at the public boundary. */
export class UnsafeValueError extends Error {}

/** Linux interface names: at most 15 bytes (IFNAMSIZ - 1), no `/`, no white space, not `.`/`..`. */
export const INTERFACE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;
/**
 * A URL path keepalived may request: no quotes, spaces, braces, `#`/`!` comments, and no `$`
 * (keepalived expands `$NAME` definitions in its configuration).
 */
export const URL_PATH_PATTERN = /^\/[A-Za-z0-9._~&*+,=:@%/?-]{0,1023}$/;

function fail(field: string, value: unknown, why: string): never {
  throw new UnsafeValueError(`${field}: ${JSON.stringify(value)} ${why}`);
}

/** A dotted-quad IPv4 address (strict four decimal octets). */
export function safeIPv4(value: unknown, field: string): string {
  if (typeof value !== 'string' || parseIPv4(value) === null) fail(field, value, 'is not an IPv4 address (a.b.c.d)');
  return value;
}

/** An IPv4 address with prefix, normalised (`192.168.1.1/24`). */
export function safeCidr(value: unknown, field: string): { address: string; prefix: number; text: string } {
  const c = typeof value === 'string' ? parseCidr(value) : null;
  if (c === null || `${c.address}/${c.prefix}` !== value) fail(field, value, 'is not an IPv4 address with prefix (a.b.c.d/n)');
  return { address: c.address, prefix: c.prefix, text: `${c.address}/${c.prefix}` };
}

/** A route destination: `a.b.c.d/n` whose host bits are zero, or `default`. */
export function safeDestination(value: unknown, field: string): string {
  if (value === 'default' || value === '0.0.0.0/0') return 'default';
  const c = typeof value === 'string' ? parseCidr(value) : null;
  if (c === null || `${c.address}/${c.prefix}` !== value) fail(field, value, 'is not a route destination (a.b.c.0/n or default)');
  if (c.value !== c.network) fail(field, value, 'has host bits set; use the network address');
  return value;
}

/** A Linux interface name. */
export function safeInterfaceName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !INTERFACE_NAME_PATTERN.test(value) || value === '.' || value === '..') {
    fail(field, value, 'is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)');
  }
  return value;
}

/** An integer in [min, max]. */
export function safeInt(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, value, `is not an integer between ${min} and ${max}`);
  }
  return value;
}

/** A TCP/UDP/SCTP port 0..65535. */
export const safePort = (value: unknown, field: string): number => safeInt(value, field, 0, 65535);

/** A scheduler ipvsadm and keepalived know. */
export function safeScheduler(value: unknown, field: string): Scheduler {
  if (typeof value !== 'string' || !(SCHEDULERS as readonly string[]).includes(value)) {
    fail(field, value, `is not a known scheduler (${SCHEDULERS.join(', ')})`);
  }
  return value as Scheduler;
}

/** A scheduler flag (`-b`). */
export function safeSchedulerFlag(value: unknown, field: string): SchedulerFlag {
  if (typeof value !== 'string' || !(SCHEDULER_FLAGS as readonly string[]).includes(value)) {
    fail(field, value, `is not a known scheduler flag (${SCHEDULER_FLAGS.join(', ')})`);
  }
  return value as SchedulerFlag;
}

/** A contiguous dotted netmask (`255.255.255.0`). */
export function safeNetmask(value: unknown, field: string): string {
  if (typeof value !== 'string' || parseIPv4(value) === null || netmaskToPrefix(value) === null) {
    fail(field, value, 'is not a contiguous netmask (e.g. 255.255.255.0)');
  }
  return value;
}

/** A URL path for an HTTP health check. */
export function safeUrlPath(value: unknown, field: string): string {
  if (typeof value !== 'string' || !URL_PATH_PATTERN.test(value)) {
    fail(field, value, 'is not a safe URL path (must start with / and use only A-Z a-z 0-9 . _ ~ & * + , = : @ % / ? -)');
  }
  return value;
}

/**
 * Text for a `#` comment line: one line, printable ASCII only, bounded. Names and descriptions go
 * into comments, so a newline in them must never start a new command.
 */
export function commentText(value: string, max = 120): string {
  const flat = value
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** Single-quotes a word for POSIX sh. Values are already pattern-checked; this is the second wall. */
export function shq(value: string | number): string {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

/**
 * A command keepalived runs (MISC_CHECK script, quorum_up/down): an absolute path and plain
 * arguments. It is written inside double quotes, so no quote, `$` or shell syntax may appear.
 */
export function safeCommand(value: unknown, field: string): string {
  const problem = typeof value === 'string' ? commandProblem(value) : 'invalid';
  if (problem === 'relative') fail(field, value, 'is not an absolute path (keepalived runs it without a shell and without your PATH)');
  if (problem === 'metacharacters') fail(field, value, 'contains shell metacharacters (; | & $ ` quotes < > ( ) ...); put the logic inside the script');
  if (problem !== null) fail(field, value, 'is not an absolute path followed by plain arguments (A-Z a-z 0-9 . _ + - / = : , @ %)');
  return value as string;
}
