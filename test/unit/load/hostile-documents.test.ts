/**
 * Documents built to hang, crash or fool the tools (test/fixtures/hostile/). Each must end in
 * located diagnostics, in bounded time, through `validate` (full rules) and `generate`.
 */
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

  it('names the whole cycle in the message', async () => {
    const { diagnostics } = await loadSpec(`${dir}/ref-cycle.asyncapi.yaml`);
    expect(diagnostics[0]!.message).toContain('#/components/schemas/A → #/components/schemas/B → #/components/schemas/A');
  });
});
