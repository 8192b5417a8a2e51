/** Seeded pseudo-random numbers for deterministic training, data generation and fuzzing. */

/** mulberry32: a fast 32-bit PRNG; same seed, same sequence. Returns numbers in [0, 1). Seed 0 acts as 1. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
