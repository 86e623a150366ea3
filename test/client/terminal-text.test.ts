import { describe, expect, it } from 'vitest';
import { jsonForTerminal, safeForTerminal } from '../../client/terminal-text.js';
import { oneLineProblem } from '../../tasks/text-rules.js';

// eslint-disable-next-line no-control-regex -- control characters are what it matches
const TERMINAL_ACTS_ON = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
const everyCodeUnitUpTo = (last: number) => Array.from({ length: last + 1 }, (_, i) => String.fromCharCode(i)).join('');

describe('safeForTerminal', () => {
  it('makes escape sequences, CR, BEL, C1 controls and bidi overrides visible instead of acted on', () => {
    expect(safeForTerminal('a\x1b[31mred\x1b[0m')).toBe('a\\x1b[31mred\\x1b[0m');
    expect(safeForTerminal('\x1b]8;;http://x\x07link\x1b]8;;\x07')).toBe('\\x1b]8;;http://x\\x07link\\x1b]8;;\\x07');
    expect(safeForTerminal('done\rFAKE')).toBe('done\\rFAKE');
    expect(safeForTerminal('\x9b2J\x85')).toBe('\\x9b2J\\x85');
    expect(safeForTerminal('abc\u202edcba\u2066x\u2069')).toBe('abc\\u{202e}dcba\\u{2066}x\\u{2069}');
    expect(safeForTerminal('lone \ud800 surrogate')).toBe('lone \ufffd surrogate');
    expect(safeForTerminal('plain, ünïcödé, 日本語, emoji 🚀')).toBe('plain, ünïcödé, 日本語, emoji 🚀');
  });

  it('keeps \\n and \\t only in multi-line text', () => {
    expect(safeForTerminal('a\nb\tc')).toBe('a\\nb\\tc');
    expect(safeForTerminal('a\nb\tc\x1b', { multiline: true })).toBe('a\nb\tc\\x1b');
  });

  it('leaves nothing a terminal acts on, for every code unit up to U+206F', () => {
    const all = everyCodeUnitUpTo(0x206f);
    expect(safeForTerminal(all)).not.toMatch(/[\n\t]/);
    expect(safeForTerminal(all)).not.toMatch(TERMINAL_ACTS_ON);
    expect(safeForTerminal(all, { multiline: true })).not.toMatch(TERMINAL_ACTS_ON);
  });
});

describe('jsonForTerminal', () => {
  it('escapes what JSON.stringify leaves raw (DEL, C1, bidi, line separators) and parses to the same value', () => {
    const value = { title: everyCodeUnitUpTo(0x206f), nested: ['\u202e', '\x9b'] };
    const text = jsonForTerminal(value);
    expect(text).not.toMatch(TERMINAL_ACTS_ON);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('oneLineProblem', () => {
  it.each([
    ['a\x00b', 'title must not contain control characters (found U+0000)'],
    ['a\tb', 'title must not contain control characters (found U+0009)'],
    ['a\u2028b', 'title must not contain bidirectional-control or line-separator characters (found U+2028)'],
    ['\u200b\u00ad\u2800', 'title must contain visible characters'],
    ['\ufe0f', 'title must contain visible characters'],
    ['x\udc00', 'title is not valid Unicode (a lone surrogate)'],
  ])('refuses %j', (text, message) => {
    expect(oneLineProblem('title', text)).toBe(message);
  });

  it.each(['Fix the login', 'Réparer « ça »', '修复登录', 'emoji 🚀 ok', 'a\u200db'])('accepts %j', (text) => {
    expect(oneLineProblem('title', text)).toBeNull();
  });
});
