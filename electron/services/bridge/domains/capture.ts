/**
 * The `capture:*` channels: real packets of one request in the running built-in lab
 * (LabService.capture, electron/services/lab/capture.ts). The topology and the request are checked
 * before the service sees them.
 */
import * as z from 'zod';
import { topologySchema } from '../../../../shared/model/schema.ts';
import { err } from '../../../../shared/util/result.ts';
import type { LabService } from '../../lab/service.ts';
import type { DomainHandlers } from '../registry.ts';

const request = z.object({ client: z.string().min(1).max(64), service: z.string().min(1).max(64) }).strict();

/** The capture handlers; without a lab service every action says the lab is not available. */
export function captureDomain(service: LabService | null = null): DomainHandlers<'capture'> {
  const none = 'the built-in lab is not available in this backend';
  return {
    available: { args: z.tuple([]), handle: async () => service?.captureAvailable() ?? { available: false, reason: none } },
    run: { args: z.tuple([topologySchema, request]), handle: async (t, r) => (service ? service.capture(t, r) : err(none)) },
  };
}
