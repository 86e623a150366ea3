import { DEFAULT_LIMITS } from '../config/limits.js';
import { createRedactor, type Redactor } from '../secrets/index.js';
import { capJson, capText } from './truncate.js';

/** Byte caps on what the store writes; configured in `limits` of the config file (config/limits.ts). */
export interface StoreLimits {
  /** One text value: a check's output, a summary, a failure reason, and each string inside stored JSON. */
  textBytes: number;
  /** One JSON row: an agent turn's messages, a check's parsed result, a quality snapshot or comparison. */
  jsonBytes: number;
  /** One artifact: a prompt, a transcript, a feedback text. */
  artifactBytes: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  textBytes: DEFAULT_LIMITS.textBytes,
  jsonBytes: DEFAULT_LIMITS.jsonBytes,
  artifactBytes: DEFAULT_LIMITS.artifactBytes,
};

export interface StoreOptions {
  /** Replaces secrets in everything written. Default: key patterns only, no known values. */
  redactor?: Redactor;
  limits?: Partial<StoreLimits>;
}

/**
 * The one gate every repository writes text through: agent and check output is untrusted, so each
 * text is redacted (secrets out) and capped (size bounded) before it reaches a row. JSON is redacted
 * and capped inside the value, string by string, before it is serialised, so it stays valid.
 */
export interface Persist {
  readonly redactor: Redactor;
  readonly limits: StoreLimits;
  /** A text column: redacted, then capped at `limits.textBytes` (or `artifactBytes` for artifacts). */
  text(value: string, cap?: 'text' | 'artifact'): string;
  optText(value: string | null | undefined): string | null;
  /** A JSON column: every string and key redacted, every string capped at `textBytes`, the whole at `jsonBytes`. */
  json(value: unknown): string;
}

export function createPersist(options: StoreOptions = {}): Persist {
  const redactor = options.redactor ?? createRedactor();
  const limits = { ...DEFAULT_STORE_LIMITS, ...options.limits };

  /** Only as much of a huge text is redacted as is kept (the marker still gives its whole size). */
  const redactCapped = (value: string, maxBytes: number): string => {
    const head = redactor.redactHead(value, maxBytes);
    return head.whole ? capText(head.text, maxBytes) : capText(head.text, maxBytes, Buffer.byteLength(value, 'utf8'));
  };
  const redactStrings = (value: unknown): unknown => {
    if (typeof value === 'string') return redactCapped(value, limits.textBytes);
    if (Array.isArray(value)) return value.map(redactStrings);
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [redactor.redact(key), redactStrings(v)]));
    }
    return value;
  };
  const text = (value: string, cap: 'text' | 'artifact' = 'text') =>
    redactCapped(value, cap === 'artifact' ? limits.artifactBytes : limits.textBytes);

  return {
    redactor,
    limits,
    text,
    optText: (value) => (value == null ? null : text(value)),
    json: (value) => capJson(redactStrings(value), limits.jsonBytes, limits.textBytes),
  };
}
