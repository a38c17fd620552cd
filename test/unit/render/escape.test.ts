import { describe, expect, it } from 'vitest';
import { jsDoc, jsLiteral, objectKey, propertyKey, tsString } from '../../../generator/src/render/escape.ts';

const HOSTILE = ['"', "'", '`', '${globalThis.x = 1}', '*/', '\u2028', '\u2029', '\n', '\\', '</script>', '__proto__', ''];

describe('tsString', () => {
  it.each(HOSTILE)('%j evaluates back to itself', (value) => {
    const code = tsString(value);
    expect(code).not.toMatch(/[\u2028\u2029\n]/);
    expect(new Function(`return ${code};`)()).toBe(value);
  });
});

describe('jsDoc', () => {
  it('cannot be closed from inside', () => {
    const doc = jsDoc(['a */ globalThis.pwned = 1; /* b', 'line\u2028two']);
    expect(doc.slice(3, -4)).not.toContain('*/');
    expect(doc).not.toMatch(/[\u2028\u2029]/);
    expect(() => new Function(`${doc}; return globalThis.pwned;`)()).not.toThrow();
    expect(new Function(`${doc}; return typeof globalThis.pwned;`)()).toBe('undefined');
  });

  it('is empty for no text', () => {
    expect(jsDoc([undefined, '  '])).toBe('');
  });
});

describe('propertyKey', () => {
  it.each([
    ['plain', 'plain'],
    ['with-dash', '"with-dash"'],
    ['2x', '"2x"'],
    ['`${x}`', '"`${x}`"'],
  ])('%j → %s', (name, want) => expect(propertyKey(name)).toBe(want));
});

describe('objectKey', () => {
  it.each(['__proto__', 'constructor', 'a b', 'x', '"', 'toString'])('%j is an own property of the object literal it keys', (name) => {
    const made = new Function(`return { ${objectKey(name)}: 1 };`)() as object;
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(made, name)?.value).toBe(1);
  });
});

describe('jsLiteral', () => {
  it('round-trips hostile data, __proto__ as an own property', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a\\u2028": ["`${x}`", 1, null, false], "*/": {}}') as Record<string, unknown>;
    const copy = new Function(`return ${jsLiteral(value)};`)() as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what is not JSON data', () => {
    expect(() => jsLiteral(Number.NaN)).toThrow();
    expect(() => jsLiteral(() => 1)).toThrow();
  });
});
