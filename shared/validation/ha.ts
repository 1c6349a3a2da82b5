/**
 * Lookups the HA rules share: a group member's host, VRRP interface and addresses in the check
 * index. The index shows the steady-state master holding the group's addresses; `staticAddresses`
 * reads the design as written (what the member has without VRRP).
 */
import type { CheckContext, HostInfo, IfaceInfo } from './context.ts';
import type { DirectorGroup, VrrpMember } from '../model/types.ts';

/** `group VI_NAT (vrid 51)`. */
export const groupLabel = (g: DirectorGroup): string => `group ${g.name} (vrid ${g.vrid})`;

/** `VRRP 组 VI_NAT（vrid 51）`. */
export const groupLabelZh = (g: DirectorGroup): string => `VRRP 组 ${g.name}（vrid ${g.vrid}）`;

/** The member's host in the index. */
export const memberHost = (ctx: CheckContext, m: VrrpMember): HostInfo | undefined => ctx.hostById.get(m.host);

/** The member's interface named `name` (its VRRP interface when absent). */
export function memberIface(ctx: CheckContext, m: VrrpMember, name: string = m.interface): IfaceInfo | undefined {
  return memberHost(ctx, m)?.ifaces.find((f) => f.iface.name === name);
}

/** Display name of a member. */
export const memberName = (ctx: CheckContext, m: VrrpMember): string => memberHost(ctx, m)?.host.name ?? m.host;

/**
 * Addresses (no prefix) a member has on interface `name` as written in the design, without the
 * group addresses VRRP adds.
 */
export function staticAddresses(ctx: CheckContext, m: VrrpMember, name: string = m.interface): string[] {
  const f = ctx.topology.hosts.find((h) => h.id === m.host)?.interfaces.find((x) => x.name === name);
  return (f?.addresses ?? []).map((a) => a.split('/')[0]!);
}

/** The address a member's adverts come from: `unicast_src_ip`, else its VRRP interface's first static address. */
export const advertSource = (ctx: CheckContext, m: VrrpMember): string | undefined => m.unicastSrcIp ?? staticAddresses(ctx, m)[0];

/** The addresses (no prefix) of a group's virtual addresses. */
export const groupAddresses = (g: DirectorGroup): string[] => g.virtualAddresses.map((a) => a.address.split('/')[0]!);

/** Every director group of the design. */
export const groupsOf = (ctx: CheckContext): readonly DirectorGroup[] => ctx.topology.directorGroups ?? [];
