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
    for (let i = 1; i < 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const result = parseSource('lol.yaml', lol.join('\n') + '\n');
    expect(result.ok).toBe(false);
  });
});
