/**
 * The Deploy panel's state (renderer/deploy): the slice fed by `deploy:progress` events, the
 * tones of hosts on the canvas, the end-to-end answers per real server, and the string tables.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { create } from 'zustand';
import type { AppState } from '../../../renderer/store/index.ts';
import { createDeploySlice } from '../../../renderer/deploy/deploySlice.ts';
import { e2eAnswers, hostTone } from '../../../renderer/deploy/status.ts';
import { deployEn, deployZh } from '../../../renderer/deploy/strings.ts';
import type { DeployEvent, DeployPlan, DeployResult } from '../../../shared/ipc/deploy.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { directorRef, hostId, interfaceId, realServerId, segmentId, serviceId } from '../../../shared/model/ids.ts';

const topology: Topology = {
  name: 't',
  segments: [{ id: segmentId('lan'), name: 'lan', cidr: '10.0.0.0/24' }],
  hosts: ['rs1', 'rs10', 'director'].map((id) => ({
    id: hostId(id),
    name: id,
    role: id === 'director' ? 'director' : 'real-server',
    interfaces: [{ id: interfaceId(`${id}-e`), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: ['10.0.0.9/24'] }],
    ssh: { host: '10.0.0.9', port: 22, user: 'root', auth: 'agent' },
  })),
  services: [
    {
      id: serviceId('web'),
      name: 'web',
      director: directorRef('director'),
      protocol: 'tcp',
      vip: '10.0.0.100',
      port: 80,
      scheduler: 'rr',
      realServers: [
        { id: realServerId('a'), host: hostId('rs1'), rip: '10.0.0.1', port: 80, method: 'dr', weight: 1 },
        { id: realServerId('b'), host: hostId('rs10'), rip: '10.0.0.2', port: 80, method: 'dr', weight: 1 },
      ],
    },
  ],
} as Topology;

const store = () =>
  create<AppState>()((set, get, api) => ({ ...createDeploySlice(set, get, api), design: { topology, layout: { positions: {} } } }) as unknown as AppState);

const plan = (id: string, noChanges = false): DeployPlan => ({
  deployId: id,
  designName: 't',
  createdAt: '2026-01-01T00:00:00Z',
  hosts: [
    {
      hostId: hostId('rs1'),
      hostName: 'rs1',
      role: 'real-server',
      endpoint: 'root@10.0.0.9:22',
      status: 'ready',
      changes: noChanges ? [] : [{ kind: 'address', action: 'add', subject: 'lo 10.0.0.100/32' }],
      notes: [],
    },
  ],
  stages: [[hostId('rs1')], [hostId('director')]],
  noChanges,
});

const result = (id: string, mode: DeployResult['mode'], statuses: Record<string, DeployResult['hosts'][number]['status']>): DeployResult => ({
  deployId: id,
  mode,
  outcome: 'success',
  hosts: Object.entries(statuses).map(([id, status]) => ({ hostId: hostId(id), status })),
  startedAt: '',
  finishedAt: '',
});

describe('deploy slice', () => {
  it('follows the events of its own run only', () => {
    const s = store();
    s.getState().deployBegin('run1', 'apply');
    const ev = (e: DeployEvent) => s.getState().deployEvent(e);
    ev({ type: 'host', deployId: 'other', hostId: hostId('rs1'), phase: 'failed' });
    expect(s.getState().deploy.hosts).toEqual({});
    ev({ type: 'host', deployId: 'run1', hostId: hostId('rs1'), phase: 'applying', step: { index: 2, total: 3, label: 'apply.sh' } });
    expect(s.getState().deploy.hosts[hostId('rs1')]).toEqual({ phase: 'applying', step: { index: 2, total: 3, label: 'apply.sh' } });
    expect(s.getState().deploy.running).toBe('apply');
    expect(hostTone(s.getState(), hostId('rs1'))).toBe('busy');
    ev({ type: 'host', deployId: 'run1', hostId: hostId('rs1'), phase: 'failed', stderr: 'RTNETLINK answers: File exists' });
    ev({ type: 'host', deployId: 'run1', hostId: hostId('rs1'), phase: 'rolling-back' });
    ev({ type: 'host', deployId: 'run1', hostId: hostId('rs1'), phase: 'rolled-back' });
    expect(s.getState().deploy.hosts[hostId('rs1')]).toEqual({ phase: 'rolled-back', stderr: 'RTNETLINK answers: File exists', failedOnce: true });
    s.getState().deployEnd('run1', { result: result('run1', 'apply', { rs1: 'rolled-back', rs10: 'rolled-back' }) });
    expect(hostTone(s.getState(), hostId('rs1'))).toBe('bad');
    expect(hostTone(s.getState(), hostId('rs10'))).toBe('warn');
  });

  it('queues prompts once each, drops answered ones, and clears them when the run ends', () => {
    const s = store();
    s.getState().deployBegin('r', 'dry-run');
    const prompt = {
      type: 'prompt',
      deployId: 'r',
      prompt: { kind: 'password', promptId: 'p1', hostId: hostId('rs1'), text: 'Password for root@x:22' },
    } as const;
    s.getState().deployEvent(prompt);
    s.getState().deployEvent(prompt);
    s.getState().deployEvent({
      type: 'prompt',
      deployId: 'r',
      prompt: { kind: 'host-key', promptId: 'p2', hostId: hostId('rs10'), endpoint: 'x', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519' },
    });
    expect(s.getState().deploy.prompts.map((p) => p.promptId)).toEqual(['p1', 'p2']);
    s.getState().deployDropPrompt('p1');
    expect(s.getState().deploy.prompts.map((p) => p.promptId)).toEqual(['p2']);
    s.getState().deployEnd('r', { plan: plan('r') });
    expect(s.getState().deploy.prompts).toEqual([]);
    expect(s.getState().deploy.running).toBeNull();
    expect(s.getState().deploy.lastMode).toBe('dry-run');
    expect(s.getState().deploy.plan?.hosts[0]?.changes).toHaveLength(1);
  });

  it('keeps the last plan during an apply, drops it for a new dry run, and records call errors', () => {
    const s = store();
    s.getState().deployBegin('a', 'dry-run');
    s.getState().deployEnd('a', { plan: plan('a') });
    s.getState().deployBegin('b', 'apply');
    expect(s.getState().deploy.plan?.deployId).toBe('a');
    s.getState().deployEnd('b', { error: 'the backend is not reachable' });
    expect(s.getState().deploy.error).toBe('the backend is not reachable');
    s.getState().deployBegin('c', 'dry-run');
    expect(s.getState().deploy.plan).toBeNull();
    expect(s.getState().deploy.error).toBeNull();
    // The end of an older run does not overwrite the current one.
    s.getState().deployEnd('b', { error: 'late' });
    expect(s.getState().deploy.running).toBe('dry-run');
  });

  it('includes and excludes hosts', () => {
    const s = store();
    s.getState().deploySetExcluded(hostId('rs1'), true);
    s.getState().deploySetExcluded(hostId('rs1'), true);
    expect(s.getState().deploy.excluded).toEqual(['rs1']);
    s.getState().deploySetExcluded(hostId('rs1'), false);
    expect(s.getState().deploy.excluded).toEqual([]);
  });
});

describe('host tones and end-to-end answers', () => {
  it('green when verified, red when failed, amber when rolled back; a dry run marks only failures', () => {
    const s = store();
    s.getState().deployBegin('a', 'apply');
    s.getState().deployEvent({ type: 'done', deployId: 'a', result: result('a', 'apply', { rs1: 'verified', rs10: 'failed', director: 'rolled-back' }) });
    s.getState().deployEnd('a', { result: result('a', 'apply', { rs1: 'verified', rs10: 'failed', director: 'rolled-back' }) });
    expect(['rs1', 'rs10', 'director'].map((h) => hostTone(s.getState(), hostId(h)))).toEqual(['good', 'bad', 'warn']);
    s.getState().deployBegin('b', 'dry-run');
    s.getState().deployEvent({ type: 'host', deployId: 'b', hostId: hostId('rs1'), phase: 'planned' });
    s.getState().deployEvent({ type: 'host', deployId: 'b', hostId: hostId('rs10'), phase: 'failed', message: 'authentication failed' });
    s.getState().deployEnd('b', { result: result('b', 'dry-run', { rs1: 'not-started', rs10: 'not-started' }) });
    expect(hostTone(s.getState(), hostId('rs1'))).toBeNull();
    expect(hostTone(s.getState(), hostId('rs10'))).toBe('bad');
  });

  it('counts the answers that name a real server (rs1 is not rs10)', () => {
    const s = store();
    expect(e2eAnswers(s.getState(), hostId('rs1'))).toBeNull();
    s.getState().deployBegin('a', 'apply');
    s.getState().deployEvent({
      type: 'e2e',
      deployId: 'a',
      result: {
        clientHostId: hostId('c'),
        checks: [{ service: '10.0.0.100:80', requests: 10, succeeded: 7, distribution: { 'hello from rs1': 4, 'RS10 here': 3 } }],
      },
    });
    expect(e2eAnswers(s.getState(), hostId('rs1'))).toBe(4);
    expect(e2eAnswers(s.getState(), hostId('rs10'))).toBe(3);
    expect(e2eAnswers(s.getState(), hostId('director'))).toBeNull();
  });
});

describe('deploy strings', () => {
  const paths = (o: object, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : paths(v as object, `${prefix}${k}.`)));
  it('has the same keys in English and Chinese, none empty', () => {
    expect(paths(deployZh).sort()).toEqual(paths(deployEn).sort());
    for (const table of [deployEn, deployZh])
      for (const p of paths(table)) expect(p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], table)).not.toBe('');
  });
  it('has every static deploy.* key the panel asks for', () => {
    const known = new Set(paths(deployEn).map((p) => `deploy.${p.replace(/_(one|other)$/, '')}`));
    const dir = 'renderer/deploy';
    const used = readdirSync(dir)
      .filter((f) => f.endsWith('.tsx') || f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/['`](deploy\.[A-Za-z0-9.-]+)['`]/g)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(30);
    for (const key of used) expect(known, key).toContain(key);
  });
});
