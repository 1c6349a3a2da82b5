/**
 * Per-student address plans: the plan variables of an assignment filled deterministically from a
 * seed (the student id), and the placeholders of its templates replaced by them.
 *
 * The seed is hashed with SipHash-2-4 (shared/simulator/siphash.ts) together with the assignment id
 * into the 32-bit state of the simulator's mulberry32 generator (shared/simulator/rng.ts), so the
 * same student gets the same plan on every machine and two students (almost always) different ones.
 */
import { strToU8 } from 'fflate';
import { formatIPv4, overlaps, parseCidr } from '../addressing/ipv4.ts';
import type { Cidr } from '../addressing/ipv4.ts';
import { createRng, rngInt } from '../simulator/rng.ts';
import type { Rng } from '../simulator/rng.ts';
import { sipHashBytes, sipKey } from '../simulator/siphash.ts';
import type { Result } from '../util/result.ts';
import { err, ok } from '../util/result.ts';
import type { PlanVariable } from './schema.ts';

/** One filled variable: what `{{NAME}}` becomes, plus the subnet for `{{NAME.N}}`. */
export type PlanValue =
  | { readonly kind: 'subnet'; readonly text: string; readonly network: number; readonly prefix: number }
  | { readonly kind: 'address'; readonly text: string }
  | { readonly kind: 'number'; readonly value: number };

/** A student's plan: variable name → value. */
export type Plan = Readonly<Record<string, PlanValue>>;

// A fixed key: the digest is a fingerprint of (assignment, seed), not a secret.
const KEY = sipKey(0x4c565344, 0x61737367);

/** SipHash-2-4 of a string as 16 hex digits. */
export function digestText(text: string): string {
  const [hi, lo] = sipHashBytes(strToU8(text), KEY, 2, 4);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The RNG of one student's plan. */
export function planRng(assignmentId: string, seed: string): Rng {
  const [hi, lo] = sipHashBytes(strToU8(`${assignmentId}\u0000${seed}`), KEY, 2, 4);
  return createRng((hi ^ lo) >>> 0);
}

/** Placeholder syntax: `{{NAME}}`, `{{NAME.123}}`, `{{NAME.prefix}}`. */
const PLACEHOLDER = /\{\{([A-Z][A-Z0-9_]{0,31})(?:\.(\d{1,10}|prefix))?\}\}/g;

/** Every placeholder in a JSON value: name → the host offsets used with it (`{{LAN.101}}` → 101). */
export function placeholdersOf(value: unknown, out = new Map<string, Set<number>>()): Map<string, Set<number>> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(PLACEHOLDER)) {
      const set = out.get(m[1]!) ?? new Set<number>();
      if (m[2] !== undefined && m[2] !== 'prefix') set.add(Number(m[2]));
      out.set(m[1]!, set);
    }
  } else if (Array.isArray(value)) for (const v of value) placeholdersOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) placeholdersOf(v, out);
  return out;
}

/** Attempts per variable before a plan is declared impossible (pool too small for the subnets asked). */
const ATTEMPTS = 64;

/**
 * Fills the plan variables in order from the seed. `reserved` lists the host offsets the templates
 * use per subnet variable; an `address` never takes one of them (nor another address's).
 * Errors (a pool too small, an unknown subnet variable) are the assignment's, not the student's.
 */
export function fillPlan(
  variables: readonly PlanVariable[],
  assignmentId: string,
  seed: string,
  reserved: ReadonlyMap<string, ReadonlySet<number>> = new Map(),
): Result<Plan, string> {
  const rng = planRng(assignmentId, seed);
  const plan: Record<string, PlanValue> = {};
  const subnets: Cidr[] = [];
  const taken = new Map<number, Set<number>>(); // network → used offsets
  for (const v of variables) {
    if (plan[v.name]) return err(`plan: variable ${v.name} is defined twice`);
    if (v.kind === 'number') {
      if (v.max < v.min) return err(`plan: ${v.name}: max < min`);
      plan[v.name] = { kind: 'number', value: v.min + rngInt(rng, v.max - v.min + 1) };
      continue;
    }
    if (v.kind === 'subnet') {
      const pool = parseCidr(v.pool);
      if (!pool) return err(`plan: ${v.name}: pool ${v.pool} is not a CIDR`);
      if (v.prefix < pool.prefix) return err(`plan: ${v.name}: /${v.prefix} does not fit in ${v.pool}`);
      const count = 2 ** (v.prefix - pool.prefix);
      let picked: Cidr | null = null;
      for (let i = 0; i < ATTEMPTS && !picked; i++) {
        const network = (pool.network + rngInt(rng, count) * 2 ** (32 - v.prefix)) >>> 0;
        const c = parseCidr(`${formatIPv4(network)}/${v.prefix}`)!;
        if (!subnets.some((s) => overlaps(s, c))) picked = c;
      }
      if (!picked) return err(`plan: ${v.name}: no free /${v.prefix} left in ${v.pool}`);
      subnets.push(picked);
      const used = new Set(reserved.get(v.name) ?? []);
      taken.set(picked.network, used);
      plan[v.name] = { kind: 'subnet', text: `${formatIPv4(picked.network)}/${v.prefix}`, network: picked.network, prefix: v.prefix };
      continue;
    }
    const base = plan[v.in];
    let network: number;
    let prefix: number;
    if (base) {
      if (base.kind !== 'subnet') return err(`plan: ${v.name}: ${v.in} is not a subnet variable`);
      ({ network, prefix } = base);
    } else {
      const c = parseCidr(v.in);
      if (!c) return err(`plan: ${v.name}: "${v.in}" is neither a CIDR nor an earlier subnet variable`);
      ({ network, prefix } = { network: c.network, prefix: c.prefix });
    }
    const size = 2 ** (32 - prefix);
    const min = v.min ?? 1;
    const max = Math.min(v.max ?? size - 2, size - 2);
    if (max < min) return err(`plan: ${v.name}: no host offsets between ${min} and ${max} in /${prefix}`);
    const used = taken.get(network) ?? new Set<number>();
    taken.set(network, used);
    let offset = -1;
    for (let i = 0; i < ATTEMPTS && offset < 0; i++) {
      const o = min + rngInt(rng, max - min + 1);
      if (!used.has(o)) offset = o;
    }
    if (offset < 0) return err(`plan: ${v.name}: no free address between offsets ${min} and ${max}`);
    used.add(offset);
    plan[v.name] = { kind: 'address', text: formatIPv4((network + offset) >>> 0) };
  }
  return ok(plan);
}

/** Digest of a filled plan (what a submission carries as `planDigest`). */
export function planDigest(plan: Plan): string {
  const parts = Object.keys(plan)
    .sort()
    .map((k) => {
      const v = plan[k]!;
      return `${k}=${v.kind === 'number' ? v.value : v.text}`;
    });
  return digestText(parts.join('\n'));
}

/** The plan as name → text, for showing it to a student or in a report. */
export function planTable(plan: Plan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(plan)) out[k] = v.kind === 'number' ? String(v.value) : v.text;
  return out;
}

function replaceOne(plan: Plan, name: string, part: string | undefined): string {
  const v = plan[name];
  if (!v) throw new PlanError(`unknown plan variable {{${name}}}`);
  if (part === undefined) return v.kind === 'number' ? String(v.value) : v.text;
  if (v.kind !== 'subnet') throw new PlanError(`{{${name}.${part}}}: ${name} is not a subnet variable`);
  if (part === 'prefix') return String(v.prefix);
  const offset = Number(part);
  if (offset >= 2 ** (32 - v.prefix)) throw new PlanError(`{{${name}.${part}}}: offset outside ${v.text}`);
  return formatIPv4((v.network + offset) >>> 0);
}

/** A template that cannot be filled (an unknown variable, an offset outside its subnet). */
export class PlanError extends Error {}

/**
 * Replaces every placeholder in a JSON value. A string that is exactly one `{{NAME}}` of a number
 * variable becomes that number; everything else stays a string. Throws {@link PlanError}.
 */
export function fillTemplate<T>(value: T, plan: Plan): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\{\{([A-Z][A-Z0-9_]{0,31})\}\}$/.exec(v);
      if (whole && plan[whole[1]!]?.kind === 'number') return (plan[whole[1]!] as { value: number }).value;
      return v.includes('{{') ? v.replace(PLACEHOLDER, (_m, name: string, part: string | undefined) => replaceOne(plan, name, part)) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
