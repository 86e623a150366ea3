// The shared-memory room: embedders, the memory store over libSQL vectors, and the task helpers.
export type { Embedder } from './embedder.js';
export { createEmbedder, type EmbedderOptions } from './create-embedder.js';
export { OFFLINE_MODEL, createOfflineEmbedder } from './offline-embedder.js';
export { OPENAI_DEFAULT_BASE_URL, OPENAI_DEFAULT_MODEL, createOpenAiEmbedder } from './openai-embedder.js';
export { GEMINI_DEFAULT_BASE_URL, GEMINI_DEFAULT_MODEL, createGeminiEmbedder } from './gemini-embedder.js';
export {
  EmbedderOptionsError,
  EmbeddingDimensionMismatchError,
  EmbeddingProviderError,
  MemoryInputError,
} from './errors.js';
export {
  DEFAULT_DEDUP_THRESHOLD,
  createMemoryStore,
  type ListQuery,
  type MemoryStore,
  type MemoryStoreOptions,
  type SearchQuery,
  type StoreResult,
} from './memory-store.js';
export { assertEmbedderFitsSchema, declaredEmbeddingDimensions } from './schema-dimensions.js';
export { digestFeedback, type FailureDigest } from './failure-digest.js';
export {
  learningsFromTask,
  memoryQueryForTask,
  type AttemptForMemory,
  type TaskForMemory,
  type TaskOutcomeForMemory,
} from './task-memories.js';
export {
  MEMORY_TYPES,
  type Memory,
  type MemoryHit,
  type MemoryInput,
  type MemoryType,
  type Provenance,
} from './types.js';
