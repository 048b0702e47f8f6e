/**
 * mulberry32: a tiny seeded PRNG. The fake vendor draws from one sequence so that the same
 * seed and the same sequence of requests give the same random 429s, 500s and failed jobs.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
