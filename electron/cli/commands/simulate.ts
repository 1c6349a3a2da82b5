/**
 * `lvsd simulate FILE --service VIP:PORT [--client ID] [--sport N] [--seed N] [--real-server ID]
 * [--previous N] [--reply-bytes N] [--down ID,… [--how silent|refused] [--since S] [--expire-nodest-conn]]
 * [--json] [--lang en|zh]` — traces one request and its reply through the design and prints every
 * step; with `--down` the real servers listed are dead, `--since` seconds ago (keepalived's timing).
 * Exit 0: the exchange works; 1: the flow breaks or meets a dead server (the reason is printed);
 * 2: bad usage or unreadable file.
 */
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { intOption, parseCommandLine } from '../options.ts';
import { loadDesign } from '../loadDesign.ts';
import { withVrrpHolders } from '../../../shared/model/ha.ts';
import type { HeaderStack, Lang, PacketPlace, Trace, TraceStep } from '../../../shared/simulator/index.ts';
import { outcomeCode, resolveService, simulate } from '../../../shared/simulator/index.ts';
import { hostId, realServerId } from '../../../shared/model/ids.ts';

const USAGE =
  'usage: lvsd simulate FILE --service VIP:PORT|ID [--client HOST] [--sport N] [--seed N] [--real-server ID] [--previous N] [--reply-bytes N] [--down ID,... [--how silent|refused] [--since SECONDS] [--expire-nodest-conn]] [--json] [--lang en|zh]\n';

/** Interface id → Linux name, so places read `director/eth0`. */
type Names = ReadonlyMap<string, string>;

function place(p: PacketPlace, names: Names): string {
  if (p.kind === 'host') return p.iface ? `${p.host}/${names.get(p.iface) ?? p.iface}` : p.host;
  return `${p.segment}: ${p.from.host} → ${p.to ? p.to.host : '*'}`;
}

function l2(h: HeaderStack | null): string {
  return h?.eth ? `${h.eth.src} → ${h.eth.dst}` : '';
}

function l3(h: HeaderStack | null): string {
  if (!h) return '';
  if (h.arp) return h.arp.op === 'request' ? `ARP who-has ${h.arp.targetIp} tell ${h.arp.senderIp}` : `ARP ${h.arp.senderIp} is-at ${h.arp.senderMac}`;
  if (!h.ip) return '';
  const inner = `${h.ip.src} → ${h.ip.dst} ttl ${h.ip.ttl}`;
  return h.outer ? `[IPIP ${h.outer.src} → ${h.outer.dst} ttl ${h.outer.ttl}] ${inner}` : inner;
}

function l4(h: HeaderStack | null): string {
  return h?.l4 ? `${h.l4.protocol} ${h.l4.sport} → ${h.l4.dport}` : '';
}

function what(s: TraceStep): string {
  return s.hook ? `${s.kind === 'hook' ? '' : `${s.kind} `}${s.hook}` : s.kind;
}

/** Formats a trace as an aligned text table followed by the outcome. */
export function formatTrace(t: Trace, lang: Lang, names: Names = new Map()): string {
  const head = ['#', 'art', 'place', 'L2', 'L3', 'L4', 'change', 'event', lang === 'zh' ? '说明' : 'narration'];
  const rows = t.steps.map((s) => [
    String(s.index),
    s.articleStep ? `(${s.articleStep})` : '',
    place(s.place, names),
    l2(s.packet),
    l3(s.packet),
    l4(s.packet),
    s.changed.join(','),
    what(s),
    `${s.severity === 'error' ? '✗ ' : s.severity === 'warning' ? '! ' : ''}${s.narration[lang]}`,
  ]);
  const widths = head.map((h, i) => (i === head.length - 1 ? 0 : Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (t.service)
    out.push(`${t.service.protocol.toUpperCase()} ${t.service.vip}:${t.service.port} (${t.service.scheduler}) from ${t.flow.client}, seed ${t.seed}`);
  out.push(line(head));
  for (const r of rows) out.push(line(r));
  out.push('');
  if (t.conn) out.push(`IPVS connection: ${t.conn.ipvsadm}`);
  for (const w of t.warnings) out.push(`warning [${w.fault}]: ${w.narration[lang]}`);
  if (t.bytes.length > 0) out.push(`bytes: ${t.bytes.map((b) => `${b.host} rx ${b.rx} tx ${b.tx}${b.forwarded ? ` fwd ${b.forwarded}` : ''}`).join('; ')}`);
  out.push(
    t.outcome.status === 'ok'
      ? `OK: ${t.outcome.narration[lang]}`
      : `${t.outcome.status === 'failed' ? 'FAILED' : 'BROKEN'} [${outcomeCode(t.outcome)}]: ${t.outcome.narration[lang]}`,
  );
  return `${out.join('\n')}\n`;
}

export const run: CliCommand = async (argv, io) => {
  const parsed = parseCommandLine(
    {
      command: 'simulate',
      usage: USAGE,
      options: {
        service: { type: 'string' },
        client: { type: 'string' },
        sport: { type: 'string' },
        seed: { type: 'string' },
        'real-server': { type: 'string' },
        'reply-bytes': { type: 'string' },
        previous: { type: 'string' },
        down: { type: 'string' },
        how: { type: 'string', default: 'silent' },
        since: { type: 'string' },
        'expire-nodest-conn': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        lang: { type: 'string', default: 'en' },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const [file, ...extra] = parsed.positionals;
  const usageError = parsed.usageError;
  if (file === undefined) return usageError('missing FILE');
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0]}"`);
  if (v.service === undefined) return usageError('missing --service VIP:PORT');
  if (v.lang !== 'en' && v.lang !== 'zh') return usageError(`--lang must be en or zh, not "${v.lang}"`);
  const sport = intOption(v.sport, 1, 65535);
  const seed = intOption(v.seed, 0, 0xffffffff);
  const replyBytes = intOption(v['reply-bytes'], 40, 1 << 30);
  if (Number.isNaN(sport)) return usageError('--sport must be a port 1..65535');
  if (Number.isNaN(seed)) return usageError('--seed must be an integer 0..4294967295');
  if (Number.isNaN(replyBytes)) return usageError('--reply-bytes must be an integer ≥ 40');
  const previous = intOption(v.previous, 0, 100_000);
  if (Number.isNaN(previous)) return usageError('--previous must be an integer 0..100000');
  if (v.how !== 'silent' && v.how !== 'refused') return usageError(`--how must be silent or refused, not "${v.how}"`);
  const since = intOption(v.since, 0, 86_400);
  if (Number.isNaN(since)) return usageError('--since must be whole seconds 0..86400');
  const down =
    v.down === undefined
      ? []
      : v.down
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
  const design = await loadDesign('simulate', file, io);
  if (!design) return EXIT.unusable;
  // HA groups: simulate the steady state, the master holding the group's addresses.
  const topology = withVrrpHolders(design.topology);
  const service = resolveService(topology, v.service);
  if (!service) {
    const known = topology.services.map((s) => `${s.vip}:${s.port} (${s.id})`).join(', ') || 'none';
    io.stderr(`lvsd simulate: no virtual service "${v.service}" in ${file}; services: ${known}\n`);
    return EXIT.unusable;
  }
  const clientId = v.client ?? topology.hosts.find((h) => h.role === 'client')?.id;
  if (clientId === undefined) {
    io.stderr(`lvsd simulate: ${file} has no host with role "client"; pass --client HOST\n`);
    return EXIT.unusable;
  }
  if (!topology.hosts.some((h) => h.id === clientId)) {
    io.stderr(`lvsd simulate: no host "${clientId}" in ${file}; hosts: ${topology.hosts.map((h) => h.id).join(', ')}\n`);
    return EXIT.unusable;
  }
  if (v['real-server'] !== undefined && !service.realServers.some((r) => r.id === v['real-server'])) {
    io.stderr(
      `lvsd simulate: service ${service.id} has no real server "${v['real-server']}"; real servers: ${service.realServers.map((r) => r.id).join(', ') || 'none'}\n`,
    );
    return EXIT.unusable;
  }
  const unknown = down.find((id) => !service.realServers.some((r) => r.id === id));
  if (unknown !== undefined) {
    io.stderr(
      `lvsd simulate: --down: service ${service.id} has no real server "${unknown}"; real servers: ${service.realServers.map((r) => r.id).join(', ') || 'none'}\n`,
    );
    return EXIT.unusable;
  }
  const trace = simulate(
    topology,
    {
      client: hostId(clientId),
      service: service.id,
      ...(sport !== undefined ? { sport } : {}),
      ...(v['real-server'] !== undefined ? { realServer: realServerId(v['real-server']) } : {}),
      ...(replyBytes !== undefined ? { replyBytes } : {}),
      ...(previous !== undefined ? { previousConnections: previous } : {}),
    },
    {
      seed: seed ?? 1,
      ...(down.length > 0
        ? { failure: { down: down.map(realServerId), mode: v.how, since: since ?? 0, ...(v['expire-nodest-conn'] ? { expireNodestConn: true } : {}) } }
        : {}),
    },
  );
  const names = new Map(topology.hosts.flatMap((h) => h.interfaces.map((f) => [f.id, f.name] as const)));
  io.stdout(v.json ? `${JSON.stringify(trace, null, 2)}\n` : formatTrace(trace, v.lang, names));
  return trace.outcome.status === 'ok' ? EXIT.ok : EXIT.problems;
};
