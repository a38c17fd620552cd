/**
 * Documents built to hang, crash or fool the tools (test/fixtures/hostile/). Each must end in
 * located diagnostics, in bounded time, through `validate` (full rules) and `generate`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../generator/src/generate.ts';
import { loadSpec } from '../../../generator/src/load/load.ts';

const dir = 'test/fixtures/hostile';
const show = (d: { line: number; code: string; pointer: string }) => `${d.line} ${d.code} ${d.pointer}`;

// [fixture, { validate: every diagnostic as `line code pointer`; generate: the same from generate() }]
const cases: [string, { want: string[] }][] = [
  ['ref-cycle.asyncapi.yaml', { want: ['32 sw/ref-cycle #/components/schemas/A/$ref'] }],
  ['ref-self.asyncapi.yaml', { want: ['32 sw/ref-cycle #/components/schemas/A/$ref'] }],
  ['ref-cycle-allof.asyncapi.yaml', { want: ['34 sw/ref-cycle #/components/schemas/A/allOf/1/$ref'] }],
  ['recursive-tree.asyncapi.yaml', { want: [] }],
  [
    'blocked-refs.asyncapi.yaml',
    {
      want: [
        '30 sw/ref-outside-root #/components/messages/Tick/payload/properties/escaped/$ref',
        '32 sw/ref-unsupported #/components/messages/Tick/payload/properties/ftp/$ref',
        '34 sw/ref-unsupported #/components/messages/Tick/payload/properties/mailbox/$ref',
      ],
    },
  ],
  ['proto-property.asyncapi.yaml', { want: [] }],
  ['redos.asyncapi.yaml', { want: ['30 sw/pattern-unsafe #/components/messages/Word/payload/properties/word/pattern'] }],
  ['proto-keys.asyncapi.yaml', { want: [] }],
];

describe('hostile documents', () => {
  it.each(cases)('%s: validate', async (fixture, { want }) => {
    const { diagnostics } = await loadSpec(`${dir}/${fixture}`);
    expect(diagnostics.map(show)).toEqual(want);
  });

  it.each(cases)('%s: generate', async (fixture, { want }) => {
    const result = await generate(`${dir}/${fixture}`);
    expect(result.diagnostics.map(show)).toEqual(want);
    expect(result.files !== undefined).toBe(want.length === 0);
  });

  it('refuses a reference out of the folder in a referenced file, at that $ref, instead of reading it as {}', async () => {
    for (const { diagnostics } of [await loadSpec(`${dir}/nested-escape/outer.asyncapi.yaml`), await generate(`${dir}/nested-escape/outer.asyncapi.yaml`)]) {
      expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.pointer} ${d.message}`)).toEqual([
        `${dir}/nested-escape/inner.yaml:2:3 sw/ref-outside-root #/Inner/$ref "../../invalid-documents/bad-example.yaml#/components/messages/Status/payload" is outside the document's folder and was not read`,
      ]);
    }
  });

  it('validates a property named __proto__ as the property it is, in memory and in generated validators', async () => {
    const result = await generate(`${dir}/proto-property.asyncapi.yaml`);
    // validators.gen.js re-exports the per-channel modules, so they are imported from a folder.
    const folder = await mkdtemp(path.join(tmpdir(), 'sw-proto-'));
    for (const f of result.files!.filter((f) => f.path.endsWith('.js'))) {
      await mkdir(path.dirname(path.join(folder, f.path)), { recursive: true });
      await writeFile(path.join(folder, f.path), f.contents);
    }
    const validators = (await import(pathToFileURL(path.join(folder, 'validators.gen.js')).href)) as Record<string, (v: unknown) => { ok: boolean }>;
    const validate = Object.entries(validators).find(([name]) => /note/i.test(name) && typeof validators[name] === 'function')![1];
    expect(validate(JSON.parse('{"type":"note","__proto__":"hello"}')).ok).toBe(true);
    expect(validate(JSON.parse('{"type":"note","__proto__":5}')).ok).toBe(false);
    expect(validate(JSON.parse('{"type":"note"}')).ok).toBe(false);
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('hello');
    await rm(folder, { recursive: true, force: true });
  });

  it('stops example checks at the per-document time budget, with a located error', async () => {
    const want = ['32 sw/example-budget #/components/messages/Tree/examples/0/payload'];
    expect((await loadSpec(`${dir}/recursive-tree.asyncapi.yaml`, { exampleBudgetMs: -1 })).diagnostics.map(show)).toEqual(want);
    expect((await generate(`${dir}/recursive-tree.asyncapi.yaml`, { exampleBudgetMs: -1 })).diagnostics.map(show)).toEqual(want);
  });

  it('names the whole cycle in the message', async () => {
    const { diagnostics } = await loadSpec(`${dir}/ref-cycle.asyncapi.yaml`);
    expect(diagnostics[0]!.message).toContain('#/components/schemas/A → #/components/schemas/B → #/components/schemas/A');
  });
});
