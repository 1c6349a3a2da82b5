/**
 * The live script's framing, the read-only whitelist, and the live view built from real lab output
 * against the DR seed design: VIP holders, drift with a diff, observed vs expected distribution.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DesignFile, Topology } from '../../../shared/model/types.ts';
import { LIVE_READ_ONLY_COMMANDS, POLL_END, directorScript, hostScript, pollLoopScript, splitSections } from '../../../shared/live/script.ts';
import { parseLiveOutput, unreachable } from '../../../shared/live/observation.ts';
import type { HostObservation } from '../../../shared/live/observation.ts';
import { buildLiveView, expectedShares } from '../../../shared/live/view.ts';
import { hostId } from '../../../shared/model/ids.ts';

const fx = (p: string): string => readFileSync(new URL(`../../fixtures/live/${p}`, import.meta.url), 'utf8');
const dr: Topology = (JSON.parse(readFileSync(new URL('../../../examples/dr-lab.lvs.json', import.meta.url), 'utf8')) as DesignFile).topology;

/** What the director script prints, assembled from the recorded command outputs. */
export function directorOutput(dir: string, over: Partial<Record<string, string>> = {}): string {
  const part = (name: string, text: string, exit = 0) => `@@begin ${name}\n${text.replace(/\n$/, '')}\n@@end ${name} ${exit}\n`;
  const conns = fx(`${dir}/conns.txt`).trim().split('\n').slice(2);
  const counts = new Map<string, number>();
  for (const l of conns) {
    const f = l.trim().split(/\s+/);
    const k = `${f[4]} ${f[5]} ${f[2]}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const digest = [...conns, ...[...counts].map(([k, n]) => `@@count ${k} ${n}`), `@@total ${conns.length}`].join('\n');
  return (
    '@@lvsd-live 1 director\n' +
    part('list', over['list'] ?? fx(`${dir}/list.txt`)) +
    part('stats', fx(`${dir}/stats.txt`)) +
    part('rate', fx(`${dir}/rate.txt`)) +
    part('conns', digest) +
    part('timeout', fx(`${dir}/timeout.txt`)) +
    part('daemon', fx(`${dir}/daemon.txt`)) +
    part('addr', over['addr'] ?? fx(`${dir}/addr.json`)) +
    part('sysctl', '/proc/sys/net/ipv4/conf/all/arp_ignore:0\n/proc/sys/net/ipv4/conf/all/rp_filter:0') +
    part('keepalived', '@@none keepalived is not running')
  );
}

function rsOutput(dir: string): string {
  const sys = fx(`${dir}/rs-sysctl.txt`);
  return `@@lvsd-live 1 host\n@@begin addr\n${fx(`${dir}/rs-addr.json`)}\n@@end addr 0\n@@begin sysctl\n${sys}@@end sysctl 0\n`;
}

describe('the live script', () => {
  it('uses only read-only commands', () => {
    for (const script of [directorScript(), hostScript(), pollLoopScript('director'), pollLoopScript('host')]) {
      // Quoted text (echo labels, the awk program) is data, not a command: drop it, then split the
      // shell line into simple commands and check each against the read-only list.
      const commands = script
        .replace(/'[^']*'/g, "''")
        .split('\n')
        .flatMap((l) => l.split(/\||;|&&|\|\||\$\(|\bthen\b|\bdo\b|\belse\b|\bif\b|!/))
        .map((c) =>
          c
            .trim()
            .replace(/^[{}()]\s*/, '')
            .replace(/^[a-zA-Z]+=/, '')
            .trim(),
        )
        .filter(
          (c) => c && !/^(echo|fi|done|esac|for |case |\[ |\*|''\)|\}|\)|2>&1|"\$IP" -j addr|"\$p" 2>\/dev\/null\)|\$\{LVSD_IP|lvsd_poll\(\) \{$)/.test(c),
        );
      for (const c of commands) {
        expect(
          LIVE_READ_ONLY_COMMANDS.some((w) => c.startsWith(w)),
          `not on the read-only list: ${c}`,
        ).toBe(true);
      }
      expect(script).not.toMatch(
        /ipvsadm -[ACDEaedRSZ]\b|ipvsadm --(add|edit|delete|clear|zero|restore|start-daemon|stop-daemon|set)|\bip (addr|link|route) (add|del|set|flush)|sysctl -w|>\s*\/proc|\brm\b|\bmv\b|\bdd\b/,
      );
    }
    // the ip section is run as "$IP" -j addr: IP is iproute2 from LVSD_IP or PATH
    expect(directorScript()).toContain('"$IP" -j addr');
  });

  it('the poll loop runs the same script and ends each answer with its poll number', () => {
    for (const role of ['director', 'host'] as const) {
      const loop = pollLoopScript(role);
      const script = role === 'director' ? directorScript() : hostScript();
      // the same body as the one-shot script, inside one function, answer and end marker in one printf
      const body = script.slice(script.indexOf('\n') + 1, script.lastIndexOf('); printf'));
      expect(loop).toContain(body);
      expect(loop).toMatch(new RegExp(`^lvsd_poll\\(\\) \\{\\no=\\$\\(\\n`));
      expect(loop).toContain(`printf '%s\\n${POLL_END} %s\\n' "$o" "$1"`);
    }
  });

  it('frames sections, keeps a cut-off one, ignores nothing silently', () => {
    const s = splitSections('@@lvsd-live 1 director\nstray\n@@begin list\nA\n@@end list 0\n@@begin stats\nB');
    expect(s.version).toBe(1);
    expect(s.sections.get('list')).toEqual({ name: 'list', text: 'A', exit: 0 });
    expect(s.sections.get('stats')!.exit).toBeNull();
    expect(s.stray).toEqual(['stray']);
  });
});

describe('parseLiveOutput', () => {
  it('real DR director output', () => {
    const o = parseLiveOutput(hostId('director'), directorOutput('dr-lab'), 1);
    expect(o.problems).toEqual([]);
    expect(o.ipvs!.list!.services).toHaveLength(2);
    expect(o.ipvs!.connections!.total).toBe(22);
    expect(o.ipvs!.timeouts).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(o.ipvs!.syncDaemons![0]!.role).toBe('master');
    expect(o.keepalived).toMatchObject({ notRunning: true });
  });

  it('junk from a hostile host: no throw, says what failed', () => {
    const o = parseLiveOutput(hostId('x'), 'Welcome to evil\n\u0000\u0007', 1);
    expect(o.problems[0]!.message).toMatch(/not the live script output/);
    const p = parseLiveOutput(
      hostId('x'),
      '@@lvsd-live 1 director\n@@begin list\nsh: ipvsadm: not found\n@@end list 127\n@@begin addr\n[{"ifname":"eth0","addr_info":[{}]}]\n@@end addr 0\n',
      1,
    );
    expect(p.problems.map((x) => `${x.section}: ${x.message}`)).toEqual(['list: command failed (exit 127)', 'addr: 1 line(s) not understood']);
  });

  it('keepalived dumps with their age', () => {
    const text = `@@lvsd-live 1 director\n@@begin keepalived\n@@now 1000\n@@file /tmp/keepalived.json 996\n${fx('keepalived/keepalived.json')}\n@@end keepalived 0\n`;
    const o = parseLiveOutput(hostId('d'), text, 1);
    expect(o.problems).toEqual([]);
    expect(o.keepalived).toMatchObject({ source: 'json', ageSeconds: 4 });
    expect(o.keepalived!.instances.map((i) => i.state)).toEqual(['MASTER', 'MASTER']);
    const d = parseLiveOutput(
      hostId('d'),
      `@@lvsd-live 1 director\n@@begin keepalived\n@@now 1000\n@@file /tmp/keepalived.data 999\n${fx('keepalived/keepalived.data')}\n@@end keepalived 0\n`,
      1,
    );
    expect(d.keepalived).toMatchObject({ source: 'data', ageSeconds: 1 });
    expect(d.keepalived!.instances[0]!.name).toBe('VI_web');
  });
});

describe('buildLiveView (DR seed design, real DR lab output)', () => {
  const base = (): HostObservation[] => [
    parseLiveOutput(hostId('director'), directorOutput('dr-lab'), 1),
    parseLiveOutput(hostId('rs1'), rsOutput('dr-lab'), 1),
    parseLiveOutput(hostId('rs2'), rsOutput('dr-lab'), 1),
  ];

  it('one VIP holder, counters per real server, 50/50 as wrr 1:1 says', () => {
    const v = buildLiveView(dr, base(), 5);
    expect(v.vips).toEqual([{ vip: '172.17.253.100', services: ['web'], holders: ['director'], unknown: ['router'], status: 'ok' }]);
    const s = v.services[0]!;
    expect(s.present).toBe(true);
    expect(s.rate).toEqual({ conns: 2, inPkts: 13, outPkts: 0, inBytes: 833, outBytes: 0 });
    expect(s.dests.map((d) => [d.realServerId, d.weight, d.activeConns, d.inactiveConns, d.stats?.conns, d.state])).toEqual([
      ['web-rs1', 1, 0, 10, 10, 'up'],
      ['web-rs2', 1, 0, 10, 10, 'up'],
    ]);
    expect(s.distribution.map((d) => [d.observedShare, d.expectedShare, d.deviation])).toEqual([
      [0.5, 0.5, 0],
      [0.5, 0.5, 0],
    ]);
    expect(s.maxDeviation).toBe(0);
  });

  it('drift: the extra service added by hand and a changed weight show in the diff', () => {
    const list = fx('dr-lab/list.txt').replace(/(192\.168\.163\.103:80\s+Route\s+)1/, '$15');
    const obs = base();
    obs[0] = parseLiveOutput(hostId('director'), directorOutput('dr-lab', { list }), 1);
    const v = buildLiveView(dr, obs);
    const d = v.drift.find((x) => x.hostId === 'director')!;
    expect(d.items).toContainEqual({ area: 'ipvs', subject: 'tcp 172.17.253.100:80 → 192.168.163.103:80', expected: 'dr weight 1', observed: 'dr weight 5' });
    expect(d.items).toContainEqual({ area: 'ipvs', subject: 'tcp 172.17.253.100:8080', observed: 'scheduler rr persistent 300, 2 real server(s)' });
    expect(d.diff).toContain('- ipvs tcp 172.17.253.100:80 → 192.168.163.103:80: dr weight 1\n+ ipvs tcp 172.17.253.100:80 → 192.168.163.103:80: dr weight 5');
    // a weight 5:1 with a 10/10 history is a deviation of 33 points
    expect(Math.round(v.services[0]!.maxDeviation)).toBe(33);
  });

  it('no holder and two holders are outages; an unreachable director is unknown', () => {
    const noVip = base();
    const addr = JSON.parse(fx('dr-lab/addr.json')) as { addr_info: { local: string }[] }[];
    const stripped = JSON.stringify(addr.map((l) => ({ ...l, addr_info: l.addr_info.filter((a) => a.local !== '172.17.253.100') })));
    noVip[0] = parseLiveOutput(hostId('director'), directorOutput('dr-lab', { addr: stripped }), 1);
    noVip.push(parseLiveOutput(hostId('router'), '@@lvsd-live 1 host\n@@begin addr\n[]\n@@end addr 0\n', 1));
    expect(buildLiveView(dr, noVip).vips[0]!.status).toBe('none');
    const two = base();
    two.push(parseLiveOutput(hostId('router'), `@@lvsd-live 1 host\n@@begin addr\n${fx('dr-lab/addr.json')}\n@@end addr 0\n`, 1));
    expect(buildLiveView(dr, two).vips[0]).toMatchObject({ status: 'split', holders: ['director', 'router'] });
    const dead = [unreachable(hostId('director'), 'connection refused', 1, 3), ...base().slice(1)];
    const v = buildLiveView(dr, dead);
    expect(v.vips[0]!.status).toBe('unknown');
    expect(v.services).toEqual([]);
    expect(v.hosts[0]).toEqual({ hostId: 'director', status: 'unreachable', error: 'connection refused', problems: 0 });
  });

  it('expected shares follow the live weights through the simulator', () => {
    const s = dr.services[0]!;
    const shares = expectedShares(
      s,
      new Map([
        ['192.168.163.102:80', 3],
        ['192.168.163.103:80', 1],
      ]),
    );
    expect(shares.get('192.168.163.102:80')).toBe(0.75);
    expect(expectedShares(s, new Map([['192.168.163.102:80', 0]])).get('192.168.163.103:80')).toBe(1);
  });
});
