// The browser-mode server in-process on a random port: token, Host/Origin checks, static serving,
// body limit, payload validation, the open/save round trip and the event WebSocket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createBridge } from '../../../electron/services/bridge/index.ts';
import { startServer } from '../../../electron/services/server/server.ts';
import type { RunningServer } from '../../../electron/services/server/server.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { DesignFile } from '../../../shared/model/types.ts';

const TOKEN = 'test-token-0123456789';
let dir: string;
let server: RunningServer;
let port: number;
let example: DesignFile;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, opts: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { Host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const api = (verb: string, args: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  send('POST', `/api/files/${verb}`, {
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(args),
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-serve-'));
  await mkdir(join(dir, 'static', 'assets'), { recursive: true });
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>LVS Designer</title>');
  await writeFile(join(dir, 'static', 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(dir, 'secret.txt'), 'outside the static root');
  const parsed = parseDesignFile(await readFile('examples/nat-lab.lvs.json', 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  example = parsed.value;
  const bridge = await createBridge({ dataDir: join(dir, 'data') });
  server = await startServer({
    port: 0,
    token: TOKEN,
    staticDir: join(dir, 'static'),
    registry: bridge.registry,
    events: bridge.events,
    maxBodyBytes: 64 * 1024,
  });
  port = server.port;
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('lvsd serve: binding and static files', () => {
  it('listens on 127.0.0.1 only and prints the token in the fragment', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${TOKEN}`);
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (other) {
      const outcome = await new Promise<string>((resolve) => {
        const s = connect(port, other.address);
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(outcome).toBe('ECONNREFUSED');
    }
  });

  it('serves index.html and assets with the security headers', async () => {
    const res = await send('GET', '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('LVS Designer');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const js = await send('GET', '/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses directory traversal', async () => {
    for (const path of ['/../package.json', '/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/assets']) {
      const res = await send('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain('outside the static root');
    }
  });
});

describe('lvsd serve: who may call the API', () => {
  it('answers 401 without a token or with a wrong one', async () => {
    const none = await send('POST', '/api/files/list', { headers: { 'Content-Type': 'application/json' }, body: '[]' });
    expect(none.status).toBe(401);
    const wrong = await api('list', [], { Authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
  });

  it('answers 403 to a foreign Origin, even with the token', async () => {
    const res = await api('list', [], { Origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    const own = await api('list', [], { Origin: `http://127.0.0.1:${port}` });
    expect(own.status).toBe(200);
  });

  it('answers 403 to a foreign Host (DNS rebinding)', async () => {
    const res = await api('list', [], { Host: `rebind.example:${port}` });
    expect(res.status).toBe(403);
    const page = await send('GET', '/', { headers: { Host: 'rebind.example' } });
    expect(page.status).toBe(403);
  });

  it('answers 413 to an oversize body and 415 to a non-JSON content type', async () => {
    const big = await api('importText', ['big.lvs.json', 'x'.repeat(100 * 1024)]);
    expect(big.status).toBe(413);
    const form = await send('POST', '/api/files/list', { headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'text/plain' }, body: '[]' });
    expect(form.status).toBe(415);
  });

  it('answers 400 with the field path to a bad payload', async () => {
    const bad = { ...example, topology: { ...example.topology, hosts: [{ ...example.topology.hosts[0], id: 'bad id!' }] } };
    const res = await api('saveAs', [bad, 'x']);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path)).toContain('args[0].topology.hosts[0].id');
    expect((await api('list', { not: 'an array' })).status).toBe(400);
    expect((await api('openNamed', [42])).status).toBe(400);
    expect(
      (await send('POST', '/api/files/nope', { headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' }, body: '[]' })).status,
    ).toBe(404);
  });
});

describe('lvsd serve: files over HTTP', () => {
  it('saves, lists and reopens a design (round trip)', async () => {
    const saved = await api('saveAs', [example, 'round trip']);
    expect(saved.status).toBe(200);
    const value = (JSON.parse(saved.body) as { value: { ok: boolean; value: { handle: string } } }).value;
    expect(value.ok).toBe(true);
    expect(value.value.handle).toBe('round trip.lvs.json');
    const list = JSON.parse((await api('list', [])).body) as { value: { name: string }[] };
    expect(list.value.map((d) => d.name)).toContain('round trip.lvs.json');
    const opened = JSON.parse((await api('openNamed', ['round trip.lvs.json'])).body) as { value: { ok: true; value: { file: DesignFile } } };
    expect(opened.value.value.file).toEqual(example);
    const again = JSON.parse((await api('saveAs', [example, 'round trip'])).body) as { value: { ok: false; error: string } };
    expect(again.value.error).toMatch(/^exists:/);
  });

  it('turns a hostile upload into a clear error and stores nothing', async () => {
    const before = JSON.parse((await api('list', [])).body) as { value: unknown[] };
    const res = JSON.parse((await api('importText', ['evil.lvs.json', '{"format":"lvs-designer","formatVersion":2,"topology":{"__proto__":{}}}'])).body) as {
      value: { ok: false; error: string };
    };
    expect(res.value.ok).toBe(false);
    expect(res.value.error).toMatch(/^evil\.lvs\.json: /);
    const after = JSON.parse((await api('list', [])).body) as { value: unknown[] };
    expect(after.value).toHaveLength(before.value.length);
  });

  it('pushes files:recent over the WebSocket only with the token', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, ['lvs.v1', 'bearer.wrong-token']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(401);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, ['lvs.v1', `bearer.${TOKEN}`]);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    expect(ws.protocol).toBe('lvs.v1');
    const message = new Promise<{ event: string; payload: { handle: string }[] }>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    await api('saveAs', [example, 'pushed', { overwrite: true }]);
    const msg = await message;
    expect(msg.event).toBe('files:recent');
    expect(msg.payload[0]?.handle).toBe('pushed.lvs.json');
    ws.close();
  });
});
