/**
 * The `deploy:*` channels: the SSH deploy engine (electron/services/deploy) behind the bridge.
 * Payloads are checked here (the topology against the file schema) before the engine sees them;
 * secrets come in through `provideCredential` and are never part of an answer.
 */
import * as z from 'zod';
import { DEPLOY_ID_PATTERN } from '../../../../shared/ipc/deploy.ts';
import { ID_PATTERN, topologySchema } from '../../../../shared/model/schema.ts';
import { err } from '../../../../shared/util/result.ts';
import type { DeployService } from '../../deploy/service.ts';
import type { DomainHandlers } from '../registry.ts';

const deployId = z.string().regex(DEPLOY_ID_PATTERN, 'deploy id: 1-64 of A-Z a-z 0-9 _ -');
const promptId = z.string().max(64);
const request = z.strictObject({
  deployId,
  topology: topologySchema,
  hosts: z.array(z.string().regex(ID_PATTERN)).max(20000).optional(),
  noRollback: z.boolean().optional(),
  confirmSeconds: z.number().int().min(0).max(3600).optional(),
  allowSessionCut: z.boolean().optional(),
  installKeepalived: z.boolean().optional(),
  overrideErrors: z.boolean().optional(),
  e2eRequests: z.number().int().min(0).max(10000).optional(),
});

/** The deploy handlers; without a service (a backend that cannot deploy) every action says so. */
export function deployDomain(service: DeployService | null = null): DomainHandlers<'deploy'> {
  const none = 'deploying is not available in this backend';
  return {
    available: { args: z.tuple([]), handle: async () => service !== null },
    plan: { args: z.tuple([request]), handle: async (r) => (service ? service.plan(r) : err(none)) },
    apply: { args: z.tuple([request]), handle: async (r) => (service ? service.start('apply', r) : err(none)) },
    rollback: { args: z.tuple([request]), handle: async (r) => (service ? service.start('rollback', r) : err(none)) },
    cancel: { args: z.tuple([deployId]), handle: async (id) => service?.cancel(id) ?? false },
    trustHost: { args: z.tuple([deployId, promptId, z.boolean()]), handle: async (id, p, accept) => service?.trustHost(id, p, accept) ?? false },
    provideCredential: {
      args: z.tuple([deployId, promptId, z.string().max(4096).nullable()]),
      handle: async (id, p, secret) => service?.provideCredential(id, p, secret) ?? false,
    },
    forgetCredentials: { args: z.tuple([]), handle: async () => service?.forgetCredentials() },
    log: { args: z.tuple([deployId]), handle: async (id) => service?.log(id) ?? null },
  };
}
