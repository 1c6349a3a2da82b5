/**
 * `lvsd grade --lab` on the real kernel: one throw-away VM, three DR submissions built and applied
 * in it one after the other — the correct one (its weights W1:1 measured with real requests), the
 * one without the VIP on rs2 (requests through rs2 go unanswered) and the rr/1:1 one (the kernel
 * shares 1:1 and the weights goal fails there too) — plus a copied file
 * and a truncated one that never reach the lab. The time per submission is printed.
 * Skipped (with the reason) where the lab cannot run.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import { labUnavailableReason } from '../../electron/services/lab/vm.ts';

const reason = labUnavailableReason() ?? (process.getuid?.() === 0 ? null : 'the lab test runs as root (it builds into /var/cache)');
if (reason) console.warn(`tests/lab/grade-lab: skipped: ${reason}`);

const dir = mkdtempSync(join(tmpdir(), 'lvsd-grade-lab-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonGrade {
  file: string;
  status: string;
  points: number;
  lab: boolean;
  goals: { id: string; passed: boolean; lab?: { status: string; message: { en: string } } }[];
}

describe.skipIf(reason !== null)('lvsd grade --lab (qemu, real IPVS)', () => {
  it('grades the kernel parts one submission after another and powers the VM off', async () => {
    const subs = join(dir, 'subs');
    mkdirSync(subs);
    for (const f of ['s01-alice', 's03-chen', 's04-dana', 's05-eve', 's06-frank'])
      copyFileSync(`examples/assignments/dr-submissions/${f}.lvs-submission.json`, join(subs, `${f}.lvs-submission.json`));
    let out = '';
    let err = '';
    const code = await main(['grade', 'examples/assignments/lvs-dr.lvs-assignment.json', subs, '--lab', '--json', '--timeout', '300'], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
    });
    console.log(
      err
        .split('\n')
        .filter((l) => l.startsWith('[lab') || l.startsWith('lab: booted') || l.includes('each on average'))
        .join('\n'),
    );
    expect(code, err).toBe(0);
    const grades = (JSON.parse(out) as { grades: JsonGrade[] }).grades;
    const [alice, chen, dana, eve, frank] = grades;
    const lab = (g: JsonGrade, id: string) => g.goals.find((x) => x.id === id)!.lab!;
    expect(alice).toMatchObject({ status: 'graded', points: 100, lab: true });
    expect(lab(alice!, 'walk').status).toBe('pass');
    expect(lab(alice!, 'weights').status).toBe('pass');
    expect(lab(alice!, 'weights').message.en).toMatch(/^40 requests on the real kernel: rs1:\d+ rs2:\d+$/);
    // No VIP on rs2's lo: the kernel forwards to rs2, which drops the packet — requests go unanswered.
    // (statically 30; the weights goal loses its 15 on the kernel, where requests through rs2 go unanswered)
    expect(chen).toMatchObject({ status: 'graded', points: 15, lab: true });
    expect(lab(chen!, 'weights')).toMatchObject({
      status: 'fail',
      message: { en: expect.stringMatching(/^3 of \d+ requests on the real kernel got no answer/) },
    });
    expect(lab(chen!, 'walk')).toMatchObject({
      status: 'fail',
      message: { en: expect.stringMatching(/^[1-3] of \d+ requests from client to [\d.]+:80 got no answer$/) },
    });
    expect(dana).toMatchObject({ status: 'graded', points: 70, lab: true });
    expect(lab(dana!, 'walk').status).toBe('pass');
    expect(lab(dana!, 'weights')).toMatchObject({ status: 'fail', message: { en: expect.stringMatching(/rs1:20 rs2:20, not rs1:\d rs2:1/) } });
    expect(eve!.status).toBe('wrong-seed');
    expect(frank!.status).toBe('malformed');
    expect(err).toMatch(/lab: 3 submission\(s\), [\d.]+ s each on average/);
  }, 900_000);
});
