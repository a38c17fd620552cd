import { describe, expect, it } from 'vitest';
import { APIS, specPath } from '../contracts/apis.ts';
import { runBin, runCli as run } from '../support/cli.ts';

// In this process, but for one run of each exit status through bin/streamwright.js.
// The first case loads the parser and the generator: seconds on a loaded machine.
describe('streamwright validate', { timeout: 120_000 }, () => {
  it('accepts the four contracts with no problem (as a process)', async () => {
    const result = await runBin(['validate', ...APIS.map(specPath)]);
    expect(result.stdout).toBe('0 errors, 0 warnings in 4 files\n');
    expect(result.code).toBe(0);
  });

  it('prints one sorted line per problem and exits 1 (as a process)', async () => {
    const result = await runBin(['validate', 'test/fixtures/invalid-documents/bad-example.yaml', 'test/fixtures/invalid-documents/broken-yaml.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      'test/fixtures/invalid-documents/bad-example.yaml:27:13  error  sw/example-invalid  example "bad": /state must be equal to one of the allowed values  (at #/components/messages/Status/examples/1/payload/state)',
      'test/fixtures/invalid-documents/bad-example.yaml:28:13  error  sw/example-invalid  example "bad": /at must match format "date-time"  (at #/components/messages/Status/examples/1/payload/at)',
      'test/fixtures/invalid-documents/broken-yaml.yaml:7:1  error  sw/syntax  Flow sequence in block collection must be sufficiently indented and end with a ]  (at #)',
      '3 errors, 0 warnings in 2 files',
      '',
    ]);
    expect(result.stderr).toBe('');
  });

  it('exits 0 when there are only warnings', async () => {
    const result = await run(['validate', 'test/fixtures/invalid-documents/only-warnings.yaml']);
    expect(result.stdout).toMatch(/warning  sw\/component-unused .*\n0 errors, 1 warning in 1 file\n$/);
    expect(result.code).toBe(0);
  });

  it('speaks JSON for machines', async () => {
    const result = await run(['validate', '--format', 'json', 'test/fixtures/invalid-documents/not-asyncapi.json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      diagnostics: [
        {
          code: 'sw/not-asyncapi',
          severity: 'error',
          message: 'not an AsyncAPI document: the top level must be a mapping with an `asyncapi` field',
          file: 'test/fixtures/invalid-documents/not-asyncapi.json',
          line: 1,
          column: 1,
          pointer: '#',
        },
      ],
      errors: 1,
      warnings: 0,
    });
  });

  it.each([
    ['no file', ['validate'], /no file given/, run],
    ['an unknown option', ['validate', '--nope', 'x.yaml'], /Unknown option/, run],
    ['an unknown format', ['validate', '--format', 'xml', 'x.yaml'], /unknown format/, run],
    ['an unknown command (as a process)', ['frobnicate'], /unknown command/, runBin],
  ])('exits 2 on %s, with usage and no stack trace', async (_name, args, message, how) => {
    const result = await how(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
