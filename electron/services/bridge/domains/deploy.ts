/**
 * The `deploy:*` channels. The SSH deploy engine (electron/services/deploy) plugs its handlers in
 * here. Until it is wired, this backend says so truthfully: `available()` is false and every
 * action fails with a reason instead of pretending to deploy.
 */
import * as z from 'zod';
import { err } from '../../../../shared/util/result.ts';
import type { DomainHandlers } from '../registry.ts';

const UNAVAILABLE = 'deploying is not available in this backend yet';
const request = z.object({ deployId: z.string() }).loose();
const id = z.string().max(64);

export function deployDomain(): DomainHandlers<'deploy'> {
  return {
    available: { args: z.tuple([]), handle: async () => false },
    plan: { args: z.tuple([request]), handle: async () => err(UNAVAILABLE) },
    apply: { args: z.tuple([request]), handle: async () => err(UNAVAILABLE) },
    rollback: { args: z.tuple([request]), handle: async () => err(UNAVAILABLE) },
    cancel: { args: z.tuple([id]), handle: async () => false },
    trustHost: { args: z.tuple([id, id, z.boolean()]), handle: async () => false },
    provideCredential: { args: z.tuple([id, id, z.string().max(4096).nullable()]), handle: async () => false },
    forgetCredentials: { args: z.tuple([]), handle: async () => undefined },
    log: { args: z.tuple([id]), handle: async () => null },
  };
}
