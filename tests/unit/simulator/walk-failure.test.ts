/**
 * The packet walk with real servers down (SimulateOptions.failure, shared/simulator/trace/failure.ts):
 * during keepalived's detection window the SYN meets the dead server (silence and retransmits, or a
 * RST back along the reply path); after it the request goes to a live server; with every server out
 * the sorry server answers, or the director has no destination (ICMP port unreachable).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { HealthCheck, Topology, VirtualService } from '../../../shared/model/types.ts';
import { hostId, interfaceId, realServerId, segmentId } from '../../../shared/model/ids.ts';
import { detectionWindow, failurePresets, compileNetwork, retransmitStory, simulate, synSentAt } from '../../../shared/simulator/index.ts';
import type { FailureScenario, Trace } from '../../../shared/simulator/index.ts';
import { effectiveHealthCheck } from '../../../shared/model/health.ts';

const RS1 = realServerId('web-rs1');
const RS2 = realServerId('web-rs2');
// delay_loop 6, connect_timeout 3, retry 1, delay_before_retry 2: silent window 3+3+2 = 8 … 14 s; refused 2 … 8 s.
const CHECK: HealthCheck = { kind: 'tcp', delayLoop: 6, connectTimeout: 3, retry: 1, delayBeforeRetry: 2 };

function lab(name: 'nat' | 'dr', check: HealthCheck | null = CHECK, edit: (s: VirtualService) => VirtualService = (s) => s): Topology {
  const r = parseDesignFile(readFileSync(`examples/${name}-lab.lvs.json`, 'utf8'));
  if (!r.ok) throw new Error(r.error.message);
  const t = r.value.topology;
  return { ...t, services: t.services.map((s) => edit(check ? { ...s, healthCheck: check } : s)) };
}

const client = (t: Topology) => t.hosts.find((h) => h.role === 'client')!.id;
const walk = (t: Topology, failure: FailureScenario, rs?: string): Trace =>
  simulate(t, { client: client(t), service: t.services[0]!.id, ...(rs ? { realServer: realServerId(rs) } : {}) }, { seed: 1, failure });
const hostOf = (t: Topology, rs: string) => t.services[0]!.realServers.find((r) => r.id === rs)!.host;

describe('the walk with a dead real server', () => {
  it('keepalived removes a silent server after the detection window computed from the check (8–14 s here): the walk uses the same time', () => {
    const t = lab('nat');
    const hc = effectiveHealthCheck(t.services[0]!, t.services[0]!.realServers[0]!)!;
    expect(detectionWindow(hc, 'silent')).toEqual({ min: 8, max: 14 });
    // The walk assumes the server died just after a check (the longest window) unless told otherwise.
    const p = failurePresets(compileNetwork(t), t.services[0]!, [RS1], 'silent');
    expect(p).toMatchObject({ justFailed: 0, inWindow: 7, afterDetection: 15, detectedAfter: 14 });
    expect(walk(t, { down: [RS1], mode: 'silent', since: 13 }, RS1).outcome).toMatchObject({ status: 'failed', failure: 'rs-down-silent' });
    expect(walk(t, { down: [RS1], mode: 'silent', since: 14 }, RS1).realServer).toBe(RS2);
    // Died right before a check: the shortest window.
    expect(walk(t, { down: [RS1], mode: 'silent', since: 8, nextCheckIn: 0 }, RS1).realServer).toBe(RS2);
    expect(walk(t, { down: [RS1], mode: 'silent', since: 7, nextCheckIn: 0 }, RS1).realServer).toBe(RS1);
  });

  it.each(['nat', 'dr'] as const)(
    '%s, host gone, in the window: the SYN is sent to the dead host’s MAC and nothing answers; the client retransmits',
    (name) => {
      const t = lab(name);
      const tr = walk(t, { down: [RS1], mode: 'silent', since: 2 }, RS1);
      expect(tr.outcome).toMatchObject({ status: 'failed', failure: 'rs-down-silent', at: { kind: 'host', host: hostOf(t, RS1) } });
      const sched = tr.steps.find((s) => s.kind === 'schedule')!;
      expect(sched.severity).toBe('warning');
      expect(sched.narration.en).toMatch(/died 2 s ago/);
      expect(sched.narration.en).toMatch(/removes it 14 s after the failure/);
      expect(sched.narration.zh).toMatch(/2 秒前宕机/);
      // The director still has the dead host's MAC: no ARP request for the RIP, the frame goes to rs1.
      const rip = t.services[0]!.realServers[0]!.rip;
      expect(tr.steps.some((s) => s.kind === 'arp-request' && s.packet?.arp?.targetIp === rip)).toBe(false);
      const last = tr.steps.at(-1)!;
      const wire = tr.steps.at(-2)!;
      expect(wire.kind).toBe('transmit');
      expect(wire.place.kind === 'link' && wire.place.to?.host).toBe(hostOf(t, RS1));
      expect(last).toMatchObject({ kind: 'drop', severity: 'error', phase: 'request' });
      expect(last.narration.en).toMatch(/retransmits the SYN after 1, 2, 4, 8, 16 and 32 s/);
      // since 2 + retransmissions at 1, 3, 7, 15 s: the one at 15 s (17 s after the failure) comes after the removal
      // at 14 s, but expire_nodest_conn=0 drops it; the entry (60 s SYN_RECV from the SYN at 7 s) outlives every retry.
      expect(last.narration.en).toMatch(/ETIMEDOUT after 127 s/);
      expect(last.narration.zh).toMatch(/ETIMEDOUT/);
      expect(tr.steps.some((s) => s.phase === 'reply')).toBe(false);
    },
  );

  it('with expire_nodest_conn=1 the first SYN retransmitted after the removal is scheduled anew: the client connects late', () => {
    const tr = walk(lab('nat'), { down: [RS1], mode: 'silent', since: 2, expireNodestConn: true }, RS1);
    expect(tr.outcome.status).toBe('failed');
    // SYNs at 2, 3, 5, 9, 17 s after the failure: the 4th retry (17 s) is the first after the removal at 14 s.
    expect(tr.steps.at(-1)!.narration.en).toMatch(/retransmission 4 \(15 s after the first SYN\).*expire_nodest_conn=1/);
  });

  it.each(['nat', 'dr'] as const)('%s, service stopped, in the window: the host’s kernel answers RST, which walks the reply path to the client', (name) => {
    const t = lab(name);
    const tr = walk(t, { down: [RS1], mode: 'refused', since: 1 }, RS1);
    expect(tr.outcome).toMatchObject({ status: 'failed', failure: 'rs-down-refused', at: { kind: 'host', host: client(t) } });
    const rst = tr.steps.find((s) => s.kind === 'deliver' && s.phase === 'request')!;
    expect(rst.severity).toBe('error');
    expect(rst.narration.en).toMatch(/answers with a TCP RST/);
    const origin = tr.steps.find((s) => s.kind === 'originate' && s.phase === 'reply')!;
    expect(origin.packet?.l4?.segment).toBe('RST');
    expect(origin.place).toMatchObject({ kind: 'host', host: hostOf(t, RS1) });
    if (name === 'nat') {
      // The director rewrites the RST's source back to the VIP, and the entry goes to CLOSE.
      const rw = tr.steps.find((s) => s.kind === 'rewrite' && s.phase === 'reply')!;
      expect(rw.conn?.state).toBe('CLOSE');
      expect(rw.packet?.ip?.src).toBe(t.services[0]!.vip);
    } else {
      // DR: the RST leaves the real server with the VIP as source and bypasses the director.
      expect(tr.steps.filter((s) => s.phase === 'reply').some((s) => s.place.kind === 'host' && s.place.host === t.services[0]!.director)).toBe(false);
    }
    const end = tr.steps.at(-1)!;
    expect(end.narration.en).toMatch(/Connection refused/);
    expect(end.narration.en).toMatch(/takes rs1 out 8 s after the failure/);
    expect(end.narration.zh).toMatch(/ECONNREFUSED/);
  });

  it('after detection the scheduler only has live servers: the request goes to rs2 and the walk works', () => {
    for (const mode of ['silent', 'refused'] as const) {
      const tr = walk(lab('nat'), { down: [RS1], mode, since: 60 });
      expect(tr.outcome.status).toBe('ok');
      expect(tr.realServer).toBe(RS2);
      const sched = tr.steps.find((s) => s.kind === 'schedule')!;
      expect(sched.narration.en).toMatch(/removed rs1 from the table/);
      expect(sched.narration.zh).toMatch(/移出转发表/);
    }
  });

  it('inhibit_on_failure: rs1 stays in the table at weight 0 and gets no new connection', () => {
    const t = lab('nat', { ...CHECK, inhibitOnFailure: true });
    const tr = walk(t, { down: [RS1], mode: 'silent', since: 60 });
    expect(tr.realServer).toBe(RS2);
    expect(tr.steps.find((s) => s.kind === 'schedule')!.narration.en).toMatch(/set the weight of rs1 to 0/);
  });

  it('no health check (ipvsadm only): nothing ever takes the dead server out', () => {
    const t = lab('nat', null);
    const tr = walk(t, { down: [RS1], mode: 'silent', since: 3600 }, RS1);
    expect(tr.outcome).toMatchObject({ status: 'failed', failure: 'rs-down-silent' });
    expect(tr.steps.find((s) => s.kind === 'schedule')!.narration.en).toMatch(/no health check/);
    expect(tr.steps.at(-1)!.narration.en).toMatch(/nothing takes rs1 out/);
  });

  it('every server out and no sorry server: ip_vs_leave answers ICMP port unreachable, the SYN goes no further', () => {
    const t = lab('nat');
    const tr = walk(t, { down: [RS1, RS2], mode: 'silent', since: 60 });
    expect(tr.outcome).toMatchObject({ status: 'failed', failure: 'no-destination', at: { kind: 'host', host: t.services[0]!.director } });
    const d = tr.steps.at(-1)!;
    expect(d.kind).toBe('drop');
    expect(d.narration.en).toMatch(/ICMP port unreachable/);
    expect(d.narration.zh).toMatch(/ICMP 端口不可达/);
    expect(tr.steps.some((s) => s.place.kind === 'host' && (s.place.host === hostOf(t, RS1) || s.place.host === hostOf(t, RS2)))).toBe(false);
  });

  it('quorum lost with a sorry server on a host of the design: IPVS sends the request there and the walk works', () => {
    const base = lab('nat', { ...CHECK, sorryServer: { ip: '192.168.111.250', port: 8080 } });
    const lan = base.hosts.find((h) => h.id === hostOf(base, RS1))!;
    const t: Topology = {
      ...base,
      hosts: [
        ...base.hosts,
        {
          ...lan,
          id: hostId('sorry'),
          name: 'sorry',
          interfaces: [
            {
              id: interfaceId('sorry-eth0'),
              name: 'eth0',
              kind: 'ethernet',
              segment: segmentId(lan.interfaces.find((f) => f.kind === 'ethernet')!.segment!),
              addresses: ['192.168.111.250/24'],
            },
          ],
        },
      ],
    };
    const tr = walk(t, { down: [RS1, RS2], mode: 'silent', since: 60 });
    expect(tr.outcome, tr.outcome.narration.en).toMatchObject({ status: 'ok' });
    expect(tr.steps.find((s) => s.kind === 'schedule')!.narration.en).toMatch(/sorry server 192\.168\.111\.250:8080/);
    expect(tr.steps.some((s) => s.kind === 'deliver' && s.phase === 'request' && s.place.kind === 'host' && s.place.host === 'sorry')).toBe(true);
    // In the window the dead servers are still in the table: no sorry server yet.
    expect(walk(t, { down: [RS1, RS2], mode: 'silent', since: 1 }).outcome).toMatchObject({ status: 'failed', failure: 'rs-down-silent' });
  });

  it('a sorry server no host of the design owns: the walk says it cannot follow', () => {
    const t = lab('nat', { ...CHECK, sorryServer: { ip: '10.9.9.9', port: 80 } });
    expect(walk(t, { down: [RS1, RS2], mode: 'refused', since: 60 }).outcome).toMatchObject({ status: 'failed', failure: 'sorry-server-outside' });
  });

  it('a server picked by hand that keepalived already removed is no destination any more: the scheduler decides', () => {
    expect(walk(lab('nat'), { down: [RS1], mode: 'refused', since: 60 }, RS1).realServer).toBe(RS2);
  });
});

describe('retransmitted SYNs (Linux: RTO 1 s doubling, tcp_syn_retries 6)', () => {
  it('are sent 1, 3, 7, 15, 31, 63 s after the first and connect() gives up at 127 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(synSentAt)).toEqual([1, 3, 7, 15, 31, 63, 127]);
  });
  it('never taken out: ETIMEDOUT', () => {
    expect(retransmitStory(0, undefined, false, true)).toEqual({ kind: 'timeout', after: 127 });
  });
  it('expire_nodest_conn=1: the first retry after keepalived acted is scheduled anew (removed or weight 0)', () => {
    expect(retransmitStory(0, 10, false, true)).toEqual({ kind: 'rescheduled', retry: 4, after: 15 });
    expect(retransmitStory(0, 10, true, true)).toEqual({ kind: 'rescheduled', retry: 4, after: 15 });
  });
  it('expire_nodest_conn=0, weight 0: every retry still goes to the dead server', () => {
    expect(retransmitStory(0, 2, true, false)).toEqual({ kind: 'timeout', after: 127 });
  });
  it('expire_nodest_conn=0, removed: dropped until the entry’s 60 s timer (from the last forwarded SYN) runs out', () => {
    // Forwarded at 0 and 1 s, removal at 2 s: the entry expires at 61 s; the retry at 63 s makes a new entry.
    expect(retransmitStory(0, 2, false, false)).toEqual({ kind: 'rescheduled', retry: 6, after: 63 });
    // Forwarded up to 7 s: the entry lives until 67 s, after the last retry at 63 s.
    expect(retransmitStory(0, 10, false, false)).toEqual({ kind: 'timeout', after: 127 });
  });
});
