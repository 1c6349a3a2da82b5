import { describe, expect, it } from 'vitest';
import { judgeSession, parseSessionPath, pinScript } from '../../../electron/services/deploy/session-guard.ts';

const connected = { destination: '10.0.2.0/24', dev: 'eth0' };
const oldDefault = { destination: 'default', via: '10.0.2.1', dev: 'eth0' };

describe('session guard', () => {
  it('reads the peer and its current path from the probe', () => {
    const p = parseSessionPath('@@ session\nconn 192.168.7.5 50022 10.0.2.15 22\nget 192.168.7.5 via 10.0.2.1 dev eth0 src 10.0.2.15 uid 0\n@@ session-end\n');
    expect(p).toEqual({ peer: '192.168.7.5', local: '10.0.2.15', via: '10.0.2.1', dev: 'eth0' });
    expect(parseSessionPath('@@ session\nconn \n@@ session-end\n')).toBeNull();
    expect(parseSessionPath('@@ session\nconn ::1 5 ::1 22\n')).toBeNull();
  });

  it("NAT real server: a new default route via the DIP would take the admin's path, so it is pinned first", () => {
    const session = { peer: '192.168.7.5', local: '10.0.2.15', via: '10.0.2.1', dev: 'eth0' };
    const v = judgeSession(
      session,
      [connected, oldDefault],
      [{ destination: 'default', via: '10.0.2.254' }],
      [{ kind: 'route', action: 'change', subject: 'default' }],
    );
    expect(v.kind).toBe('pin');
    if (v.kind !== 'pin') return;
    expect(v.pin).toEqual({ destination: '192.168.7.5/32', via: '10.0.2.1', dev: 'eth0' });
    expect(v.note).toMatch(/would move from via 10.0.2.1 dev eth0 to via 10.0.2.254/);
    expect(pinScript(v.pin)).toBe("ip -4 route replace 192.168.7.5/32 via 10.0.2.1 dev eth0 && echo 'session pinned: 192.168.7.5/32 via 10.0.2.1 dev eth0'");
  });

  it('an admin on the directly connected subnet is not affected by a new default route', () => {
    const session = { peer: '10.0.2.2', local: '10.0.2.15', dev: 'eth0' };
    expect(judgeSession(session, [connected, oldDefault], [{ destination: 'default', via: '10.0.2.254' }], []).kind).toBe('safe');
  });

  it("a route for the admin's own address, or removing the session's address, is refused", () => {
    const session = { peer: '10.0.2.2', local: '10.0.2.15', dev: 'eth0' };
    const own = judgeSession(session, [connected], [{ destination: '10.0.2.2/32', via: '10.0.2.9' }], []);
    expect(own.kind).toBe('cut');
    expect(own.kind === 'cut' && own.reason).toMatch(/lock you out/);
    // Also when a host route for the admin is already there (as `ip route` prints it, without /32).
    expect(judgeSession(session, [connected, { destination: '10.0.2.2', dev: 'eth0' }], [{ destination: '10.0.2.2/32', via: '10.0.2.9' }], []).kind).toBe(
      'cut',
    );
    const removed = judgeSession(session, [connected], [], [{ kind: 'address', action: 'remove', subject: 'eth0 10.0.2.15/24' }]);
    expect(removed.kind).toBe('cut');
  });

  it('unknown session path is reported, never silently passed', () => {
    expect(judgeSession(null, [], [{ destination: 'default', via: '10.0.0.1' }], []).kind).toBe('unknown');
    expect(() => pinScript({ destination: '1.2.3.4/32', dev: 'eth0; reboot' })).toThrow();
  });
});
