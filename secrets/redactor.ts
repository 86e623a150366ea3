import { encodedForms } from './encoded-forms.js';
import { MIN_SECRET_LENGTH } from './env-secrets.js';
import { KEPT_PREFIX_GROUPS, KEY_PATTERNS, MAX_PATTERN_MATCH } from './key-patterns.js';
import { createLiteralScanner } from './literal-scanner.js';

/** What every secret is replaced with. */
export const REDACTED = '[redacted]';

export interface Redactor {
  /** `text` with every known secret (and its encoded forms) and every key-shaped string replaced by `[redacted]`. */
  redact(text: string): string;
  /** A copy of `value` (plain objects, arrays, strings) with every string in it, keys too, redacted. */
  redactValue<T>(value: T): T;
  /**
   * The start of `redact(text)`, at least `length` UTF-16 units of it, for a text that is cut to size
   * anyway: a huge text costs time in proportion to `length`, not to its own size. `whole` says
   * whether the result is all of `redact(text)` or only a head of it.
   */
  redactHead(text: string, length: number): { text: string; whole: boolean };
}

export interface RedactorOptions {
  /** Known secret values (API keys, tokens, passwords); values shorter than 8 characters are ignored. */
  secrets?: readonly string[];
  /** Also redact key-shaped strings (secrets/key-patterns.ts). Default true. */
  keyPatterns?: boolean;
}

/** Each secret's forms that are long enough to be told apart from chance. */
function literals(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of encodedForms(secret)) {
      // A form inside the marker itself would redact the marker again on every pass.
      if (form.length >= MIN_SECRET_LENGTH && !REDACTED.includes(form)) forms.add(form);
    }
  }
  return [...forms];
}

/**
 * Two linear passes however many secrets there are: one scan for all known values and their encoded
 * forms (secrets/literal-scanner.ts), then one combined regular expression for the key patterns.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const literalForms = literals(options.secrets ?? []);
  const scanner = createLiteralScanner(literalForms);
  const pattern = options.keyPatterns === false ? null : new RegExp(KEY_PATTERNS.map((p) => p.source).join('|'), 'g');
  const replace = (...args: unknown[]): string => {
    const groups = args.at(-1) as Record<string, string | undefined>;
    return (KEPT_PREFIX_GROUPS.map((name) => groups[name]).find((p) => p !== undefined) ?? '') + REDACTED;
  };
  const redact = (text: string): string => {
    if (text.length === 0) return text;
    const known = scanner.replaceAll(text, REDACTED);
    return pattern === null ? known : known.replace(pattern, replace);
  };

  const redactValue = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (Array.isArray(value)) return value.map(redactValue);
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [redact(key), redactValue(v)]));
    }
    return value;
  };

  // Redacting text.slice(0, end) gives redact(text) exactly, except near `end`: a match there may be cut
  // short or missed. The unsure part starts at most `longestMatch` units before `end` in the text, and a
  // redacted span is at most 1.25 times as long (8 characters become `[redacted]`), so everything but
  // the last `unsure` units of the result is sure.
  const longestMatch = Math.max(MAX_PATTERN_MATCH, ...literalForms.map((f) => f.length));
  const unsure = Math.ceil(longestMatch * 1.25) + REDACTED.length;
  const redactHead = (text: string, length: number) => {
    for (let end = length + 2 * unsure; end < text.length; end *= 2) {
      const head = redact(text.slice(0, end));
      if (head.length - unsure >= length) return { text: head.slice(0, head.length - unsure), whole: false };
    }
    return { text: redact(text), whole: true };
  };
  return { redact, redactValue: <T>(value: T) => redactValue(value) as T, redactHead };
}
