import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../../generator/src/load/load.ts';

const dir = 'test/fixtures/invalid-documents';

// [fixture, every diagnostic expected as `line code`, in output order]
const cases: [string, string[]][] = [
  ['broken-yaml.yaml', ['7 sw/syntax']],
  ['not-asyncapi.json', ['1 sw/not-asyncapi']],
  ['wrong-version.yaml', ['1 sw/unsupported-version']],
  // Line 17 refers through the dangling entry of line 10: the parser's `invalid-ref` there is a cascade of it.
  ['dangling-ref.yaml', ['10 sw/ref-dangling', '20 sw/component-unused']],
  ['duplicate-tag.yaml', ['11 sw/tag-duplicate']],
  // A misplaced x-sw-untagged is the one error (at the flag); no shape warning repeats it.
  ['missing-tag.yaml', ['26 sw/untagged-not-alone']],
  ['explicit-tag-missing.yaml', ['13 sw/tag-missing']],
  // Valid AsyncAPI 3.1 without any tag: warnings, each naming its fix; no error.
  ['no-tags.yaml', ['6 sw/dispatch-by-shape', '13 sw/tag-inferred']],
  ['bad-example.yaml', ['27 sw/example-invalid', '28 sw/example-invalid']],
  ['bad-extension.yaml', ['10 sw/extension-invalid', '12 sw/extension-unknown', '25 sw/extension-misplaced']],
  ['only-warnings.yaml', ['25 sw/component-unused']],
  ['operation-refs.yaml', ['11 sw/message-without-operation', '25 sw/operation-message-missing', '39 sw/component-unused']],
];

describe('invalid documents', () => {
  it.each(cases)('%s', async (fixture, want) => {
    const { diagnostics } = await loadSpec(`${dir}/${fixture}`);
    expect(diagnostics.map((d) => `${d.line} ${d.code}`)).toEqual(want);
    for (const d of diagnostics) {
      expect(d.file).toBe(`${dir}/${fixture}`);
      expect(d.pointer).toMatch(/^#(\/|$)/);
      expect(d.message).not.toMatch(/\n/);
    }
  });

  it('points at the exact example field and says what is wrong', async () => {
    const { diagnostics } = await loadSpec(`${dir}/bad-example.yaml`);
    expect(diagnostics.map((d) => [d.pointer, d.column, d.message])).toEqual([
      ['#/components/messages/Status/examples/1/payload/state', 13, 'example "bad": /state must be equal to one of the allowed values'],
      ['#/components/messages/Status/examples/1/payload/at', 13, 'example "bad": /at must match format "date-time"'],
    ]);
  });

  it('reports a file that cannot be read, without throwing', async () => {
    const { diagnostics } = await loadSpec(`${dir}/does-not-exist.yaml`);
    expect(diagnostics.map((d) => d.code)).toEqual(['sw/file-unreadable']);
  });
});
