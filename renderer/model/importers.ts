/**
 * Adapter to shared/importers (ipvsadm -S / keepalived.conf text → topology). Loaded through a glob
 * so the designer builds whether or not the importers are part of this build.
 */
import type { Topology } from '../../shared/model/types.ts';
import type { Result } from '../../shared/util/result.ts';

export type ImportKind = 'ipvsadm' | 'keepalived';
export const IMPORT_KINDS: readonly ImportKind[] = ['ipvsadm', 'keepalived'];

type ImporterModule = Record<string, unknown>;
const modules = import.meta.glob<ImporterModule>('../../shared/importers/index.ts', { eager: true });
const mod: ImporterModule | undefined = Object.values(modules)[0];

/** True when the importers are present. */
export const importersAvailable = mod !== undefined;

type AnyImporter = (...args: unknown[]) => unknown;

/** What an import produced: a topology (to merge or open) plus notes about what was guessed. */
export interface ImportOutcome {
  readonly topology: Topology;
  readonly notes: readonly string[];
}

function asOutcome(v: unknown): ImportOutcome | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as { topology?: Topology; notes?: unknown; warnings?: unknown; hosts?: unknown };
  if (o.topology && typeof o.topology === 'object') {
    const notes = Array.isArray(o.notes) ? o.notes : Array.isArray(o.warnings) ? o.warnings : [];
    return { topology: o.topology, notes: notes.map((n) => (typeof n === 'string' ? n : JSON.stringify(n))) };
  }
  if (Array.isArray(o.hosts)) return { topology: v as Topology, notes: [] };
  return null;
}

/** Runs the importer of `kind` on `text`. */
export function runImporter(kind: ImportKind, text: string): Result<ImportOutcome> {
  if (!mod) return { ok: false, error: 'unavailable' };
  const candidates = kind === 'ipvsadm' ? ['importIpvsadm', 'parseIpvsadm', 'fromIpvsadm'] : ['importKeepalived', 'parseKeepalived', 'fromKeepalived'];
  const generic = mod.importText ?? mod.importConfig;
  try {
    for (const name of candidates) {
      const fn = mod[name];
      if (typeof fn === 'function') return normalise((fn as AnyImporter)(text));
    }
    if (typeof generic === 'function') return normalise((generic as AnyImporter)(kind, text));
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  return { ok: false, error: 'unavailable' };
}

function normalise(r: unknown): Result<ImportOutcome> {
  if (r && typeof r === 'object' && 'ok' in r) {
    const res = r as { ok: boolean; value?: unknown; error?: unknown };
    if (!res.ok) return { ok: false, error: typeof res.error === 'string' ? res.error : JSON.stringify(res.error) };
    const out = asOutcome(res.value);
    return out ? { ok: true, value: out } : { ok: false, error: 'the importer returned no design' };
  }
  const out = asOutcome(r);
  return out ? { ok: true, value: out } : { ok: false, error: 'the importer returned no design' };
}
