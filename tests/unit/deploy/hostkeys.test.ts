import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnownHosts, checkHostKey, fingerprintOf, keyTypeOf, knownHostsName, parseKnownHosts, patternsMatch } from '../../../electron/services/ssh/hostkeys.ts';

// Generated with ssh-keygen; `ssh-keygen -lf` printed SHA256:FoSUdLyfpKpU2sJqX68/d69m7jhcmeM+i1PaSSK3kOw for K1.
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIK4vGhx86RfLF1CCSSGNVRHzb6PE9EYT2dCFhJpXr1MN';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOL1ztaAgm6fX/8C9EsmPGsLI+z6hliyxIh80U13FppE';
// `ssh-keygen -H` of "[10.0.0.5]:2222 ssh-ed25519 K1".
const HASHED = `|1|G/MCaiEqzEqZOPYMCxXkZd+JcWc=|tED2LqiIfpILPgl6y00dtcH1gBw= ssh-ed25519 ${K1}`;
const key1 = Buffer.from(K1, 'base64');
const key2 = Buffer.from(K2, 'base64');

describe('fingerprints', () => {
  it('match OpenSSH (ssh-keygen -lf)', () => {
    expect(fingerprintOf(key1)).toBe('SHA256:FoSUdLyfpKpU2sJqX68/d69m7jhcmeM+i1PaSSK3kOw');
    expect(keyTypeOf(key1)).toBe('ssh-ed25519');
    expect(keyTypeOf(Buffer.from([0, 0, 0]))).toBe('unknown');
  });
  it('name hosts like known_hosts', () => {
    expect(knownHostsName('10.0.0.5', 22)).toBe('10.0.0.5');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });
});

describe('known_hosts matching', () => {
  it('understands hashed names written by ssh-keygen -H', () => {
    expect(patternsMatch(HASHED.split(' ')[0]!, '[10.0.0.5]:2222')).toBe(true);
    expect(patternsMatch(HASHED.split(' ')[0]!, '10.0.0.5')).toBe(false);
  });
  it('understands lists, wildcards and negation', () => {
    expect(patternsMatch('a.example,10.0.0.*', '10.0.0.9')).toBe(true);
    expect(patternsMatch('10.0.0.?,!10.0.0.7', '10.0.0.7')).toBe(false);
    expect(patternsMatch('10.0.0.?,!10.0.0.7', '10.0.0.8')).toBe(true);
    expect(patternsMatch('10.0.0.1', '10.0.0.10')).toBe(false);
  });
  it('trusts the same key, refuses a changed one, ignores other key types, honours @revoked', () => {
    const entries = parseKnownHosts(
      `# comment\n\n10.0.0.5 ssh-ed25519 ${K1}\nbroken line\n@revoked 10.0.0.6 ssh-ed25519 ${K2}\n10.0.0.6 ssh-ed25519 ${K2}\n10.0.0.7 ssh-rsa ${K1}\n`,
      'kh',
    );
    expect(entries).toHaveLength(4);
    expect(checkHostKey(entries, '10.0.0.5', key1)).toEqual({ status: 'trusted', source: 'kh:3' });
    expect(checkHostKey(entries, '10.0.0.5', key2)).toEqual({ status: 'changed', source: 'kh:3', knownFingerprint: fingerprintOf(key1) });
    expect(checkHostKey(entries, '10.0.0.6', key2).status).toBe('revoked');
    // Only an RSA key is known for .7: an ed25519 key is new, not "changed".
    expect(checkHostKey(entries, '10.0.0.7', key2).status).toBe('unknown');
    expect(checkHostKey(entries, '10.0.0.8', key1).status).toBe('unknown');
  });
});

describe('KnownHosts files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lvsd-kh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes trust to the app file (0600) and reads the user file read-only', async () => {
    const user = join(dir, 'user_known_hosts');
    const { writeFileSync, statSync } = await import('node:fs');
    writeFileSync(user, `${HASHED}\n`);
    const kh = new KnownHosts(join(dir, 'sub', 'known_hosts'), [user, join(dir, 'missing')]);
    expect((await kh.check('10.0.0.5', 2222, key1)).status).toBe('trusted');
    expect((await kh.check('10.0.0.5', 2222, key2)).status).toBe('changed');
    expect((await kh.check('10.0.0.9', 22, key2)).status).toBe('unknown');
    await kh.trust('10.0.0.9', 22, key2);
    expect((await kh.check('10.0.0.9', 22, key2)).status).toBe('trusted');
    expect(readFileSync(join(dir, 'sub', 'known_hosts'), 'utf8')).toBe(`10.0.0.9 ssh-ed25519 ${K2}\n`);
    expect(statSync(join(dir, 'sub', 'known_hosts')).mode & 0o777).toBe(0o600);
    expect(readFileSync(user, 'utf8')).toBe(`${HASHED}\n`);
    await expect(kh.trust('bad host,x', 22, key2)).rejects.toThrow(/refusing/);
    expect(await kh.knownTypes('10.0.0.5', 2222)).toEqual(['ssh-ed25519']);
    expect(await kh.knownTypes('10.0.0.77', 22)).toEqual([]);
  });
});
