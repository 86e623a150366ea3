import { describe, expect, it } from 'vitest';
import { EditScriptError, parseEditScript } from '../../../models/local/edit-script.js';

const fence = '```';

describe('parseEditScript', () => {
  it('reads write, append and delete blocks with their paths and bodies', () => {
    const edits = parseEditScript(
      [
        'Please do the following.',
        `${fence}write src/sum.js`,
        'export const sum = (a, b) => a + b;',
        fence,
        'Then:',
        `${fence}append notes.md`,
        '- added sum',
        fence,
        `${fence}delete old/file.js`,
        fence,
      ].join('\n'),
    );
    expect(edits.map(({ op, path: p, content, attempts }) => ({ op, path: p, content, attempts }))).toEqual([
      { op: 'write', path: 'src/sum.js', content: 'export const sum = (a, b) => a + b;\n', attempts: null },
      { op: 'append', path: 'notes.md', content: '- added sum\n', attempts: null },
      { op: 'delete', path: 'old/file.js', content: '', attempts: null },
    ]);
  });

  it('ignores ordinary fenced code blocks', () => {
    const edits = parseEditScript(
      [
        `${fence}ts`,
        'const x: number = 1;',
        fence,
        `${fence}sh`,
        'rm -rf /',
        fence,
        `${fence}write a.txt`,
        'A',
        fence,
        fence,
        'plain',
        fence,
      ].join('\n'),
    );
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ op: 'write', path: 'a.txt', content: 'A\n' });
  });

  it('returns no edits for text without edit blocks', () => {
    expect(parseEditScript('Just make the tests pass.\n')).toEqual([]);
  });

  const attemptsOf = (spec: string) => {
    const [edit] = parseEditScript(`${fence}write a.txt attempts=${spec}\nA\n${fence}`);
    expect(edit?.attempts).toBeTypeOf('function');
    return [1, 2, 3, 4, 5].filter((attempt) => edit!.attempts!(attempt));
  };

  it.each([
    ['1', [1]],
    ['1,2', [1, 2]],
    ['3-', [3, 4, 5]],
    ['-2', [1, 2]],
    ['2-4', [2, 3, 4]],
    ['1,4-', [1, 4, 5]],
  ])('attempts=%s selects attempts %j', (spec, expected) => {
    expect(attemptsOf(spec)).toEqual(expected);
  });

  it.each(['abc', '-', '1,,2', 'x-2', '1.5'])('rejects attempts=%s, naming the block', (spec) => {
    const parse = () => parseEditScript(`intro\n${fence}write src/a.txt attempts=${spec}\nA\n${fence}`);
    expect(parse).toThrow(EditScriptError);
    expect(parse).toThrow(`${fence}write src/a.txt`);
    expect(parse).toThrow(`"${spec}"`);
  });

  it.each(['mode=fast', 'attempts', 'attempts=', 'verbose'])(
    'rejects the unknown option %s, naming the block',
    (option) => {
      const parse = () => parseEditScript(`${fence}append log.md ${option}\nA\n${fence}`);
      expect(parse).toThrow(EditScriptError);
      expect(parse).toThrow(`${fence}append log.md: unknown option "${option}"`);
    },
  );
});

describe('run blocks', () => {
  it('reads a run block as a command with no path, honouring attempts', () => {
    const [edit] = parseEditScript(`${fence}run attempts=2-\nnpm test -- --watch=false\n${fence}`);
    expect(edit).toMatchObject({ op: 'run', path: '', content: 'npm test -- --watch=false\n' });
    expect(edit!.attempts!(1)).toBe(false);
    expect(edit!.attempts!(2)).toBe(true);
  });

  it('rejects a file block without a path, naming it', () => {
    expect(() => parseEditScript(`${fence}write attempts=1\nA\n${fence}`)).toThrow(/a file path must follow "write"/);
  });
});
