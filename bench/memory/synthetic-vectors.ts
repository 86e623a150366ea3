/**
 * Seeded synthetic embeddings. Real text embeddings are not uniform on the sphere: they crowd around
 * topics and vary along far fewer directions than they have coordinates. The `topics` model imitates
 * that: topic centres in a low-dimensional latent space, items scattered around them, projected to
 * `dims` coordinates by a fixed random matrix, plus isotropic noise. `isotropic` (independent Gaussian
 * coordinates around a few hundred centres) is the much harder case with no low-dimensional structure.
 */
export type DataModel = 'topics' | 'isotropic';

const LATENT_DIMS = 48;
const TOPICS = 100;
const TOPIC_SPREAD = 0.6;
const NOISE = 0.35;
const ISOTROPIC_CENTRES = 200;
const ISOTROPIC_SPREAD = 0.8;

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum) || 1;
  for (let i = 0; i < v.length; i++) v[i]! /= norm;
  return v;
}

/**
 * A synthetic embedding space (its centres and projection come from `seed`), from which `stream(n)`
 * draws independent seeded streams of unit vectors: one for the stored memories, one for the queries.
 */
export function syntheticSpace(model: DataModel, dims: number, seed: number) {
  const gauss = gaussian(prng(seed));
  if (model === 'isotropic') {
    const centres = Array.from({ length: ISOTROPIC_CENTRES }, () =>
      normalise(Float32Array.from({ length: dims }, gauss)),
    );
    const scale = ISOTROPIC_SPREAD / Math.sqrt(dims);
    return {
      stream(streamSeed: number): () => Float32Array {
        const random = prng(streamSeed);
        const noise = gaussian(random);
        return () =>
          normalise(Float32Array.from(centres[Math.floor(random() * ISOTROPIC_CENTRES)]!, (x) => x + scale * noise()));
      },
    };
  }
  const projection = Array.from({ length: LATENT_DIMS }, () => Float32Array.from({ length: dims }, gauss));
  const topics = Array.from({ length: TOPICS }, () => Float64Array.from({ length: LATENT_DIMS }, gauss));
  return {
    stream(streamSeed: number): () => Float32Array {
      const random = prng(streamSeed);
      const noise = gaussian(random);
      return () => {
        const topic = topics[Math.floor(random() * TOPICS)]!;
        const v = new Float32Array(dims);
        for (let l = 0; l < LATENT_DIMS; l++) {
          const z = topic[l]! + TOPIC_SPREAD * noise();
          const row = projection[l]!;
          for (let i = 0; i < dims; i++) v[i]! += z * row[i]!;
        }
        let sum = 0;
        for (const x of v) sum += x * x;
        const scale = NOISE * Math.sqrt(sum / dims);
        for (let i = 0; i < dims; i++) v[i]! += scale * noise();
        return normalise(v);
      };
    },
  };
}

export const describeDataModel = (model: DataModel): string =>
  model === 'topics'
    ? `${TOPICS} topics in a ${LATENT_DIMS}-dim latent space (spread ${TOPIC_SPREAD}), randomly projected, + ${NOISE * 100}% isotropic noise`
    : `${ISOTROPIC_CENTRES} centres with independent Gaussian coordinates (spread ${ISOTROPIC_SPREAD})`;
