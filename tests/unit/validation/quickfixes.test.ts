// Quick-fixes: each one, applied to its rule's demo design, makes that problem go away.
import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/validation/index.ts';
import { QUICK_FIXES, quickFixFor } from '../../../shared/validation/quickfixes.ts';
import { drLab, edit, host, iface, realServer } from './builders.ts';
import { DEMOS } from './demos.ts';

describe('quick-fixes', () => {
  it.each(Object.keys(QUICK_FIXES))('%s: applying it removes the problem it was offered for', (rule) => {
    const t = DEMOS[rule]!();
    const p = validate(t).find((x) => x.rule === rule)!;
    expect(p, `${rule} fires on its demo`).toBeDefined();
    const fix = quickFixFor(t, p);
    expect(fix, `${rule} offers a quick-fix on its demo`).not.toBeNull();
    expect(fix!.label).not.toBe('');
    expect(/[\u4e00-\u9fff]/.test(fix!.labelZh)).toBe(true);
    const after = validate(fix!.apply(t));
    expect(after.some((x) => x.rule === rule && x.refs[0] === p.refs[0])).toBe(false);
  });

  it('the seed article’s three DR mistakes (-m instead of -g, gateway = DIP, ARP only on lo) are fixed by quick-fixes alone', () => {
    let t = edit(drLab(), (d) => {
      for (const id of ['rs1', 'rs2']) {
        realServer(d, 'web', id).method = 'nat';
        host(d, id).gateway = '192.168.163.101';
        delete host(d, id).sysctl;
        delete iface(d, id, 'eth0').sysctl;
      }
    });
    const before = validate(t);
    expect(before.map((p) => p.rule)).toContain('nat/vip-on-lo');
    // Turning on ip_forward would make the NAT reading work; the article meant DR: no quick-fix there.
    expect(
      quickFixFor(
        t,
        before.find((p) => p.rule === 'nat/ip-forward-off')!,
      ),
    ).toBeNull();
    for (let steps = 0; steps < 20; steps++) {
      const fixable = validate(t).find((p) => quickFixFor(t, p) !== null);
      if (!fixable) break;
      t = quickFixFor(t, fixable)!.apply(t);
    }
    expect(validate(t).map((p) => `${p.severity} ${p.rule}`)).toEqual([]);
    expect(t).toEqual(drLab());
  });
});
