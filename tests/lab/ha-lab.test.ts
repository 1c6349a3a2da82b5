/**
 * HA director pair on the real kernel: the NAT HA example (lvs1 MASTER 150, lvs2 BACKUP 100, unicast
 * VRRP on eth0, VIP and DIP held by VRRP, lvs_sync_daemon on eth1) in the qemu lab, keepalived
 * (Debian 2.2.7) running the generated keepalived.conf in each director's namespace.
 * - the master crashes (both its links down) → the backup holds the VIP within the computed
 *   master-down time, measured in the VM and printed beside the computed value; a slow download
 *   through the VIP continues across it with the sync daemon (once lvs2's table shows the entry),
 *   and without it stalls: no RST from the VIP reaches the client (tcpdump in its namespace);
 * - the master returns during a download: with sync and preempt_delay 5 its table holds the entry at
 *   the takeover and the download goes on; without sync its own TCP stack resets the connection (a
 *   RST from the VIP captured at the client), as the failover timeline narrates;
 * - keepalived stopped on the master (SIGTERM): tcpdump in lvs2 shows the priority-0 advert and lvs2's
 *   first advert as master one skew later (asserted against the computed 0.609 s);
 * - the original master returns: with preempt it takes the VIP back when its own master-down timer
 *   (3.414 s) runs out after keepalived enters BACKUP (init) — measured on the wire; with nopreempt
 *   (both state BACKUP) the VIP stays on lvs2;
 * - VRRP between the members cut (lvs1 cannot reach lvs2's unicast address) → both hold the VIP, and
 *   the live check (the live view's director poll script in each member, parsed) reports `split`.
 * - plain-mode sync (`sync.mode: 'ipvsadm'`, run first): the generated apply.sh of each member starts a
 *   master and a backup sync daemon, verify.sh reads them back; a download through the VIP shows on
 *   lvs2, a second one started while lvs2 holds the VIP (moved by hand) shows on lvs1, and both
 *   downloads finish across the failover and the fail-back; rollback.sh stops the daemons again.
 * One VM boot for the file. Skipped (with the reason) where the lab cannot run.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DesignFile, HostId, Topology } from '../../shared/model/types.ts';
import { renderHost } from '../../shared/generators/index.ts';
import { failoverTimeline } from '../../shared/ha/timeline.ts';
import { sshToLab } from '../../electron/services/lab/vm.ts';
import { createHosts, labHostDir, labNamespace, pushHostFiles, runHostScript, runInHost } from '../../electron/services/lab/hosts.ts';
import { pushDesign } from '../../electron/services/lab/apply.ts';
import { hostId } from '../../shared/model/ids.ts';
import { directorScript } from '../../shared/live/script.ts';
import { parseLiveOutput } from '../../shared/live/observation.ts';
import { buildLiveView } from '../../shared/live/view.ts';

const LVS1 = hostId('lvs1');
const LVS2 = hostId('lvs2');

const reason = labSkipReason('ha-lab');

const t = (JSON.parse(readFileSync(new URL('../../examples/nat-ha-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile).topology;
const VIP = '172.16.111.123';
const DIP = '192.168.111.200';
const BIG_MB = 6;
/** Long enough (about 26 s at 640 KB/s) to run through a fail-back with a preempt_delay. */
const HUGE_MB = 16;
const round2 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The same pair with plain-mode sync (`ipvsadm --start-daemon` from the generated scripts) and the
 * IPVS table loaded by ipvsadm, so apply.sh starts no keepalived: the test moves the VIP by hand.
 */
const plainT = {
  ...t,
  hosts: t.hosts.map((h) => (h.role === 'director' ? { ...h, ipvsOwner: 'ipvsadm' as const } : h)),
  directorGroups: t.directorGroups!.map((g) => ({ ...g, sync: { ...g.sync!, mode: 'ipvsadm' as const } })),
};

/** The example with `nopreempt` on the group and both members `state BACKUP` (keepalived ignores nopreempt with MASTER). */
const tNopreempt: Topology = {
  ...t,
  directorGroups: t.directorGroups!.map((g) => ({ ...g, nopreempt: true, members: g.members.map((m) => ({ ...m, state: 'BACKUP' as const })) })),
};

function keepalivedConf(host: HostId, sync: boolean, design: Topology = t): string {
  const r = renderHost(design, host);
  if (!r.ok) throw new Error(r.error);
  const conf = r.value.find((f) => f.path === 'keepalived.conf')!.content;
  return sync ? conf : conf.replace(/^\s*lvs_sync_daemon .*\n/m, '');
}

describe.skipIf(reason !== null)('HA director pair on a real IPVS kernel (qemu): failover, connection sync, split brain', () => {
  const lab = useLabVm(420_000);
  const ns = (h: HostId) => `/sbin/ip netns exec ${labNamespace(h)}`;

  async function holders(): Promise<HostId[]> {
    const out: HostId[] = [];
    for (const h of [LVS1, LVS2]) {
      const r = await runInHost(lab(), hostId(h), `/sbin/ip -4 -o addr show dev eth0`);
      if (r.stdout.includes(`${VIP}/24`)) out.push(h);
    }
    return out;
  }

  /** The shell line (run in the VM, not in the namespace) that starts keepalived in `h`'s namespace; -D logs the priority-0 adverts. */
  const launch = (h: HostId): string => {
    const dir = labHostDir(hostId(h));
    return `${ns(h)} setsid keepalived --dont-fork --log-console -D -f ${dir}/ha-keepalived.conf -p ${dir}/ka.pid -c ${dir}/ka-c.pid -r ${dir}/ka-v.pid </dev/null >>${dir}/ka.log 2>&1 &`;
  };

  async function pushConf(h: HostId, sync: boolean, design: Topology = t): Promise<void> {
    const dir = labHostDir(hostId(h));
    await pushHostFiles(lab(), h, [{ path: 'ha-keepalived.conf', content: keepalivedConf(h, sync, design), mode: 0o644 }]);
    const r = await runInHost(lab(), h, `keepalived -t -f ${dir}/ha-keepalived.conf`);
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  }

  async function startKeepalived(h: HostId, sync: boolean, design: Topology = t): Promise<void> {
    await pushConf(h, sync, design);
    const r = await sshToLab(lab(), launch(h));
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
  }

  /**
   * In the VM: runs `action` and polls every 20 ms until `until` (a shell condition) holds, at most
   * `limit` s; prints `elapsed SECONDS` (or `elapsed none`). With `mark` (a shell condition that
   * turns true on the way) it also prints `since-mark SECONDS` from the poll that first saw it.
   * `capture` records lvs2's VRRP packets with timestamps meanwhile (printed as
   * `vrrp +SECONDS-after-action src > dst prio N`).
   */
  async function timeInVm(
    action: string,
    until: string,
    limit: number,
    opts: { capture?: boolean; mark?: string } = {},
  ): Promise<{ elapsed: number; sinceMark: number; markAt: number; wire: { at: number; src: string; prio: number }[]; out: string }> {
    const capture = opts.capture === true;
    const d = labHostDir(LVS2);
    const script = [
      'now() { cut -d" " -f1 /proc/uptime; }',
      // -Z root: tcpdump would otherwise drop to its own user, which cannot write into the host's directory
      ...(capture
        ? [
            `rm -f ${d}/vrrp.*; ${ns(LVS2)} /usr/sbin/tcpdump -Z root -i eth0 -n -tt -l --immediate-mode 'ip proto 112' >${d}/vrrp.txt 2>${d}/vrrp.err & cap=$!`,
            `i=0; while ! grep -q 'listening on' ${d}/vrrp.err 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done`,
          ]
        : []),
      'w0=$(date +%s.%N)',
      't0=$(now)',
      `{ ${action}\n} || exit 3`,
      ...(opts.mark
        ? [
            `while ! { ${opts.mark}; } && awk -v a=$t0 -v b=$(now) 'BEGIN{exit !(b-a<${limit})}'; do sleep 0.02; done`,
            'tm=$(now); tmw=$(date +%s.%N)',
            `echo "mark-at $(awk -v a=$w0 -v b=$tmw 'BEGIN{printf "%+.3f", b-a}')"`,
          ]
        : ['tm=$t0']),
      `while ! { ${until}; } && awk -v a=$t0 -v b=$(now) 'BEGIN{exit !(b-a<${limit})}'; do sleep 0.02; done`,
      't1=$(now)',
      `if ${until}; then awk -v a=$t0 -v m=$tm -v b=$t1 'BEGIN{printf "elapsed %.2f\\nsince-mark %.2f\\n", b-a, b-m}'; else echo 'elapsed none'; fi`,
      ...(capture
        ? [
            'sleep 0.5; kill -INT $cap; wait $cap 2>/dev/null',
            // "EPOCH IP SRC > DST: VRRPv2, Advertisement, vrid 51, prio N, ..."
            `awk -v w0=$w0 '/VRRPv[23]/{for(i=1;i<=NF;i++) if($i=="prio") p=$(i+1); sub(/,$/,"",p); printf "vrrp %+.3f %s > %s prio %s\\n", $1-w0, $3, $5, p}' ${d}/vrrp.txt | tail -20`,
          ]
        : []),
    ].join('\n');
    const r = await sshToLab(lab(), 'sh -s', { input: script, timeoutMs: (limit + 60) * 1000 });
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    const num = (k: string) => Number(new RegExp(`^${k} ([0-9.]+)`, 'm').exec(r.stdout)?.[1] ?? NaN);
    const wire = [...r.stdout.matchAll(/^vrrp ([-+][0-9.]+) (\S+) > \S+ prio (\d+)$/gm)].map((x) => ({ at: Number(x[1]), src: x[2]!, prio: Number(x[3]) }));
    return {
      elapsed: num('elapsed'),
      sinceMark: num('since-mark'),
      markAt: Number(/^mark-at ([-+][0-9.]+)/m.exec(r.stdout)?.[1] ?? NaN),
      wire,
      out: r.stdout.trim(),
    };
  }

  /** Shell condition: `h` holds the VIP on eth0. */
  const holds = (h: HostId) => `${ns(h)} /sbin/ip -4 -o addr show dev eth0 | grep -q ' ${VIP}/'`;
  const kaPid = (h: HostId) => `$(cat ${labHostDir(hostId(h))}/ka.pid)`;

  async function stopKeepalived(h: HostId): Promise<void> {
    const dir = labHostDir(hostId(h));
    const r = await sshToLab(
      lab(),
      `p=$(cat ${dir}/ka.pid 2>/dev/null) || exit 0; kill $p 2>/dev/null; i=0; while kill -0 $p 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ! kill -0 $p 2>/dev/null`,
    );
    expect(r.code, r.stderr).toBe(0);
  }

  /** Stops keepalived on both and the kernel sync daemons it may leave. */
  async function stopBoth(): Promise<void> {
    for (const h of [LVS1, LVS2]) {
      await stopKeepalived(h);
      await sshToLab(lab(), `${ns(h)} ipvsadm --stop-daemon master 2>/dev/null; ${ns(h)} ipvsadm --stop-daemon backup 2>/dev/null; ${ns(h)} ipvsadm -C; true`);
    }
  }

  async function settled(master: HostId): Promise<void> {
    await expect.poll(holders, { timeout: 60_000, interval: 500 }).toEqual([master]);
  }

  /**
   * In the VM: starts a slow download (about 640 KB/s) of /big through the VIP on the client, waits
   * `lead` seconds (and with `waitForSync` until `to`'s table holds the connection, at most 10 s),
   * runs `action` and polls until `to` holds the VIP; then waits for the download to end (at most
   * `limit` s). Prints `takeover SECONDS`, `bytes N`, `ended SECONDS-after-takeover`, how many
   * matching entries `to`'s table had before the action and right at the takeover, and wget's complaint.
   */
  let downloads = 0;
  async function downloadAcrossFailover(o: {
    action: string;
    to: HostId;
    lead: number;
    limit: number;
    waitForSync: boolean;
    /** Which file of the real servers' www directory (default `big`). */
    file?: string;
  }): Promise<{ takeover: number; bytes: number; ended: number; synced: number; atTakeover: number; rstFromVip: number; finished: boolean; err: string }> {
    const { action, to, lead, limit } = o;
    const c = labHostDir(hostId('client'));
    // Each download's client port comes from a range of its own: the tables keep earlier tests'
    // entries (ipvsadm -C leaves connections), and a reused port would match a stale one.
    const low = 20_000 + 200 * downloads++;
    // the download's own entry: earlier tests leave theirs in the tables (ipvsadm -C keeps connections)
    const entries = `${ns(to)} ipvsadm -Lnc 2>/dev/null | grep -cE "ESTABLISHED +[0-9.]+:$port +${VIP}:80 "`;
    const script = [
      'now() { cut -d" " -f1 /proc/uptime; }',
      // an earlier download still hanging (the no-sync cases) is ended first
      // (and its reader has written its last file before they are removed)
      `[ -f ${c}/dl.pid ] && kill $(cat ${c}/dl.pid) 2>/dev/null && sleep 1`,
      `rm -f ${c}/dl.*`,
      `${ns(hostId('client'))} sysctl -qw net.ipv4.ip_local_port_range="${low} ${low + 199}"`,
      // RSTs the client receives from the VIP (the director's own TCP stack answering)
      `${ns(hostId('client'))} /usr/sbin/tcpdump -Z root -i eth0 -n -l --immediate-mode 'src host ${VIP} and tcp[tcpflags] & tcp-rst != 0' >${c}/dl.rst 2>${c}/dl.cap & cap=$!`,
      `i=0; while ! grep -q 'listening on' ${c}/dl.cap 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done`,
      `${ns(hostId('client'))} sh -c '(wget -qO- http://${VIP}/${o.file ?? 'big'} 2>${c}/dl.err & echo $! >${c}/dl.pid; wait $!; echo $? >${c}/dl.rc) | { n=0; while :; do k=$(dd bs=65536 count=1 2>/dev/null | wc -c); [ "$k" -eq 0 ] && break; n=$((n+k)); echo $n >${c}/dl.bytes; sleep 0.1; done; touch ${c}/dl.done; }' >/dev/null 2>&1 &`,
      `sleep ${lead}`,
      `port=$(${ns(hostId('client'))} netstat -tn | awk '$5 == "${VIP}:80" && $6 == "ESTABLISHED" { sub(/.*:/, "", $4); if ($4 >= ${low} && $4 <= ${low + 199}) { print $4; exit } }')`,
      'echo "client-port $port"',
      '[ -n "$port" ] || exit 5',
      // the sync daemon sends in batches: a crash before the first batch loses the entry by design
      ...(o.waitForSync ? [`i=0; until [ "$(${entries})" -gt 0 ]; do [ $i -lt 50 ] || break; sleep 0.2; i=$((i+1)); done`] : []),
      `echo "synced-before $(${entries})"`,
      `{ ${action}\n} || exit 3`,
      't0=$(now)',
      `while ! ${holds(to)}; do awk -v a=$t0 -v b=$(now) 'BEGIN{exit !(b-a<60)}' || exit 4; sleep 0.05; done`,
      't1=$(now)',
      `echo "at-takeover $(${entries})"`,
      `${ns(to)} ipvsadm -Lnc | sed 's/^/table /'`,
      `while [ ! -f ${c}/dl.done ] && awk -v a=$t1 -v b=$(now) 'BEGIN{exit !(b-a<${limit})}'; do sleep 0.2; done`,
      't2=$(now)',
      `awk -v a=$t0 -v b=$t1 -v c=$t2 'BEGIN{printf "takeover %.2f\\nended %.2f\\n", b-a, c-b}'`,
      `echo "bytes $(cat ${c}/dl.bytes 2>/dev/null || echo 0)"`,
      'kill $cap 2>/dev/null; sleep 0.3',
      `echo "rst-from-vip $(grep -c . ${c}/dl.rst)"`,
      `echo "done $([ -f ${c}/dl.done ] && echo yes || echo no) rc $(cat ${c}/dl.rc 2>/dev/null || echo none)"`,
      `echo "err $(tr '\\n' ' ' <${c}/dl.err 2>/dev/null)"`,
      // a download still hanging at the limit is ended here
      `kill $(cat ${c}/dl.pid) 2>/dev/null || true`,
    ].join('\n');
    const r = await sshToLab(lab(), 'sh -s', { input: script, timeoutMs: (lead + limit + 60) * 1000 });
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    console.log(r.stdout.trim());
    const num = (k: string) => Number(new RegExp(`^${k} ([0-9.]+)`, 'm').exec(r.stdout)?.[1] ?? NaN);
    return {
      takeover: num('takeover'),
      bytes: num('bytes'),
      ended: num('ended'),
      synced: num('synced-before'),
      atTakeover: num('at-takeover'),
      rstFromVip: num('rst-from-vip'),
      finished: /^done yes rc 0$/m.test(r.stdout),
      err: /^(done .*\n)err (.*)$/m.exec(r.stdout)?.slice(1).join(' ') ?? '',
    };
  }

  beforeAll(async () => {
    await createHosts(lab(), t);
    await pushDesign(lab(), t);
    for (const h of ['client', 'rs1', 'rs2']) {
      const r = await runHostScript(lab(), hostId(h), 'apply.sh');
      expect(r.code, `${h}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    for (const h of ['rs1', 'rs2']) {
      // the hosts script already serves /run/lvsd/<rs>/www with busybox httpd on port 80
      const www = `${labHostDir(hostId(h))}/www`;
      const r = await runInHost(
        lab(),
        hostId(h),
        `dd if=/dev/zero of=${www}/big bs=1M count=${BIG_MB} 2>/dev/null && dd if=/dev/zero of=${www}/huge bs=1M count=${HUGE_MB} 2>/dev/null`,
      );
      expect(r.code, r.stderr).toBe(0);
    }
    for (const h of [LVS1, LVS2]) {
      const r = await runInHost(lab(), hostId(h), 'sysctl -qw net.ipv4.ip_forward=1');
      expect(r.code).toBe(0);
    }
  }, 120_000);

  /** lvs1 "crashes": both its links go down, it is gone from both segments (keepalived's shutdown does not run). */
  const crash = `${ns(LVS1)} /sbin/ip link set eth0 down && ${ns(LVS1)} /sbin/ip link set eth1 down`;

  it('plain-mode sync: generated apply.sh starts both daemons on both members; connections sync both ways and survive a failover and a fail-back by hand', async () => {
    for (const h of [LVS1, LVS2]) {
      const files = renderHost(plainT, h);
      if (!files.ok) throw new Error(files.error);
      await pushHostFiles(lab(), h, files.value);
      const a = await runHostScript(lab(), h, 'apply.sh');
      expect(a.code, `${h}: ${a.stdout}${a.stderr}`).toBe(0);
      expect(a.stdout).toContain('changed: connection sync daemons: master and backup on eth1, syncid 51 (were: none)');
      const v = await runHostScript(lab(), h, 'verify.sh');
      expect(v.code, `${h}: ${v.stdout}${v.stderr}`).toBe(0);
      expect(v.stdout).toContain('OK    connection sync daemons: master and backup on eth1, syncid 51');
    }
    const again = await runHostScript(lab(), LVS1, 'apply.sh');
    expect(again.stdout, 'a second apply leaves running daemons alone').toContain('no change');
    const daemons = await runInHost(lab(), LVS1, 'ipvsadm -L --daemon');
    console.log(`lvs1 ipvsadm -L --daemon:\n${daemons.stdout.trim()}`);

    const c = labHostDir(hostId('client'));
    const n = (h: string) => ns(hostId(h));
    // hold HOST / drop HOST: the VIP and the DIP on that member; renew: the client and the real
    // servers forget the old MAC (what keepalived's gratuitous ARPs do).
    const script = [
      '# inh HOST CMD...: runs CMD in the namespace of design host HOST',
      `inh() { h=$1; shift; /sbin/ip netns exec ${labNamespace(hostId('client')).replace(/client$/, '')}$h "$@"; }`,
      `hold() { inh $1 /sbin/ip addr add ${VIP}/24 dev eth0 && inh $1 /sbin/ip addr add ${DIP}/24 dev eth1; }`,
      `drop() { inh $1 /sbin/ip addr del ${VIP}/24 dev eth0 && inh $1 /sbin/ip addr del ${DIP}/24 dev eth1; }`,
      'renew() { for h in client rs1 rs2; do inh $h /sbin/ip neigh flush all; done; }',
      // established client ports in HOST's connection table
      `ports() { inh $1 ipvsadm -Lnc | awk '$3 == "ESTABLISHED" && $5 == "${VIP}:80" { sub(/.*:/, "", $4); print $4 }' | sort; }`,
      `dl() { rm -f ${c}/dl$1.*; ${n('client')} sh -c '(wget -qO- http://${VIP}/big 2>${c}/dl'$1'.err; echo $? >${c}/dl'$1'.rc) | { n=0; while :; do k=$(dd bs=65536 count=1 2>/dev/null | wc -c); [ "$k" -eq 0 ] && break; n=$((n+k)); echo $n >${c}/dl'$1'.bytes; sleep 0.2; done; touch ${c}/dl'$1'.done; }' >/dev/null 2>&1 & }`,
      // wait_for SECONDS CONDITION...: polls every 0.2 s
      `wait_for() { w_end=$(($(cut -d. -f1 /proc/uptime) + $1)); shift; until "$@"; do [ $(cut -d. -f1 /proc/uptime) -lt $w_end ] || return 1; sleep 0.2; done; }`,
      'has_port() { ports "$1" | grep -qx "$2"; }',
      'one_port() { [ "$(ports "$1" | wc -l)" -eq "$2" ]; }',
      'done_both() { [ -f ' + c + '/dl1.done ] && [ -f ' + c + '/dl2.done ]; }',
      'hold lvs1 && renew',
      'dl 1',
      'wait_for 20 one_port lvs1 1 || { echo "no connection on lvs1"; exit 3; }',
      'p1=$(ports lvs1)',
      'echo "dl1 port $p1"',
      'if wait_for 10 has_port lvs2 "$p1"; then echo "master->backup synced yes"; else echo "master->backup synced no"; fi',
      'echo "lvs2 table: $(inh lvs2 ipvsadm -Lnc | grep ESTABLISHED | tr -s " " | tr "\\n" ";")"',
      'drop lvs1 && hold lvs2 && renew',
      'echo "failover done at $(cat ' + c + '/dl1.bytes) bytes"',
      'dl 2',
      'wait_for 20 one_port lvs2 2 || { echo "no second connection on lvs2"; exit 4; }',
      'p2=$(ports lvs2 | grep -vx "$p1")',
      'echo "dl2 port $p2"',
      'if wait_for 10 has_port lvs1 "$p2"; then echo "backup->master synced yes"; else echo "backup->master synced no"; fi',
      'b1=$(cat ' + c + '/dl1.bytes)',
      'drop lvs2 && hold lvs1 && renew',
      'echo "fail-back done at $b1 bytes"',
      'wait_for 120 done_both || true',
      'for i in 1 2; do echo "dl$i bytes $(cat ' +
        c +
        '/dl$i.bytes 2>/dev/null || echo 0) done $([ -f ' +
        c +
        '/dl$i.done ] && echo yes || echo no) rc $(cat ' +
        c +
        '/dl$i.rc 2>/dev/null || echo none) err $(tr "\\n" " " <' +
        c +
        '/dl$i.err 2>/dev/null)"; done',
      `pkill -f 'wget -qO- http://${VIP}/big' || true`,
      'drop lvs1 || true',
    ].join('\n');
    const r = await sshToLab(lab(), 'sh -s', { input: script, timeoutMs: 300_000 });
    console.log(r.stdout.trim());
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('master->backup synced yes');
    expect(r.stdout).toContain('backup->master synced yes');
    const big = BIG_MB * 1024 * 1024;
    expect(r.stdout).toContain(`dl1 bytes ${big} done yes rc 0`);
    expect(r.stdout).toContain(`dl2 bytes ${big} done yes rc 0`);
    expect(Number(/fail-back done at (\d+) bytes/.exec(r.stdout)?.[1]), 'dl1 was still running at the fail-back').toBeLessThan(big);

    for (const h of [LVS2, LVS1]) {
      const rb = await runHostScript(lab(), h, 'rollback.sh');
      expect(rb.code, `${h}: ${rb.stdout}${rb.stderr}`).toBe(0);
      expect(rb.stdout).toContain('stopped: the connection sync daemons of this deploy');
      const left = await runInHost(lab(), h, 'ipvsadm -L --daemon');
      expect(left.stdout.trim(), `${h} runs no sync daemon after the rollback`).toBe('');
    }
  }, 420_000);

  it('plain-mode sync dropped from the design: the next apply.sh stops the daemons the earlier one started, once', async () => {
    // The same pair without any connection sync (the IPVS table still loaded by ipvsadm).
    const noSync: Topology = { ...plainT, directorGroups: plainT.directorGroups.map(({ sync: _sync, ...g }) => g) };
    const deploy = async (design: Topology) => {
      const files = renderHost(design, LVS1);
      if (!files.ok) throw new Error(files.error);
      await pushHostFiles(lab(), LVS1, files.value);
      const a = await runHostScript(lab(), LVS1, 'apply.sh');
      expect(a.code, `${a.stdout}${a.stderr}`).toBe(0);
      return a.stdout;
    };
    const daemons = async () => (await runInHost(lab(), LVS1, 'ipvsadm -L --daemon')).stdout.trim();
    expect(await deploy(plainT)).toContain('changed: connection sync daemons: master and backup on eth1, syncid 51');
    expect(await daemons()).toMatch(/^master sync daemon \(mcast=eth1, syncid=51.*\nbackup sync daemon \(mcast=eth1, syncid=51/);
    const dropped = await deploy(noSync);
    expect(dropped).toContain('changed: connection sync daemons back to none (no longer in the design; were: backup eth1 51;master eth1 51)');
    expect(await daemons(), 'no sync daemon left running').toBe('');
    // A daemon started by hand afterwards is not the design's: the next deploy leaves it.
    await runInHost(lab(), LVS1, 'ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 7');
    expect(await deploy(noSync)).not.toContain('connection sync daemons');
    expect(await daemons()).toMatch(/^backup sync daemon \(mcast=eth1, syncid=7/);
    await runInHost(lab(), LVS1, 'ipvsadm --stop-daemon backup');
    const rb = await runHostScript(lab(), LVS1, 'rollback.sh');
    expect(rb.code, `${rb.stdout}${rb.stderr}`).toBe(0);
    await runInHost(lab(), LVS1, 'for r in master backup; do ipvsadm --stop-daemon $r 2>/dev/null; done; true');
  }, 180_000);

  /** The live check as the live view runs it: the director poll script in each member, parsed, one view; the VIP's row. */
  async function liveVip() {
    const observations = [];
    for (const h of [LVS1, LVS2]) {
      const r = await runInHost(lab(), h, directorScript());
      expect(r.code, r.stderr).toBe(0);
      observations.push(parseLiveOutput(h, r.stdout, Date.now()));
    }
    return buildLiveView(t, observations).vips.find((v) => v.vip === VIP);
  }

  it('VRRP between the members cut: both hold the VIP (split brain), and the live check reports it', async () => {
    await startKeepalived(LVS1, true);
    await startKeepalived(LVS2, true);
    await settled(LVS1);
    expect(await liveVip()).toMatchObject({ holders: [LVS1], status: 'ok' });
    // No route between the members' eth0 addresses, and strict reverse-path filtering drops what
    // arrives from the other one: VRRP (unicast) between them is cut, both still reach the client.
    for (const [h, peer] of [
      [LVS1, '172.16.111.122'],
      [LVS2, '172.16.111.121'],
    ]) {
      const cut = await runInHost(
        lab(),
        hostId(h!),
        `/sbin/ip route add blackhole ${peer}/32 && sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=1`,
      );
      expect(cut.code, cut.stderr).toBe(0);
    }
    await expect.poll(holders, { timeout: 30_000, interval: 500 }).toEqual([LVS1, LVS2]);
    const split = await liveVip();
    console.log(`link lvs1 → lvs2 cut: both lvs1 and lvs2 hold the VIP (split brain); the live check: ${JSON.stringify(split)}`);
    expect(split).toMatchObject({ holders: [LVS1, LVS2], status: 'split' });
    await runInHost(lab(), LVS1, '/sbin/ip route del blackhole 172.16.111.122/32; sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0');
    await runInHost(lab(), LVS2, '/sbin/ip route del blackhole 172.16.111.121/32; sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth0.rp_filter=0');
    await settled(LVS1);
    await stopBoth();
  }, 300_000);
  const becomeMaster = (design: Topology, event: 'stop' | 'return', who: HostId) =>
    failoverTimeline(design, 'pair', event)!
      .filter((s) => s.kind === 'become-master' && s.holders.length === 1 && s.holders[0] === who)
      .at(-1);
  const kaLog = async (h: HostId) =>
    (await sshToLab(lab(), `grep -E 'STATE|priority 0|sent 0 priority|lower priority' ${labHostDir(h)}/ka.log | tail -6`)).stdout.trim();

  it('keepalived stopped on the master (SIGTERM): priority-0 advert and takeover timed; the master returns and preempts', async () => {
    await stopBoth();
    await startKeepalived(LVS1, true);
    await startKeepalived(LVS2, true);
    await settled(LVS1);
    const stopComputed = becomeMaster(t, 'stop', LVS2)!.at;
    const stop = await timeInVm(`kill -TERM ${kaPid(LVS1)}`, holds(LVS2), 15, { capture: true });
    console.log(stop.out);
    // On the wire (tcpdump in lvs2, kernel timestamps): lvs1's priority-0 advert, then lvs2's first
    // advert as master — keepalived sends it right before it adds the VIPs (vrrp_state_master_tx).
    const prio0 = stop.wire.find((w) => w.src === '172.16.111.121' && w.prio === 0);
    const first = stop.wire.find((w) => w.src === '172.16.111.122' && prio0 !== undefined && w.at > prio0.at);
    const skewWire = first && prio0 ? round2(first.at - prio0.at) : NaN;
    console.log(
      `keepalived stopped on lvs1 (SIGTERM): priority-0 advert on the wire ${prio0?.at} s after the signal; lvs2's first advert as master ${skewWire} s after it (computed skew ${stopComputed} s); the VIP seen on lvs2 by the poll ${stop.elapsed} s after the signal`,
    );
    console.log(`lvs2 log:\n${await kaLog(LVS2)}`);
    // The priority-0 advert reached lvs2 and it waited only its skew: far below the master-down interval (3.609 s).
    expect(prio0, stop.out).toBeDefined();
    expect(skewWire).toBeGreaterThan(stopComputed - 0.1);
    expect(skewWire).toBeLessThan(stopComputed + 0.5);
    // The poll (ip in the namespace, forked every 20 ms under TCG) sees the VIP later than the wire; still far below master-down (3.609 s).
    expect(stop.elapsed).toBeLessThan(3);
    await stopKeepalived(LVS1);
    expect(await holders()).toEqual([LVS2]);

    // The original master (state MASTER, priority 150) returns: keepalived starts it in BACKUP, it
    // discards lvs2's lower-priority adverts and takes over when its own master-down timer runs out.
    const steps = failoverTimeline(t, 'pair', 'return')!;
    const boot = steps.find((s) => s.kind === 'event' && /boots|returns|启动|重启/.test(s.text.en + s.text.zh) && s.at > 0.01)?.at ?? NaN;
    const backComputed = becomeMaster(t, 'return', LVS1)!.at - boot;
    await pushConf(LVS1, true);
    // The mark: keepalived starts the backup sync daemon in vrrp_init_state, right where it enters
    // BACKUP (init) and starts the master-down timer; the time before it is keepalived starting up.
    const back = await timeInVm(`${launch(LVS1)}`, `${holds(LVS1)} && ! ${holds(LVS2)}`, 20, {
      capture: true,
      mark: `${ns(LVS1)} ipvsadm -L --daemon 2>/dev/null | grep -q backup`,
    });
    console.log(back.out);
    const firstBack = back.wire.find((w) => w.src === '172.16.111.121' && w.prio === 150);
    const wireBack = firstBack ? round2(firstBack.at - back.markAt) : NaN;
    console.log(
      `lvs1 returns (preempt): its first advert as master ${wireBack} s after it entered BACKUP (init) (the backup sync daemon appearing), the VIP seen on lvs1 by the poll ${back.sinceMark} s after it (${back.elapsed} s after keepalived was started); computed ${round2(backComputed)} s (3 × advert_int + skew of priority 150)`,
    );
    console.log(`lvs1 log:\n${await kaLog(LVS1)}`);
    // The mark comes before the timer starts (keepalived starts the sync daemon, logs, then sets the
    // timer; up to 0.8 s under TCG in the runs so far), so the wire time is the timer plus that: never
    // less than the timer, and far from the immediate takeover a "preempt on the first advert" would give.
    expect(wireBack).toBeGreaterThan(backComputed - 0.3);
    expect(wireBack).toBeLessThan(backComputed + 1.2);
    expect(await holders()).toEqual([LVS1]);
    await stopBoth();
  }, 300_000);

  it('nopreempt (both members state BACKUP): the original master returns and the VIP stays on lvs2, as the timeline says', async () => {
    expect(failoverTimeline(tNopreempt, 'pair', 'return')!.at(-1)!.holders).toEqual([LVS2]);
    await stopBoth();
    await startKeepalived(LVS1, true, tNopreempt);
    await settled(LVS1);
    await startKeepalived(LVS2, true, tNopreempt);
    await stopKeepalived(LVS1);
    await settled(LVS2);
    await pushConf(LVS1, true, tNopreempt);
    // 12 s: more than three master-down intervals of lvs1 (3.414 s).
    const back = await timeInVm(launch(LVS1), holds(LVS1), 12);
    console.log(`lvs1 returns (nopreempt): ${back.out.includes('elapsed none') ? 'lvs2 keeps the VIP for 12 s' : back.out}`);
    console.log(`lvs1 log:\n${await kaLog(LVS1)}`);
    expect(back.out).toContain('elapsed none');
    expect(await holders()).toEqual([LVS2]);
    await stopBoth();
  }, 300_000);
  /** Both members' keepalived from the generated configuration (with or without `lvs_sync_daemon`), lvs1 holding the VIP; lvs1's links up again after an earlier crash. */
  async function pairWithLvs1Master(sync: boolean): Promise<void> {
    await sshToLab(lab(), `${ns(LVS1)} /sbin/ip link set eth0 up; ${ns(LVS1)} /sbin/ip link set eth1 up; true`);
    await stopBoth();
    await startKeepalived(LVS1, sync);
    await startKeepalived(LVS2, sync);
    await settled(LVS1);
  }

  const crashTakeover = failoverTimeline(t, 'pair', 'crash')!.find((s) => s.kind === 'become-master')!.at;

  it('the master crashes: lvs2 takes the VIP within the computed master-down time and a synced download finishes across it', async () => {
    expect(failoverTimeline(t, 'pair', 'crash')!.at(-1)!.flowAlive, 'the timeline says the flow survives').toBe(true);
    await pairWithLvs1Master(true);
    const m = await downloadAcrossFailover({ action: crash, to: LVS2, lead: 3, limit: 30, waitForSync: true });
    console.log(`lvs1 crashed → lvs2 holds ${VIP}: measured ${m.takeover.toFixed(2)} s, computed ${crashTakeover} s (3 × advert_int + skew)`);
    console.log(`download with the sync daemon: ${m.bytes} of ${BIG_MB * 1024 * 1024} bytes, ${m.ended.toFixed(2)} s after the takeover; ${m.err}`);
    expect(m.takeover).toBeGreaterThan(crashTakeover - 1.5);
    expect(m.takeover).toBeLessThan(crashTakeover + 1.5);
    expect(m.synced, "lvs2's table held the connection before the crash").toBe(1);
    expect(m.finished, m.err).toBe(true);
    expect(m.bytes).toBe(BIG_MB * 1024 * 1024);
    expect(await holders()).toEqual([LVS2]);
  }, 300_000);

  it('the master crashes without the sync daemon: the download stalls on lvs2 (no entry, no RST), as the failover timeline says', async () => {
    expect(failoverTimeline(t, 'pair', 'crash', { sync: false })!.at(-1)!.flowAlive, 'the timeline says the flow dies').toBe(false);
    await pairWithLvs1Master(false);
    const m = await downloadAcrossFailover({ action: crash, to: LVS2, lead: 3, limit: 20, waitForSync: false });
    console.log(`download without the sync daemon: ${m.bytes} of ${BIG_MB * 1024 * 1024} bytes when given up 20 s after the takeover; ${m.err}`);
    expect(m.synced, 'no sync daemon: lvs2 has no entry').toBe(0);
    expect(m.finished).toBe(false);
    expect(m.bytes).toBeLessThan(BIG_MB * 1024 * 1024);
    // wget still waiting (no rc) and no "Connection reset": the kernel dropped the segments, it did not reset them
    expect(m.err).toMatch(/^done no rc none/);
    expect(m.err).not.toMatch(/reset/i);
    expect(m.rstFromVip, 'the client got no RST from the VIP').toBe(0);
    expect(await holders()).toEqual([LVS2]);
  }, 300_000);

  /** Only lvs2 runs keepalived (it holds the VIP); lvs1's configuration is pushed, ready to be launched. */
  async function lvs2AloneThenLvs1Ready(sync: boolean, design: Topology): Promise<void> {
    await sshToLab(lab(), `${ns(LVS1)} /sbin/ip link set eth0 up; ${ns(LVS1)} /sbin/ip link set eth1 up; true`);
    await stopBoth();
    await startKeepalived(LVS2, sync, design);
    await settled(LVS2);
    await pushConf(LVS1, sync, design);
  }

  it('the master returns during a download with preempt_delay and sync: its backup sync daemon gets the entry first and the download goes on', async () => {
    const delayed: Topology = {
      ...t,
      directorGroups: t.directorGroups!.map((g) => ({ ...g, preemptDelay: 5, members: g.members.map((m) => ({ ...m, state: 'BACKUP' as const })) })),
    };
    const steps = failoverTimeline(delayed, 'pair', 'return')!;
    expect(steps.at(-1)!.holders).toEqual([LVS1]);
    expect(steps.at(-1)!.flowAlive, 'the timeline says the flow survives the fail-back').toBe(true);
    await lvs2AloneThenLvs1Ready(true, delayed);
    const m = await downloadAcrossFailover({ action: launch(LVS1), to: LVS1, lead: 3, limit: 40, waitForSync: false, file: 'huge' });
    console.log(
      `lvs1 returns with preempt_delay 5: VIP back on lvs1 ${m.takeover.toFixed(2)} s after keepalived was launched (5 s + master-down 3.414 s + start-up); lvs1's table at that moment: ${m.atTakeover} entry; download ${m.bytes} of ${HUGE_MB * 1024 * 1024} bytes; ${m.err}`,
    );
    // keepalived accepts lvs2's adverts until preempt_delay has passed and then lets its master-down
    // timer (3.414 s) run out from the last one it accepted, up to advert_int (1 s) earlier
    expect(m.takeover).toBeGreaterThan(5 + 3.414 - 1 - 0.3);
    expect(m.atTakeover, "lvs1's table held the connection when it took the VIP").toBe(1);
    expect(m.finished, m.err).toBe(true);
    expect(m.bytes).toBe(HUGE_MB * 1024 * 1024);
    expect(m.rstFromVip).toBe(0);
    expect(await holders()).toEqual([LVS1]);
  }, 300_000);

  it('the master returns during a download without sync: it has no entry and its own TCP stack resets the connection, as the timeline says', async () => {
    // The timeline's fail-back without the entry (sync racing the master-down timer); the lab makes
    // "no entry" certain by running without sync.
    const failBack = failoverTimeline(t, 'pair', 'return')!
      .filter((s) => s.kind === 'packet')
      .at(-1)!;
    expect(failBack.flowAlive).toBe(false);
    expect(failBack.text.en).toContain('gets a RST');
    await lvs2AloneThenLvs1Ready(false, t);
    const m = await downloadAcrossFailover({ action: launch(LVS1), to: LVS1, lead: 3, limit: 30, waitForSync: false, file: 'huge' });
    console.log(
      `lvs1 returns without sync: VIP back ${m.takeover.toFixed(2)} s after launch; RSTs from ${VIP} at the client: ${m.rstFromVip}; download ${m.bytes} of ${HUGE_MB * 1024 * 1024} bytes, ended ${m.ended.toFixed(2)} s after the takeover; ${m.err}`,
    );
    expect(m.atTakeover).toBe(0);
    expect(m.rstFromVip, 'the client got a RST from the VIP').toBeGreaterThan(0);
    expect(m.finished).toBe(false);
    expect(m.err).toMatch(/^done yes rc 1\s+wget: /);
    expect(m.ended).toBeLessThan(15);
    expect(await holders()).toEqual([LVS1]);
  }, 300_000);
});
