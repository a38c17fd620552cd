// The rooms' import rules (DESIGN.md, Layout) are the lint rule `streamwright/rooms`
// (scripts/lint/rooms.js), which `npm test` runs over the tree. Here: that the rule fails what it
// must, and passes the doors, on files linted as if they stood in each room.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** The rule's messages for `code` linted as the repository file `file`. */
async function lint(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('streamwright/rooms', () => {
  it.each([
    [
      'a deep import into the generator',
      'mock/fixture.ts',
      "import { loadSpec } from '../generator/src/load/load.ts';",
      'generator/src/load/load.ts is inside generator; import its door instead',
    ],
    [
      'a type-only deep import',
      'conformance/src/conform/fixture.ts',
      "import type { ApiIR } from '../../../generator/src/ir/types.ts';",
      'generator/src/ir/types.ts is inside generator',
    ],
    ['a dynamic deep import', 'cli/fixture.ts', "export const load = () => import('../mock/contract.ts');", 'mock/contract.ts is inside mock'],
    [
      'a deep import in a type position',
      'reference-server/fixture.ts',
      "export type T = import('../generator/src/ir/types.ts').ApiIR;",
      'generator/src/ir/types.ts is inside generator',
    ],
    ['a deep re-export', 'cli/fixture.ts', "export * from '../conformance/src/transcript.ts';", 'conformance/src/transcript.ts is inside conformance'],
    ['the generator importing the app', 'generator/src/fixture.ts', "import { main } from '../../cli/main.ts';", 'generator must not import cli'],
    [
      'the runtime importing the generator, even by its door',
      'runtime/fixture.ts',
      "import { generate } from '../generator/src/index.ts';",
      'runtime must not import generator',
    ],
    [
      'the mock importing a reference server',
      'mock/fixture.ts',
      "import { Random } from '../reference-server/index.ts';",
      'mock must not import reference-server',
    ],
    [
      'a deep import into the runtime',
      'mock/fixture.ts',
      "import { Random } from '../runtime/seeded/random.ts';",
      'runtime/seeded/random.ts is inside runtime; import its door instead: runtime/index.ts',
    ],
    [
      'a deep type-only import of the server runtime',
      'reference-server/steadybase/fixture.ts',
      "import type { RuntimeEventInfo } from '../../runtime/server/log.ts';",
      'runtime/server/log.ts is inside runtime',
    ],
    [
      'the generator reaching past the protocol door',
      'generator/src/contract/fixture.ts',
      "import { messageTag } from '../../../runtime/protocol/frame.ts';",
      'runtime/protocol/frame.ts is inside runtime',
    ],
    [
      'a benchmark importing the server runtime by its folder module',
      'bench/fixture.js',
      "const { createRuntimeServer } = await import('../runtime/server/index.ts');",
      'runtime/server/index.ts is inside runtime',
    ],
    [
      'a benchmark deep import into the mock',
      'bench/fixture.js',
      "const { loadContract } = await import('../mock/contract.ts');",
      'mock/contract.ts is inside mock',
    ],
    [
      'the fuzz reaching into a reference server',
      'reliability/fixture.js',
      "import { ENDPOINTS } from '../reference-server/agnt5/catalog.ts';",
      'reference-server/agnt5/catalog.ts is inside reference-server',
    ],
    [
      'conform importing the mock',
      'conformance/src/conform/fixture.ts',
      "import { createMockServer } from '../../../mock/index.ts';",
      'conformance must not import mock',
    ],
  ])('fails %s', async (_name, file, code, want) => {
    const messages = await lint(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('streamwright/rooms: ' + want);
  });

  it.each([
    ['the generator door', 'cli/fixture.ts', "import { generate } from '../generator/src/index.ts';"],
    ['the contract core door', 'mock/fixture.ts', "import { loadContract } from '../generator/src/contract/index.ts';"],
    ['a reference API door', 'conformance/scripts/fixture.ts', "import { createSteadybaseReference } from '../../reference-server/steadybase/index.ts';"],
    ['a room inside itself', 'generator/src/fixture.ts', "import { loadSpec } from './load/load.ts';"],
    ['the runtime door', 'mock/fixture.ts', "import { createRuntimeServer, type WsPeer } from '../runtime/index.ts';"],
    ['a runtime sub-room door', 'reference-server/agnt5/fixture.ts', "import { createClock, Random } from '../../runtime/seeded/index.ts';"],
    ['the protocol door', 'conformance/src/conform/fixture.ts', "import { SseParser } from '../../../runtime/protocol/index.ts';"],
    ['the client door', 'cli/fixture.ts', "import { createApiClient } from '../runtime/client/index.ts';"],
    ['the runtime inside itself', 'runtime/server/fixture.ts', "import { encodeSse } from '../sse/encode.ts';"],
    ['a benchmark through the doors', 'bench/fixture.js', "const { AJV_OPTIONS } = await import('../generator/src/contract/index.ts');"],
    ['generated code from a reference server', 'reference-server/fixture.ts', "import type { Task } from '../generated/steadybase/models.gen.ts';"],
    ['packages', 'runtime/fixture.ts', "import { WebSocket } from 'ws';"],
  ])('passes %s', async (_name, file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
