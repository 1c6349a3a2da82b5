/**
 * `lvsd lab up FILE` / `lvsd lab down`: every design host gets its own SSH server on 127.0.0.1,
 * the endpoints land in the design file, and `down` leaves no qemu behind.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from 'ssh2';
import type { CliIO } from '../../electron/cli/io.ts';
import { main } from '../../electron/cli/main.ts';
import { parseDesignFile } from '../../shared/model/file.ts';
import type { DesignFile } from '../../shared/model/types.ts';
import { isLabQemu, labUnavailableReason, runningPersistentLab } from '../../electron/services/lab/vm.ts';
import { labDown } from '../../electron/services/lab/up.ts';

const reason =
  labUnavailableReason() ??
  (process.getuid?.() === 0 ? null : 'the lab test runs as root (it builds into /var/cache)') ??
  (runningPersistentLab() ? 'a lab started with `lvsd lab up` is running; not touching it' : null);
if (reason) console.warn(`tests/lab/lab-cli: skipped: ${reason}`);

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (t) => void (out += t), stderr: (t) => void (err += t), out: () => out, err: () => err };
}

function ssh(keyPath: string, port: number, command: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(
    'ssh',
    [
      '-F',
      '/dev/null',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      keyPath,
      '-p',
      String(port),
      'root@127.0.0.1',
      command,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status ?? 255, stdout: r.stdout, stderr: r.stderr };
}

/** One exec and one SFTP listing through ssh2, the library the deploy engine uses. */
function viaSsh2(keyPath: string, port: number, command: string): Promise<{ stdout: string; sftpNames: string[] }> {
  return new Promise((resolvePromise, reject) => {
    const c = new Client();
    const fail = (e: Error): void => {
      c.end();
      reject(e);
    };
    c.on('error', reject);
    c.on('ready', () => {
      c.exec(command, (e, stream) => {
        if (e) return fail(e);
        let stdout = '';
        stream.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
        stream.stderr.on('data', () => undefined);
        stream.on('close', () => {
          c.sftp((e2, sftp) => {
            if (e2) return fail(e2);
            sftp.readdir('/etc', (e3, list) => {
              c.end();
              if (e3) reject(e3);
              else resolvePromise({ stdout, sftpNames: list.map((x) => x.filename) });
            });
          });
        });
      });
    });
    c.connect({ host: '127.0.0.1', port, username: 'root', privateKey: readFileSync(keyPath), readyTimeout: 60_000 });
  });
}

describe.skipIf(reason !== null)('lvsd lab up / down', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-lab-cli-'));
  const file = join(dir, 'nat.lvs.json');
  copyFileSync(new URL('../../examples/nat-lab.lvs.json', import.meta.url), file);

  afterAll(async () => {
    await labDown();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('rejects bad usage and unreadable files without booting anything', async () => {
    const a = capture();
    expect(await main(['lab', 'up'], a)).toBe(2);
    expect(a.err()).toMatch(/missing FILE/);
    const b = capture();
    expect(await main(['lab', 'up', join(dir, 'missing.lvs.json')], b)).toBe(2);
    expect(b.err()).toMatch(/cannot read/);
    const c = capture();
    expect(await main(['lab', 'sideways'], c)).toBe(2);
    // A hostile host id: refused before booting (by the file format; the lab checks again), file untouched.
    const hostile = join(dir, 'hostile.lvs.json');
    const text = readFileSync(file, 'utf8').replace('"id": "rs2"', '"id": ".."').replace('"host": "rs2"', '"host": ".."');
    writeFileSync(hostile, text);
    const d = capture();
    expect(await main(['lab', 'up', hostile], d)).not.toBe(0);
    expect(d.err()).toMatch(/hosts\[3\]\.id|cannot name a lab namespace/);
    expect(readFileSync(hostile, 'utf8')).toBe(text);
    expect(runningPersistentLab()).toBeNull();
  });

  it('gives every host an SSH server with its own addresses and files, then stops cleanly', async () => {
    const io = capture();
    const code = await main(['lab', 'up', file], io);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toMatch(/lab up: 4 host\(s\)/);
    expect(existsSync(`${file}.bak`)).toBe(true);

    const loaded = parseDesignFile(readFileSync(file, 'utf8'));
    expect(loaded.ok).toBe(true);
    const design = (loaded as { ok: true; value: DesignFile }).value;
    const ports = new Set<number>();
    for (const h of design.topology.hosts) {
      expect(h.ssh, h.id).toBeDefined();
      expect(h.ssh!.host).toBe('127.0.0.1');
      expect(h.ssh!.auth).toBe('key');
      ports.add(h.ssh!.port);
    }
    expect(ports.size).toBe(design.topology.hosts.length);

    const host = (id: string) => design.topology.hosts.find((h) => h.id === id)!;
    const rs1 = ssh(host('rs1').ssh!.keyPath!, host('rs1').ssh!.port, 'ip -o addr');
    expect(rs1.code, rs1.stderr).toBe(0);
    expect(rs1.stdout).toContain('192.168.111.101/24');
    expect(rs1.stdout).not.toContain('192.168.111.102/24');
    const director = ssh(host('director').ssh!.keyPath!, host('director').ssh!.port, 'ip -o addr');
    expect(director.code, director.stderr).toBe(0);
    expect(director.stdout).toContain('192.168.111.200/24');
    expect(director.stdout).not.toContain('192.168.111.101/24');

    const lib = await viaSsh2(host('client').ssh!.keyPath!, host('client').ssh!.port, '/sbin/ip -o -4 addr show dev eth0');
    expect(lib.stdout).toContain('172.16.111.13/24');
    expect(lib.sftpNames).toContain('passwd');

    // Each host has its own /etc: what a deploy writes on one host is not on another.
    const w = ssh(
      host('rs1').ssh!.keyPath!,
      host('rs1').ssh!.port,
      'mkdir -p /etc/sysctl.d && echo rs1 > /etc/sysctl.d/90-lvs-designer.conf && ipvsadm -Ln >/dev/null && echo ok',
    );
    expect(w.stdout.trim(), w.stderr).toBe('ok');
    const r = ssh(host('rs2').ssh!.keyPath!, host('rs2').ssh!.port, 'cat /etc/sysctl.d/90-lvs-designer.conf 2>/dev/null || echo none');
    expect(r.stdout.trim()).toBe('none');

    // A second `up` reuses the VM and rebuilds the hosts.
    const vm = runningPersistentLab();
    expect(vm).not.toBeNull();
    const again = capture();
    expect(await main(['lab', 'up', file, '--no-write', '--json'], again), again.err()).toBe(0);
    const json = JSON.parse(again.out()) as { pid: number; endpoints: { host: string; port: number }[] };
    expect(json.pid).toBe(vm!.pid);
    expect(json.endpoints).toHaveLength(4);
    const gone = ssh(
      host('rs2').ssh!.keyPath!,
      json.endpoints.find((e) => e.host === 'rs2')!.port,
      'cat /etc/sysctl.d/90-lvs-designer.conf 2>/dev/null || echo none; /sbin/ip -o -4 addr show dev eth0',
    );
    expect(gone.stdout).toContain('none');
    expect(gone.stdout).toContain('192.168.111.102/24');

    const down = capture();
    expect(await main(['lab', 'down'], down)).toBe(0);
    expect(down.out()).toMatch(/lab stopped/);
    expect(isLabQemu(vm!.pid, vm!.runDir)).toBe(false);
    expect(runningPersistentLab()).toBeNull();
    const pgrep = spawnSync('pgrep', ['-f', vm!.runDir], { encoding: 'utf8' });
    expect(pgrep.stdout.trim()).toBe('');
    const down2 = capture();
    expect(await main(['lab', 'down'], down2)).toBe(0);
    expect(down2.out()).toMatch(/no lab is running/);
  }, 400_000);
});
