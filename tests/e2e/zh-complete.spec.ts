/**
 * The Chinese UI has no English left: a walk through every view in zh-CN collects the visible
 * text and fails on any Latin word that is not a protocol token, a command or sysctl name, an
 * address, or a name the design itself gives (host, segment, interface, service names).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clickNode, openApp, shot } from './helpers.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Words that stay Latin in a Chinese networking UI: commands and tools, scheduler names, the words
 * of `ip route` and tcpdump output shown as the tools print them, ipvsadm's column names, keyboard
 * keys, units and proper nouns. Everything else in Latin letters is English left behind.
 */
const ALLOWED = new Set(
  (
    'eth lo tunl ipip tcp udp fwmark ipvsadm keepalived qemu ssh tcpdump sysctl iptables nftables modprobe conntrack ip rp arp ttl mss mtu vip rip dip cip ' +
    'rr wrr lc wlc sed nq fo ovf sh dh mh lblc lblcr twos nat dr tun gcd ms µs kb png svg zip html markdown json ' +
    'dev proto kernel scope link src via default local all who-has is-at tell ' +
    'ActiveConn InActConn PersistConn Netfilter Maglev Linux English ' +
    // TCP header fields and the kernel's wrr variable (current weight), quoted as the kernel names them.
    'seq ack cw ' +
    // The product's own name (LVS Designer) stays as it is.
    'Designer ' +
    'Ctrl Shift Alt Del Delete Esc Home End Enter Space Tab PageUp PageDown'
  ).split(' '),
);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Latin words in a text that are English left untranslated. */
export function englishWords(text: string, names: ReadonlySet<string>): string[] {
  // Quoted kernel/tool messages, glosses in full-width brackets after a Chinese term, command lines.
  let rest = text
    .replace(/"[^"]*"|“[^”]*”/g, ' ')
    .replace(/（[A-Za-z][A-Za-z -]*）/g, ' ')
    .replace(/\biptables\b[^\u4e00-\u9fff]*/g, ' ');
  for (const n of [...names].sort((a, b) => b.length - a.length))
    if (n.length > 1) rest = rest.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRe(n)}(?![A-Za-z0-9])`, 'g'), ' ');
  const out: string[] = [];
  for (const m of rest.matchAll(/(^|[^A-Za-z0-9-])([A-Za-z][A-Za-z0-9_.:/-]*)/g)) {
    const w = m[2]!.replace(/[.:/-]+$/, '');
    // Tokens: capitals (TCP, LVS-NAT, LOCAL_IN), with digits (eth0, 0x0800), sysctl and file names (a.b, a_b), MACs.
    if (/^[A-Z0-9_-]+$/.test(w) || /\d/.test(w) || /[._/]/.test(w) || /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(w) || w.length < 2) continue;
    if (ALLOWED.has(w) || ALLOWED.has(w.toLowerCase())) continue;
    out.push(w);
  }
  return out;
}

async function visibleTexts(page: Page): Promise<string[]> {
  // Runs in the page (this tsconfig has no DOM types, so the function is passed as text).
  return page.evaluate(`(() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent || '').trim();
      if (!el || !text) continue;
      // Generated files and code are not UI text; hidden helpers are not seen.
      if (el.closest('pre, code, .tb-measure, [hidden], option, textarea')) continue;
      const st = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (st.visibility === 'hidden' || st.display === 'none' || r.width === 0 || r.height === 0) continue;
      out.push(text);
    }
    for (const el of document.querySelectorAll('[title], [aria-label], input[placeholder]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('.tb-measure')) continue;
      for (const a of ['title', 'aria-label', 'placeholder']) { const v = el.getAttribute(a); if (v) out.push(v); }
    }
    return out;
  })()`);
}

function designNames(file: string): Set<string> {
  const d = JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8'));
  const t = d.topology;
  const names = new Set<string>();
  for (const h of t.hosts) {
    names.add(h.name);
    names.add(h.id);
    for (const f of h.interfaces) names.add(f.name);
  }
  for (const s of t.segments) names.add(s.name);
  for (const v of t.services) if (v.name) names.add(v.name);
  return names;
}

test('every view of the Chinese UI is in Chinese', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, { language: 'zh-CN' });
  const found = new Map<string, string>();
  // The compare view shows all three seed labs.
  const names = new Set(['nat-lab', 'dr-lab', 'tun-lab'].flatMap((l) => [...designNames(`${l}.lvs.json`)]));
  const collect = async (view: string) => {
    for (const text of await visibleTexts(page)) for (const w of englishWords(text, names)) if (!found.has(w)) found.set(w, `${view}: ${text.slice(0, 120)}`);
  };
  await collect('empty designer');
  await page.getByTestId('tb-new').click();
  await collect('templates dialog');
  await page.getByTestId('template-tun').click();
  await expect(page.getByTestId('templates-dialog')).toBeHidden();
  await collect('designer (TUN lab, problems)');
  await page.locator('[data-testid="problem"]').first().click();
  await collect('problem with fix');
  await clickNode(page, 'director');
  await collect('inspector: director');
  for (const tab of ['services', 'config', 'packet', 'deploy', 'assignment']) {
    await page.getByTestId(`tab-${tab}`).click();
    await collect(`tab ${tab}`);
  }
  await page.getByTestId('tb-shortcuts').click();
  await collect('shortcuts dialog');
  await page.keyboard.press('Escape');
  await page.getByTestId('mode-classroom').click();
  await expect(page.getByTestId('packet-token')).toBeVisible();
  if (await page.getByTestId('right-expand').isVisible()) await page.getByTestId('right-expand').click();
  for (let i = 0; i < 60; i++) {
    await collect(`classroom step ${i + 1}`);
    if (await page.getByTestId('cls-forward').isDisabled()) break;
    await page.getByTestId('cls-forward').click();
  }
  await shot(page, 'zh-classroom-walk');
  for (const v of ['compare', 'scheduler', 'real']) {
    await page.getByTestId(`cls-view-${v}`).click();
    await collect(`classroom ${v}`);
  }
  // Challenge mode: the question, its reveal and the class quiz.
  await page.getByTestId('cls-view-trace').click();
  await page.getByTestId('cls-restart').click();
  await page.getByTestId('cls-challenge-toggle').check();
  for (let i = 0; i < 80 && !(await page.getByTestId('cls-reveal').isVisible()); i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('cls-reveal')).toBeVisible();
  await collect('challenge question');
  await page.keyboard.press('1');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cls-verdict')).toBeVisible();
  await collect('challenge reveal');
  await page.getByTestId('cls-quiz').check();
  await collect('class quiz');
  const report = [...found].map(([w, where]) => `${w}  ←  ${where}`);
  expect(report, 'English words in the zh-CN UI').toEqual([]);
});

test('the detector flags English and spares tokens, names and quotes', () => {
  expect(englishWords('客户端发出 the request', new Set())).toEqual(['the', 'request']);
  expect(englishWords('TCP 源端口 eth0 172.16.111.13/24 net.ipv4.ip_forward=1 LOCAL_IN wlc', new Set())).toEqual([]);
  expect(englishWords('在 front network 上（"No route to host"）', new Set(['front network']))).toEqual([]);
  // A name inside a word is not the name ("lo" in "local"); flags are not words.
  expect(englishWords('local 172.18.0.100 dev eth0 locale', new Set(['lo']))).toEqual(['locale']);
  expect(englishWords('ipvsadm -Lnc 02:0d:96:f2:62:48 LVS-NAT 实验', new Set())).toEqual([]);
});
