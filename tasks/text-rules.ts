import { z } from 'zod';

/**
 * What text a user may store. One-line fields (titles, names, criteria, tags) take no control
 * characters (C0, DEL, C1: ESC sequences, CR, BEL ...), no bidirectional overrides and no line
 * separators, and must show something; multi-line fields (descriptions, memories, reasons) take no
 * NUL (SQLite and C strings end there). No text may hold lone surrogates (UTF-8 cannot store them).
 * Whatever was stored before these rules is neutralised when printed (client/terminal-text.ts).
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const LINE_SEPARATOR = /[\u2028\u2029]/u;
/** Characters that show nothing: spaces, format characters (zero-width, soft hyphen, tags), fillers, variation selectors. */
const INVISIBLE =
  // Each combining or variation character is matched on its own, on purpose.
  // eslint-disable-next-line no-misleading-character-class
  /[\p{Z}\p{Cf}\p{Cc}\s\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` is not acceptable in a one-line field called `field`, or null. */
export function oneLineProblem(field: string, text: string): string | null {
  if (LONE_SURROGATE.test(text)) return `${field} is not valid Unicode (a lone surrogate)`;
  const control = CONTROL.exec(text);
  if (control) return `${field} must not contain control characters (found ${codePoint(control[0])})`;
  const bidi = BIDI.exec(text) ?? LINE_SEPARATOR.exec(text);
  if (bidi)
    return `${field} must not contain bidirectional-control or line-separator characters (found ${codePoint(bidi[0])})`;
  if (text.replace(INVISIBLE, '') === '') return `${field} must contain visible characters`;
  return null;
}

/** Why `text` is not acceptable in a multi-line field called `field`, or null. */
export function multiLineProblem(field: string, text: string): string | null {
  if (LONE_SURROGATE.test(text)) return `${field} is not valid Unicode (a lone surrogate)`;
  if (text.includes('\0')) return `${field} must not contain NUL bytes`;
  return null;
}

/** A zod refinement reporting `problem(field, text)` as the issue. */
export const textRule =
  (problem: (field: string, text: string) => string | null, field: string) => (text: string, ctx: z.RefinementCtx) => {
    const message = problem(field, text);
    if (message) ctx.addIssue({ code: 'custom', message });
  };

/** A trimmed one-line text field of 1..max characters. */
export const oneLineText = (field: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `${field} must not be empty`, abort: true })
    .max(max, { error: `${field} is limited to ${max} characters`, abort: true })
    .superRefine(textRule(oneLineProblem, field));

/** A trimmed multi-line text field of 1..max characters. */
export const multiLineText = (field: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `${field} must not be empty`, abort: true })
    .max(max, { error: `${field} is limited to ${max} characters`, abort: true })
    .superRefine(textRule(multiLineProblem, field));
