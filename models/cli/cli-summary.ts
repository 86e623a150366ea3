import { stripVTControlCharacters } from 'node:util';

/** A CLI's text made fit for a stored summary: ANSI escapes gone, whitespace collapsed. */
export const cleanText = (text: string) => stripVTControlCharacters(text).replace(/\s+/g, ' ').trim();

/** Lines that explain nothing: stack frames, lone brackets, progress and banner noise. */
const NOISE = [
  /^at\s/, // a stack frame
  /^[\s{}[\](),;:'"`]*$/, // a stray bracket of a printed object
  /^"[^"]+":\s/, // a field of a printed object
  /^\.{3}\s*\d+ more/, // "... 3 more lines"
  /^(node:internal|file:\/\/)/,
  /^(YOLO mode is enabled|Warning: 256-color|Ripgrep is not available|Reading additional input from stdin|Loaded cached credentials|WARNING: proceeding, even though we could not create PATH aliases)/i,
];
const ERROR_WORDS =
  /\b(error|failed|failure|invalid|denied|refused|unauthori[sz]ed|forbidden|not found|cannot|can't|unable|missing|timed? ?out|exceeded|panicked|fatal)\b|\b(HTTP|status)\s*[45]\d\d\b/i;

/**
 * The stderr line that best says what went wrong: the last line naming an error, else the last
 * line that is not noise (a stack frame, a stray `}`), ANSI escapes removed.
 */
export function informativeLine(stderr: string): string | undefined {
  const lines = stripVTControlCharacters(stderr)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !NOISE.some((noise) => noise.test(line)));
  return (lines.findLast((line) => ERROR_WORDS.test(line)) ?? lines.at(-1))?.replace(/\s+/g, ' ');
}

/** Whether a CLI's error text says the provider refused its credentials (retrying cannot help). */
export const isAuthFailure = (text: string) =>
  /\b(401|403)\b|unauthori[sz]ed|authentication[_ ](error|failed)|invalid[ _-]?(x-)?api[ _-]?key|api key not valid|UNAUTHENTICATED|PERMISSION_DENIED|invalid auth method/i.test(
    text,
  );
