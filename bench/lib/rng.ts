/** A small seeded PRNG (mulberry32), so generated data is the same on every run and machine. */

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A deterministic UUID-shaped string from `random` (for file names; not RFC-compliant randomness). */
export function seededUuid(random: () => number): string {
  let hex = ''
  for (let i = 0; i < 32; i++) hex += Math.floor(random() * 16).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`
}
