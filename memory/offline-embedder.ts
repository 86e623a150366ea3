/**
 * The offline embedder: deterministic feature hashing, no model and no service.
 *
 * What it is: a lexical fingerprint. Each text becomes a bag of features — lowercased words minus a
 * short English stopword list (camelCase and snake_case identifiers also count as their parts), word
 * bigrams, and character trigrams of each word — weighted by kind (word 1, bigram 0.7, trigram 0.25)
 * and by 1 + ln(count), hashed into `dimensions` buckets with a hash-derived sign (so collisions
 * cancel out on average instead of piling up), and L2-normalised. The cosine similarity of two such
 * vectors measures how many words and word pieces the texts share.
 *
 * What it is not: semantic. It matches shared words and subwords ("fixes"/"fixed" share trigrams),
 * but synonyms and paraphrases ("crash" vs "segfault", "add" vs "sum") score as unrelated, and short
 * texts have few features, so their similarities are noisy. Its similarity scale differs from model
 * embeddings (related texts often score only 0.2–0.4), so search thresholds tuned for a provider do not
 * carry over; the 0.95 dedup threshold still means "nearly the same words". Use a provider embedder (OpenAI-compatible
 * or Gemini) when recall quality matters; this one exists so that memory works with no network and no
 * API key, and for tests. Model name: "offline-hash-v1" — change it if the features ever change, so
 * that old and new vectors are never compared.
 */
import type { Embedder } from './embedder.js';

export const OFFLINE_MODEL = 'offline-hash-v1';

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can did do does for from had has have he her his how i if in into is it its ' +
    'me my no not of on or our she so than that the their them then there these they this to was we were what ' +
    'when which who will with you your'
  ).split(' '),
);

/** FNV-1a over UTF-16 code units: tiny, fast and stable across platforms and Node versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** murmur3's finaliser: decorrelates the sign bit from the bucket index. */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Words in order, lowercased; identifiers contribute their parts and, when compound, the whole. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    const parts = raw
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(/[\s_]+/)
      .filter(Boolean)
      .map((p) => p.toLowerCase());
    out.push(...parts);
    if (parts.length > 1) out.push(parts.join(''));
  }
  return out;
}

const WEIGHTS: Record<string, number> = { w: 1, b: 0.7, c: 0.25, r: 0.25 };

/** Feature → number of occurrences. The prefix says the kind: w word, b bigram, c trigram, r raw. */
function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const content = words(text).filter((w) => !STOPWORDS.has(w));
  content.forEach((word, i) => {
    add(`w:${word}`);
    const next = content[i + 1];
    if (next !== undefined) add(`b:${word} ${next}`);
    const padded = `^${word}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`);
  });
  if (counts.size === 0) {
    // Only punctuation or stopwords: fall back to the raw characters so the vector is never zero.
    const raw = text.trim().toLowerCase().padEnd(3, ' ');
    for (let j = 0; j + 3 <= raw.length; j++) add(`r:${raw.slice(j, j + 3)}`);
  }
  return counts;
}

export function hashEmbedding(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const [feature, count] of features(text)) {
    const hash = fnv1a(feature);
    const sign = mix(hash) >>> 31 === 0 ? 1 : -1;
    // Sublinear term frequency: a word repeated ten times is not ten times as telling.
    vector[hash % dimensions]! += sign * WEIGHTS[feature[0]!]! * (1 + Math.log(count));
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  // Features can cancel out exactly in a tiny vector; any fixed unit vector keeps cosine defined.
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
  return vector;
}

export function createOfflineEmbedder(options: { dimensions: number }): Embedder {
  const { dimensions } = options;
  return {
    model: OFFLINE_MODEL,
    dimensions,
    async embed(texts, signal) {
      signal?.throwIfAborted();
      return texts.map((text) => hashEmbedding(text, dimensions));
    },
  };
}
