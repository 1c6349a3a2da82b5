/**
 * Crash-safe file writes: the new content goes to a temp file in the same directory, is fsynced,
 * and replaces the target with one rename, so a reader (or a crash) sees either the old or the new
 * file, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Keep the previous content of the target as `<target>.bak` (when there was one). */
  readonly backup?: boolean;
  /** File mode of a newly created file (default 0o644; 0o600 for private state). */
  readonly mode?: number;
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Temp files of a write that never finished are removed once they are this old. */
export const STALE_TEMP_MS = 10 * 60_000;

/**
 * Removes the temp files of `target` that an interrupted write (a crash, `kill -9`) left behind.
 * Only `.<name>.<12 hex>.tmp` siblings older than {@link STALE_TEMP_MS} go: a write in progress is
 * younger. Best effort; returns how many were removed.
 */
export async function cleanStaleTemps(target: string, now = Date.now()): Promise<number> {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}\.tmp$/.test(name.slice(prefix.length))) continue;
    try {
      const st = await stat(join(dir, name));
      if (st.isFile() && now - st.mtimeMs > STALE_TEMP_MS) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

/** Writes `data` to `target` atomically (temp file, fsync, rename, fsync of the directory). */
export async function writeFileAtomic(target: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(target);
  await cleanStaleTemps(target);
  // A leading dot keeps half-written temp files out of directory listings.
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', options.mode ?? 0o644);
  try {
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (options.backup) {
      try {
        await copyFile(target, `${target}.bak`);
        await fsyncPath(`${target}.bak`, 'r+');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  try {
    // Makes the rename itself durable; not possible on every platform (Windows), so best effort.
    await fsyncPath(dir, 'r');
  } catch {
    /* directory fsync unsupported */
  }
}
