/**
 * SipHash for the `mh` (Maglev) scheduler, reimplemented from the description of the kernel's
 * `lib/siphash.c`. On 64-bit kernels `hsiphash()` is SipHash-1-3 (one compression round, three
 * finalisation rounds) over 64-bit lanes, truncated to 32 bits; that is what `ip_vs_mh.c` calls
 * with a 4-byte key. 64-bit lanes are kept as two unsigned 32-bit halves so the hot path never
 * allocates (no BigInt).
 */

// Lane halves: v0..v3 high and low words. Module-level so the rounds are allocation-free.
let v0h = 0;
let v0l = 0;
let v1h = 0;
let v1l = 0;
let v2h = 0;
let v2l = 0;
let v3h = 0;
let v3l = 0;

function sipRound(): void {
  let s: number;
  let h: number;
  let l: number;
  // v0 += v1; v1 = rol(v1, 13); v1 ^= v0; v0 = rol(v0, 32)
  s = v0l + v1l;
  v0h = (v0h + v1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = s >>> 0;
  h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
  l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
  v1h = (h ^ v0h) >>> 0;
  v1l = (l ^ v0l) >>> 0;
  h = v0h;
  v0h = v0l;
  v0l = h;
  // v2 += v3; v3 = rol(v3, 16); v3 ^= v2
  s = v2l + v3l;
  v2h = (v2h + v3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = s >>> 0;
  h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
  l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
  v3h = (h ^ v2h) >>> 0;
  v3l = (l ^ v2l) >>> 0;
  // v0 += v3; v3 = rol(v3, 21); v3 ^= v0
  s = v0l + v3l;
  v0h = (v0h + v3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
  v0l = s >>> 0;
  h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
  l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
  v3h = (h ^ v0h) >>> 0;
  v3l = (l ^ v0l) >>> 0;
  // v2 += v1; v1 = rol(v1, 17); v1 ^= v2; v2 = rol(v2, 32)
  s = v2l + v1l;
  v2h = (v2h + v1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
  v2l = s >>> 0;
  h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
  l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
  v1h = (h ^ v2h) >>> 0;
  v1l = (l ^ v2l) >>> 0;
  h = v2h;
  v2h = v2l;
  v2l = h;
}

/**
 * A 128-bit SipHash key as two 64-bit words, each split into unsigned 32-bit halves
 * (`k0h:k0l`, `k1h:k1l`), mirroring the kernel's `key[0]`, `key[1]`.
 */
export interface SipKey {
  readonly k0h: number;
  readonly k0l: number;
  readonly k1h: number;
  readonly k1l: number;
}

/** Builds a key from two 64-bit words given as numbers below 2^53 (the mh keys fit in 32 bits). */
export function sipKey(key0: number, key1: number): SipKey {
  return {
    k0h: Math.floor(key0 / 0x100000000) >>> 0,
    k0l: key0 >>> 0,
    k1h: Math.floor(key1 / 0x100000000) >>> 0,
    k1l: key1 >>> 0,
  };
}

function init(key: SipKey): void {
  v0h = (0x736f6d65 ^ key.k0h) >>> 0;
  v0l = (0x70736575 ^ key.k0l) >>> 0;
  v1h = (0x646f7261 ^ key.k1h) >>> 0;
  v1l = (0x6e646f6d ^ key.k1l) >>> 0;
  v2h = (0x6c796765 ^ key.k0h) >>> 0;
  v2l = (0x6e657261 ^ key.k0l) >>> 0;
  v3h = (0x74656462 ^ key.k1h) >>> 0;
  v3l = (0x79746573 ^ key.k1l) >>> 0;
}

/**
 * SipHash-c-d of a byte string, returned as `[high32, low32]` of the 64-bit result. General form,
 * used by the tests to check the rounds against the published SipHash-2-4 vectors.
 */
export function sipHashBytes(bytes: ArrayLike<number>, key: SipKey, cRounds: number, dRounds: number): [number, number] {
  init(key);
  const len = bytes.length;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) {
    const ml = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    const mh = (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)) >>> 0;
    v3h = (v3h ^ mh) >>> 0;
    v3l = (v3l ^ ml) >>> 0;
    for (let r = 0; r < cRounds; r++) sipRound();
    v0h = (v0h ^ mh) >>> 0;
    v0l = (v0l ^ ml) >>> 0;
  }
  let bh = ((len & 0xff) << 24) >>> 0;
  let bl = 0;
  for (let i = full; i < len; i++) {
    const shift = (i - full) * 8;
    if (shift < 32) bl = (bl | (bytes[i]! << shift)) >>> 0;
    else bh = (bh | (bytes[i]! << (shift - 32))) >>> 0;
  }
  return finish(bh, bl, cRounds, dRounds);
}

function finish(bh: number, bl: number, cRounds: number, dRounds: number): [number, number] {
  v3h = (v3h ^ bh) >>> 0;
  v3l = (v3l ^ bl) >>> 0;
  for (let r = 0; r < cRounds; r++) sipRound();
  v0h = (v0h ^ bh) >>> 0;
  v0l = (v0l ^ bl) >>> 0;
  v2l = (v2l ^ 0xff) >>> 0;
  for (let r = 0; r < dRounds; r++) sipRound();
  return [(v0h ^ v1h ^ v2h ^ v3h) >>> 0, (v0l ^ v1l ^ v2l ^ v3l) >>> 0];
}

/**
 * The kernel's 64-bit `hsiphash(&v, 4, key)` of one `u32` (little-endian in memory): SipHash-1-3,
 * truncated to the low 32 bits. Allocation-free, with every lane in a local so it stays fast.
 */
export function hsiphashU32(v: number, key: SipKey): number {
  let a0h = (0x736f6d65 ^ key.k0h) >>> 0;
  let a0l = (0x70736575 ^ key.k0l) >>> 0;
  let a1h = (0x646f7261 ^ key.k1h) >>> 0;
  let a1l = (0x6e646f6d ^ key.k1l) >>> 0;
  let a2h = (0x6c796765 ^ key.k0h) >>> 0;
  let a2l = (0x6e657261 ^ key.k0l) >>> 0;
  // No full 8-byte block: the 4 bytes go into b together with the length in the top byte.
  const bh = (4 << 24) >>> 0;
  const bl = v >>> 0;
  let a3h = (0x74656462 ^ key.k1h ^ bh) >>> 0;
  let a3l = (0x79746573 ^ key.k1l ^ bl) >>> 0;
  let s: number;
  let h: number;
  let l: number;
  for (let r = 0; r < 4; r++) {
    if (r === 1) {
      a0h = (a0h ^ bh) >>> 0;
      a0l = (a0l ^ bl) >>> 0;
      a2l = (a2l ^ 0xff) >>> 0;
    }
    s = a0l + a1l;
    a0h = (a0h + a1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    a0l = s >>> 0;
    h = ((a1h << 13) | (a1l >>> 19)) >>> 0;
    l = ((a1l << 13) | (a1h >>> 19)) >>> 0;
    a1h = (h ^ a0h) >>> 0;
    a1l = (l ^ a0l) >>> 0;
    h = a0h;
    a0h = a0l;
    a0l = h;
    s = a2l + a3l;
    a2h = (a2h + a3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    a2l = s >>> 0;
    h = ((a3h << 16) | (a3l >>> 16)) >>> 0;
    l = ((a3l << 16) | (a3h >>> 16)) >>> 0;
    a3h = (h ^ a2h) >>> 0;
    a3l = (l ^ a2l) >>> 0;
    s = a0l + a3l;
    a0h = (a0h + a3h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    a0l = s >>> 0;
    h = ((a3h << 21) | (a3l >>> 11)) >>> 0;
    l = ((a3l << 21) | (a3h >>> 11)) >>> 0;
    a3h = (h ^ a0h) >>> 0;
    a3l = (l ^ a0l) >>> 0;
    s = a2l + a1l;
    a2h = (a2h + a1h + (s > 0xffffffff ? 1 : 0)) >>> 0;
    a2l = s >>> 0;
    h = ((a1h << 17) | (a1l >>> 15)) >>> 0;
    l = ((a1l << 17) | (a1h >>> 15)) >>> 0;
    a1h = (h ^ a2h) >>> 0;
    a1l = (l ^ a2l) >>> 0;
    h = a2h;
    a2h = a2l;
    a2l = h;
  }
  return (a0l ^ a1l ^ a2l ^ a3l) >>> 0;
}
