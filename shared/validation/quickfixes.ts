/**
 * Quick-fixes: for some rules, the fix a problem names as a pure model edit (from
 * shared/model/commands.ts) that the designer applies with one click as one undo step. Data beside
 * the rules, keyed by rule id; each reads the problem's refs (first = the host to edit) and
 * returns null when it cannot tell what to do (then only the fix text is shown).
 */
import type { Topology } from '../model/types.ts';
import { moveAddressTo, setHostSysctl, setInterfaceSysctl, updateHost, updateInterface, updateRealServer } from '../model/commands.ts';
import { buildContext, ip } from './context.ts';
import type { Problem } from './rule.ts';
import { suggestGateway } from './suggest.ts';

/** A ready-to-apply quick-fix: its button label in both languages and the edit. */
export interface QuickFix {
  readonly label: string;
  readonly labelZh: string;
  /** The edit; pure, returns a new topology. */
  readonly apply: (t: Topology) => Topology;
}

type QuickFixFactory = (t: Topology, p: Problem) => QuickFix | null;

const hostOf = (t: Topology, id: string | undefined) => (id === undefined ? undefined : t.hosts.find((h) => h.id === id));
const serviceOfRs = (t: Topology, rsId: string | undefined) => t.services.find((v) => v.realServers.some((r) => r.id === rsId));

/** arp_ignore=1, arp_announce=2 host-wide (conf.all): the kernel uses the larger of all and the interface. */
const arpFix: QuickFixFactory = (t, p) => {
  const h = hostOf(t, p.refs[0]);
  if (!h) return null;
  return {
    label: `Set arp_ignore=1, arp_announce=2 on ${h.name}`,
    labelZh: `在 ${h.name} 上设置 arp_ignore=1、arp_announce=2`,
    apply: (x) => setHostSysctl(x, h.id, { arpIgnore: 1, arpAnnounce: 2 }),
  };
};

/** The VIP as /32 on lo (DR) or tunl0 (TUN), off every other interface. */
const vipFix =
  (kind: 'loopback' | 'ipip'): QuickFixFactory =>
  (t, p) => {
    const h = hostOf(t, p.refs[0]);
    const svc = t.services.find((v) => p.refs.includes(v.id)) ?? serviceOfRs(t, p.refs[1]);
    if (!h || !svc || svc.protocol === 'fwmark' || svc.vip === '') return null;
    const where = kind === 'loopback' ? 'lo' : 'tunl0';
    return {
      label: `Put ${svc.vip}/32 on ${h.name}'s ${where}`,
      labelZh: `把 ${svc.vip}/32 配置到 ${h.name} 的 ${where} 上`,
      apply: (x) => moveAddressTo(x, h.id, svc.vip, kind),
    };
  };

/** Every address of the host's lo or tunnel interface (refs[1]) as a single address (/32). */
const singleAddressFix: QuickFixFactory = (t, p) => {
  const h = hostOf(t, p.refs[0]);
  const f = h?.interfaces.find((i) => i.id === p.refs[1]);
  if (!h || !f) return null;
  const narrowed = f.addresses.map((a) => a.replace(/\/\d+$/, '/32'));
  if (narrowed.every((a, i) => a === f.addresses[i])) return null;
  return {
    label: `Make the addresses on ${h.name}'s ${f.name} single addresses (/32)`,
    labelZh: `把 ${h.name} 的 ${f.name} 上的地址改成单个地址（/32）`,
    apply: (x) => updateInterface(x, h.id, f.id, { addresses: [...new Set(narrowed)] }),
  };
};

/** Every quick-fix, by rule id. */
export const QUICK_FIXES: Readonly<Record<string, QuickFixFactory>> = {
  'addr/wide-virtual-prefix': singleAddressFix,
  'dr/arp-not-configured': arpFix,
  'tun/arp-exposure': arpFix,
  'dr/vip-missing-on-rs': vipFix('loopback'),
  'tun/vip-missing-on-tunnel': vipFix('ipip'),
  'dr/reply-via-director': (t, p) => {
    const ctx = buildContext(t);
    const h = ctx.hostById.get(p.refs[0] ?? '');
    const d = ctx.hostById.get(p.refs[1] ?? '');
    if (!h || !d) return null;
    const router = suggestGateway(ctx, h, d);
    if (router === null) return null;
    return {
      label: `Set ${h.host.name}'s gateway to the router ${router}`,
      labelZh: `把 ${h.host.name} 的网关设为路由器 ${router}`,
      apply: (x) => updateHost(x, h.host.id, { gateway: router }),
    };
  },
  'nat/reply-not-via-director': (t, p) => {
    const ctx = buildContext(t);
    const h = ctx.hostById.get(p.refs[0] ?? '');
    const d = ctx.hostById.get(p.refs[1] ?? '');
    if (!h || !d) return null;
    // A static route that overrides the gateway needs a person; this fix only sets the gateway.
    if ((h.host.routes ?? []).length > 0) return null;
    for (const s of ctx.sharedSegments(h, d)) {
      for (const f of ctx.ifacesOn(d, s)) {
        const dip = f.addresses.find((a) => a.cidr !== null)?.cidr?.value;
        if (dip === undefined) continue;
        const gw = ip(dip);
        if (h.gateway === dip) return null;
        return {
          label: `Set ${h.host.name}'s gateway to the DIP ${gw}`,
          labelZh: `把 ${h.host.name} 的网关设为 DIP ${gw}`,
          apply: (x) => updateHost(x, h.host.id, { gateway: gw }),
        };
      }
    }
    return null;
  },
  'nat/ip-forward-off': (t, p) => {
    const d = hostOf(t, p.refs[0]);
    if (!d) return null;
    // Real servers that all hold the VIP on lo were set up for DR (nat/vip-on-lo offers the switch):
    // turning on forwarding would cement the -m slip instead of fixing it.
    const nat = t.services.filter((v) => v.director === d.id).flatMap((v) => v.realServers.filter((r) => r.method === 'nat').map((r) => ({ v, r })));
    const drShaped = ({ v, r }: (typeof nat)[number]) =>
      hostOf(t, r.host)?.interfaces.some((f) => f.kind === 'loopback' && f.addresses.some((a) => a.split('/')[0] === v.vip)) === true;
    if (nat.length > 0 && nat.every(drShaped)) return null;
    return {
      label: `Turn on ip_forward on ${d.name}`,
      labelZh: `在 ${d.name} 上打开 ip_forward`,
      apply: (x) => setHostSysctl(x, d.id, { ipForward: true }),
    };
  },
  'nat/vip-on-lo': (t, p) => {
    const h = hostOf(t, p.refs[0]);
    const svc = serviceOfRs(t, p.refs[1]);
    if (!h || !svc) return null;
    const mine = svc.realServers.filter((r) => r.host === h.id && r.method === 'nat');
    return {
      label: `Switch ${h.name} to DR`,
      labelZh: `把 ${h.name} 改为 DR`,
      apply: (x) => mine.reduce((acc, r) => updateRealServer(acc, svc.id, r.id, { method: 'dr', port: svc.port }), x),
    };
  },
  'tun/rp-filter': (t, p) => {
    const h = hostOf(t, p.refs[0]);
    if (!h) return null;
    const tunnels = h.interfaces.filter((f) => f.kind === 'ipip');
    return {
      label: `Set rp_filter=0 on ${h.name} (all${tunnels.map((f) => `, ${f.name}`).join('')})`,
      labelZh: `在 ${h.name} 上设置 rp_filter=0（all${tunnels.map((f) => `、${f.name}`).join('')}）`,
      apply: (x) => tunnels.reduce((acc, f) => setInterfaceSysctl(acc, h.id, f.id, 'rpFilter', 0), setHostSysctl(x, h.id, { rpFilter: 0 })),
    };
  },
};

/** The quick-fix for a problem in this topology, or null when its rule has none or it cannot apply. */
export function quickFixFor(t: Topology, p: Problem): QuickFix | null {
  return QUICK_FIXES[p.rule]?.(t, p) ?? null;
}
