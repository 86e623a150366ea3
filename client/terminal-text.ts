/**
 * Text from the database, a repository or a user, made harmless to print on a terminal: every
 * C0/C1 control character (ESC, so no escape sequence survives; CR, BEL, backspace ...), DEL,
 * bidirectional overrides and line separators become a visible escape like `\x1b` or `\u{202e}`,
 * and lone surrogates become U+FFFD. Multi-line text keeps its \n and \t.
 * The one function every printer uses: client/format.ts per field, the CLI context per line.
 */

const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const UNSAFE_MULTI_LINE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const visible = (c: string) => {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`);
};

export function safeForTerminal(text: string, options: { multiline?: boolean } = {}): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(options.multiline ? UNSAFE_MULTI_LINE : UNSAFE_ONE_LINE, visible);
}

/** Characters JSON.stringify leaves raw that a terminal would act on; escaping them keeps the same JSON value. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Pretty JSON whose text is safe on a terminal (control characters as \u escapes) and parses to the same value. */
export function jsonForTerminal(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(
    UNSAFE_IN_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
