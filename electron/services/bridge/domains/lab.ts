/**
 * The `lab:*` channels: the built-in qemu lab as a deploy target (electron/services/lab/service.ts).
 * The topology is checked against the file schema before the service sees it.
 */
import * as z from 'zod';
import { topologySchema } from '../../../../shared/model/schema.ts';
import { err } from '../../../../shared/util/result.ts';
import type { LabService } from '../../lab/service.ts';
import type { DomainHandlers } from '../registry.ts';

/** The lab handlers; without a service (a backend that cannot run VMs) every action says so. */
export function labDomain(service: LabService | null = null): DomainHandlers<'lab'> {
  const none = 'the built-in lab is not available in this backend';
  return {
    available: { args: z.tuple([]), handle: async () => service?.available() ?? { available: false, reason: none } },
    status: { args: z.tuple([]), handle: async () => service?.status() ?? { running: false, endpoints: [], busy: false } },
    up: { args: z.tuple([topologySchema]), handle: async (t) => (service ? service.up(t) : err(none)) },
    down: { args: z.tuple([]), handle: async () => (service ? service.down() : err(none)) },
  };
}
