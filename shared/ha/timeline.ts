/**
 * The failover timeline of an HA director group, step by step, as keepalived and the kernel play
 * it: the master's adverts every advert_int, the event (crash, clean stop, link cut, the old master
 * returning), the backup's master-down timer (3 × advert_int + skew) or the skew after a priority-0
 * advert, the new master adding the VIPs and sending gratuitous ARPs, the router's ARP cache
 * following them, and a long-lived TCP connection through it all — kept when the connection table
 * was synchronised, broken when the new master does not know it. IPVS schedules only a SYN; any
 * other segment without an entry it lets through (NF_ACCEPT) to the director's own TCP stack, which
 * answers with a RST, and a NAT real server's segments leave un-NATed (tests/lab/ha-lab.test.ts
 * captures both on the real kernel: a download stalls across a crash, a fail-back resets it).
 *
 * Pure and deterministic: the steps carry both directors' connection tables and the ARP caches, so
 * a viewer can step forward and back.
 */
import type { DirectorGroup, HostId, Topology } from '../model/types.ts';
import { advertIntOf, masterDownMicros, skewMicros, steadyMaster, vrrpVersionOf } from '../model/ha.ts';

/** What happens to the group. */
export type FailoverEvent = 'crash' | 'stop' | 'link-cut' | 'return';
export const FAILOVER_EVENTS: readonly FailoverEvent[] = ['crash', 'stop', 'link-cut', 'return'];

/** One IPVS connection entry as `ipvsadm -Lnc` shows it. */
export interface ConnEntry {
  readonly client: string;
  readonly vip: string;
  readonly realServer: string;
  readonly state: 'ESTABLISHED';
}

/** One step of the timeline. */
export interface TimelineStep {
  /** Seconds since the event (negative: before it). */
  readonly at: number;
  readonly kind: 'advert' | 'event' | 'priority-0' | 'timer' | 'become-master' | 'garp' | 'arp-update' | 'packet' | 'step-down' | 'sync';
  readonly text: { readonly en: string; readonly zh: string };
  /** Members holding the VIPs after this step. */
  readonly holders: readonly HostId[];
  /** Each member's IPVS connection table after this step. */
  readonly tables: Readonly<Record<HostId, readonly ConnEntry[]>>;
  /** Which member the router's ARP cache maps the VIP to after this step. */
  readonly routerArp: HostId | null;
  /** Whether the long-lived connection is still alive after this step. */
  readonly flowAlive: boolean;
  /** What each member of the group is after this step (for the marks on the canvas). */
  readonly roles: Readonly<Record<HostId, MemberRole>>;
}

/**
 * A member's state in the timeline: holding the VIPs, waiting as backup, crashed (`down`), or alive
 * with keepalived stopped (`stopped`).
 */
export type MemberRole = 'master' | 'backup' | 'down' | 'stopped';

/** Options of {@link failoverTimeline}. */
export interface TimelineOptions {
  /** Connection sync on (default: whether the group has `sync`). */
  readonly sync?: boolean;
  /** Client address of the long-lived connection (default: the first client host's address, or 198.51.100.7). */
  readonly client?: string;
}

const round = (s: number): number => Math.round(s * 1000) / 1000;

/**
 * Seconds after a backup sync daemon starts by which a busy connection has reached it: the master
 * queues it again within sync_period (50) of its packets and sends the buffer within
 * IPVS_SYNC_FLUSH_TIME (2 s); one second of margin for the 50 packets.
 */
export const SYNC_SETTLE_S = 3;

/**
 * Builds the timeline of `event` on group `groupId` between its steady master and the next member
 * by priority. Returns null when the group does not exist or has fewer than two members.
 */
export function failoverTimeline(t: Topology, groupId: string, event: FailoverEvent, options: TimelineOptions = {}): TimelineStep[] | null {
  const g = (t.directorGroups ?? []).find((x) => x.id === groupId);
  if (!g || g.members.length < 2) return null;
  const master = steadyMaster(t, g)!;
  const backup = [...g.members].filter((m) => m !== master).sort((a, b) => b.priority - a.priority)[0]!;
  const name = (h: HostId) => t.hosts.find((x) => x.id === h)?.name ?? h;
  const M = master.host;
  const B = backup.host;
  const sync = options.sync ?? g.sync !== undefined;
  const vip = g.virtualAddresses[0]?.address.split('/')[0] ?? '?';
  const svc = t.services.find((s) => s.director === g.id);
  const rs = svc?.realServers[0];
  const client = options.client ?? firstClientAddress(t) ?? '198.51.100.7';
  const entry: ConnEntry = { client: `${client}:40000`, vip: `${vip}:${svc?.port ?? 80}`, realServer: rs ? `${rs.rip}:${rs.port}` : '?', state: 'ESTABLISHED' };
  const adv = advertIntOf(g);
  const version = vrrpVersionOf(g);
  const downB = masterDownMicros(version, adv, backup.priority) / 1e6;
  const skewB = skewMicros(version, adv, backup.priority) / 1e6;
  const garpDelay = g.garpMasterDelay ?? 5;

  const steps: TimelineStep[] = [];
  let holders: HostId[] = [M];
  let tables: Record<HostId, ConnEntry[]> = { [M]: [entry], [B]: sync ? [entry] : [] };
  let routerArp: HostId | null = M;
  let flowAlive = true;
  /** Members that crashed or stopped keepalived (the others are master while they hold the VIPs, else backup). */
  const gone = new Map<HostId, 'down' | 'stopped'>();
  const roles = (): Record<HostId, MemberRole> =>
    Object.fromEntries(g.members.map((m) => [m.host, gone.get(m.host) ?? (holders.includes(m.host) ? 'master' : 'backup')])) as Record<HostId, MemberRole>;
  const push = (at: number, kind: TimelineStep['kind'], en: string, zh: string) =>
    steps.push({ at: round(at), kind, text: { en, zh }, holders: [...holders], tables: { ...tables }, routerArp, flowAlive, roles: roles() });

  push(
    -2 * adv,
    'sync',
    sync
      ? `${name(M)} is MASTER and holds ${vip}. The client's TCP connection goes through it to ${entry.realServer}; the sync daemon has copied the entry to ${name(B)}.`
      : `${name(M)} is MASTER and holds ${vip}. The client's TCP connection goes through it to ${entry.realServer}; there is no connection sync, so ${name(B)}'s table is empty.`,
    sync
      ? `${name(M)} 是 MASTER，持有 ${vip}。客户端的 TCP 连接经它到达 ${entry.realServer}；同步进程已把这条连接复制到 ${name(B)}。`
      : `${name(M)} 是 MASTER，持有 ${vip}。客户端的 TCP 连接经它到达 ${entry.realServer}；没有连接同步，${name(B)} 的连接表是空的。`,
  );
  for (const at of [-adv, 0]) {
    push(
      at,
      'advert',
      `${name(M)} sends a VRRP advert (vrid ${g.vrid}, priority ${master.priority}); ${name(B)} restarts its master-down timer (${round(downB)} s).`,
      `${name(M)} 发送 VRRP 通告（vrid ${g.vrid}，优先级 ${master.priority}）；${name(B)} 重置其 MASTER 失效计时器（${round(downB)} 秒）。`,
    );
  }

  const takeOver = (at: number, why: { en: string; zh: string }) => {
    holders = event === 'link-cut' ? [M, B] : [B];
    push(at, 'timer', why.en, why.zh);
    push(
      at,
      'become-master',
      `${name(B)} becomes MASTER and adds ${g.virtualAddresses.map((a) => a.address).join(', ')}.`,
      `${name(B)} 成为 MASTER，添加 ${g.virtualAddresses.map((a) => a.address).join('、')}。`,
    );
    push(at, 'garp', `${name(B)} sends gratuitous ARPs: "${vip} is at ${name(B)}'s MAC".`, `${name(B)} 发送免费 ARP：“${vip} 在 ${name(B)} 的 MAC 上”。`);
    routerArp = B;
    push(
      at + 0.001,
      'arp-update',
      `The router and the clients on the segment update their ARP caches: ${vip} → ${name(B)}.`,
      `路由器和同网段客户端更新 ARP 缓存：${vip} → ${name(B)}。`,
    );
  };
  /** The second burst of gratuitous ARPs, garp_master_delay after `at` (pushed after the steps before it in time). */
  const garpRepeat = (at: number) =>
    push(
      at + garpDelay,
      'garp',
      `garp_master_delay (${garpDelay} s): ${name(B)} repeats the gratuitous ARPs in case the first were lost.`,
      `garp_master_delay（${garpDelay} 秒）：${name(B)} 再次发送免费 ARP，以防第一批丢失。`,
    );
  const port = svc?.port ?? 80;
  const nat = rs?.method === 'nat';
  /** What the kernel does with the connection on `host`, which holds the VIP without its entry (en, zh). */
  const noEntry = (host: HostId): { en: string; zh: string } => ({
    en:
      `${name(host)} has no entry for the connection. IPVS schedules a new connection only on a SYN and lets any other segment without an entry through (NF_ACCEPT) to ${name(host)}'s own TCP stack, where nothing listens on port ${port}: a segment the client sends to ${vip} gets a RST and the connection is reset. ` +
      (nat
        ? `The real server's segments come to ${name(host)} through the DIP and leave un-NATed, from ${entry.realServer}: the client knows no connection with that address and answers with a RST to the real server, which drops its side. A client only waiting for data sends nothing and hangs until its own timeout. On the lab's real kernel a download stalls across a crash and is reset at a fail-back.`
        : `The real server's replies still go straight to the client, so the client's next ACK reaches ${name(host)} and is answered with that RST.`),
    zh:
      `${name(host)} 没有这条连接的记录。IPVS 只为 SYN 调度新连接；没有记录的其他报文被放行（NF_ACCEPT）交给 ${name(host)} 自己的 TCP 协议栈，而本机没有进程监听 ${port} 端口：客户端发往 ${vip} 的报文会收到 RST，连接被重置。` +
      (nat
        ? `真实服务器的报文经 DIP 到达 ${name(host)}，未做 NAT 就以 ${entry.realServer} 为源地址发出：客户端没有与该地址的连接，回复 RST 给真实服务器，后者放弃自己这一端。只在等待数据的客户端不发送任何报文，一直挂起直到自己的超时。在实验环境的真实内核上：下载在崩溃切换后卡住，在切回时被重置。`
        : `真实服务器的应答仍直接发往客户端，所以客户端的下一个 ACK 到达 ${name(host)}，收到的就是这个 RST。`),
  });
  const nextPacket = (at: number) => {
    if (tables[B]!.length > 0) {
      push(
        at,
        'packet',
        `The client's next segment of the established connection reaches ${name(B)}: the entry is in its table, so it goes on to ${entry.realServer} — the connection survives.`,
        `客户端在已建立连接上的下一个报文到达 ${name(B)}：连接表中有这条记录，继续发往 ${entry.realServer}——连接保持。`,
      );
    } else {
      flowAlive = false;
      const why = noEntry(B);
      push(at, 'packet', why.en, why.zh);
    }
  };

  switch (event) {
    case 'crash': {
      gone.set(M, 'down');
      push(0.001, 'event', `${name(M)} crashes: no more adverts.`, `${name(M)} 崩溃：不再发送通告。`);
      tables = { ...tables, [M]: [] };
      takeOver(downB, {
        en: `${name(B)}'s master-down timer expires after 3 × ${adv} s + skew ${round(skewB)} s = ${round(downB)} s without an advert.`,
        zh: `${name(B)} 在 3 × ${adv} 秒 + skew ${round(skewB)} 秒 = ${round(downB)} 秒内没有收到通告，MASTER 失效计时器到期。`,
      });
      nextPacket(downB + 0.2);
      garpRepeat(downB);
      break;
    }
    case 'stop': {
      gone.set(M, 'stopped');
      holders = [];
      push(
        0.001,
        'priority-0',
        `keepalived stops on ${name(M)}: it sends a priority-0 advert and removes the VIPs.`,
        `${name(M)} 上的 keepalived 停止：发送优先级 0 的通告并删除 VIP。`,
      );
      tables = { ...tables, [M]: [] };
      takeOver(skewB, {
        en: `A priority-0 advert sets ${name(B)}'s timer to the skew time only: (256 − ${backup.priority}) / 256 ≈ ${round(skewB)} s.`,
        zh: `优先级 0 的通告把 ${name(B)} 的计时器设为 skew 时间：(256 − ${backup.priority}) / 256 ≈ ${round(skewB)} 秒。`,
      });
      nextPacket(skewB + 0.2);
      garpRepeat(skewB);
      break;
    }
    case 'link-cut': {
      push(
        0.001,
        'event',
        `The link between ${name(M)} and ${name(B)} is cut; both still reach the router.`,
        `${name(M)} 与 ${name(B)} 之间的链路断开；两者都仍能到达路由器。`,
      );
      takeOver(downB, {
        en: `${name(B)} hears no advert for ${round(downB)} s and declares ${name(M)} dead — but ${name(M)} is alive and still MASTER.`,
        zh: `${name(B)} 在 ${round(downB)} 秒内收不到通告，认为 ${name(M)} 已失效——但 ${name(M)} 仍然存活并且仍是 MASTER。`,
      });
      push(
        downB + 0.01,
        'event',
        `Split brain: ${name(M)} and ${name(B)} both hold ${vip}. The router sends to whichever announced last; ${name(M)}'s own ARP replies or garp_master_refresh pull it back.`,
        `脑裂：${name(M)} 和 ${name(B)} 同时持有 ${vip}。路由器发往最后宣告的那台；${name(M)} 的 ARP 应答或 garp_master_refresh 又会把它拉回去。`,
      );
      nextPacket(downB + 0.2);
      garpRepeat(downB);
      break;
    }
    case 'return': {
      gone.set(M, 'down');
      push(0.001, 'event', `${name(M)} crashes.`, `${name(M)} 崩溃。`);
      tables = { ...tables, [M]: [] };
      takeOver(downB, { en: `${name(B)} takes over after ${round(downB)} s.`, zh: `${name(B)} 在 ${round(downB)} 秒后接管。` });
      nextPacket(downB + 0.2);
      garpRepeat(downB);
      const back = downB + garpDelay + 10;
      // keepalived (vrrp.c, vrrp_scheduler.c vrrp_init_state): a member that is not the address owner
      // (priority 255) starts in BACKUP even with `state MASTER`, with the master-down timer running; it
      // discards a lower-priority master's adverts, so it preempts when that timer (3 × advert_int + its
      // skew) runs out — not on the first advert it hears. keepalived clears nopreempt and preempt_delay
      // on a `state MASTER` member. With preempt_delay it accepts the adverts (restarting the timer) for
      // that long first. Measured on the lab: tests/lab/ha-lab.test.ts.
      const nopreempt = g.nopreempt === true && master.state === 'BACKUP';
      const delay = master.state === 'BACKUP' && !nopreempt ? (g.preemptDelay ?? 0) : 0;
      if (master.priority === 255 && master.state === 'MASTER') {
        returnTakesOver(back);
      } else {
        gone.delete(M);
        push(
          back,
          'event',
          `${name(M)} boots; keepalived starts it as BACKUP. It hears ${name(B)}'s adverts${nopreempt ? ' and, with nopreempt, does not take over despite its higher priority' : `, discards them (lower priority) and lets its master-down timer run${delay > 0 ? ` once preempt_delay (${delay} s) has passed` : ''}`}.`,
          `${name(M)} 重启；keepalived 以 BACKUP 启动。它收到 ${name(B)} 的通告${nopreempt ? '，由于 nopreempt，尽管优先级更高也不抢占' : `，丢弃它们（优先级更低），让自己的 MASTER 失效计时器走完${delay > 0 ? `（先等 preempt_delay ${delay} 秒）` : ''}`}。`,
        );
        if (!nopreempt) {
          const downM = masterDownMicros(version, adv, master.priority) / 1e6;
          const at = back + delay + downM;
          // Its backup sync daemon starts with BACKUP (init). The master re-sends a busy connection
          // every sync_period (50) of its packets and flushes its buffer within 2 s
          // (IPVS_SYNC_FLUSH_TIME): a preempt_delay that long lets the entry arrive first; the
          // master-down timer alone races it (on the lab 1 of 3 fail-backs had the entry).
          if (sync && delay >= SYNC_SETTLE_S) {
            tables = { ...tables, [M]: [...tables[B]!] };
            push(
              back + SYNC_SETTLE_S,
              'sync',
              `During preempt_delay, ${name(M)}'s backup sync daemon receives the connection from ${name(B)}'s master daemon (a busy connection is re-sent every 50 of its packets, the buffer leaves within 2 s).`,
              `在 preempt_delay 期间，${name(M)} 的 BACKUP 同步进程从 ${name(B)} 的 MASTER 同步进程收到这条连接（繁忙的连接每 50 个报文重发一次，缓冲区最迟 2 秒发出）。`,
            );
          } else if (sync) {
            push(
              back + 0.001,
              'sync',
              `${name(M)}'s backup sync daemon starts now, but ${name(B)} re-sends a connection only every 50 of its packets and flushes within 2 s: whether the entry arrives before the master-down timer (${round(downM)} s) runs out is a race. A preempt_delay of ${SYNC_SETTLE_S} s or more settles it.`,
              `${name(M)} 的 BACKUP 同步进程此刻才启动，而 ${name(B)} 每 50 个报文才重发一次连接、最迟 2 秒发出缓冲区：记录能否在 MASTER 失效计时器（${round(downM)} 秒）到期前到达是一场竞争。设置 ${SYNC_SETTLE_S} 秒或更长的 preempt_delay 即可避免。`,
            );
          }
          returnTakesOver(at);
        } else if (sync) {
          tables = { ...tables, [M]: [...tables[B]!] };
          push(
            back + adv,
            'sync',
            `${name(M)}'s backup sync daemon fills its table from ${name(B)}.`,
            `${name(M)} 的 BACKUP 同步进程从 ${name(B)} 填充连接表。`,
          );
        }
      }
      break;
    }
  }
  // Every step is pushed in time order (each carries the state after it); the stable sort keeps it so.
  return steps.sort((a, b) => a.at - b.at);

  function returnTakesOver(at: number) {
    gone.delete(M);
    holders = [M];
    const synced = tables[M]!.length > 0;
    push(
      at,
      'become-master',
      synced
        ? `${name(M)} returns as MASTER (higher priority ${master.priority}, preemption) and takes ${vip} back with the synchronised connection in its table.`
        : `${name(M)} returns as MASTER (higher priority ${master.priority}, preemption) and takes ${vip} back with an empty connection table.`,
      synced
        ? `${name(M)} 以 MASTER 身份返回（优先级 ${master.priority} 更高，抢占），带着已同步的连接收回 ${vip}。`
        : `${name(M)} 以 MASTER 身份返回（优先级 ${master.priority} 更高，抢占），带着空的连接表收回 ${vip}。`,
    );
    push(at, 'step-down', `${name(B)} sees the higher priority, becomes BACKUP and removes the VIPs.`, `${name(B)} 看到更高的优先级，成为 BACKUP 并删除 VIP。`);
    routerArp = M;
    push(at + 0.001, 'arp-update', `Gratuitous ARPs move the router's cache back: ${vip} → ${name(M)}.`, `免费 ARP 让路由器缓存改回：${vip} → ${name(M)}。`);
    if (!flowAlive) return;
    if (synced) {
      push(
        at + 0.2,
        'packet',
        `The connection's next segment reaches ${name(M)}: the entry is in its table, so it goes on to ${entry.realServer} — the connection survives the fail-back too.`,
        `连接的下一个报文到达 ${name(M)}：连接表中有这条记录，继续发往 ${entry.realServer}——连接在切回后也保持。`,
      );
      return;
    }
    flowAlive = false;
    const why = noEntry(M);
    push(
      at + 0.2,
      'packet',
      `The connection that survived the first failover now reaches ${name(M)}. ${why.en} A returning master breaks established connections unless it waits (nopreempt, or preempt_delay with connection sync) until its table is synchronised.`,
      `在第一次切换中幸存的连接现在到达 ${name(M)}。${why.zh}除非返回的 MASTER 等待（nopreempt，或配合连接同步的 preempt_delay）直到连接表同步完成，否则已建立的连接会中断。`,
    );
  }
}

function firstClientAddress(t: Topology): string | undefined {
  const c = t.hosts.find((h) => h.role === 'client');
  return c?.interfaces
    .flatMap((f) => f.addresses)
    .find((a) => !a.startsWith('127.'))
    ?.split('/')[0];
}

/** Convenience for viewers: the group's members in timeline order (steady master first). */
export function timelineMembers(t: Topology, g: DirectorGroup): HostId[] {
  const m = steadyMaster(t, g);
  return m ? [m.host, ...g.members.filter((x) => x !== m).map((x) => x.host)] : g.members.map((x) => x.host);
}
