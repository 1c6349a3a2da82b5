import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_TEMP_MS, writeFileAtomic } from '../../../electron/services/files/atomic.ts';

describe('temp files of interrupted saves', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lvsd-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the next save of the same file removes old ones; a fresh one (a write in progress) and other files stay', async () => {
    const target = join(dir, 'lab.lvs.json');
    const old = join(dir, '.lab.lvs.json.0123456789ab.tmp');
    const fresh = join(dir, '.lab.lvs.json.ba9876543210.tmp');
    const other = join(dir, '.other.lvs.json.0123456789ab.tmp');
    const lookalike = join(dir, '.lab.lvs.json.notatemp.tmp');
    for (const f of [old, fresh, other, lookalike]) await writeFile(f, 'x'.repeat(1000));
    const past = (Date.now() - STALE_TEMP_MS - 60_000) / 1000;
    for (const f of [old, other, lookalike]) await utimes(f, past, past);
    await writeFileAtomic(target, '{}\n');
    const left = await readdir(dir);
    expect(left).not.toContain('.lab.lvs.json.0123456789ab.tmp');
    expect(left).toEqual(
      expect.arrayContaining(['lab.lvs.json', '.lab.lvs.json.ba9876543210.tmp', '.other.lvs.json.0123456789ab.tmp', '.lab.lvs.json.notatemp.tmp']),
    );
  });
});
