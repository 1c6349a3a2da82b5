/**
 * The `live:*` channels: the live view's polling sessions (electron/services/live). The topology is
 * checked against the file schema, a live entry against its own strict schema, before the service
 * sees them.
 */
import * as z from 'zod';
import { LIVE_INTERVAL_MAX_MS, LIVE_INTERVAL_MIN_MS, LIVE_SESSION_PATTERN } from '../../../../shared/ipc/live.ts';
import { ID_PATTERN, topologySchema } from '../../../../shared/model/schema.ts';
import { err } from '../../../../shared/util/result.ts';
import type { LiveService } from '../../live/service.ts';
import type { DomainHandlers } from '../registry.ts';

const sessionId = z.string().regex(LIVE_SESSION_PATTERN, 'live session id: 1-64 of A-Z a-z 0-9 _ -');
const request = z.strictObject({
  sessionId,
  topology: topologySchema,
  intervalMs: z.number().int().min(LIVE_INTERVAL_MIN_MS).max(LIVE_INTERVAL_MAX_MS).optional(),
});
const addrPort = z
  .string()
  .max(64)
  .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+):\d{1,5}$/);
const entry = z.strictObject({
  proto: z.string().regex(/^[A-Z0-9]{1,8}$/),
  expires: z.number().int().min(0).max(10_000_000),
  state: z.string().regex(/^[A-Z0-9_]{1,20}$/),
  client: z.string().max(64),
  clientPort: z.number().int().min(0).max(65535),
  virtual: addrPort,
  destination: addrPort,
  template: z.boolean(),
});

/** The live handlers; without a service (a backend that cannot poll) every action says so. */
export function liveDomain(service: LiveService | null = null): DomainHandlers<'live'> {
  const none = 'the live view is not available in this backend';
  return {
    available: { args: z.tuple([]), handle: async () => service !== null },
    start: { args: z.tuple([request]), handle: async (r) => (service ? service.start(r) : err(none)) },
    stop: { args: z.tuple([sessionId]), handle: async (id) => service?.stop(id) ?? false },
    pause: { args: z.tuple([sessionId]), handle: async (id) => service?.pause(id) ?? false },
    resume: { args: z.tuple([sessionId]), handle: async (id) => service?.resume(id) ?? false },
    connections: {
      args: z.tuple([sessionId, z.string().regex(ID_PATTERN)]),
      handle: async (id, host) => (service ? service.connections(id, host) : err(none)),
    },
    explain: {
      args: z.tuple([sessionId, z.string().regex(ID_PATTERN), entry]),
      handle: async (id, svc, e) => (service ? service.explain(id, svc, e) : err(none)),
    },
  };
}
