/**
 * What a host looks like now (parsed from {@link stateScript} output) and how it differs from what
 * the generated files set. The diff only lists what apply.sh adds or changes: it never proposes to
 * remove an address or route the design does not mention (that could cut the management link).
 */
import { createHash } from 'node:crypto';
import type { HostChange } from '../../../shared/ipc/deploy.ts';
import type { Host } from '../../../shared/model/types.ts';
import { parseCidr } from '../../../shared/addressing/ipv4.ts';
import type { DeployFile } from './remote.ts';

export interface HostState {
  readonly uid: number | null;
  readonly kernel: string;
  /** Interface name → addresses in CIDR form. */
  readonly addresses: ReadonlyMap<string, readonly string[]>;
  readonly routes: readonly { readonly destination: string; readonly via?: string; readonly dev?: string }[];
  /** `net.ipv4.ip_forward`, `net.ipv4.conf.all.arp_ignore`, … → value. */
  readonly sysctl: ReadonlyMap<string, string>;
  /** `ipvsadm -S -n` lines, or `null` when ipvsadm is absent. */
  readonly ipvs: readonly string[] | null;
  readonly ipvsError?: string;
  /** Relative path → sha256 of the files of the last deploy (`$S/current`). */
  readonly files: ReadonlyMap<string, string>;
  readonly tools: readonly string[];
}

function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const m = /^@@ (\w+)$/.exec(line);
    if (m) {
      current = [];
      out.set(m[1]!, current);
    } else if (current && line !== '') current.push(line);
  }
  return out;
}

/** Parses the output of the state script. Throws when the output is cut short. */
export function parseState(text: string): HostState {
  const s = sections(text);
  if (!s.has('end')) throw new Error('the state read-out stopped early (no end marker)');
  const addresses = new Map<string, string[]>();
  for (const line of s.get('addr') ?? []) {
    // "2: eth0    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\       valid_lft forever ..."
    const f = line.split(/\s+/);
    const dev = (f[1] ?? '').replace(/@.*$/, '');
    const i = f.indexOf('inet');
    const cidr = i >= 0 ? f[i + 1] : undefined;
    if (!dev || !cidr) continue;
    const list = addresses.get(dev) ?? [];
    list.push(cidr);
    addresses.set(dev, list);
  }
  const routes = (s.get('route') ?? []).map((line) => {
    const f = line.trim().split(/\s+/);
    const r: { destination: string; via?: string; dev?: string } = { destination: f[0] ?? '' };
    const via = f.indexOf('via');
    if (via >= 0 && f[via + 1]) r.via = f[via + 1]!;
    const dev = f.indexOf('dev');
    if (dev >= 0 && f[dev + 1]) r.dev = f[dev + 1]!;
    return r;
  });
  const sysctl = new Map<string, string>();
  for (const line of s.get('sysctl') ?? []) {
    const m = /^\/proc\/sys\/(.+)=(.*)$/.exec(line);
    if (m) sysctl.set(m[1]!.replace(/\//g, '.'), m[2]!.trim());
  }
  const ipvsLines = s.get('ipvsadm') ?? [];
  let ipvs: string[] | null = ipvsLines.map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l !== '');
  let ipvsError: string | undefined;
  if (ipvs[0] === '@absent') ipvs = null;
  else {
    const e = ipvs.find((l) => l.startsWith('@error'));
    if (e) {
      ipvsError = ipvs.filter((l) => !l.startsWith('@error')).join(' ') || e;
      ipvs = null;
    }
  }
  const files = new Map<string, string>();
  for (const line of s.get('files') ?? []) {
    const m = /^([0-9a-f]{64})\s+\.\/(.+)$/.exec(line);
    if (m) files.set(m[2]!, m[1]!);
  }
  const uidText = (s.get('uid') ?? [])[0];
  return {
    uid: uidText !== undefined && /^\d+$/.test(uidText) ? Number(uidText) : null,
    kernel: (s.get('kernel') ?? [])[0] ?? '',
    addresses,
    routes,
    sysctl,
    ipvs,
    ...(ipvsError !== undefined ? { ipvsError } : {}),
    files,
    tools: s.get('tools') ?? [],
  };
}

/** `key = value` lines of a sysctl.d file, keys in dotted form. */
export function parseSysctlConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^-?\s*([A-Za-z0-9_.\-/]+)\s*=\s*(.*)$/.exec(line);
    if (m) out.set(m[1]!.replace(/\//g, '.'), m[2]!.trim());
  }
  return out;
}

/** Rule lines of an `ipvsadm -S -n`/`ipvsadm -R` file, normalised like the state read-out. */
export function parseIpvsRules(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '' && !l.startsWith('#') && /^-[AaEe]\b/.test(l));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function normaliseDestination(d: string): string {
  return d === '0.0.0.0/0' ? 'default' : d;
}

/** Sysctls the design sets for this host, from the model (used when no sysctl.d file is generated). */
function modelSysctls(host: Host): Map<string, string> {
  const out = new Map<string, string>();
  const hs = host.sysctl;
  if (hs?.ipForward !== undefined) out.set('net.ipv4.ip_forward', hs.ipForward ? '1' : '0');
  if (hs?.arpIgnore !== undefined) out.set('net.ipv4.conf.all.arp_ignore', String(hs.arpIgnore));
  if (hs?.arpAnnounce !== undefined) out.set('net.ipv4.conf.all.arp_announce', String(hs.arpAnnounce));
  if (hs?.rpFilter !== undefined) out.set('net.ipv4.conf.all.rp_filter', String(hs.rpFilter));
  for (const f of host.interfaces) {
    const s = f.sysctl;
    if (s?.arpIgnore !== undefined) out.set(`net.ipv4.conf.${f.name}.arp_ignore`, String(s.arpIgnore));
    if (s?.arpAnnounce !== undefined) out.set(`net.ipv4.conf.${f.name}.arp_announce`, String(s.arpAnnounce));
    if (s?.rpFilter !== undefined) out.set(`net.ipv4.conf.${f.name}.rp_filter`, String(s.rpFilter));
  }
  return out;
}

/** Shell words of one line (single-quoted or bare), enough for the generated call lines. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.replace(/\s#.*$/, '').matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return out;
}

/** What apply.sh sets: its `ensure_addr`, `set_sysctl` and `ensure_route` calls (null when it has none of those helpers). */
export function parseApplyScript(text: string): {
  addresses: { dev: string; cidr: string }[];
  sysctls: Map<string, string>;
  routes: { destination: string; via?: string; dev?: string }[];
} | null {
  if (!/^(ensure_addr|set_sysctl|ensure_route)\(\) \{/m.test(text)) return null;
  const addresses: { dev: string; cidr: string }[] = [];
  const sysctls = new Map<string, string>();
  const routes: { destination: string; via?: string; dev?: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const w = words(line);
    if (w[0] === 'ensure_addr' && w.length >= 3) addresses.push({ dev: w[1]!, cidr: w[2]! });
    else if (w[0] === 'set_sysctl' && w.length >= 3) sysctls.set(w[1]!, w[2]!);
    else if (w[0] === 'ensure_route' && w.length >= 2) {
      const r: { destination: string; via?: string; dev?: string } = { destination: normaliseDestination(w[1]!) };
      for (let i = 2; i + 1 < w.length; i += 2) {
        if (w[i] === 'via') r.via = w[i + 1]!;
        if (w[i] === 'dev') r.dev = w[i + 1]!;
      }
      routes.push(r);
    }
  }
  return { addresses, sysctls, routes };
}

/** The per-host diff: addresses, routes, sysctls, IPVS rules and generated files. */
export function diffHost(host: Host, files: readonly DeployFile[], state: HostState): HostChange[] {
  const changes: HostChange[] = [];
  const apply = files.find((f) => f.path === 'apply.sh');
  const fromScript = apply ? parseApplyScript(apply.content) : null;
  const wantedAddresses: { dev: string; cidr: string }[] = fromScript
    ? fromScript.addresses
    : host.interfaces.flatMap((f) => f.addresses.map((a) => ({ dev: f.name, cidr: a })));
  for (const { dev, cidr } of wantedAddresses) {
    const have = new Set((state.addresses.get(dev) ?? []).map((a) => a.toLowerCase()));
    const c = parseCidr(cidr);
    if (!c) continue;
    const text = `${c.address}/${c.prefix}`;
    if (!have.has(text)) changes.push({ kind: 'address', action: 'add', subject: `${dev} ${text}`, to: text });
  }
  const wanted: { destination: string; via?: string; dev?: string }[] = [];
  if (fromScript) wanted.push(...fromScript.routes);
  else {
    if (host.gateway) wanted.push({ destination: 'default', via: host.gateway });
    for (const r of host.routes ?? [])
      wanted.push({ destination: normaliseDestination(r.destination), ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}) });
  }
  for (const w of wanted) {
    const same = state.routes.filter((r) => r.destination === w.destination);
    const exact = same.find((r) => (!w.via || r.via === w.via) && (!w.dev || r.dev === w.dev));
    const describe = (r: { via?: string; dev?: string }) => [r.via ? `via ${r.via}` : '', r.dev ? `dev ${r.dev}` : ''].filter(Boolean).join(' ');
    if (exact) continue;
    if (same[0]) changes.push({ kind: 'route', action: 'change', subject: w.destination, from: describe(same[0]), to: describe(w) });
    else changes.push({ kind: 'route', action: 'add', subject: w.destination, to: describe(w) });
  }
  const sysctlFile = files.find((f) => f.path.startsWith('sysctl.d/'));
  const sysctls = fromScript ? fromScript.sysctls : sysctlFile ? parseSysctlConf(sysctlFile.content) : modelSysctls(host);
  for (const [key, value] of sysctls) {
    if (!key.startsWith('net.')) continue;
    const have = state.sysctl.get(key);
    // An interface the host does not have yet shows up as a sysctl it cannot read: apply.sh decides.
    if (have === undefined) changes.push({ kind: 'sysctl', action: 'add', subject: key, to: value });
    else if (have !== value) changes.push({ kind: 'sysctl', action: 'change', subject: key, from: have, to: value });
  }
  const rulesFile = files.find((f) => f.path === 'ipvsadm.rules');
  if (rulesFile) {
    const want = parseIpvsRules(rulesFile.content);
    const have = state.ipvs ?? [];
    const haveSet = new Set(have);
    const wantSet = new Set(want);
    for (const r of want) if (!haveSet.has(r)) changes.push({ kind: 'ipvs', action: 'add', subject: r });
    for (const r of have) if (!wantSet.has(r) && /^-[Aa]\b/.test(r)) changes.push({ kind: 'ipvs', action: 'remove', subject: r });
  }
  const seen = new Set<string>();
  for (const f of files) {
    seen.add(f.path);
    const have = state.files.get(f.path);
    if (have === undefined) changes.push({ kind: 'file', action: 'add', subject: f.path });
    else if (have !== sha256(f.content)) changes.push({ kind: 'file', action: 'change', subject: f.path });
  }
  for (const p of state.files.keys()) if (!seen.has(p)) changes.push({ kind: 'file', action: 'remove', subject: p });
  return changes;
}

/**
 * What the plan says about the keepalived and boot-unit steps of apply.sh, and the reason to refuse
 * the host when keepalived owns its IPVS table, is missing and may not be installed.
 */
export function keepalivedPlan(files: readonly DeployFile[], state: HostState, installAllowed: boolean): { notes: string[]; refuse?: string } {
  const apply = files.find((f) => f.path === 'apply.sh')?.content ?? '';
  const notes: string[] = [];
  let refuse: string | undefined;
  if (/^KA_HOST=/m.test(apply)) {
    if (!state.tools.includes('keepalived')) {
      if (installAllowed) notes.push('keepalived is not installed on this host: apply installs it first (--install-keepalived)');
      else
        refuse =
          'keepalived owns the IPVS table of this director but is not installed on the host; nothing will be changed here (allow the install: --install-keepalived)';
    }
    notes.push(
      'keepalived: apply checks the new keepalived.conf with keepalived -t on the host before any change, installs it (the previous one goes into the snapshot) and reloads keepalived (never a restart); verify reads back the IPVS table keepalived builds; rollback restores the previous keepalived.conf and reloads',
    );
  }
  const daemons = [...apply.matchAll(/^\s*lvs_ipvsadm (--start-daemon (?:master|backup) --mcast-interface \S+ --syncid \d+)$/gm)].map((m) => `ipvsadm ${m[1]}`);
  if (daemons.length > 0) {
    notes.push(
      `connection sync (plain mode): apply runs ${daemons.join('; ')} when the running daemons differ (ipvsadm --stop-daemon first); verify reads them back with ipvsadm -L --daemon; rollback stops them and starts the ones that ran before`,
    );
  }
  if (/^\s*sh "\$HERE\/boot\/install\.sh"$/m.test(apply)) {
    notes.push(
      'boot unit lvs-designer-boot.service: apply runs boot/install.sh (enabled at boot); rollback restores the previous unit, or runs boot/remove.sh when there was none',
    );
  }
  return refuse === undefined ? { notes } : { notes, refuse };
}
