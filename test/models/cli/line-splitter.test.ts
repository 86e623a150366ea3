import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../models/cli/line-splitter.js';

function split(chunks: string[], maxLineBytes = 100) {
  const lines: Array<[string, boolean]> = [];
  const splitter = new LineSplitter(maxLineBytes, (line, oversized) => lines.push([line, oversized]));
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and drops CR of CRLF', () => {
    expect(split(['{"a":', '1}\r\n{"b"', ':2}\n'])).toEqual([
      ['{"a":1}', false],
      ['{"b":2}', false],
    ]);
  });

  it('emits a last line that has no newline at the end', () => {
    expect(split(['one\ntwo'])).toEqual([
      ['one', false],
      ['two', false],
    ]);
  });

  it('cuts an oversized line at the limit, flags it, and resumes after its newline', () => {
    expect(split(['0123456789', 'abcdef\nnext\n'], 8)).toEqual([
      ['01234567', true],
      ['next', false],
    ]);
  });

  it('keeps multi-byte characters that arrive split across chunks', () => {
    const bytes = Buffer.from('héllo\n');
    const lines: string[] = [];
    const splitter = new LineSplitter(100, (line) => lines.push(line));
    splitter.push(bytes.subarray(0, 2));
    splitter.push(bytes.subarray(2));
    expect(lines).toEqual(['héllo']);
  });
});
