/**
 * Reads one file out of the lab's initramfs (gzip of a cpio "newc" archive), so `lab up` can check
 * that the cached image accepts the lab key before it boots — a key regenerated after the build
 * would otherwise cost a 90 s boot wait ending in "Permission denied (publickey)".
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The content of `name` (e.g. `root/.ssh/authorized_keys`) in a gzipped newc cpio, or null. */
export function readFromInitrd(initrdPath: string, name: string): string | null {
  let data: Buffer;
  try {
    data = gunzipSync(readFileSync(initrdPath));
  } catch {
    return null;
  }
  const want = name.replace(/^\.?\//, '');
  const align = (n: number) => (n + 3) & ~3;
  let off = 0;
  while (off + 110 <= data.length) {
    if (data.toString('ascii', off, off + 6) !== '070701') return null;
    const field = (i: number) => parseInt(data.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const fileSize = field(6);
    const nameSize = field(11);
    const entryName = data.toString('utf8', off + 110, off + 110 + nameSize - 1);
    const dataStart = align(off + 110 + nameSize);
    if (entryName === 'TRAILER!!!') return null;
    if (entryName.replace(/^\.?\//, '') === want) return data.toString('utf8', dataStart, dataStart + fileSize);
    off = align(dataStart + fileSize);
  }
  return null;
}
