import type { Finding, Rule } from '../../rule.ts';
import { groupLabel, groupLabelZh, groupsOf, memberIface, memberName } from '../../ha.ts';
import type { SegmentInfo } from '../../context.ts';
import type { DirectorGroup } from '../../../model/types.ts';

/**
 * Connection sync must exist, run on an interface every member has, on one segment, with a sync id of
 * its own — and agree between the groups of one director: the kernel runs one master and one backup
 * sync daemon per host, so a second group with another mode, interface or sync id gets none.
 */
export const syncDaemon: Rule = {
  id: 'ha/sync-daemon',
  severity: 'warning',
  title: 'Connection sync missing, on a missing interface, split across segments, sharing a sync id, or differing between the groups of one director',
  titleZh: '连接同步缺失、接口不存在、跨网段、与其他组共用 sync id，或同一主机上的组同步设置不一致',
  description:
    "IPVS keeps a connection table on the master. Without the sync daemon (lvs_sync_daemon, or ipvsadm --start-daemon) the backup's table is empty: after a failover the next packet of an established TCP connection finds no entry, is scheduled as new or dropped, and the client sees a reset. " +
    'The sync messages are multicast (224.0.0.81) on the sync interface, so every member needs that interface on one shared segment, and two pairs on one segment need different sync ids. ' +
    'The kernel runs one master and one backup sync daemon per host: a director in several groups syncs only with the settings of the first (lvs_sync_daemon or ipvsadm --start-daemon), so its groups must use the same mode, interface and sync id.',
  example: { bad: 'VI_1 has no lvs_sync_daemon.', fix: 'Add lvs_sync_daemon eth1 id 51 to the instance.' },
  check(ctx) {
    const out: Finding[] = [];
    const bySegment = new Map<string, { id: number; group: string }[]>();
    // The kernel runs one master and one backup sync daemon per host: the first synced group of a host decides them.
    const keyOf = (g: DirectorGroup) =>
      `${g.sync!.mode === 'ipvsadm' ? 'ipvsadm --start-daemon' : 'lvs_sync_daemon'} on ${g.sync!.interface}, sync id ${g.sync!.syncId ?? 0}`;
    const runs = new Map<string, { group: string; key: string; mode: string }>();
    for (const g of groupsOf(ctx)) {
      if (!g.sync || !ctx.services.some((s) => s.group === g)) continue;
      for (const m of g.members) if (!runs.has(m.host)) runs.set(m.host, { group: g.name, key: keyOf(g), mode: g.sync.mode });
    }
    for (const g of groupsOf(ctx)) {
      if (!ctx.services.some((s) => s.group === g)) continue;
      if (!g.sync) {
        out.push({
          message: `${groupLabel(g)} has no connection sync; after a failover the new master does not know any established connection and the clients' TCP connections break (reset or hang).`,
          fix: `Add connection sync: lvs_sync_daemon on the interface the members share (e.g. ${g.members[0]?.interface ?? 'eth0'}) with a sync id such as ${g.vrid}.`,
          refs: [g.id],
          zh: {
            message: `${groupLabelZh(g)} 没有连接同步；切换后新的 MASTER 不知道任何已建立的连接，客户端的 TCP 连接会中断（被重置或挂起）。`,
            fix: `添加连接同步：在成员共享的接口（例如 ${g.members[0]?.interface ?? 'eth0'}）上配置 lvs_sync_daemon，sync id 例如 ${g.vrid}。`,
          },
        });
        continue;
      }
      const sync = g.sync;
      const key = keyOf(g);
      for (const m of g.members) {
        const first = runs.get(m.host);
        if (!first || first.key === key) continue;
        // Same daemons on every member: they still exchange every connection; only a mode clash stays.
        const apart = g.members.some((n) => runs.get(n.host)?.key !== first.key);
        if (!apart && first.mode === sync.mode) continue;
        const who = memberName(ctx, m);
        const why = apart
          ? `the other members of ${g.name} run other daemons, so ${g.name}'s connections are not exchanged with ${who} and break at a failover.`
          : `keepalived and the generated scripts would both start and stop ${who}'s daemons.`;
        const whyZh = apart
          ? `${g.name} 的其他成员运行的是其他同步进程，${g.name} 的连接不会与 ${who} 交换，切换时中断。`
          : `keepalived 和生成的脚本会同时启停 ${who} 的同步进程。`;
        out.push({
          severity: 'error',
          message: `${who} runs the sync daemons of group ${first.group} (${first.key}), not those ${groupLabel(g)} asks for (${key}): the kernel runs one master and one backup sync daemon per host; ${why}`,
          fix: `Use the same sync mode, interface and sync id in every group ${who} is in (e.g. ${first.key}).`,
          refs: [g.id, m.host],
          zh: {
            message: `${who} 运行的是组 ${first.group} 的同步进程（${first.key}），而不是 ${groupLabelZh(g)} 要求的（${key}）：内核每台主机只运行一个 master 和一个 backup 同步进程；${whyZh}`,
            fix: `让 ${who} 所在的每个组使用相同的同步方式、接口和 sync id（例如 ${first.key}）。`,
          },
        });
      }
      let segment: SegmentInfo | null | undefined;
      for (const m of g.members) {
        const f = memberIface(ctx, m, sync.interface);
        const who = memberName(ctx, m);
        if (!f) {
          out.push({
            severity: 'error',
            message: `${who} has no interface ${sync.interface}, the sync interface of ${groupLabel(g)}; its sync daemon cannot start and its connection table stays empty.`,
            fix: `Use an interface ${who} has on the segment the members share, or add ${sync.interface} to ${who}.`,
            refs: [g.id, m.host],
            zh: {
              message: `${who} 没有接口 ${sync.interface}（${groupLabelZh(g)} 的同步接口）；它的同步进程无法启动，连接表始终为空。`,
              fix: `改用 ${who} 在成员共享网段上的接口，或给 ${who} 添加 ${sync.interface}。`,
            },
          });
          continue;
        }
        if (segment === undefined) segment = f.segment;
        else if (f.segment !== segment) {
          out.push({
            severity: 'error',
            message: `The sync interface ${sync.interface} of ${groupLabel(g)} is on segment ${segment?.segment.name ?? '(unplugged)'} on one member but on ${f.segment?.segment.name ?? '(unplugged)'} on ${who}; the sync multicast does not reach it, so its table stays empty.`,
            fix: `Pick a sync interface that is on the same segment on every member.`,
            refs: [g.id, m.host, f.iface.id],
            zh: {
              message: `${groupLabelZh(g)} 的同步接口 ${sync.interface} 在一个成员上位于网段 ${segment?.segment.name ?? '（未连接）'}，在 ${who} 上却位于 ${f.segment?.segment.name ?? '（未连接）'}；同步组播到不了它，它的连接表始终为空。`,
              fix: '选择在每个成员上都位于同一网段的同步接口。',
            },
          });
        }
      }
      if (segment) {
        const list = bySegment.get(segment.segment.id) ?? [];
        const id = sync.syncId ?? 0;
        const clash = list.find((x) => x.id === id);
        if (clash) {
          out.push({
            severity: 'error',
            message: `${groupLabel(g)} and group ${clash.group} both sync connections with sync id ${id} on segment ${segment.segment.name}; each backup loads the other pair's connections too.`,
            fix: `Give ${g.name} its own sync id (e.g. its vrid ${g.vrid}).`,
            refs: [g.id],
            zh: {
              message: `${groupLabelZh(g)} 和组 ${clash.group} 在网段 ${segment.segment.name} 上使用同一个 sync id ${id} 同步连接；每个 BACKUP 也会载入另一组的连接。`,
              fix: `给 ${g.name} 一个独立的 sync id（例如它的 vrid ${g.vrid}）。`,
            },
          });
        }
        list.push({ id, group: g.name });
        bySegment.set(segment.segment.id, list);
      }
    }
    return out;
  },
};
