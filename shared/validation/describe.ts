/**
 * Wording helpers shared by the rules, so every message names services, real servers and
 * addresses the same way.
 */
import type { HostInfo, ServiceInfo } from './context.ts';
import { ip } from './context.ts';
import { serviceAddress } from '../model/topology.ts';

/** `web` — the name of a service, or its id. */
export const serviceName = (s: ServiceInfo): string => s.service.name ?? s.service.id;

/** `web (TCP 172.16.111.123:80)` or `mail (fwmark 1)`. */
export function serviceLabel(s: ServiceInfo): string {
  const svc = s.service;
  return `${serviceName(s)} (${serviceAddress(svc, true)})`;
}

/**
 * `the director lb1`, or `the director` when the host is itself called "director" (no
 * "the director director"). `capital` starts the phrase with a capital letter.
 */
export function directorRef(d: HostInfo, capital = false): string {
  const name = d.host.name;
  const phrase = name.toLowerCase().includes('director') ? `the ${name}` : `the director ${name}`;
  return capital ? phrase.charAt(0).toUpperCase() + phrase.slice(1) : phrase;
}

/** The forwarding method as ipvsadm names it. */
export const methodLabel = (m: 'nat' | 'dr' | 'tun'): string => ({ nat: 'NAT (-m)', dr: 'DR (-g)', tun: 'TUN (-i)' })[m];

/** Addresses of `host` on the interfaces plugged into the segments it shares with `other`. */
export function addressesFacing(host: HostInfo, other: HostInfo): number[] {
  const out: number[] = [];
  for (const f of host.ifaces) {
    if (!f.segment || !other.segments.includes(f.segment)) continue;
    for (const a of f.addresses) if (a.cidr && !out.includes(a.cidr.value)) out.push(a.cidr.value);
  }
  return out;
}

/** `192.168.111.200` or `192.168.111.200 or 192.168.111.201`. */
export const orList = (values: readonly number[]): string => values.map(ip).join(' or ');

/** `a, b and c`. */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * Why a text is not a dotted-quad IPv4 address, in plain words
 * (`"192.168.111.2000": 2000 is larger than 255`).
 */
export function explainBadIPv4(text: string): string {
  if (text.trim() === '') return 'it is empty';
  if (text !== text.trim()) return 'it has spaces around it';
  if (text.includes('/')) return 'it has a /prefix, which does not belong here';
  if (!/^[0-9.]+$/.test(text)) return 'it contains characters other than digits and dots';
  const parts = text.split('.');
  if (parts.length !== 4) return `it has ${parts.length} part${parts.length === 1 ? '' : 's'} instead of four`;
  const empty = parts.findIndex((p) => p === '');
  if (empty >= 0) return 'one of its four numbers is missing';
  const big = parts.find((p) => Number(p) > 255);
  if (big !== undefined) return `${big} is larger than 255 (each of the four numbers must be 0-255)`;
  const zero = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (zero !== undefined) return `${zero} has a leading zero, which some tools read as octal`;
  return 'it is not four numbers 0-255 separated by dots';
}

/** Why a text is not an `a.b.c.d/n` interface address or subnet. */
export function explainBadCidr(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0) return 'the /prefix is missing (e.g. /24)';
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return `the prefix "/${prefix}" is not a number 0-32`;
  return explainBadIPv4(address);
}

/** {@link directorRef} in Simplified Chinese: `调度器 lb1` (`调度器（director）` for a host named so). */
export function directorRefZh(d: HostInfo): string {
  const name = d.host.name;
  return name.toLowerCase().includes('director') ? `调度器（${name}）` : `调度器 ${name}`;
}

/** {@link andList} in Simplified Chinese: `a、b 和 c`. */
export function andListZh(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join('、')} 和 ${items[items.length - 1]}`;
}

/** {@link orList} in Simplified Chinese: `192.168.111.200 或 192.168.111.201`. */
export const orListZh = (values: readonly number[]): string => values.map(ip).join(' 或 ');

/** {@link explainBadIPv4} in Simplified Chinese. */
export function explainBadIPv4Zh(text: string): string {
  if (text.trim() === '') return '它是空的';
  if (text !== text.trim()) return '它前后有空格';
  if (text.includes('/')) return '它带有 /前缀，这里不该有';
  if (!/^[0-9.]+$/.test(text)) return '它含有数字和点以外的字符';
  const parts = text.split('.');
  if (parts.length !== 4) return `它有 ${parts.length} 段，而不是四段`;
  if (parts.some((p) => p === '')) return '四个数字中缺了一个';
  const big = parts.find((p) => Number(p) > 255);
  if (big !== undefined) return `${big} 大于 255（四个数字都必须在 0-255 之间）`;
  const zero = parts.find((p) => p.length > 1 && p.startsWith('0'));
  if (zero !== undefined) return `${zero} 有前导零，有些工具会把它当作八进制`;
  return '它不是用点隔开的四个 0-255 的数字';
}

/** {@link explainBadCidr} in Simplified Chinese. */
export function explainBadCidrZh(text: string): string {
  const slash = text.indexOf('/');
  if (slash < 0) return '缺少 /前缀（例如 /24）';
  const prefix = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return `前缀 "/${prefix}" 不是 0-32 的数字`;
  return explainBadIPv4Zh(text.slice(0, slash));
}
