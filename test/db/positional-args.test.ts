import { describe, expect, it } from 'vitest';
import { toPositional } from '../../db/positional-args.js';

describe('toPositional', () => {
  it('numbers each distinct name in order of first use, reusing numbers for repeats', () => {
    expect(
      toPositional({ sql: 'UPDATE t SET a = :a, b = @b WHERE a = :a AND c = $c', args: { a: 1, b: 'x', c: null } }),
    ).toEqual({
      sql: 'UPDATE t SET a = ?1, b = ?2 WHERE a = ?1 AND c = ?3',
      args: [1, 'x', null],
    });
  });

  it('leaves names inside strings, quoted identifiers and comments alone', () => {
    const sql = `SELECT ':a', "x:y", [z:w], \`q@r\` -- :c\n, :b /* $d */, 'it''s :e'`;
    expect(toPositional({ sql, args: { b: 2 } })).toEqual({
      sql: `SELECT ':a', "x:y", [z:w], \`q@r\` -- :c\n, ?1 /* $d */, 'it''s :e'`,
      args: [2],
    });
  });

  it('keeps positional statements and plain strings as they are; drops unused names', () => {
    expect(toPositional('SELECT 1')).toBe('SELECT 1');
    const positional = { sql: 'SELECT ?', args: [1] };
    expect(toPositional(positional)).toBe(positional);
    expect(toPositional({ sql: 'SELECT :a', args: { a: 1, unused: 2 } })).toEqual({ sql: 'SELECT ?1', args: [1] });
  });

  it('refuses a statement naming a parameter it was given no value for', () => {
    expect(() => toPositional({ sql: 'SELECT :missing', args: {} })).toThrow('"missing"');
  });
});
