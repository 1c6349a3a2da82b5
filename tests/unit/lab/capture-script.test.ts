import { describe, expect, it } from 'vitest';
import { captureInterfaces, captureScript, parseCaptureOutput } from '../../../electron/services/lab/capture.ts';
import { natLab, tunLab } from '../../../shared/model/labs.ts';
import { pcapBytes } from '../capture/pcap-writer.ts';
import { hostId } from '../../../shared/model/ids.ts';

describe('lab capture script', () => {
  it('captures every ethernet interface of every host with link-level headers and no name lookups', () => {
    const t = tunLab();
    const ifs = captureInterfaces(t);
    const ethernet = t.hosts.flatMap((h) => h.interfaces.filter((f) => f.kind === 'ethernet' && f.segment !== null));
    expect(ifs).toHaveLength(ethernet.length);
    const s = captureScript(t, hostId('client'), '172.16.111.123', 80);
    for (const [i, f] of ifs.entries())
      expect(s).toContain(
        `/sbin/ip netns exec 'lvsd-${f.host}' /usr/sbin/tcpdump -Z root -i '${f.name}' -n -U --immediate-mode -s 262 -w /run/lvsd/capture/${i}.pcap`,
      );
    for (const h of t.hosts) expect(s).toContain(`/sbin/ip -n 'lvsd-${h.id}' neigh flush all`);
    expect(s).toContain("/sbin/ip netns exec 'lvsd-client' timeout 10 wget -q -O - http://172.16.111.123:80/");
    // the request runs only after every tcpdump said it is listening
    expect(s.indexOf('listening on')).toBeLessThan(s.indexOf('wget'));
  });

  it('refuses a service address that is not an IPv4 address and port', () => {
    expect(() => captureScript(natLab(), hostId('client'), '1.2.3.4; reboot', 80)).toThrow(/bad service address/);
    expect(() => captureScript(natLab(), hostId('client'), '1.2.3.4', 70000)).toThrow(/bad service address/);
  });

  it('parses the request result and the base64 pcaps back', () => {
    const pcap = pcapBytes([]);
    const out = `REQUEST 0\nreal-server-1\nPCAP 0\n${Buffer.from(pcap).toString('base64')}\nPCAP 1\n\nEND\n`;
    const r = parseCaptureOutput(out, 2);
    expect(r.code).toBe(0);
    expect(r.output).toBe('real-server-1');
    expect([...r.pcaps.get(0)!]).toEqual([...pcap]);
    expect(r.pcaps.get(1)!.length).toBe(0);
    expect(() => parseCaptureOutput('CAPTURE-ERROR tcpdump did not start', 2)).toThrow(/printed no result/);
  });
});
