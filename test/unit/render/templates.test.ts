import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { render } from '../../../generator/src/render/templates.ts';

// Test templates live in a scratch folder under templates/ (template paths are relative to it).
const root = fileURLToPath(new URL('../../../templates/', import.meta.url));
const scratch = mkdtempSync(path.join(root, '.test-'));
const name = path.basename(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(file: string, source: string): string {
  mkdirSync(scratch, { recursive: true });
  writeFileSync(path.join(scratch, file), source);
  return `${name}/${file}`;
}

describe('templates', () => {
  it('renders helpers and Code fragments', () => {
    const t = write('ok.hbs', 'const x = {{tsString title}};\n{{{bodyCode}}}\n{{jsDoc note}}\n');
    expect(render(t, { title: 'a"b`${c}', bodyCode: 'let y = 1;', note: 'n */' })).toBe('const x = "a\\"b`${c}";\nlet y = 1;\n/**\n * n *\\/\n */\n');
  });

  it.each([
    ['a plain interpolation', '{{title}}'],
    ['a raw interpolation of spec data', '{{{title}}}'],
    ['an unknown helper', '{{shout title}}'],
  ])('refuses %s', (_name, source) => {
    const t = write(`bad-${Math.random().toString(36).slice(2)}.hbs`, source);
    expect(() => render(t, { title: 'x' })).toThrow(/must go through an escaping helper/);
  });

  it('fails on a missing variable (strict mode)', () => {
    const t = write('strict.hbs', '{{tsString missing}}');
    expect(() => render(t, {})).toThrow(/missing variable/);
  });
});
