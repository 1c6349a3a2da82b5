/**
 * Keeps the admin's SSH session alive through a deploy: compares the routes and addresses a deploy
 * changes with the path of the session itself — the peer address as the host sees it
 * (`$SSH_CONNECTION`) and the route the host uses to reach it now (`ip -4 route get PEER`).
 *
 * When the design's routes would send the answers to the admin another way (a new default route
 * via the DIP on a NAT real server is the classic case), the deploy first pins a host route for the
 * peer via the path that works now, so the session survives; when the session arrives on an address
 * the deploy removes, no route can save it and the host is refused.
 */
import type { Cidr } from '../../../shared/addressing/ipv4.ts';
import { contains, parseCidr, parseIPv4 } from '../../../shared/addressing/ipv4.ts';
import type { HostChange } from '../../../shared/ipc/deploy.ts';

/** What the probe learned about the SSH session on one host. */
export interface SessionPath {
  /** The admin's address as the host sees it (first field of `$SSH_CONNECTION`). */
  readonly peer: string;
  /** The host's own address the session arrived on (third field). */
  readonly local: string;
  /** The route the host uses to reach the peer now. */
  readonly via?: string;
  readonly dev?: string;
}

/** A host route that keeps the session on its current path while the design's routes change. */
export interface SessionPin {
  readonly destination: string;
  readonly via?: string;
  readonly dev: string;
}

export type SessionVerdict =
  | { readonly kind: 'safe'; readonly note: string }
  | { readonly kind: 'pin'; readonly pin: SessionPin; readonly note: string }
  | { readonly kind: 'cut'; readonly reason: string }
  | { readonly kind: 'unknown'; readonly note: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const DEV = /^[A-Za-z0-9_.-]{1,15}$/;

/** Shell for the probe (runs as the login user, before sudo resets the environment). */
export const SESSION_PROBE = `echo '@@ session'
printf 'conn %s\\n' "\${SSH_CONNECTION:-}"
lvsd_peer=\${SSH_CONNECTION%% *}
case $lvsd_peer in
  "" | *[!0-9.]*) ;;
  *) printf 'get %s\\n' "$(ip -4 route get "$lvsd_peer" 2>&1 </dev/null | head -n 1)" ;;
esac
echo '@@ session-end'
`;

/** Parses the probe's session section; `null` when there is none (or the session is not IPv4). */
export function parseSessionPath(probeOutput: string): SessionPath | null {
  const conn = /^conn (\S+) \d+ (\S+) \d+\s*$/m.exec(probeOutput);
  if (!conn || !IPV4.test(conn[1]!) || !IPV4.test(conn[2]!)) return null;
  const get = /^get (.*)$/m.exec(probeOutput)?.[1]?.trim().split(/\s+/) ?? [];
  const at = (k: string) => {
    const i = get.indexOf(k);
    return i >= 0 ? get[i + 1] : undefined;
  };
  const via = at('via');
  const dev = at('dev');
  return { peer: conn[1]!, local: conn[2]!, ...(via && IPV4.test(via) ? { via } : {}), ...(dev && DEV.test(dev) ? { dev } : {}) };
}

interface Route {
  readonly destination: string;
  readonly via?: string;
  readonly dev?: string;
}

function prefixOf(destination: string): Cidr | null {
  return parseCidr(destination === 'default' ? '0.0.0.0/0' : destination.includes('/') ? destination : `${destination}/32`);
}

/** The most specific route of `routes` that covers `address` (longest prefix match). */
function bestRoute(routes: readonly Route[], address: string): Route | undefined {
  const a = parseIPv4(address);
  if (a === null) return undefined;
  let best: Route | undefined;
  let bestPrefix = -1;
  for (const r of routes) {
    const p = prefixOf(r.destination);
    if (!p || p.prefix <= bestPrefix) continue;
    if (contains(p, a)) {
      best = r;
      bestPrefix = p.prefix;
    }
  }
  return best;
}

/**
 * Judges one host's planned changes against its SSH session.
 * @param current the host's main routing table now (as parsed from `ip -4 route`)
 * @param wanted the routes apply.sh ensures (each replaces the route of the same destination)
 * @param changes the plan's changes (an `address remove` of the session's local address cuts it)
 */
export function judgeSession(session: SessionPath | null, current: readonly Route[], wanted: readonly Route[], changes: readonly HostChange[]): SessionVerdict {
  if (!session) return { kind: 'unknown', note: 'SSH session path not known (no IPv4 $SSH_CONNECTION): route changes were not checked against it' };
  const { peer, local } = session;
  const removed = changes.find((c) => c.kind === 'address' && c.action === 'remove' && c.subject.split(' ')[1]?.split('/')[0] === local);
  if (removed) {
    return {
      kind: 'cut',
      reason: `this deploy removes ${removed.subject}, the address your SSH session (from ${peer}) arrives on; it would cut the session and lock you out. Connect to the host on another address, or keep that address in the design.`,
    };
  }
  if (wanted.length === 0) return { kind: 'safe', note: `SSH session from ${peer}: no route changes` };
  // `ip route` prints a host route as "A.B.C.D", apply.sh may name it "A.B.C.D/32": compare networks.
  const key = (d: string) => {
    const c = prefixOf(d);
    return c ? `${c.network}/${c.prefix}` : d;
  };
  const replaced = new Set(wanted.map((w) => key(w.destination)));
  const after = [...current.filter((r) => !replaced.has(key(r.destination))), ...wanted];
  const chosen = bestRoute(after, peer);
  const isWanted = chosen !== undefined && wanted.includes(chosen);
  const samePath = chosen !== undefined && (chosen.via ?? '') === (session.via ?? '') && (!chosen.dev || !session.dev || chosen.dev === session.dev);
  if (!isWanted || samePath) return { kind: 'safe', note: `SSH session from ${peer}: its path (${describe(session)}) stays as it is` };
  if (prefixOf(chosen!.destination)?.prefix === 32) {
    return {
      kind: 'cut',
      reason: `the design routes your SSH session's own address ${peer} ${describe(chosen!)} (now ${describe(session)}); no host route can keep the session on its path, so applying it would cut the session and lock you out. Deploy from another address, or change the route.`,
    };
  }
  if (!session.dev) {
    return {
      kind: 'cut',
      reason: `the route to your SSH session's address ${peer} changes to ${describe(chosen!)}, and the current path could not be read (ip route get) to keep it; refused`,
    };
  }
  const pin: SessionPin = { destination: `${peer}/32`, ...(session.via ? { via: session.via } : {}), dev: session.dev };
  return {
    kind: 'pin',
    pin,
    note: `SSH session from ${peer} would move from ${describe(session)} to ${describe(chosen!)} (route ${chosen!.destination}) and could be cut: a host route ${pin.destination} ${describe(pin)} is added first to keep it (it stays after the deploy; remove it by hand once the new path works)`,
  };
}

function describe(r: { via?: string; dev?: string }): string {
  return [r.via ? `via ${r.via}` : '', r.dev ? `dev ${r.dev}` : ''].filter(Boolean).join(' ') || 'direct';
}

/** Shell line that adds the pin (values checked; nothing else reaches the line). */
export function pinScript(pin: SessionPin): string {
  const dest = pin.destination.replace(/\/32$/, '');
  if (!IPV4.test(dest) || (pin.via !== undefined && !IPV4.test(pin.via)) || !DEV.test(pin.dev)) throw new Error('bad session pin');
  return `ip -4 route replace ${dest}/32${pin.via ? ` via ${pin.via}` : ''} dev ${pin.dev} && echo 'session pinned: ${dest}/32${pin.via ? ` via ${pin.via}` : ''} dev ${pin.dev}'`;
}
