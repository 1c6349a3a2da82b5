/** `lvsd simulate --down`: the packet walk with dead real servers from the command line. */
import { describe, expect, it } from 'vitest';
import { run as simulateCmd } from '../../electron/cli/commands/simulate.ts';

async function call(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await simulateCmd(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('lvsd simulate --down', () => {
  it('host gone: FAILED [rs-down-silent], exit 1, in English and Chinese', async () => {
    const r = await call('examples/dr-ha-lab.lvs.json', '--service', 'web', '--real-server', 'web-rs1', '--down', 'web-rs1', '--since', '3');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILED \[rs-down-silent\]: .*retransmits the SYN/m);
    const zh = await call('examples/dr-ha-lab.lvs.json', '--service', 'web', '--real-server', 'web-rs1', '--down', 'web-rs1', '--lang', 'zh');
    expect(zh.out).toMatch(/^FAILED \[rs-down-silent\]: .*重传 SYN/m);
  });

  it('service stopped: the RST comes back; after detection (HTTP_GET, 27 s at most) the walk works through rs2', async () => {
    const rst = await call('examples/dr-ha-lab.lvs.json', '--service', 'web', '--real-server', 'web-rs1', '--down', 'web-rs1', '--how', 'refused');
    expect(rst.out).toMatch(/^FAILED \[rs-down-refused\]: .*Connection refused/m);
    const later = await call('examples/dr-ha-lab.lvs.json', '--service', 'web', '--down', 'web-rs1', '--since', '28', '--json');
    expect(later.code).toBe(0);
    expect(JSON.parse(later.out)).toMatchObject({ outcome: { status: 'ok' }, realServer: 'web-rs2' });
  });

  it('every server out without a sorry server: ICMP port unreachable from the director', async () => {
    const r = await call('examples/dr-ha-lab.lvs.json', '--service', 'web', '--down', 'web-rs1,web-rs2', '--since', '60');
    expect(r.out).toMatch(/^FAILED \[no-destination\]: .*ICMP port unreachable/m);
  });

  it('refuses an unknown server, a bad --how and a bad --since', async () => {
    const u = await call('examples/nat-lab.lvs.json', '--service', 'web', '--down', 'rs9');
    expect(u.code).toBe(2);
    expect(u.err).toContain('no real server "rs9"');
    expect((await call('examples/nat-lab.lvs.json', '--service', 'web', '--down', 'web-rs1', '--how', 'off')).code).toBe(2);
    expect((await call('examples/nat-lab.lvs.json', '--service', 'web', '--down', 'web-rs1', '--since', '-1')).code).toBe(2);
  });
});
