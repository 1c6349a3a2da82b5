// The renderer's browser-mode client (renderer/bridge) against a real `lvsd serve` server:
// every FilesApi method over HTTP, errors as BridgeRequestError, pushes over the WebSocket,
// and the token hand-over from the URL fragment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket as NodeWebSocket } from 'ws';
import { createBridge } from '../../../electron/services/bridge/index.ts';
import { startServer } from '../../../electron/services/server/server.ts';
import type { RunningServer } from '../../../electron/services/server/server.ts';
import { BridgeRequestError, createHttpBridge } from '../../../renderer/bridge/httpBridge.ts';
import { TOKEN_STORAGE_KEY, takeToken } from '../../../renderer/bridge/token.ts';
import { backendNeedsToken } from '../../../renderer/bridge/index.ts';
import type { LvsBridge, RecentFile } from '../../../shared/ipc/contract.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { DesignFile } from '../../../shared/model/types.ts';
import { withDeadline } from '../../support/deadline.ts';

const TOKEN = 'client-test-token';
let dir: string;
let server: RunningServer;
let bridge: LvsBridge;
let example: DesignFile;
/** Resolved when the client's push socket is open (a push sent before that would be lost). */
let socketOpen: Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-client-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html>');
  const parsed = parseDesignFile(await readFile('examples/tun-lab.lvs.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  example = parsed.value;
  const backend = await createBridge({ dataDir: join(dir, 'data') });
  server = await startServer({ port: 0, token: TOKEN, staticDir: join(dir, 'static'), registry: backend.registry, events: backend.events });
  let opened: () => void = () => undefined;
  socketOpen = new Promise<void>((r) => (opened = r));
  // Node 20 has no global WebSocket; `ws` speaks the same protocol. This one also says when it opens.
  class ObservedWebSocket extends NodeWebSocket {
    constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
      super(...args);
      this.once('open', () => opened());
    }
  }
  bridge = createHttpBridge({
    token: TOKEN,
    baseUrl: `http://127.0.0.1:${server.port}`,
    WebSocket: ObservedWebSocket as unknown as typeof WebSocket,
  });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('renderer/bridge HTTP client', () => {
  it('is a browser bridge with every files verb', () => {
    expect(bridge.kind).toBe('browser');
    expect(typeof bridge.files.saveAs).toBe('function');
    expect(typeof bridge.deploy.available).toBe('function');
  });

  it('round-trips a design: saveAs, list, openNamed, save, recent, autosave, recover', async () => {
    const saved = await bridge.files.saveAs(example, 'tun');
    expect(saved.ok).toBe(true);
    expect((await bridge.files.list()).map((d) => d.name)).toEqual(['tun.lvs.json']);
    const opened = await bridge.files.openNamed('tun.lvs.json');
    expect(opened.ok && opened.value.file).toEqual(example);
    const changed = { ...example, topology: { ...example.topology, name: 'changed' } };
    expect((await bridge.files.save('tun.lvs.json', changed)).ok).toBe(true);
    expect((await bridge.files.recent()).map((r) => r.handle)).toEqual(['tun.lvs.json']);
    expect(await bridge.files.autosave(changed, 'tun.lvs.json')).toEqual({ ok: true, value: true });
    expect((await bridge.files.recover())?.file.topology.name).toBe('changed');
    await bridge.files.clearAutosave();
    expect(await bridge.files.recover()).toBeNull();
    expect(await bridge.deploy.available()).toBe(true);
  });

  it('returns expected failures as Result values and refused requests as rejections', async () => {
    const open = await bridge.files.open();
    expect(open.ok).toBe(false);
    const hostile = await bridge.files.importText('x.lvs.json', '{"format":"lvs-designer","formatVersion":99}');
    expect(hostile.ok).toBe(false);
    const bad = bridge.files.save('tun.lvs.json', { format: 'nope' } as unknown as DesignFile);
    await expect(bad).rejects.toBeInstanceOf(BridgeRequestError);
    await expect(bad).rejects.toMatchObject({ status: 400 });
    const stranger = createHttpBridge({ token: 'some-other-token', baseUrl: `http://127.0.0.1:${server.port}` });
    await expect(stranger.files.list()).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/token/) });
  });

  it('delivers pushes to listeners and stops after unsubscribe', async () => {
    const got: (readonly RecentFile[])[] = [];
    let resolveFirst: () => void = () => undefined;
    const first = new Promise<void>((r) => (resolveFirst = r));
    const off = bridge.events.on('files:recent', (recent) => {
      got.push(recent);
      resolveFirst();
    });
    // The first listener opens the socket; once it is open, one save is pushed.
    await withDeadline(socketOpen, 10_000, 'the push socket to open');
    await bridge.files.saveAs(example, 'pushed', { overwrite: true });
    await withDeadline(first, 10_000, 'the files:recent push after a save');
    expect(got[0]?.[0]?.handle).toBe('pushed.lvs.json');
    off();
    expect(() => bridge.events.on('no:such' as 'files:recent', () => undefined)).toThrow(/unknown event/);
  });
});

describe('renderer/bridge without a token', () => {
  it('recognises lvsd serve opened without its token, and no backend at all', async () => {
    expect(await backendNeedsToken(`http://127.0.0.1:${server.port}`)).toBe(true);
    // Port 9 (discard) on loopback: nothing listens there.
    expect(await backendNeedsToken('http://127.0.0.1:9')).toBe(false);
  });
});

describe('renderer/bridge token hand-over', () => {
  const env = (hash: string) => {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    return {
      store,
      replaced,
      env: {
        location: { hash, pathname: '/', search: '' },
        storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
        history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      },
    };
  };

  it('moves the token from the fragment to sessionStorage and out of the address bar', () => {
    const e = env('#token=abcdefgh1234&view=config');
    expect(takeToken(e.env)).toBe('abcdefgh1234');
    expect(e.store.get(TOKEN_STORAGE_KEY)).toBe('abcdefgh1234');
    expect(e.replaced).toEqual(['/#view=config']);
  });

  it('falls back to sessionStorage, and refuses malformed tokens', () => {
    const e = env('');
    expect(takeToken(e.env)).toBeNull();
    e.store.set(TOKEN_STORAGE_KEY, 'stored-token-1');
    expect(takeToken(e.env)).toBe('stored-token-1');
    const bad = env('#token=%3Cscript%3E');
    expect(takeToken(bad.env)).toBeNull();
    expect(bad.replaced).toEqual(['/']);
  });
});
