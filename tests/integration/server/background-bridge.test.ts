// The bridge built behind an open front end (Electron opens its window and `lvsd serve` its port first):
// calls made before the services exist wait for them; a failure reaches every call and the command.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deferBridge } from '../../../electron/services/bridge/background.ts';
import type { Bridge, BridgeOptions } from '../../../electron/services/bridge/index.ts';
import { createBridge } from '../../../electron/services/bridge/index.ts';
import { allChannels } from '../../../shared/ipc/channels.ts';
import { run } from '../../../electron/cli/commands/serve.ts';
import { EXIT } from '../../../electron/cli/io.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-bg-bridge-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html>');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deferBridge', () => {
  it('knows every channel at once and answers a call made before the services are built', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let built = false;
    const bridge = deferBridge({ dataDir: join(dir, 'data-early') }, async (o: BridgeOptions): Promise<Bridge> => {
      await gate;
      const b = await createBridge(o);
      built = true;
      return b;
    });
    expect(bridge.channels).toEqual(allChannels());
    const answer = bridge.call('files:list', []);
    await new Promise((r) => setTimeout(r, 20));
    expect(built).toBe(false);
    release();
    expect(await answer).toEqual({ kind: 'ok', value: [] });
    expect(built).toBe(true);
    // Events emitted by the services reach a subscriber that came before them.
    const seen: string[] = [];
    bridge.events.subscribe((name) => seen.push(name));
    (await bridge.start()).events.emit('files:recent', []);
    expect(seen).toEqual(['files:recent']);
    // Payloads are still validated by the registry once it exists.
    expect((await bridge.call('files:openNamed', [42])).kind).toBe('invalid');
    expect(bridge.start()).toBe(bridge.start());
    await bridge.close();
  });

  it('turns a failed start into a failed call with the reason, and closes without throwing', async () => {
    const bridge = deferBridge({ dataDir: join(dir, 'data-fails') }, () => Promise.reject(new Error('disk on fire')));
    expect(await bridge.call('files:list', [])).toEqual({ kind: 'failed', message: 'files:list: the backend could not start: disk on fire' });
    await expect(bridge.start()).rejects.toThrow('disk on fire');
    await bridge.close();
  });

  it('builds nothing until started or called, and closes an unstarted bridge at once', async () => {
    let loads = 0;
    const bridge = deferBridge({ dataDir: join(dir, 'data-never') }, () => {
      loads++;
      return Promise.reject(new Error('not expected'));
    });
    await new Promise((r) => setTimeout(r, 20));
    await bridge.close();
    expect(loads).toBe(0);
  });
});

describe('lvsd serve with services that cannot be built', () => {
  it('opens its port, then says why the services failed and exits unusable', async () => {
    // The data folder lies below a regular file: creating it fails (ENOTDIR), even for root.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['--port', '0', '--token', 'bg-bridge-token', '--static-dir', join(dir, 'static'), '--data-dir', join(blocker, 'data')], {
      stdout: (t) => void out.push(t),
      stderr: (t) => void err.push(t),
    });
    expect(code).toBe(EXIT.unusable);
    expect(out.join('')).toContain('is running at');
    expect(err.join('')).toMatch(/lvsd serve: cannot start: .*ENOTDIR/);
    expect(out.join('')).not.toContain('stopped');
  });
});
