/**
 * `ipvsadm -S -n` rules for a director: the exact text `ipvsadm -S -n` (ipvsadm 1.31) prints for
 * the design, so verify.sh can compare the kernel's table with it line by line.
 */
import type { RealServer, Topology, VirtualService } from '../model/types.ts';
import { safeInt, safeIPv4, safeNetmask, safePort, safeScheduler, safeSchedulerFlag } from './safe.ts';

/** The `-t VIP:PORT` / `-u …` / `--sctp-service …` / `-f MARK` part of an ipvsadm line. */
export function serviceArgs(s: VirtualService, field: string): string[] {
  if (s.protocol === 'fwmark') return ['-f', String(safeInt(s.fwmark, `${field}.fwmark`, 1, 0xffffffff))];
  const vip = safeIPv4(s.vip, `${field}.vip`);
  const port = safePort(s.port, `${field}.port`);
  const flag = s.protocol === 'tcp' ? '-t' : s.protocol === 'udp' ? '-u' : s.protocol === 'sctp' ? '--sctp-service' : null;
  if (flag === null) throw new Error(`${field}.protocol: unknown protocol ${JSON.stringify(s.protocol)}`);
  return [flag, `${vip}:${port}`];
}

/** ipvsadm's forwarding switch for a method: `-m` (masquerading = NAT), `-g` (gatewaying = DR), `-i` (ipip = TUN). */
export function methodFlag(r: RealServer, field: string): '-m' | '-g' | '-i' {
  if (r.method === 'nat') return '-m';
  if (r.method === 'dr') return '-g';
  if (r.method === 'tun') return '-i';
  throw new Error(`${field}.method: unknown forwarding method ${JSON.stringify(r.method)}`);
}

/**
 * The real-server port the kernel stores: DR and TUN cannot change the port, and ipvsadm forces it
 * to the service port for them (except for fwmark services), so `-S` prints the service port.
 */
export function effectiveRealPort(s: VirtualService, r: RealServer, field: string): number {
  if (s.protocol !== 'fwmark' && r.method !== 'nat') return safePort(s.port, `${field}.port`);
  return safePort(r.port, `${field}.port`);
}

/** The `-A` line of a service, in `ipvsadm -S -n` order: -s, -p, -M, -b. */
export function serviceLine(s: VirtualService, field: string): string {
  const parts = ['-A', ...serviceArgs(s, field), '-s', safeScheduler(s.scheduler, `${field}.scheduler`)];
  if (s.persistence) {
    parts.push('-p', String(safeInt(s.persistence.timeout, `${field}.persistence.timeout`, 1, 31536000)));
    const mask = s.persistence.netmask;
    if (mask !== undefined && safeNetmask(mask, `${field}.persistence.netmask`) !== '255.255.255.255') parts.push('-M', mask);
  }
  const flags = (s.schedulerFlags ?? []).map((f, i) => safeSchedulerFlag(f, `${field}.schedulerFlags[${i}]`));
  if (flags.length > 0) {
    // The kernel keeps bits, and ipvsadm names them after the scheduler: `sh-fallback`/`sh-port` for
    // sh, `mh-…` for mh, `flag-1`/`flag-2` otherwise, fallback (bit 1) before port (bit 2).
    const bits = new Set(flags.map((f) => (f.endsWith('fallback') ? 1 : 2)));
    const prefix = s.scheduler === 'sh' || s.scheduler === 'mh' ? s.scheduler : null;
    const name = (bit: number) => (prefix ? `${prefix}-${bit === 1 ? 'fallback' : 'port'}` : `flag-${bit}`);
    parts.push('-b', [...bits].sort().map(name).join(','));
  }
  return parts.join(' ');
}

/** The `-a` line of a real server. TUN prints ` --tun-type ipip` with ipvsadm 1.31 on kernels ≥ 5.3. */
export function realServerLine(s: VirtualService, r: RealServer, serviceField: string, field: string): string {
  const rip = safeIPv4(r.rip, `${field}.rip`);
  const port = effectiveRealPort(s, r, field);
  const weight = safeInt(r.weight, `${field}.weight`, 0, 65535);
  const flag = methodFlag(r, field);
  const line = ['-a', ...serviceArgs(s, serviceField), '-r', `${rip}:${port}`, flag, '-w', String(weight)].join(' ');
  return flag === '-i' ? `${line} --tun-type ipip` : line;
}

/**
 * Renders the rules of one director as `ipvsadm -S -n` prints them: services in design order, each
 * followed by its real servers in design order. Throws UnsafeValueError on a bad value.
 */
export function ipvsadmRulesOrThrow(t: Topology, directorId: string, owned?: readonly { s: VirtualService; i: number }[]): string {
  const lines: string[] = [];
  const services = owned ?? t.services.map((s, i) => ({ s, i })).filter(({ s }) => s.director === directorId);
  for (const { s, i } of services) {
    const field = `services[${i}] (${s.id})`;
    lines.push(serviceLine(s, field));
    s.realServers.forEach((r, j) => lines.push(realServerLine(s, r, field, `${field}.realServers[${j}] (${r.id})`)));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
