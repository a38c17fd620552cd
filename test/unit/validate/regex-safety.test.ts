import { describe, expect, it } from 'vitest';
import { unsafePattern } from '../../../generator/src/validate/regex-safety.ts';

const unsafe: string[] = ['^(a+)+$', '(\\w*\\s?)*$', '(x{1,9})+', '^(?:[a-z0-9]+)*$', '(.*a){20}', '(-?a+)+', '^[a-z]+(-[a-z-]+)*$', '(a)\\1'];
// Every pattern of the seed contracts and extension schemas, and the usual delimited lists.
const safe: string[] = [
  '^\\d{4}-\\d{2}$',
  '(a|b)*',
  '^([a-z]+)$',
  '[(]+',
  '\\(a+\\)+',
  '^[a-z0-9]+(-[a-z0-9]+)*$',
  '^(/([^/~]|~[01])*)+$',
  '^#(/([^/~]|~[01])*)*$',
  '^[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?$',
  '^[1-9][0-9]* (second|minute|hour|day|week)s?$',
];

describe('unsafePattern', () => {
  it.each(unsafe)('refuses %s', (p) => expect(unsafePattern(p)).toBeTypeOf('string'));
  it.each(safe)('accepts %s', (p) => expect(unsafePattern(p)).toBeUndefined());
});
