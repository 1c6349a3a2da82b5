/**
 * Field-level checks for the inspector. They only decide what the field shows (red border and a
 * message key); addresses are stored as typed either way so the rule checker sees the mistake.
 */
import { isIPv4, parseCidr } from '../../shared/addressing/ipv4.ts';

/**
 * i18n key of the problem with a field value, or null when it looks right. A check marked
 * `blocking` flags values the file schema refuses (a 129-character name): the field never commits
 * them, since the design could then no longer be saved or autosaved.
 */
export type FieldCheck = ((text: string) => string | null) & { readonly blocking?: boolean };

const blocking = (check: (text: string) => string | null): FieldCheck => Object.assign(check, { blocking: true as const });

/** An interface address `a.b.c.d/n`. */
export const checkInterfaceAddress: FieldCheck = (text) => {
  if (text.trim() === '') return 'field.required';
  if (!text.includes('/')) return isIPv4(text) ? 'field.needPrefix' : 'field.badAddress';
  return parseCidr(text) ? null : 'field.badCidr';
};

/** A plain IPv4 address (gateway, VIP, RIP); empty allowed when `optional`. */
export const checkAddress =
  (optional: boolean): FieldCheck =>
  (text) => {
    if (text.trim() === '') return optional ? null : 'field.required';
    return isIPv4(text) ? null : 'field.badAddress';
  };

/** A subnet in CIDR form whose host bits are zero. */
export const checkSubnet: FieldCheck = (text) => {
  const c = parseCidr(text);
  if (!c) return 'field.badCidr';
  return c.value === c.network ? null : 'field.notNetwork';
};

/** A non-empty name of at most `max` characters. */
export const checkName = (max: number): FieldCheck => blocking((text) => (text.trim() === '' ? 'field.required' : text.length > max ? 'field.tooLong' : null));

/** A Linux interface name (1..15 characters, no spaces or slashes). */
export const checkIfName: FieldCheck = blocking((text) => (/^[A-Za-z0-9_.:-]{1,15}$/.test(text) ? null : 'field.badIfName'));

/** A dotted netmask (persistence granularity). */
export const checkNetmask: FieldCheck = (text) => {
  if (text.trim() === '') return null;
  if (!isIPv4(text)) return 'field.badAddress';
  return null;
};
