/**
 * `lvsd status FILE [--watch] [--json] [--interval S]`: the live view as a table (or JSON) — polls
 * every host of the design with an SSH endpoint once (or every S seconds with --watch) using the
 * same read-only command as the app. Only host keys already trusted (by `lvsd deploy` or the app)
 * are accepted; nothing is asked. Exit 0: all well; 1: something needs attention (unreachable host,
 * VIP down or split, drift); 2: bad usage or unreadable design.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDesign } from '../loadDesign.ts';
import { formatLiveStatus, liveNeedsAttention } from '../../../shared/live/table.ts';
import { LivePoller } from '../../services/live/poller.ts';
import { hostDetails } from '../../services/live/service.ts';
import { KnownHosts } from '../../services/ssh/hostkeys.ts';
import { MemorySecretStore } from '../../services/secrets/store.ts';
import type { CliCommand } from '../io.ts';
import { EXIT } from '../io.ts';
import { defaultKnownHosts } from './deploy.ts';

const USAGE = 'usage: lvsd status FILE [--watch] [--json] [--interval SECONDS] [--known-hosts FILE] [--identity FILE]\n';

export const run: CliCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        watch: { type: 'boolean', short: 'w', default: false },
        json: { type: 'boolean', default: false },
        interval: { type: 'string' },
        'known-hosts': { type: 'string' },
        identity: { type: 'string', short: 'i' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.stderr(`lvsd status: ${(e as Error).message}\n${USAGE}`);
    return EXIT.unusable;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) {
    io.stderr(`lvsd status: expected exactly one design FILE\n${USAGE}`);
    return EXIT.unusable;
  }
  const seconds = v.interval === undefined ? 2 : Number(v.interval);
  if (!Number.isFinite(seconds) || seconds < 0.5 || seconds > 600) {
    io.stderr('lvsd status: --interval takes seconds between 0.5 and 600\n');
    return EXIT.unusable;
  }
  const design = await loadDesign('status', parsed.positionals[0]!, io);
  if (!design) return EXIT.unusable;
  const t = design.topology;
  if (!t.hosts.some((h) => h.ssh)) {
    io.stderr('lvsd status: no host of this design has an SSH endpoint (set "ssh" on the hosts, or run lvsd lab up FILE)\n');
    return EXIT.unusable;
  }
  const poller = new LivePoller(t, {
    knownHosts: new KnownHosts(resolve(v['known-hosts'] ?? defaultKnownHosts()), [join(homedir(), '.ssh', 'known_hosts')]),
    secrets: new MemorySecretStore(),
    intervalMs: seconds * 1000,
    ...(v.identity ? { identity: resolve(v.identity) } : {}),
  });
  const show = (): boolean => {
    const view = poller.view();
    const hosts = hostDetails(poller.observations());
    if (v.json) io.stdout(JSON.stringify({ view, hosts }) + '\n');
    else io.stdout((v.watch && process.stdout.isTTY ? '\x1b[H\x1b[2J' : '') + formatLiveStatus(t, view, hosts));
    return liveNeedsAttention(t, view);
  };
  if (!v.watch) {
    await poller.pollOnce();
    poller.stop();
    return show() ? EXIT.problems : EXIT.ok;
  }
  // --watch: one full round, then redraw every interval until Ctrl+C.
  await poller.pollOnce();
  poller.start();
  show();
  await new Promise<void>((done) => {
    const timer = setInterval(show, seconds * 1000);
    const stop = (): void => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  poller.stop();
  return EXIT.ok;
};
