/**
 * The simulator's only source of randomness: a small seeded generator (mulberry32), injected
 * wherever a choice is random (ephemeral source port, which ARP reply arrives first, `twos`).
 * Same seed, same trace — no `Math.random()` and no clock anywhere in the simulator.
 */

/** A deterministic stream of unsigned 32-bit numbers. */
export interface Rng {
  /** Next value in 0 .. 2^32−1. */
  nextU32(): number;
}

/**
 * Creates a seeded RNG (mulberry32). Any number is accepted; it is folded to 32 bits.
 * @example createRng(42).nextU32()
 */
export function createRng(seed: number): Rng {
  let s = (Number.isFinite(seed) ? Math.trunc(seed) : 0) >>> 0;
  return {
    nextU32(): number {
      const r = rngStep(s);
      s = r.state;
      return r.value;
    },
  };
}

/**
 * One mulberry32 step as a pure function of the 32-bit generator state, for callers that keep the
 * state in plain data (the packet-flow simulator's {@link SimState}): the next value and the next state.
 */
export function rngStep(state: number): { readonly value: number; readonly state: number } {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, state: s };
}

/** A uniform integer in `[0, n)` from `rng` (n ≥ 1). */
export function rngInt(rng: Rng, n: number): number {
  return n <= 1 ? 0 : rng.nextU32() % n;
}
