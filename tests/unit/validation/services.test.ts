import { describe, expect, it } from 'vitest';
import { drLab, edit, host, iface, natLab, problemsOf, realServer, rs, service, setScheduler, tunLab } from './builders.ts';
import { realServerId, serviceId } from '../../../shared/model/ids.ts';

describe('service/vip-not-on-director', () => {
  it('fails when the director lacks the VIP and names the interface to add it to', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses = ['172.16.111.12/24'];
      host(d, 'client').gateway = '172.16.111.12';
    });
    const [p] = problemsOf(t, 'service/vip-not-on-director');
    expect(p).toMatchObject({ severity: 'error', refs: ['web', 'director'] });
    expect(p!.fix).toBe("Add 172.16.111.123/24 to director's eth0, the interface on the clients' segment.");
  });
  it('warns when the VIP is on two ethernet interfaces', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth1').addresses.push('172.16.111.123/32');
    });
    expect(problemsOf(t, 'service/vip-not-on-director')).toMatchObject([{ severity: 'warning', refs: ['web', 'director', 'director-eth0', 'director-eth1'] }]);
  });
  it('warns when the VIP is only on lo although a segment interface faces it', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'director', 'eth0').addresses = ['172.16.111.12/24'];
      iface(d, 'director', 'lo').addresses = ['172.16.111.123/32'];
      host(d, 'client').gateway = '172.16.111.12';
    });
    expect(problemsOf(t, 'service/vip-not-on-director')).toMatchObject([{ severity: 'warning', refs: ['web', 'director', 'director-eth0'] }]);
  });
  it('passes for the labs', () => {
    for (const t of [natLab(), drLab(), tunLab()]) expect(problemsOf(t, 'service/vip-not-on-director')).toEqual([]);
  });
});

describe('service/no-real-servers', () => {
  it('fails for an empty service', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').realServers = [];
    });
    expect(problemsOf(t, 'service/no-real-servers')).toMatchObject([{ severity: 'error', refs: ['web'] }]);
  });
  it('passes with real servers', () => expect(problemsOf(natLab(), 'service/no-real-servers')).toEqual([]));
});

describe('service/all-weights-zero', () => {
  it('fails when every weight is 0', () => {
    const t = edit(natLab(), (d) => {
      for (const r of service(d, 'web').realServers) r.weight = 0;
    });
    expect(problemsOf(t, 'service/all-weights-zero')).toMatchObject([{ severity: 'error', refs: ['web', 'web-rs1', 'web-rs2'] }]);
  });
  it('passes when one server still has weight', () => {
    const t = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').weight = 0;
    });
    expect(problemsOf(t, 'service/all-weights-zero')).toEqual([]);
  });
});

describe('service/duplicate-real-server', () => {
  it('fails for the same rip:port twice', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').realServers.push(rs('web', 'rs1', '192.168.111.101', 'nat', { id: realServerId('web-rs1-again') }));
    });
    expect(problemsOf(t, 'service/duplicate-real-server')).toMatchObject([{ severity: 'error', refs: ['web-rs1-again', 'web-rs1', 'web'] }]);
  });
  it('accepts the same RIP on another port (NAT)', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').realServers.push(rs('web', 'rs1', '192.168.111.101', 'nat', { id: realServerId('web-rs1-8080'), port: 8080 }));
    });
    expect(problemsOf(t, 'service/duplicate-real-server')).toEqual([]);
  });
});

describe('service/duplicate', () => {
  it('fails for two identical services on one director', () => {
    const t = edit(natLab(), (d) => {
      d.services.push({
        ...structuredClone(service(d, 'web')),
        id: serviceId('web2'),
        name: 'web2',
        realServers: [rs('web2', 'rs1', '192.168.111.101', 'nat')],
      });
    });
    expect(problemsOf(t, 'service/duplicate')).toMatchObject([{ severity: 'error', refs: ['web2', 'web'] }]);
  });
  it('accepts the same VIP on another port', () => {
    const t = edit(natLab(), (d) => {
      d.services.push({
        ...structuredClone(service(d, 'web')),
        id: serviceId('tls'),
        name: 'tls',
        port: 443,
        realServers: [rs('tls', 'rs1', '192.168.111.101', 'nat', { port: 443 })],
      });
    });
    expect(problemsOf(t, 'service/duplicate')).toEqual([]);
  });
});

describe('service/rip-equals-vip', () => {
  it('fails when the RIP is the VIP', () => {
    const t = edit(drLab(), (d) => {
      realServer(d, 'web', 'rs1').rip = '172.17.253.100';
    });
    const [p] = problemsOf(t, 'service/rip-equals-vip');
    expect(p).toMatchObject({ severity: 'error', refs: ['web-rs1', 'rs1', 'web'] });
    expect(p!.fix).toBe("Set the RIP to rs1's own address 192.168.163.102.");
  });
  it('passes for the lab', () => expect(problemsOf(drLab(), 'service/rip-equals-vip')).toEqual([]));
});

describe('service/rip-not-on-host', () => {
  it('fails when the host lacks the RIP and lists what it has', () => {
    const t = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').rip = '192.168.111.110';
    });
    const [p] = problemsOf(t, 'service/rip-not-on-host');
    expect(p).toMatchObject({ severity: 'error', refs: ['web-rs1', 'rs1', 'web'] });
    expect(p!.fix).toContain('192.168.111.101');
  });
  it('fails when the RIP is only on lo', () => {
    const t = edit(natLab(), (d) => {
      iface(d, 'rs1', 'lo').addresses = ['10.9.9.9/32'];
      realServer(d, 'web', 'rs1').rip = '10.9.9.9';
    });
    expect(problemsOf(t, 'service/rip-not-on-host')[0]!.message).toContain('only has on lo');
  });
});

describe('service/unknown-scheduler', () => {
  it('fails for an unknown scheduler and suggests a known one', () => {
    const t = edit(natLab(), (d) => {
      setScheduler(d, 'web', 'roundrobin');
    });
    const [p] = problemsOf(t, 'service/unknown-scheduler');
    expect(p).toMatchObject({ severity: 'error', refs: ['web'] });
    expect(p!.fix).toBe('Use "rr".');
  });
  it('accepts every IPVS scheduler', () => {
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos']) {
      const t = edit(natLab(), (d) => {
        setScheduler(d, 'web', s);
      });
      expect(problemsOf(t, 'service/unknown-scheduler')).toEqual([]);
    }
  });
});

describe('service/persistence-scheduler', () => {
  it('warns for persistence with sh, dh and mh', () => {
    for (const s of ['sh', 'dh', 'mh']) {
      const t = edit(natLab(), (d) => {
        setScheduler(d, 'web', s);
        service(d, 'web').persistence = { timeout: 300 };
      });
      expect(problemsOf(t, 'service/persistence-scheduler')).toMatchObject([{ severity: 'warning', refs: ['web'] }]);
    }
  });
  it('accepts persistence with wlc', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').persistence = { timeout: 300 };
    });
    expect(problemsOf(t, 'service/persistence-scheduler')).toEqual([]);
  });
});

describe('service/scheduler-flags', () => {
  it('warns about sh flags on wrr', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').schedulerFlags = ['sh-fallback'];
    });
    expect(problemsOf(t, 'service/scheduler-flags')).toMatchObject([{ severity: 'warning', refs: ['web'] }]);
  });
  it('accepts sh flags on sh', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').scheduler = 'sh';
      service(d, 'web').schedulerFlags = ['sh-fallback', 'sh-port'];
    });
    expect(problemsOf(t, 'service/scheduler-flags')).toEqual([]);
  });
});

describe('service/port-zero', () => {
  it('fails for port 0 without persistence', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').port = 0;
    });
    expect(problemsOf(t, 'service/port-zero')).toMatchObject([{ severity: 'error', refs: ['web'] }]);
  });
  it('accepts port 0 with persistence', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').port = 0;
      service(d, 'web').persistence = { timeout: 600 };
    });
    expect(problemsOf(t, 'service/port-zero')).toEqual([]);
  });
});

describe('service/port-mismatch', () => {
  it('fails for a DR real server on another port', () => {
    const t = edit(drLab(), (d) => {
      realServer(d, 'web', 'rs2').port = 8080;
    });
    const [p] = problemsOf(t, 'service/port-mismatch');
    expect(p).toMatchObject({ severity: 'error', refs: ['web-rs2', 'rs2', 'web'] });
    expect(p!.message).toContain('ipvsadm forces the real server port to 80');
  });
  it('fails for TUN port remapping too', () => {
    const t = edit(tunLab(), (d) => {
      realServer(d, 'web', 'rs1').port = 8080;
    });
    expect(problemsOf(t, 'service/port-mismatch')).toHaveLength(1);
  });
  it('accepts NAT port mapping and fwmark services', () => {
    const nat = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').port = 8080;
    });
    expect(problemsOf(nat, 'service/port-mismatch')).toEqual([]);
    const mark = edit(drLab(), (d) => {
      service(d, 'web').protocol = 'fwmark';
      service(d, 'web').fwmark = 1;
      realServer(d, 'web', 'rs1').port = 8080;
    });
    expect(problemsOf(mark, 'service/port-mismatch')).toEqual([]);
  });
});

describe('service/thresholds', () => {
  it('fails when lower >= upper', () => {
    const t = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').upperThreshold = 100;
      realServer(d, 'web', 'rs1').lowerThreshold = 200;
    });
    const [p] = problemsOf(t, 'service/thresholds');
    expect(p).toMatchObject({ severity: 'error', refs: ['web-rs1', 'rs1', 'web'] });
    expect(p!.fix).toContain('e.g. 75');
  });
  it('warns when lower equals upper (no hysteresis)', () => {
    const t = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').upperThreshold = 100;
      realServer(d, 'web', 'rs1').lowerThreshold = 100;
    });
    expect(problemsOf(t, 'service/thresholds')).toMatchObject([{ severity: 'warning' }]);
  });
  it('warns for a lower threshold alone, accepts lower < upper', () => {
    const alone = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').lowerThreshold = 50;
    });
    expect(problemsOf(alone, 'service/thresholds')).toMatchObject([{ severity: 'warning' }]);
    const good = edit(natLab(), (d) => {
      realServer(d, 'web', 'rs1').upperThreshold = 100;
      realServer(d, 'web', 'rs1').lowerThreshold = 50;
    });
    expect(problemsOf(good, 'service/thresholds')).toEqual([]);
  });
});

describe('service/fwmark', () => {
  it('fails for a fwmark service without a mark, warns for a mark on a TCP service', () => {
    const none = edit(natLab(), (d) => {
      service(d, 'web').protocol = 'fwmark';
    });
    expect(problemsOf(none, 'service/fwmark')).toMatchObject([{ severity: 'error', refs: ['web'] }]);
    const stray = edit(natLab(), (d) => {
      service(d, 'web').fwmark = 3;
    });
    expect(problemsOf(stray, 'service/fwmark')).toMatchObject([{ severity: 'warning', refs: ['web'] }]);
  });
  it('accepts a fwmark service with its mark', () => {
    const t = edit(natLab(), (d) => {
      service(d, 'web').protocol = 'fwmark';
      service(d, 'web').fwmark = 1;
    });
    expect(problemsOf(t, 'service/fwmark')).toEqual([]);
  });
});
