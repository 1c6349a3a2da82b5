/**
 * `lab up` with a cached image built for another lab key: detected from the image itself (the
 * authorized_keys inside the initramfs) instead of a 90 s boot wait ending in "Permission denied".
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFromInitrd } from '../../../electron/services/lab/initrd.ts';
import { keyMatches } from '../../../electron/services/lab/vm.ts';

const dir = mkdtempSync(join(tmpdir(), 'lvsd-initrd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasBusybox = spawnSync('busybox', ['true']).status === 0;

const KEY_A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJXQvCtQfGHDgG1tsPwoYsZh1UU5vWraOqoMno6yspU+ lvs-designer-lab';
const KEY_B = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC0ffeeC0ffeeC0ffeeC0ffeeC0ffeeC0ffeeC0ffeeC lvs-designer-lab';

describe.skipIf(!hasBusybox)('the lab key inside the cached image', () => {
  it('reads root/.ssh/authorized_keys out of a gzipped newc cpio like build.sh makes it', () => {
    const root = join(dir, 'root');
    mkdirSync(join(root, 'root', '.ssh'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'hosts'), '127.0.0.1 localhost\n');
    writeFileSync(join(root, 'root', '.ssh', 'authorized_keys'), `${KEY_A}\n`);
    const img = join(dir, 'initrd.img');
    const r = spawnSync('sh', ['-c', `cd "${root}" && find . | sort | busybox cpio -o -H newc 2>/dev/null | gzip -6 -n > "${img}"`]);
    expect(r.status).toBe(0);
    expect(readFromInitrd(img, 'root/.ssh/authorized_keys')).toBe(`${KEY_A}\n`);
    expect(readFromInitrd(img, 'etc/hosts')).toBe('127.0.0.1 localhost\n');
    expect(readFromInitrd(img, 'nothing/here')).toBeNull();
    expect(readFromInitrd(join(dir, 'missing.img'), 'etc/hosts')).toBeNull();
  });

  it('matches on key type and base64, not on the comment; another key is a mismatch', () => {
    expect(keyMatches(`${KEY_A}\n`, KEY_A.replace('lvs-designer-lab', 'other comment'))).toBe(true);
    expect(keyMatches(`${KEY_A}\n`, KEY_B)).toBe(false);
    expect(keyMatches(null, KEY_A)).toBe(false);
  });
});
