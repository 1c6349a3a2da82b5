// The app's lab service without a VM: the lab host key becomes exactly the OpenSSH public key
// (checked against OpenSSH's own ssh-keygen on the same key), a tampered key file is refused, the
// bridge's lab domain validates payloads and says why the lab cannot run, and the pure pieces the
// "Run in the built-in lab" button uses (pointing hosts at the lab, why a run is refused).
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabService, dropbearEd25519PublicBlob } from '../../../electron/services/lab/service.ts';
import { labDomain } from '../../../electron/services/bridge/domains/lab.ts';
import { BridgeRegistry } from '../../../electron/services/bridge/registry.ts';
import { pointSshAt } from '../../../shared/model/commands.ts';
import { parseDesignFile } from '../../../shared/model/file.ts';
import type { HostId, Topology } from '../../../shared/model/types.ts';
import { labBlockedReason } from '../../../renderer/lab/blocked.ts';

function str(b: Buffer): Buffer {
  const l = Buffer.alloc(4);
  l.writeUInt32BE(b.length);
  return Buffer.concat([l, b]);
}

/** A dropbear-format Ed25519 host key file and its OpenSSH public line (from ssh-keygen -y on the same key). */
function keyPair(): { dropbear: Buffer; opensshPublic: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const dropbear = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(Buffer.concat([seed, pub]))]);
  const opensshPublic = `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(pub)]).toString('base64')}`;
  return { dropbear, opensshPublic };
}

function topology(): Topology {
  const r = parseDesignFile(readFileSync(new URL('../../../examples/dr-lab.lvs.json', import.meta.url), 'utf8'));
  if (!r.ok) throw new Error('the DR example does not parse');
  return r.value.topology;
}

describe('the lab host key', () => {
  it('is the OpenSSH public key of the dropbear file', () => {
    const { dropbear, opensshPublic } = keyPair();
    expect(`ssh-ed25519 ${dropbearEd25519PublicBlob(dropbear)!.toString('base64')}`).toBe(opensshPublic);
  });

  it('agrees with ssh-keygen on a key OpenSSH made', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvs-labkey-'));
    try {
      const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
      if (made.status !== 0) return expect.soft(made.error?.message ?? 'ssh-keygen failed').toBe('ssh-keygen available');
      const pem = readFileSync(join(dir, 'k'), 'utf8');
      // OpenSSH's private key format: after the public blob comes "ssh-ed25519", pub(32), then seed‖pub (64)
      const body = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      const at = body.lastIndexOf(Buffer.from('ssh-ed25519')) + 'ssh-ed25519'.length;
      const pub = body.subarray(at + 4, at + 36);
      const both = body.subarray(at + 36 + 4, at + 36 + 4 + 64);
      const dropbear = Buffer.concat([str(Buffer.from('ssh-ed25519')), str(both)]);
      const expected = readFileSync(join(dir, 'k.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      expect(both.subarray(32).equals(pub)).toBe(true);
      expect(`ssh-ed25519 ${dropbearEd25519PublicBlob(dropbear)!.toString('base64')}`).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file whose public half does not belong to its seed, another type, or garbage', () => {
    const { dropbear } = keyPair();
    const tampered = Buffer.from(dropbear);
    tampered[tampered.length - 1]! ^= 1;
    expect(dropbearEd25519PublicBlob(tampered)).toBeNull();
    expect(dropbearEd25519PublicBlob(Buffer.concat([str(Buffer.from('ssh-rsa')), str(Buffer.alloc(64))]))).toBeNull();
    expect(dropbearEd25519PublicBlob(Buffer.from('not a key'))).toBeNull();
    expect(dropbearEd25519PublicBlob(Buffer.alloc(0))).toBeNull();
  });
});

describe('the lab domain of the bridge', () => {
  it('says why the lab cannot run when qemu is not on the PATH, and refuses up', async () => {
    const path = process.env['PATH'];
    const dir = mkdtempSync(join(tmpdir(), 'lvs-lab-'));
    process.env['PATH'] = dir;
    try {
      const registry = new BridgeRegistry().register('lab', labDomain(new LabService({ emit: () => undefined, labDir: dir })));
      const a = await registry.call('lab:available', []);
      expect(a).toMatchObject({ kind: 'ok', value: { available: false } });
      expect((a as { value: { reason: string } }).value.reason).toContain('qemu-system-x86_64 is not installed');
      const up = await registry.call('lab:up', [topology()]);
      expect(up).toMatchObject({ kind: 'ok', value: { ok: false } });
      expect(await registry.call('lab:status', [])).toEqual({ kind: 'ok', value: { running: false, endpoints: [], busy: false } });
    } finally {
      process.env['PATH'] = path;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates the topology before the service sees it', async () => {
    const registry = new BridgeRegistry().register('lab', labDomain(null));
    const bad = await registry.call('lab:up', [{ name: 'x', hosts: [{ id: 'bad id; rm -rf /' }] }]);
    expect(bad.kind).toBe('invalid');
    const none = await registry.call('lab:up', [topology()]);
    expect(none).toEqual({ kind: 'ok', value: { ok: false, error: 'the built-in lab is not available in this backend' } });
  });
});

describe('pointing hosts at the lab', () => {
  it('sets 127.0.0.1:port, root, key auth on the listed hosts only, and is a no-op when already so', () => {
    const t = topology();
    const ends = [
      { host: 'director' as HostId, port: 40001 },
      { host: 'rs1' as HostId, port: 40002 },
    ];
    const p = pointSshAt(t, ends, '/lab/id_ed25519');
    expect(p.hosts.find((h) => h.id === 'director')!.ssh).toEqual({ host: '127.0.0.1', port: 40001, user: 'root', auth: 'key', keyPath: '/lab/id_ed25519' });
    expect(p.hosts.find((h) => h.id === 'rs2')!.ssh).toEqual(t.hosts.find((h) => h.id === 'rs2')!.ssh);
    expect(pointSshAt(p, ends, '/lab/id_ed25519')).toBe(p);
  });

  it('refuses a run for an empty design, while busy, and with checker errors unless overridden', () => {
    expect(labBlockedReason({ hosts: 0, busy: false, errors: 0, override: false })).toBe('no-hosts');
    expect(labBlockedReason({ hosts: 3, busy: true, errors: 0, override: false })).toBe('busy');
    expect(labBlockedReason({ hosts: 3, busy: false, errors: 2, override: false })).toBe('errors');
    expect(labBlockedReason({ hosts: 3, busy: false, errors: 2, override: true })).toBeNull();
  });
});
