import { describe, expect, it } from 'vitest';
import { getAt, parsePointer, toPointer } from '../../../generator/src/load/pointer.ts';

describe('JSON pointers', () => {
  it.each([
    ['plain', ['a', 'b', 0], '/a/b/0'],
    ['slash and tilde', ['a/b', '~x'], '/a~1b/~0x'],
    ['empty key', [''], '/'],
  ] as const)('%s round-trips', (_name, path, pointer) => {
    expect(toPointer(path)).toBe(pointer);
    expect(parsePointer('#' + pointer)).toEqual(path.map(String));
  });

  it('rejects a string that is not a pointer', () => {
    expect(() => parsePointer('a/b')).toThrow(/not a JSON pointer/);
  });

  it('never walks into inherited properties', () => {
    expect(getAt({}, ['constructor'])).toBeUndefined();
    expect(getAt({ a: { __proto__x: 1 } }, ['a', '__proto__'])).toBeUndefined();
    expect(getAt({ a: [10, 20] }, ['a', 1])).toBe(20);
  });
});
