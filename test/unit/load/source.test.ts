import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../generator/src/load/source.ts';

const text = `asyncapi: 3.0.0
channels:
  events:
    address: /ws
    messages:
      - first
      - second
`;

describe('parseSource', () => {
  it('locates map keys and sequence items', () => {
    const result = parseSource('doc.yaml', text);
    if (!result.ok) throw new Error('expected a parse');
    expect(result.source.locate(['channels', 'events', 'address'])).toEqual({ line: 4, column: 5 });
    expect(result.source.locate(['channels', 'events', 'messages', 1])).toEqual({ line: 7, column: 9 });
  });

  it('falls back to the deepest existing node', () => {
    const result = parseSource('doc.yaml', text);
    if (!result.ok) throw new Error('expected a parse');
    expect(result.source.locate(['channels', 'events', 'nope', 'deeper'])).toEqual({ line: 3, column: 3 });
  });

  it('reports a syntax error with its position', () => {
    const result = parseSource('doc.yaml', 'a: 1\nb: [1, 2\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.position.line).toBeGreaterThanOrEqual(2);
  });

  it('rejects duplicate keys', () => {
    expect(parseSource('doc.yaml', 'a: 1\na: 2\n').ok).toBe(false);
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lol = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lol.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill('*' + String.fromCharCode(96 + i))
          .join(',')}]`,
      );
    const result = parseSource('lol.yaml', lol.join('\n') + '\n');
    expect(result.ok).toBe(false);
  });
});

describe('parseSource errors a newcomer can act on', () => {
  const errors = (t: string) => {
    const result = parseSource('doc.yaml', t);
    if (result.ok) throw new Error('expected a syntax error');
    return result.errors.map((e) => `${e.position.line}:${e.position.column} ${e.message}`);
  };

  it.each([
    [
      'one tab gives one error, with the fix',
      'info:\n  title: T\n\tversion: 1.0.0\nchannels: {}\n',
      ['3:1 Tabs are not allowed as indentation; indent with spaces'],
    ],
    [
      'a tabbed block is one mistake, listing its other lines',
      'a:\n  b:\n\t  c: 1\n\t  d: 2\n\t  e: 3\n',
      ['3:1 Tabs are not allowed as indentation; indent with spaces (also on lines 4, 5)'],
    ],
    [
      'an unclosed double quote points where it opens',
      'info:\n  title: "T\n  version: 1.0.0\nchannels:\n  a: {}\n',
      ['2:10 Missing closing "quote: the string opened here is never closed'],
    ],
    [
      'an unclosed single quote, after a closed one with an escaped quote',
      "a: 'it''s'\nb:\n  - 'x\nc: 1\n",
      ["3:5 Missing closing 'quote: the string opened here is never closed"],
    ],
  ])('%s', (_name, given, want) => {
    expect(errors(given)).toEqual(want);
  });
});
