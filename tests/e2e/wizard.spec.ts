/**
 * Guided building: the seed article's DR lab from an empty canvas through the wizard, counting
 * every user action; the same wizard adds a service to an open design with the method the design
 * suggests.
 */
import { expect, test } from '@playwright/test';
import { dragBetween, loadTemplate, node, openApp, shot, toolbarClick, waitNodesVisible } from './helpers.ts';

test.use({ viewport: { width: 1024, height: 768 } });

test('the seed DR lab from an empty canvas through the wizard in at most 12 actions, checked clean', async ({ page }) => {
  await openApp(page);
  let actions = 0;
  /** One user action (a click, a typed value, a key). */
  const act = async (f: () => Promise<unknown>) => {
    actions++;
    await f();
  };
  await expect(page.getByTestId('status-hosts')).toHaveText('0 hosts');
  await act(() => page.getByTestId('tb-wizard').click());
  await expect(page.getByTestId('wizard-method-dr')).toHaveAttribute('aria-checked', 'true');
  // Prefilled with the article's DR lab; the student checks the values and creates it.
  await expect(page.getByTestId('wizard-vip')).toHaveValue('172.17.253.100');
  await expect(page.getByTestId('wizard-firstRip')).toHaveValue('192.168.163.102');
  await expect(page.getByTestId('wizard-scheduler')).toHaveValue('wrr');
  await shot(page, 'wizard');
  await act(() => page.getByTestId('wizard-create').click());
  await waitNodesVisible(page);
  expect(actions).toBeLessThanOrEqual(12);
  await expect(page.getByTestId('status-hosts')).toHaveText('5 hosts');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');
  await expect(page.getByTestId('problems-empty')).toBeVisible();
  for (const id of ['client', 'router', 'director', 'rs1', 'rs2']) await expect(node(page, id)).toBeVisible();
  await shot(page, 'wizard-dr-lab');
});

test('the seed DR lab from an empty canvas through the palette in at most 25 actions, checked clean, and the packet walk works', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('status-hosts')).toHaveText('0 hosts');
  let actions = 0;
  /** One user action (a click, a drag, a typed value with its Enter). */
  const act = async (f: () => Promise<unknown>) => {
    actions++;
    await f();
  };
  const pane = page.locator('.react-flow__pane');
  const drop = (kind: string, x: number, y: number) => act(() => page.getByTestId(`palette-${kind}`).dragTo(pane, { targetPosition: { x, y } }));
  // Zoomed out so the two networks and their hosts fit the 1024x768 canvas side by side.
  await act(() => page.locator('.react-flow__controls-zoomout').click());
  await act(() => page.locator('.react-flow__controls-zoomout').click());
  // A dropped segment is selected: its subnet is typed straight into the Inspector.
  await drop('segment', 190, 60);
  await act(async () => {
    await page.getByTestId('segment-cidr').fill('172.17.253.0/24');
    await page.getByTestId('segment-cidr').press('Enter');
  });
  await drop('segment', 390, 60);
  await act(async () => {
    await page.getByTestId('segment-cidr').fill('192.168.163.0/24');
    await page.getByTestId('segment-cidr').press('Enter');
  });
  await drop('client', 10, 120);
  await drop('director', 215, 120);
  await drop('router', 215, 250);
  await drop('real-server', 415, 120);
  await drop('real-server', 415, 250);
  await waitNodesVisible(page);
  // Each link gets the next free address of the segment.
  const link = (host: string, side: 'l' | 'r', seg: string) =>
    act(() => dragBetween(page, page.getByTestId(`handle-${host}-${side}`), page.getByTestId(`handle-${seg}-${side === 'r' ? 'l' : 'r'}`)));
  await link('client1', 'r', 'net1');
  await link('director1', 'l', 'net1');
  await link('director1', 'r', 'net2');
  await link('router1', 'l', 'net1');
  await link('router1', 'r', 'net2');
  await link('rs1', 'l', 'net2');
  await link('rs2', 'l', 'net2');
  await expect(page.locator('.react-flow__edge')).toHaveCount(7);
  // The service through the wizard's "add a service": DR puts the VIP on the real servers' lo with
  // the ARP settings, gives them the router as gateway and the director the VIP.
  await act(() => page.getByTestId('tb-wizard').click());
  await act(() => page.getByTestId('wizard-method-dr').click());
  await act(() => page.getByTestId('wizard-vip').fill('172.17.253.100'));
  await act(() => page.getByTestId('wizard-port').fill('80'));
  await act(() => page.getByTestId('wizard-add').click());
  expect(actions).toBeLessThanOrEqual(25);
  await expect(page.getByTestId('status-hosts')).toHaveText('5 hosts');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('problems-empty')).toBeVisible();
  await expect(node(page, 'rs1')).toContainText('172.17.253.100/32');
  await expect(node(page, 'director1')).toContainText('172.17.253.100/24');
  await shot(page, 'palette-dr-lab');
  // The packet walk of the design: the client's request reaches a real server and the answer comes back.
  await page.getByTestId('mode-classroom').click();
  await expect(page.getByTestId('packet-token')).toBeVisible();
  await expect(page.getByTestId('cls-outcome')).toContainText('Works');
  await shot(page, 'palette-dr-lab-walk');
});

test('a TUN lab with 9 real servers, then a second service added with the method the design suggests', async ({ page }) => {
  await openApp(page);
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-wizard');
  await page.getByTestId('wizard-method-tun').click();
  await expect(page.getByTestId('wizard-vip')).toHaveValue('172.18.0.100');
  await page.getByTestId('wizard-count').fill('9');
  await page.getByTestId('wizard-scheduler').selectOption('lc');
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('wizard-create').click();
  await waitNodesVisible(page);
  await expect(page.getByTestId('status-hosts')).toHaveText('12 hosts');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  await expect(page.getByTestId('status-warnings')).toHaveText('0 warnings');

  await toolbarClick(page, 'tb-wizard');
  await expect(page.getByTestId('wizard-suggested')).toHaveText('Suggested by the design: TUN');
  await page.getByTestId('wizard-vip').fill('172.18.0.100');
  await page.getByTestId('wizard-port').fill('443');
  await page.getByTestId('wizard-add').click();
  await expect(page.getByTestId('status-services')).toHaveText('2 services');
  await expect(page.getByTestId('status-errors')).toHaveText('0 errors');
  // At 1024 px the toolbar's Undo sits in its overflow menu: the shortcut, as a person would.
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('status-services')).toHaveText('1 service');
});

test('the wizard in Simplified Chinese', async ({ page }) => {
  await openApp(page, { language: 'zh-CN' });
  await loadTemplate(page, 'empty');
  await toolbarClick(page, 'tb-wizard');
  await expect(page.getByTestId('wizard-dialog')).toContainText('用向导新建实验');
  await expect(page.getByTestId('wizard-create')).toHaveText('创建实验');
});
