/** A small seeded RNG (mulberry32): the same seed gives the same fault schedule. */
export function seededRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Uniform in [lo, hi). */
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    /** An integer in [0, n). */
    index: (n: number) => Math.floor(next() * n),
  };
}
export type Rng = ReturnType<typeof seededRng>;
