/**
 * Proof on a real kernel: the generated scripts, unchanged, make IPVS balance in a qemu VM running
 * Debian's stock kernel. One VM for the whole file; each seed lab (NAT, DR, TUN) becomes network
 * namespaces inside it. Skipped (with the reason) where the lab cannot run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labSkipReason, useLabVm } from './labVm.ts';
import type { DesignFile, Topology } from '../../shared/model/types.ts';
import { sshToLab } from '../../electron/services/lab/vm.ts';
import { createHosts, destroyHosts, runInHost } from '../../electron/services/lab/hosts.ts';
import { applyDesign, runOnAllHosts } from '../../electron/services/lab/apply.ts';
import { scheduleSequence, simulate } from '../../shared/simulator/index.ts';
import { validate } from '../../shared/validation/index.ts';
import { hostId, interfaceId, realServerId, serviceId } from '../../shared/model/ids.ts';

const reason = labSkipReason('real-kernel');

const load = (name: string): Topology => (JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as DesignFile).topology;

/** The design with one real server's weight changed (the re-render / re-apply case). */
function withWeight(t: Topology, rsHost: string, weight: number): Topology {
  return {
    ...t,
    services: t.services.map((s) => ({ ...s, realServers: s.realServers.map((r) => (r.host === rsHost ? { ...r, weight } : r)) })),
  };
}

function counts(answers: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a] = (out[a] ?? 0) + 1;
  return out;
}

interface Stats {
  readonly conns: number;
  readonly inPkts: number;
  readonly outPkts: number;
}

describe.skipIf(reason !== null)('generated configuration on a real IPVS kernel (qemu)', () => {
  const lab = useLabVm();

  /** `n` HTTP fetches of VIP:port from the client host; each answer is the real server's host id. */
  async function fetchMany(client: string, vip: string, port: number, n: number): Promise<string[]> {
    const r = await runInHost(
      lab(),
      hostId(client),
      `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); timeout 5 wget -qO- http://${vip}:${port}/ || echo FAILED; done`,
    );
    expect(r.code).toBe(0);
    return r.stdout.trim().split('\n');
  }

  /** The director's per-service IPVS counters, once the 2 s rate estimator has run since `since`. */
  async function directorStats(director: string, since: number): Promise<Stats> {
    const wait = Math.max(0, 2300 - (Date.now() - since)) / 1000;
    const r = await runInHost(lab(), hostId(director), `sleep ${wait.toFixed(1)}; ipvsadm -Ln --stats`);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => /^(TCP|UDP|SCTP|FWM)\s/.test(l));
    expect(line, r.stdout).toBeDefined();
    const f = line!.trim().split(/\s+/);
    const num = (s: string): number => {
      const m = /^(\d+)([KMG]?)$/.exec(s);
      if (!m) throw new Error(`unexpected counter ${s} in ${line}`);
      return Number(m[1]) * ({ '': 1, K: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'K' | 'M' | 'G'] ?? 1);
    };
    return { conns: num(f[2]!), inPkts: num(f[3]!), outPkts: num(f[4]!) };
  }

  const cases = [
    { file: 'nat-lab.lvs.json', method: 'NAT' },
    { file: 'dr-lab.lvs.json', method: 'DR' },
    { file: 'tun-lab.lvs.json', method: 'TUN' },
  ] as const;

  for (const { file, method } of cases) {
    it(`${method} (${file}): balances by weight, replies ${method === 'NAT' ? 'through' : 'bypassing'} the director, verify and rollback`, async () => {
      const t = load(file);
      const svc = t.services[0]!;
      const director = svc.director;
      const client = t.hosts.find((h) => h.role === 'client')!.id;
      const servers = svc.realServers.map((r) => r.host);
      expect(servers).toEqual(['rs1', 'rs2']);
      expect(svc.realServers.every((r) => r.weight === 1 && r.method === method.toLowerCase())).toBe(true);

      await createHosts(lab(), t);
      const sysctlCmd = 'sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.all.arp_announce net.ipv4.conf.all.rp_filter';
      const pristine = (await runInHost(lab(), hostId('rs1'), sysctlCmd)).stdout;
      // (No fetch before apply: a failed ARP for the VIP would leave a FAILED neighbour entry on the
      // client and make its next connect fail with EHOSTUNREACH, which is the kernel, not the design.)
      await applyDesign(lab(), t);
      const ones = await fetchMany(client, svc.vip, svc.port, 12);
      expect(
        ones.every((a) => servers.includes(hostId(a))),
        ones.join(' '),
      ).toBe(true);
      expect(counts(ones)).toEqual({ rs1: 6, rs2: 6 });
      const fetchedAt = Date.now();

      // Every closed connection's IPVS entry is where the simulator's walk leaves trace.conn after the
      // FIN exchange: NAT sees both FINs (TIME_WAIT), DR/TUN only the client's (INPUT_ONLY: FIN_WAIT), 2 min.
      const table = await runInHost(lab(), hostId(director), 'ipvsadm -Lnc');
      const entries = table.stdout
        .split('\n')
        .filter((l) => /^TCP\s/.test(l))
        .map((l) => l.trim().split(/\s+/));
      const walked = simulate(t, { client, service: svc.id }, { seed: 1 });
      expect(entries.length, table.stdout).toBeGreaterThanOrEqual(12);
      expect([...new Set(entries.map((f) => f[2]))], table.stdout).toEqual([walked.conn!.state]);
      expect(walked.conn!.state).toBe(method === 'NAT' ? 'TIME_WAIT' : 'FIN_WAIT');
      expect(
        entries.every((f) => /^0[12]:\d\d$/.test(f[1]!)),
        table.stdout,
      ).toBe(true);

      // verify.sh passes on every host (it also gives the IPVS rate estimator its 2 s).
      const verified = await runOnAllHosts(lab(), t, 'verify.sh');
      expect(verified).toHaveLength(t.hosts.length);
      for (const r of verified) expect(r.code, `${r.host}: ${r.stdout}${r.stderr}`).toBe(0);

      const stats = await directorStats(director, fetchedAt);
      expect(stats.conns).toBeGreaterThanOrEqual(12);
      expect(stats.inPkts).toBeGreaterThan(0);
      if (method === 'NAT') expect(stats.outPkts).toBeGreaterThan(0);
      else expect(stats.outPkts, 'in DR/TUN the replies must not pass the director').toBe(0);

      // Weights 3:1: re-render and re-apply over the running configuration (convergence).
      const t31 = withWeight(t, 'rs1', 3);
      const reapply = await applyDesign(lab(), t31);
      for (const r of reapply) {
        // only the director's rules change; every other host is already converged (idempotent)
        if (r.host === director) expect(r.stdout).not.toMatch(/no change/);
        else expect(r.stdout, r.host).toMatch(/no change/);
      }
      const weighted = await fetchMany(client, svc.vip, svc.port, 16);
      expect(
        weighted.every((a) => servers.includes(hostId(a))),
        weighted.join(' '),
      ).toBe(true);
      expect(counts(weighted)).toEqual({ rs1: 12, rs2: 4 });
      const rules = await runInHost(lab(), hostId(director), 'ipvsadm -S -n');
      expect(rules.stdout).toMatch(new RegExp(`-r ${svc.realServers[0]!.rip.replace(/\./g, '\\.')}:80 -[mgi] -w 3`));

      // Idempotent on the director too, after traffic (connection counters must not look like drift).
      const again = await runOnAllHosts(lab(), t31, 'apply.sh', { hosts: [hostId(director)] });
      expect(again[0]!.code, `${again[0]!.stdout}${again[0]!.stderr}`).toBe(0);
      expect(again[0]!.stdout).toMatch(/no change/);

      const verified31 = await runOnAllHosts(lab(), t31, 'verify.sh', { hosts: [hostId(director)] });
      expect(verified31[0]!.code, verified31[0]!.stdout).toBe(0);

      // A broken host is caught and named (once, in DR): take the VIP away from a real server's lo;
      // verify.sh exits non-zero there and says what is missing.
      if (method === 'DR') {
        const victim = 'rs1';
        const dev = 'lo';
        const vipCidr = t.hosts
          .find((h) => h.id === victim)!
          .interfaces.find((f) => f.name === dev)!
          .addresses.find((a) => a.startsWith(`${svc.vip}/`))!;
        const del = await runInHost(lab(), hostId(victim), `"$LVSD_IP" addr del ${vipCidr} dev ${dev}`);
        expect(del.code, del.stderr).toBe(0);
        const broken = await runOnAllHosts(lab(), t31, 'verify.sh', { hosts: [hostId(victim)] });
        expect(broken[0]!.code).not.toBe(0);
        expect(broken[0]!.stdout).toContain(`DIFF  VIP ${vipCidr} missing on ${dev}`);
        // apply.sh repairs it (it converges on the design, whatever the state).
        const repair = await runOnAllHosts(lab(), t31, 'apply.sh', { hosts: [hostId(victim)] });
        expect(repair[0]!.stdout).toContain(`address ${vipCidr} on ${dev}`);
        const repaired = await runOnAllHosts(lab(), t31, 'verify.sh', { hosts: [hostId(victim)] });
        expect(repaired[0]!.code, repaired[0]!.stdout).toBe(0);
      }

      // rollback.sh restores what was there before the first apply: no IPVS rules, no VIPs, the
      // sysctls at their old values; verify.sh then fails.
      const applied = (await runInHost(lab(), hostId('rs1'), sysctlCmd)).stdout;
      if (method !== 'NAT') expect(applied).not.toEqual(pristine);
      const rolled = await runOnAllHosts(lab(), t31, 'rollback.sh');
      for (const r of rolled) expect(r.code, `${r.host}: ${r.stdout}${r.stderr}`).toBe(0);
      const rulesAfter = await runInHost(lab(), hostId(director), 'ipvsadm -S -n');
      expect(rulesAfter.code).toBe(0);
      expect(rulesAfter.stdout.trim()).toBe('');
      for (const h of [director, ...servers]) {
        const addrs = await runInHost(lab(), hostId(h), '"$LVSD_IP" -o -4 addr show');
        expect(addrs.stdout, h).not.toContain(` ${svc.vip}/`);
      }
      expect((await runInHost(lab(), hostId('rs1'), sysctlCmd)).stdout).toEqual(pristine);
      const gone = await fetchMany(client, svc.vip, svc.port, 1);
      expect(gone).toEqual(['FAILED']);
      const after = await runOnAllHosts(lab(), t31, 'verify.sh', { hosts: [hostId(director), ...servers] });
      for (const r of after) expect(r.code, `${r.host} should differ after rollback:\n${r.stdout}`).not.toBe(0);
    }, 300_000);
  }

  it('the kernel schedules rr and wrr (4,3,2) exactly as the simulator says', async () => {
    // The NAT lab with a third real server, weights 4,3,2. `ipvsadm -R` builds the service the way
    // `-A` then one `-a` per server does, and wrr's cw survives each add (clamped, not reset), so a
    // restored 4,3,2 service starts CBAABACBA. The simulator builds its services the same way, so
    // its sequence must equal the kernel's exactly, from the first connection on.
    const base = load('nat-lab.lvs.json');
    const rs2 = base.hosts.find((h) => h.id === 'rs2')!;
    const rs3 = {
      ...rs2,
      id: hostId('rs3'),
      name: 'rs3',
      interfaces: rs2.interfaces.map((f) => ({
        ...f,
        id: interfaceId(f.id.replace('rs2', 'rs3')),
        addresses: f.addresses.map((a) => a.replace('192.168.111.102', '192.168.111.103')),
      })),
    };
    const web = base.services[0]!;
    const weights: Record<string, number> = { rs1: 4, rs2: 3, rs3: 2 };
    const rsEntries = [...web.realServers, { ...web.realServers[1]!, id: realServerId('web-rs3'), host: hostId('rs3'), rip: '192.168.111.103' }].map((r) => ({
      ...r,
      weight: weights[r.host]!,
    }));
    const wrr: Topology = { ...base, hosts: [...base.hosts, rs3], services: [{ ...web, scheduler: 'wrr', realServers: rsEntries }] };
    const rr: Topology = { ...wrr, services: [{ ...wrr.services[0]!, scheduler: 'rr' }] };
    const hostOfRip = new Map(rsEntries.map((r) => [r.rip, r.host]));

    await createHosts(lab(), wrr);
    for (const [t, n] of [
      [wrr, 18],
      [rr, 9],
    ] as const) {
      await applyDesign(lab(), t);
      const svc = t.services[0]!;
      const kernel = await fetchMany('client', svc.vip, svc.port, n);
      const simulated = scheduleSequence(svc, n, { lifecycle: 'close' }).map((rip) => (rip === null ? 'FAILED' : hostOfRip.get(rip)!));
      expect(kernel, `${svc.scheduler}: kernel ${kernel.join(' ')} vs simulated ${simulated.join(' ')}`).toEqual(simulated);
    }
  }, 300_000);

  it('the kernel schedules dh (destination hashing) for 5 VIPs exactly as the simulator says', async () => {
    // dh hashes the destination address (the VIP) into 256 buckets dealt round robin over the kernel's
    // list: five services on five VIPs with the same three real servers land where hash_32(VIP, 8)
    // says. The VIPs are picked so that the old multiplicative hash ((addr * 2654435761) & 255) would
    // predict a different real server for every one of them.
    const base = load('nat-lab.lvs.json');
    const rs2 = base.hosts.find((h) => h.id === 'rs2')!;
    const rs3 = {
      ...rs2,
      id: hostId('rs3'),
      name: 'rs3',
      interfaces: rs2.interfaces.map((f) => ({
        ...f,
        id: interfaceId(f.id.replace('rs2', 'rs3')),
        addresses: f.addresses.map((a) => a.replace('192.168.111.102', '192.168.111.103')),
      })),
    };
    const web = base.services[0]!;
    const rsEntries = [...web.realServers, { ...web.realServers[1]!, id: realServerId('web-rs3'), host: hostId('rs3'), rip: '192.168.111.103' }].map((r) => ({
      ...r,
      weight: 1,
    }));
    const vips = ['172.16.111.123', '172.16.111.124', '172.16.111.125', '172.16.111.126', '172.16.111.129'];
    expect(vips[0]).toBe(web.vip);
    const hosts = [...base.hosts, rs3].map((h) =>
      h.id !== web.director
        ? h
        : {
            ...h,
            interfaces: h.interfaces.map((f) =>
              f.addresses.includes(`${web.vip}/24`) ? { ...f, addresses: [...f.addresses, ...vips.slice(1).map((v) => `${v}/24`)] } : f,
            ),
          },
    );
    const services = vips.map((vip, i) => ({
      ...web,
      id: serviceId(`dh${i}`),
      name: `dh${i}`,
      vip,
      scheduler: 'dh' as const,
      realServers: rsEntries.map((r) => ({ ...r, id: realServerId(`dh${i}-${r.host}`) })),
    }));
    const t: Topology = { ...base, hosts, services };
    const hostOfRip = new Map(rsEntries.map((r) => [r.rip, r.host]));

    await createHosts(lab(), t);
    await applyDesign(lab(), t);
    const kernel: string[] = [];
    const simulated: string[] = [];
    for (const svc of services) {
      // Every fetch of one VIP goes to the same real server (dh ignores the client).
      const answers = await fetchMany('client', svc.vip, svc.port, 2);
      expect(new Set(answers).size, `${svc.vip}: ${answers.join(' ')}`).toBe(1);
      kernel.push(`${svc.vip}→${answers[0]!}`);
      const rip = scheduleSequence(svc, 1, { lifecycle: 'close' })[0] ?? null;
      simulated.push(`${svc.vip}→${rip === null ? 'FAILED' : hostOfRip.get(rip)!}`);
    }
    expect(kernel, `kernel ${kernel.join(' ')} vs simulated ${simulated.join(' ')}`).toEqual(simulated);
  }, 300_000);

  it("a VIP given as /24 on a DR real server's lo: the whole /24 is local, the reply to the client loops back inside rs1, as the walk and the checker say", async () => {
    // fib_add_ifaddr gives a non-/32 address on a loopback device an RTN_LOCAL prefix route: the
    // whole /24, the client's network too, is local to rs1. With rp_filter off fib_validate_source
    // only refuses rs1's own exact addresses, so the request is accepted; the reply to the client
    // then routes to lo and never leaves rs1. Only rs1 serves, so every fetch must go there.
    const base = load('dr-lab.lvs.json');
    const web = base.services[0]!;
    const t: Topology = {
      ...base,
      hosts: base.hosts.map((h) =>
        h.id !== 'rs1' ? h : { ...h, interfaces: h.interfaces.map((f) => (f.kind === 'loopback' ? { ...f, addresses: [`${web.vip}/24`] } : f)) },
      ),
      services: [{ ...web, realServers: web.realServers.filter((r) => r.host === 'rs1') }],
    };
    const client = t.hosts.find((h) => h.id === 'client')!;
    const cip = client.interfaces
      .flatMap((f) => f.addresses)
      .find((a) => a.startsWith('172.17.253.'))!
      .split('/')[0]!;
    const walk = simulate(t, { client: hostId('client'), service: web.id }, { seed: 1 });
    expect(walk.outcome).toMatchObject({ status: 'broken', fault: 'unexpected-reply', at: { host: 'rs1' } });
    expect(walk.steps.some((x) => x.kind === 'route' && x.route?.result === 'local' && x.route.route === `local ${cip} dev lo`)).toBe(true);
    expect(
      validate(t)
        .filter((p) => p.severity === 'error')
        .map((p) => p.rule),
    ).toContain('addr/wide-virtual-prefix');

    await createHosts(lab(), t);
    await applyDesign(lab(), t);
    const rs1 = async (cmd: string) => (await runInHost(lab(), hostId('rs1'), cmd)).stdout;
    expect(await rs1('ip -4 -o addr show dev lo'), 'the generated script put the /24 on lo as designed').toContain(`${web.vip}/24`);
    // the kernel's own routing decision for the reply, the same as the walk's
    expect(await rs1(`ip route get ${cip}`)).toMatch(new RegExp(`^local ${cip.replace(/\./g, '\\.')} dev lo`));
    const loTx = async () => Number((await rs1('cat /sys/class/net/lo/statistics/tx_packets')).trim());
    const before = await loTx();
    const answers = await fetchMany('client', web.vip, web.port, 3);
    expect(answers).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(await loTx(), "rs1's replies went out on its own lo").toBeGreaterThan(before);
  }, 300_000);

  it('refuses a design whose host id cannot name a namespace, and cleans up', async () => {
    const t = load('nat-lab.lvs.json');
    const bad: Topology = { ...t, hosts: t.hosts.map((h, i) => (i === 0 ? { ...h, id: hostId('a b') } : h)) };
    await expect(createHosts(lab(), bad)).rejects.toThrow(/cannot name a lab namespace/);
    await destroyHosts(lab());
    const left = await sshToLab(lab(), '/sbin/ip netns list; /sbin/ip -o link show | grep -c lvv || true');
    expect(left.stdout.trim()).toBe('0');
  }, 120_000);
});
