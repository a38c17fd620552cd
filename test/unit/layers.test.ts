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
    ['the runtime from anywhere', 'mock/fixture.ts', "import { Random } from '../runtime/seeded/random.ts';"],
    ['generated code from a reference server', 'reference-server/fixture.ts', "import type { Task } from '../generated/steadybase/models.gen.ts';"],
    ['packages', 'runtime/fixture.ts', "import { WebSocket } from 'ws';"],
  ])('passes %s', async (_name, file, code) => {
    expect(await lint(file, code)).toEqual([]);
  });
});
