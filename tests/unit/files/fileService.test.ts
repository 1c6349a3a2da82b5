// The Node-side file service: atomic saves with .bak, hostile files, the designs folder,
// handles the renderer may use, recent files and crash recovery.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileService } from '../../../electron/services/files/fileService.ts';
import type { FileDialogs } from '../../../electron/services/files/fileService.ts';
import { writeFileAtomic } from '../../../electron/services/files/atomic.ts';
import { parseDesignFile, serializeDesignFile } from '../../../shared/model/file.ts';
import type { DesignFile } from '../../../shared/model/types.ts';
import type { RecentFile } from '../../../shared/ipc/files.ts';
import { hostId } from '../../../shared/model/ids.ts';

let dir: string;
let example: DesignFile;

const load = async (name: string): Promise<DesignFile> => {
  const parsed = parseDesignFile(await readFile(join('examples', name), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const renamed = (file: DesignFile, name: string): DesignFile => ({ ...file, topology: { ...file.topology, name } });

async function service(dialogs: FileDialogs | null = null, onRecent?: (r: readonly RecentFile[]) => void): Promise<FileService> {
  const s = new FileService({ dataDir: join(dir, 'data'), dialogs, onRecentChanged: onRecent });
  await s.init();
  return s;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lvsd-files-'));
  example = await load('nat-lab.lvs.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file, keeps a .bak of the previous content and leaves no temp file', async () => {
    const target = join(dir, 'a.txt');
    await writeFileAtomic(target, 'one', { backup: true });
    await expect(readdir(dir)).resolves.toEqual(['a.txt']);
    await writeFileAtomic(target, 'two', { backup: true });
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readFile(`${target}.bak`, 'utf8')).toBe('one');
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'a.txt.bak']);
  });

  it('leaves the old file intact and cleans up when the rename fails', async () => {
    const target = join(dir, 'sub');
    await writeFile(join(dir, 'keep.txt'), 'keep');
    // A directory as target makes the final rename fail after the temp file was written.
    await import('node:fs/promises').then((fs) => fs.mkdir(join(target, 'x'), { recursive: true }));
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'sub']);
  });
});

describe('FileService in browser mode (designs folder)', () => {
  it('saves as a name, refuses to overwrite silently, and keeps a .bak on overwrite', async () => {
    const s = await service();
    const first = await s.saveAs(example, 'My lab');
    expect(first).toMatchObject({ ok: true, value: { handle: 'My lab.lvs.json', displayName: 'My lab.lvs.json' } });
    const clash = await s.saveAs(renamed(example, 'v2'), 'My lab.lvs.json');
    expect(clash.ok).toBe(false);
    if (!clash.ok) expect(clash.error).toMatch(/^exists: /);
    const over = await s.saveAs(renamed(example, 'v2'), 'My lab', { overwrite: true });
    expect(over.ok).toBe(true);
    const path = join(s.designsDir, 'My lab.lvs.json');
    expect(JSON.parse(await readFile(path, 'utf8')).topology.name).toBe('v2');
    expect(JSON.parse(await readFile(`${path}.bak`, 'utf8')).topology.name).toBe(example.topology.name);
    expect((await s.list()).map((d) => d.name)).toEqual(['My lab.lvs.json']);
  });

  it('saves to a handle and reopens the same design', async () => {
    const s = await service();
    const saved = await s.saveAs(example, 'lab');
    if (!saved.ok || !saved.value) throw new Error('saveAs failed');
    const changed = renamed(example, 'changed');
    expect((await s.save(saved.value.handle, changed)).ok).toBe(true);
    const opened = await s.openNamed('lab.lvs.json');
    expect(opened.ok && opened.value.file).toEqual(changed);
    expect(await readFile(join(s.designsDir, 'lab.lvs.json'), 'utf8')).toBe(serializeDesignFile(changed));
  });

  it('never overwrites with an invalid design', async () => {
    const s = await service();
    await s.saveAs(example, 'lab');
    const before = await readFile(join(s.designsDir, 'lab.lvs.json'), 'utf8');
    const broken = { ...example, topology: { ...example.topology, hosts: [{ ...example.topology.hosts[0], id: hostId('no spaces allowed') }] } } as DesignFile;
    const res = await s.save('lab.lvs.json', broken);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toContain('topology.hosts[0].id');
    expect(await readFile(join(s.designsDir, 'lab.lvs.json'), 'utf8')).toBe(before);
  });

  it('reports a hostile or broken file clearly, naming the bad field', async () => {
    const s = await service();
    await writeFile(join(s.designsDir, 'garbage.lvs.json'), '{"format":"lvs-designer", oops');
    const garbage = await s.openNamed('garbage.lvs.json');
    expect(garbage.ok).toBe(false);
    if (!garbage.ok) expect(garbage.error).toMatch(/^garbage\.lvs\.json: not valid JSON/);
    const hostile = await s.importText(
      'C:\\Users\\x\\evil.lvs.json',
      JSON.stringify({ ...example, topology: { ...example.topology, segments: [{ id: '__proto__', name: 'x', cidr: '1.2.3.0/24' }] } }),
    );
    expect(hostile.ok).toBe(false);
    if (!hostile.ok) expect(hostile.error).toMatch(/^evil\.lvs\.json: topology\.segments\[0\]\.id/);
    expect((await s.list()).map((d) => d.name)).toEqual(['garbage.lvs.json']);
    expect((await s.importText('x.json', 'null')).ok).toBe(false);
  });

  it('imports an uploaded file under a free name and migrates it', async () => {
    const s = await service();
    const text = await readFile('examples/dr-lab.lvs.json', 'utf8');
    const a = await s.importText('dr-lab.lvs.json', text);
    const b = await s.importText('dr-lab.lvs.json', text);
    expect(a.ok && a.value.handle).toBe('dr-lab.lvs.json');
    expect(b.ok && b.value.handle).toBe('dr-lab-2.lvs.json');
  });

  it('refuses names and handles it never handed out', async () => {
    const s = await service();
    await writeFile(join(dir, 'outside.lvs.json'), serializeDesignFile(example));
    for (const name of ['../outside.lvs.json', '.hidden.lvs.json', 'a/b.lvs.json', 'x.txt']) {
      expect((await s.openNamed(name)).ok, name).toBe(false);
    }
    expect((await s.save(join(dir, 'outside.lvs.json'), example)).ok).toBe(false);
    expect((await s.save('/etc/passwd', example)).ok).toBe(false);
    expect((await s.openRecent(join(dir, 'outside.lvs.json'))).ok).toBe(false);
    expect((await s.open()).ok).toBe(false);
    // A symlink planted in the designs folder is not followed.
    await symlink(join(dir, 'outside.lvs.json'), join(s.designsDir, 'link.lvs.json'));
    expect((await s.openNamed('link.lvs.json')).ok).toBe(false);
  });

  it('keeps a recent list, newest first, persisted across restarts, and announces changes', async () => {
    const seen: (readonly RecentFile[])[] = [];
    const s = await service(null, (r) => seen.push(r));
    await s.saveAs(example, 'one');
    await s.saveAs(example, 'two');
    await s.openNamed('one.lvs.json');
    expect((await s.recent()).map((r) => r.handle)).toEqual(['one.lvs.json', 'two.lvs.json']);
    expect(seen.at(-1)?.map((r) => r.handle)).toEqual(['one.lvs.json', 'two.lvs.json']);
    const restarted = await service();
    expect((await restarted.recent()).map((r) => r.handle)).toEqual(['one.lvs.json', 'two.lvs.json']);
    await rm(join(restarted.designsDir, 'two.lvs.json'));
    expect((await restarted.recent()).map((r) => r.handle)).toEqual(['one.lvs.json']);
    expect((await restarted.openRecent('one.lvs.json')).ok).toBe(true);
  });

  it('autosaves and recovers after a restart, and clears the copy', async () => {
    const s = await service();
    expect(await s.recover()).toBeNull();
    await s.saveAs(example, 'lab');
    expect(await s.autosave(renamed(example, 'unsaved work'), 'lab.lvs.json')).toEqual({ ok: true, value: true });
    const restarted = await service();
    const rec = await restarted.recover();
    expect(rec?.file.topology.name).toBe('unsaved work');
    expect(rec?.handle).toBe('lab.lvs.json');
    expect(Number.isNaN(Date.parse(rec?.savedAt ?? ''))).toBe(false);
    await restarted.clearAutosave();
    expect(await restarted.recover()).toBeNull();
    expect((await s.autosave(example, '/etc/shadow')).ok).toBe(false);
    await writeFile(join(s.dataDir, 'autosave.json'), '{"savedAt":"x","file":{"format":"nope"}}');
    expect(await s.recover()).toBeNull();
  });
});

describe('FileService with native dialogs (Electron)', () => {
  it('opens and saves through the dialogs; handed-out paths become usable handles', async () => {
    const target = join(dir, 'picked');
    const dialogs: FileDialogs & { next: string | null } = {
      next: null,
      showOpen: async () => dialogs.next,
      showSave: async () => dialogs.next,
    };
    const s = await service(dialogs);
    expect(await s.open()).toEqual({ ok: true, value: null });
    expect(await s.saveAs(example, 'x')).toEqual({ ok: true, value: null });
    dialogs.next = target;
    const saved = await s.saveAs(example, 'x');
    expect(saved.ok && saved.value?.handle).toBe(`${target}.lvs.json`);
    expect((await s.save(`${target}.lvs.json`, renamed(example, 'again'))).ok).toBe(true);
    dialogs.next = `${target}.lvs.json`;
    const opened = await s.open();
    expect(opened.ok && opened.value?.file.topology.name).toBe('again');
    // After a restart the path is known from the recent list.
    const restarted = await service(dialogs);
    expect((await restarted.openRecent(`${target}.lvs.json`)).ok).toBe(true);
    expect((await restarted.save(`${target}.lvs.json`, example)).ok).toBe(true);
  });
});
