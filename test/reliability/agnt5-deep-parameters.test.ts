import { afterEach, describe, expect, it } from 'vitest';
import { createAgnt5Reference, MAX_ECHO_DEPTH } from '../../reference-server/agnt5/index.ts';
import { RawWs } from '../support/ws.ts';

// Found by `npm run fuzz` (reliability/fuzz.js, seed 1): an invocation whose parameters nested a
// few thousand levels deep was answered internal_error and logged "Maximum call stack size
// exceeded" at level error. The echo check stringified the parameters, which passed; the send,
// called a few frames deeper, overflowed. Deep parameters are valid (an open map): the execution
// starts, without the echo.

const KEY = 'agnt5_test_deep_0123456789abcdef';
let ref: ReturnType<typeof createAgnt5Reference> | undefined;
afterEach(async () => {
  await ref?.close();
  ref = undefined;
});

const nested = (depth: number, array: boolean) => (array ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

describe('agnt5: parameters nested deeper than anyone needs', () => {
  it('starts the execution, echoes parameters up to MAX_ECHO_DEPTH and omits deeper ones, and reports nothing', async () => {
    const errors: Error[] = [];
    ref = createAgnt5Reference({ timeScale: 0.01, secrets: { apiKeys: [KEY] }, onError: (e) => errors.push(e) });
    const { port } = await ref.listen(0, '127.0.0.1');
    const c = new RawWs<{ type?: string; data?: { code?: string; details?: { parameters?: unknown } } }>(
      `ws://127.0.0.1:${port}/ws?x-wf-endpoint=coffee-shop-e66b8d23`,
      { protocols: [`x-api-key.${KEY}`] },
    );
    await c.opened();
    // Within the bound (the parameters object itself is one level), just past it, and up to
    // what the 64 KiB frame limit allows, in objects and arrays.
    const cases: [number, boolean][] = [
      [MAX_ECHO_DEPTH - 1, false],
      [MAX_ECHO_DEPTH, true],
      [MAX_ECHO_DEPTH + 1, false],
      ...[2000, 5000, 8000, 9000, 9500, 10000, 10500, 10800].map((d): [number, boolean] => [d, false]),
      ...[10000, 20000, 30000, 32000].map((d): [number, boolean] => [d, true]),
    ];
    for (const [depth, array] of cases) c.ws.send(`{"name":"search-candidates","parameters":{"q":${nested(depth - 1, array)}}}`);
    const answers = () => c.frames.filter((f) => f.type === 'execution_started' || f.type === 'error');
    await c.until(() => answers().length === cases.length);
    expect(answers().map((f) => (f.type === 'error' ? f.data?.code : f.type))).toEqual(cases.map(() => 'execution_started'));
    const echoed = answers().map((f) => f.data?.details?.parameters !== undefined);
    expect(echoed).toEqual(cases.map(([depth]) => depth <= MAX_ECHO_DEPTH));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
