/**
 * The plan and end-to-end views of the Deploy panel rendered to HTML (react-dom/server): what a
 * person reads for a given plan or check result. A `*.ui.test.ts` file is type-checked with the
 * renderer's tsconfig (DOM, JSX), so the components it loads are checked as it uses them.
 */
import '../../support/minimalDocument.ts';
import { describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { deployEn } from '../../../renderer/deploy/strings.ts';
import i18n from '../../../renderer/i18n/index.ts';
import { E2eView, PlanView } from '../../../renderer/deploy/DeployPanel.tsx';
import type { DeployPlan, E2eResult } from '../../../shared/ipc/deploy.ts';
import { hostId } from '../../../shared/model/ids.ts';

i18n.addResourceBundle('en', 'translation', { deploy: deployEn }, true, true);
void i18n.changeLanguage('en');

describe('deploy views', () => {
  it('the end-to-end check lists answers per real server with their share', () => {
    const e2e: E2eResult = {
      clientHostId: hostId('client'),
      checks: [
        { service: '10.0.0.100:80', requests: 10, succeeded: 7, distribution: { 'hello from rs1': 4, 'hello from rs2': 3 } },
        { service: '10.0.0.101:443', requests: 10, succeeded: 0, distribution: {}, error: 'curl: (7) Failed to connect' },
      ],
    };
    const html = renderToStaticMarkup(createElement(E2eView, { e2e }));
    expect(html).toContain('10.0.0.100:80');
    expect(html).toContain('7/10 answered');
    expect(html).toContain('hello from rs1');
    expect(html).toContain('width:40%');
    expect(html).toContain('width:30%');
    expect(html).toContain('0/10 answered');
    expect(html).toContain('curl: (7) Failed to connect');
    expect(html).toContain('no answers');
  });

  it('the plan shows changes with from → to, "no changes", failures and the stages', () => {
    const plan: DeployPlan = {
      deployId: 'x',
      designName: 'd',
      createdAt: '',
      noChanges: false,
      stages: [[hostId('rs1'), hostId('rs2')], [hostId('director')]],
      hosts: [
        {
          hostId: hostId('rs1'),
          hostName: 'rs1',
          role: 'real-server',
          endpoint: 'root@a:22',
          status: 'ready',
          notes: ['sudo used'],
          changes: [{ kind: 'sysctl', action: 'change', subject: 'net.ipv4.conf.all.arp_ignore', from: '0', to: '1' }],
        },
        { hostId: hostId('rs2'), hostName: 'rs2', role: 'real-server', endpoint: 'root@b:22', status: 'ready', notes: [], changes: [] },
        {
          hostId: hostId('director'),
          hostName: 'director',
          role: 'director',
          endpoint: 'root@c:22',
          status: 'failed',
          error: 'connection refused',
          notes: [],
          changes: [],
        },
        { hostId: hostId('client'), hostName: 'client', role: 'client', endpoint: '', status: 'skipped', notes: [], changes: [] },
      ],
    };
    const html = renderToStaticMarkup(createElement(PlanView, { plan }));
    // The subject is shown whole; it may wrap only after a dot (<wbr>), never inside a word.
    expect(html.replace(/<[^>]+>/g, '')).toContain('net.ipv4.conf.all.arp_ignore');
    expect(html).toContain('net.<wbr/></span><span>ipv4.<wbr/>');
    expect(html).toContain('0 → 1');
    expect(html).toContain('1 change');
    expect(html).toContain('no changes');
    expect(html).toContain('connection refused');
    expect(html).toContain('sudo used');
    expect(html).toMatch(/Stage 1:<\/span> rs1, rs2/);
    expect(html).toMatch(/Stage 2:<\/span> director/);
    expect(html).not.toContain('plan-host-client');
  });
});
