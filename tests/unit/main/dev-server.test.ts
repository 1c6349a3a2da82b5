import { describe, expect, it } from 'vitest';
import { devServerUrlFrom } from '../../../electron/main/devServer.ts';

describe('LVSD_DEV_SERVER_URL', () => {
  const env = { LVSD_DEV_SERVER_URL: 'http://localhost:5173' };
  it('is honoured only by an unpackaged development build', () => {
    expect(devServerUrlFrom(env, { packaged: false, devBuild: true })).toBe('http://localhost:5173');
    expect(devServerUrlFrom(env, { packaged: false, devBuild: false })).toBeNull();
    expect(devServerUrlFrom(env, { packaged: true, devBuild: true })).toBeNull();
    expect(devServerUrlFrom({}, { packaged: false, devBuild: true })).toBeNull();
  });
  it('only an http(s) origin on this machine', () => {
    const dev = { packaged: false, devBuild: true };
    expect(devServerUrlFrom({ LVSD_DEV_SERVER_URL: 'https://evil.example/' }, dev)).toBeNull();
    expect(devServerUrlFrom({ LVSD_DEV_SERVER_URL: 'file:///tmp/x.html' }, dev)).toBeNull();
    expect(devServerUrlFrom({ LVSD_DEV_SERVER_URL: 'not a url' }, dev)).toBeNull();
  });
});
