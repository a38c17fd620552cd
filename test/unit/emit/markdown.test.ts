import { describe, expect, it } from 'vitest';
import { mdCode, mdFence, mdText } from '../../../generator/src/emit/docs/markdown.ts';

describe('mdText', () => {
  it('escapes Markdown punctuation and HTML, drops control characters', () => {
    expect(mdText('a *b* [c](d) <script>&\u0007')).toBe('a \\*b\\* \\[c\\]\\(d\\) &lt;script\\>&amp;');
  });

  it('a line that would start a list or a heading underline is escaped', () => {
    expect(mdText('x\n- item\n1. first\n===')).toBe('x\n\\- item\n\\1. first\n\\===');
  });

  it('inline: line breaks of any kind become one space', () => {
    expect(mdText(' a\r\nb\u2028c \n\n d ', true)).toBe('a b c d');
  });
});

describe('mdCode', () => {
  it('a fence longer than any backtick run, padded when the text touches a backtick', () => {
    expect(mdCode('a')).toBe('`a`');
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('`x``')).toBe('``` `x`` ```');
    expect(mdCode('')).toBe('`  `');
    expect(mdCode('a\nb')).toBe('`a b`');
  });
});

describe('mdFence', () => {
  it('a fence longer than any fence inside; the language keeps only letters and digits', () => {
    expect(mdFence('json', '{}')).toBe('```json\n{}\n```');
    expect(mdFence('js`\n', 'a\n````\nb')).toBe('`````js\na\n````\nb\n`````');
  });

  it('line and paragraph separators inside are written as escapes', () => {
    expect(mdFence('json', '"a\u2028b\u2029"')).toBe('```json\n"a\\u2028b\\u2029"\n```');
  });
});
