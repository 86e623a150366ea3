import { describe, expect, it } from 'vitest';
import { capJson, capText, truncationMarker } from '../../db/truncate.js';

const MB = 1024 * 1024;

describe('capText', () => {
  it('keeps a text that fits, and cuts a 10 MB text to its first bytes with a marker', () => {
    expect(capText('short', 100)).toBe('short');
    const big = 'x'.repeat(10 * MB);
    const capped = capText(big, 256 * 1024);
    expect(capped).toBe(`${'x'.repeat(256 * 1024)}${truncationMarker(10 * MB, 256 * 1024)}`);
    expect(capped.endsWith('…[truncated: 10485760 bytes, kept 262144]')).toBe(true);
  });

  it('never splits a multi-byte character, and counts bytes, not characters', () => {
    const text = 'é'.repeat(100); // 200 bytes
    const capped = capText(text, 51);
    expect(capped).toBe(`${'é'.repeat(25)}${truncationMarker(200, 50)}`);
    const emoji = '😀'.repeat(10); // 40 bytes, surrogate pairs
    expect(capText(emoji, 10)).toBe(`😀😀${truncationMarker(40, 8)}`);
  });

  it('capping a capped text again keeps the original size in the marker', () => {
    const once = capText('y'.repeat(10_000), 1_000);
    expect(capText(once, 100)).toBe(`${'y'.repeat(100)}${truncationMarker(10_000, 100)}`);
  });
});

describe('capJson', () => {
  it('caps each string and keeps the whole valid JSON within the row cap', () => {
    const value = {
      messages: [
        {
          role: 'assistant',
          text: 'a'.repeat(10 * MB),
          toolCalls: [{ id: 'c1', name: 'write_file', input: { path: 'big.txt', content: 'b'.repeat(3 * MB) } }],
        },
        { role: 'tool', results: [{ callId: 'c1', name: 'write_file', output: 'wrote it', isError: false }] },
      ],
      count: 3,
    };
    const json = capJson(value, MB, 256 * 1024);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MB);
    const parsed = JSON.parse(json);
    expect(parsed.count).toBe(3);
    expect(parsed.messages[1].results[0].output).toBe('wrote it');
    expect(parsed.messages[0].text).toMatch(/^a+…\[truncated: 10485760 bytes, kept \d+\]$/);
    expect(parsed.messages[0].toolCalls[0].input.content).toMatch(/^b+…\[truncated: 3145728 bytes, kept \d+\]$/);
  });

  it('cuts long strings further when many capped strings together exceed the row cap', () => {
    const value = Array.from({ length: 10 }, (_, i) => ({ i, text: 'z'.repeat(200_000) }));
    const json = capJson(value, 500_000, 256 * 1024);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(500_000);
    const parsed = JSON.parse(json) as Array<{ i: number; text: string }>;
    expect(parsed.map((p) => p.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const p of parsed) expect(p.text).toMatch(/…\[truncated: 200000 bytes, kept \d+\]$/);
    expect(Buffer.byteLength(json)).toBeGreaterThan(400_000);
  });

  it('leaves a value that fits exactly as JSON.stringify gives it', () => {
    const value = { a: 'é', b: [1, null, true], c: { d: 'text' } };
    expect(capJson(value, 1_000, 100)).toBe(JSON.stringify(value));
  });
});
