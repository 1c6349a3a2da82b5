/**
 * `lvsd serve` — runs LVS Designer in a browser: the built renderer plus the bridge over
 * HTTP/WebSocket on 127.0.0.1, guarded by a random per-run token. Runs until SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CliCommand, CliIO } from '../io.ts';
import { EXIT } from '../io.ts';
import { parseCommandLine } from '../options.ts';
import { deferBridge } from '../../services/bridge/background.ts';
import { LOOPBACK, startServer } from '../../services/server/server.ts';
import type { RunningServer } from '../../services/server/server.ts';
import { TOKEN_PATTERN } from '../../services/server/security.ts';
import { defaultDataDir } from '../../services/server/dataDir.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const USAGE = `usage: lvsd serve [--port N] [--host 127.0.0.1] [--token-file FILE|-] [--data-dir DIR] [--static-dir DIR] [--open]

  --port N         TCP port (default 0: a free one)
  --host ADDR      only 127.0.0.1 is accepted: the server is for this machine only
  --token-file F   read the access token from F (mode 0600 or stricter) or from stdin (-);
                   default: 32 random bytes, new every run
  --token T        the same on the command line (other local users can read it in /proc: avoid)
  --data-dir DIR   designs, recent files and the recovery copy (default ${defaultDataDir()})
  --static-dir DIR the built renderer (default dist/renderer)
  --open           open the address in the default browser (best effort)
`;

/**
 * Opens `url` with the desktop's opener if one is installed; never fails the command. The address
 * carries the access token, and an opener's command line is readable by every local user
 * (/proc/PID/cmdline): so the opener gets a file:// page in a private temp directory (0700, file
 * 0600) that redirects to the address, and the page is deleted a minute later.
 */
function openBrowser(url: string, io: CliIO): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? null : 'xdg-open';
  const onPath = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, opener ?? '')));
  if (process.platform !== 'win32' && (!opener || !onPath)) {
    io.stdout(`(no ${opener ?? 'browser opener'} found: open the address above yourself)\n`);
    return;
  }
  const page = writeRedirectPage(url);
  const target = pathToFileURL(page.file).href;
  const child =
    process.platform === 'win32'
      ? spawn('cmd', ['/c', 'start', '', target], { detached: true, stdio: 'ignore' })
      : spawn(opener!, [target], { detached: true, stdio: 'ignore' });
  child.on('error', () => io.stdout('(could not open a browser: open the address above yourself)\n')).unref();
  setTimeout(page.remove, 60_000).unref();
  process.once('exit', page.remove);
}

/** A private page that sends the browser on to `url` (the token never appears on a command line). */
export function writeRedirectPage(url: string): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-open-'));
  const file = join(dir, 'open.html');
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attr}"><title>LVS Designer</title><script>location.replace(${JSON.stringify(url).replace(/</g, '\\u003c')})</script><a href="${attr}">LVS Designer</a>\n`,
    { mode: 0o600 },
  );
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Reads the token from a private file, or stdin for `-`; a string explains a refusal. */
function readTokenFile(path: string): { token: string } | string {
  try {
    if (path === '-') return { token: readFileSync(0, 'utf8').trim() };
    const st = statSync(path);
    if ((st.mode & 0o077) !== 0) return `--token-file ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)}): chmod 600 it`;
    return { token: readFileSync(path, 'utf8').trim() };
  } catch (e) {
    return `cannot read --token-file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

export interface ServeHandle {
  readonly server: RunningServer;
  readonly dataDir: string;
  /**
   * Settles when the bridge's services are built: the port opens before that (the browser starts
   * loading the page meanwhile) and an API call waits for them. Rejects with the reason they could not be.
   */
  readonly ready: Promise<unknown>;
  /** Stops every live-view session (their SSH connections) and powers off a lab VM this server booted. */
  readonly closeLive: () => Promise<void>;
}

/**
 * Builds the renderer into dist/renderer with Vite, as `npm start` does on first use (right after
 * `npm ci` nothing is built yet). Returns null on success, else why it failed.
 */
export function buildRendererWithVite(io: CliIO): string | null {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) return `Vite is not installed (${vite} is missing): run npm ci`;
  io.stderr('lvsd serve: the renderer is not built yet: building it now (vite build, about a minute)…\n');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.error) return built.error.message;
  return built.status === 0 ? null : `vite build exited with ${built.status ?? built.signal}`;
}

/**
 * Parses the arguments and starts the server; the CLI waits for a signal afterwards. When the
 * default renderer directory is missing it is built first (`build`, replaceable for tests); a
 * missing `--static-dir` given by the user is refused instead.
 */
export async function startServe(
  argv: readonly string[],
  io: CliIO,
  {
    build = buildRendererWithVite,
    defaultStaticDir = join(REPO_ROOT, 'dist', 'renderer'),
  }: { build?: (io: CliIO) => string | null; defaultStaticDir?: string } = {},
): Promise<ServeHandle | number> {
  const parsed = parseCommandLine(
    {
      command: 'serve',
      usage: USAGE,
      positionals: false,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: LOOPBACK },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'data-dir': { type: 'string' },
        'static-dir': { type: 'string' },
        open: { type: 'boolean', default: false },
        'no-open': { type: 'boolean', default: false },
      },
    },
    argv,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.host !== LOOPBACK) {
    io.stderr(
      `lvsd serve: refusing --host ${values.host}: the designer is served on ${LOOPBACK} only (it can read and write your designs and deploy over SSH)\n`,
    );
    return EXIT.unusable;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    io.stderr(`lvsd serve: --port must be 0..65535, got "${values.port}"\n`);
    return EXIT.unusable;
  }
  if (values.token !== undefined && values['token-file'] !== undefined) {
    io.stderr('lvsd serve: give --token-file or --token, not both\n');
    return EXIT.unusable;
  }
  let fromFile: string | undefined;
  if (values['token-file'] !== undefined) {
    const r = readTokenFile(values['token-file']);
    if (typeof r === 'string') {
      io.stderr(`lvsd serve: ${r}\n`);
      return EXIT.unusable;
    }
    fromFile = r.token;
  }
  if (values.token !== undefined)
    io.stderr(
      'lvsd serve: warning: --token puts the token on the command line, where other local users can read it (/proc/PID/cmdline); use --token-file FILE or --token-file - (stdin)\n',
    );
  const token = fromFile ?? values.token ?? randomBytes(32).toString('hex');
  if (!TOKEN_PATTERN.test(token)) {
    io.stderr('lvsd serve: the token (--token / --token-file) must be 8..256 characters of A-Z a-z 0-9 . _ ~ -\n');
    return EXIT.unusable;
  }
  const staticDir = resolve(values['static-dir'] ?? defaultStaticDir);
  if (values['static-dir'] === undefined && !existsSync(join(staticDir, 'index.html'))) {
    const failed = build(io);
    if (failed !== null) {
      io.stderr(`lvsd serve: could not build the renderer: ${failed}; run npm run build and look at its output\n`);
      return EXIT.unusable;
    }
  }
  if (!existsSync(join(staticDir, 'index.html'))) {
    io.stderr(`lvsd serve: the renderer is not built (${join(staticDir, 'index.html')} is missing): run npm run build\n`);
    return EXIT.unusable;
  }
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // The port opens first, then the services are built (see deferBridge).
  const bridge = deferBridge({ dataDir });
  let server: RunningServer;
  try {
    server = await startServer({
      port,
      token,
      staticDir,
      registry: bridge,
      events: bridge.events,
      log: (l) => io.stderr(`lvsd serve: ${l}\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${port} is already in use (try --port 0)` : (e as Error).message;
    io.stderr(`lvsd serve: cannot start: ${why}\n`);
    return EXIT.unusable;
  }
  io.stdout(
    `LVS Designer (browser mode) is running at\n\n  ${server.url}\n\ndesigns: ${join(dataDir, 'designs')}\nThe address carries this run's access token; press Ctrl+C to stop.\n`,
  );
  if (values.open && !values['no-open']) openBrowser(server.url, io);
  // Built now, while the browser opens the page (its first call waits if it comes sooner).
  return { server, dataDir, ready: bridge.start(), closeLive: () => bridge.close() };
}

export const run: CliCommand = async (argv, io) => {
  const started = await startServe(argv, io);
  if (typeof started === 'number') return started;
  const code = await new Promise<number>((done) => {
    let stopping = false;
    const stop = (exitCode: number): void => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void started
        .closeLive()
        .then(() => started.server.close())
        .then(() => done(exitCode));
    };
    const onSignal = (): void => stop(EXIT.ok);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // The services failed to build (an unwritable data folder, …): the page cannot work; say why and stop.
    started.ready.catch((e: unknown) => {
      io.stderr(`lvsd serve: cannot start: ${(e as Error).message}\n`);
      stop(EXIT.unusable);
    });
  });
  if (code === EXIT.ok) io.stdout('lvsd serve: stopped\n');
  return code;
};
