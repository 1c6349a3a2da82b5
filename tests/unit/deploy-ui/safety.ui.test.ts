/**
 * The Deploy panel's safety controls rendered to HTML (react-dom/server): the checker's errors that
 * block a deploy with the explicit "deploy anyway" box, the commit-confirm time, the apply
 * confirmation that states both, and the trust dialog's warning for a new host-key type.
 */
import '../../support/minimalDocument.ts';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { deployEn, deployZh } from '../../../renderer/deploy/strings.ts';
import i18n from '../../../renderer/i18n/index.ts';
import { DeployPanel } from '../../../renderer/deploy/DeployPanel.tsx';
import { ConfirmDialog, PromptDialog } from '../../../renderer/deploy/DeployDialogs.tsx';
import { useApp } from '../../../renderer/store/index.ts';
import { loadChecker } from '../../../renderer/store/diagnostics.ts';
import type { Topology } from '../../../shared/model/types.ts';
import { directorRef, hostId, interfaceId, segmentId, serviceId } from '../../../shared/model/ids.ts';

i18n.addResourceBundle('en', 'translation', { deploy: deployEn }, true, true);
i18n.addResourceBundle('zh-CN', 'translation', { deploy: deployZh }, true, true);

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** One director whose VIP is malformed and whose service has no real server: two checker errors. */
const broken: Topology = {
  name: 'broken',
  segments: [{ id: segmentId('lan'), name: 'lan', cidr: '10.0.0.0/24' }],
  hosts: [
    {
      id: hostId('director'),
      name: 'director',
      role: 'director',
      interfaces: [{ id: interfaceId('d-eth0'), name: 'eth0', kind: 'ethernet', segment: segmentId('lan'), addresses: ['10.0.0.2/24'] }],
      ssh: { host: '10.0.0.2', port: 22, user: 'root', auth: 'agent' },
    },
  ],
  services: [
    { id: serviceId('web'), name: 'web', director: directorRef('director'), protocol: 'tcp', vip: '10.0.0.1000', port: 80, scheduler: 'rr', realServers: [] },
  ],
};

// react-dom/server reads a zustand store through its *initial* snapshot (getServerSnapshot), so a
// test state is written into that object too; it is put back after each test.
const initialCopy = { ...useApp.getInitialState() };
afterEach(() => {
  Object.assign(useApp.getInitialState(), initialCopy);
  useApp.setState(initialCopy, true);
});
function setForRender(patch: Partial<ReturnType<typeof useApp.getState>>): void {
  useApp.setState(patch);
  Object.assign(useApp.getInitialState(), useApp.getState());
}
function withDesign(topology: Topology): void {
  setForRender({ design: { ...useApp.getState().design, topology } });
}
const setDeploy = (patch: Partial<ReturnType<typeof useApp.getState>['deploy']>) => setForRender({ deploy: { ...useApp.getState().deploy, ...patch } });

// The app loads the checker after its first paint; the blocking-errors list needs it.
beforeAll(() => loadChecker());

describe('deploy safety controls', () => {
  it('a design with checker errors lists them and offers an unticked "deploy anyway"; commit-confirm defaults to 120 s', async () => {
    await i18n.changeLanguage('en');
    withDesign(broken);
    const html = renderToStaticMarkup(createElement(DeployPanel));
    expect(html).toContain('data-testid="deploy-blocking"');
    expect(text(html)).toContain('The checker finds 2 errors in this design: plan and apply are refused');
    expect(text(html)).toContain('addr/malformed');
    expect(html).toMatch(/<input type="checkbox" data-testid="deploy-override-errors"(?![^>]*checked)[^>]*>/);
    expect(text(html)).toContain('Deploy anyway despite these errors (recorded in the deploy log)');
    expect(html).toMatch(/data-testid="deploy-confirm-seconds"[^>]*value="120"|value="120"[^>]*data-testid="deploy-confirm-seconds"/);
  });

  it('a clean design shows no blocking box', async () => {
    await i18n.changeLanguage('en');
    withDesign({ ...broken, services: [] });
    expect(renderToStaticMarkup(createElement(DeployPanel))).not.toContain('deploy-blocking');
  });

  it('the apply confirmation states the override and the commit-confirm time (or that it is off)', async () => {
    await i18n.changeLanguage('en');
    withDesign(broken);
    setDeploy({ overrideErrors: true });
    const dialog = () =>
      text(renderToStaticMarkup(createElement(ConfirmDialog, { mode: 'apply', names: ['director'], onConfirm: () => {}, onClose: () => {} })));
    expect(dialog()).toContain('rolls itself back after 120 s');
    expect(dialog()).toContain('Deploying despite 2 checker error(s)');
    setDeploy({ confirmSeconds: 0 });
    expect(dialog()).toContain('Commit-confirm is off');
  });

  it('"Install keepalived" is off by default; ticked, the apply confirmation says what it runs, in en and zh-CN', async () => {
    await i18n.changeLanguage('en');
    const panel = text(renderToStaticMarkup(createElement(DeployPanel)));
    expect(panel).toContain('Install keepalived on directors that lack it');
    expect(panel).toContain('apt-get install -y keepalived');
    expect(renderToStaticMarkup(createElement(DeployPanel))).not.toMatch(/data-testid="deploy-install-keepalived"[^>]*checked/);
    const confirm = () =>
      text(renderToStaticMarkup(createElement(ConfirmDialog, { mode: 'apply', names: ['director'], onConfirm: () => {}, onClose: () => {} })));
    expect(confirm()).not.toContain('keepalived install allowed');
    setDeploy({ installKeepalived: true });
    expect(confirm()).toContain('keepalived install allowed: a director that lacks it gets apt-get install -y keepalived');
    await i18n.changeLanguage('zh-CN');
    expect(confirm()).toContain('允许安装 keepalived');
    expect(text(renderToStaticMarkup(createElement(DeployPanel)))).toContain('在缺少 keepalived 的调度器上安装它');
    await i18n.changeLanguage('en');
  });

  it('the trust dialog warns when the host is known by another key type, in en and zh-CN', async () => {
    setDeploy({
      deployId: 'x',
      prompts: [
        {
          kind: 'host-key',
          promptId: 'p',
          hostId: hostId('director'),
          endpoint: '10.0.0.2',
          fingerprint: 'SHA256:abc',
          keyType: 'ssh-rsa',
          knownTypes: ['ssh-ed25519'],
        },
      ],
    });
    await i18n.changeLanguage('en');
    const en = text(renderToStaticMarkup(createElement(PromptDialog)));
    expect(en).toContain('WARNING: 10.0.0.2 is already known by its ssh-ed25519 key but now offers a ssh-rsa key');
    expect(en).not.toContain('This is the first connection');
    await i18n.changeLanguage('zh-CN');
    expect(text(renderToStaticMarkup(createElement(PromptDialog)))).toContain('警告：已知 10.0.0.2 的 ssh-ed25519 密钥');
    // A first contact keeps the first-contact text.
    setDeploy({
      prompts: [{ kind: 'host-key', promptId: 'q', hostId: hostId('director'), endpoint: '10.0.0.2', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519' }],
    });
    await i18n.changeLanguage('en');
    const first = text(renderToStaticMarkup(createElement(PromptDialog)));
    expect(first).toContain('This is the first connection');
    expect(first).not.toContain('WARNING');
  });
});
