/** Turns texts into vectors of a fixed length; one implementation per provider. */
export interface Embedder {
  /** Stored with each memory: vectors of different models are never compared. */
  readonly model: string;
  readonly dimensions: number;
  /** One vector of `dimensions` floats per text, in input order. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}
