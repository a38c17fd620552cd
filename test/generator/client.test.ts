/**
 * The generated client and README for documents not our own (foreign, hostile): the client
 * type-checks under strict settings, its module loads and builds a client, the README names no
 * spec string outside an escaper; both match their golden files.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, generateInto, importGenerated, STUB_OPTIONS, tempDir, typeCheckEach, type Generated } from './harness.ts';

const SPECS = [
  ...readdirSync('test/fixtures/foreign')
    .filter((f) => f.endsWith('.asyncapi.yaml'))
    .sort()
    .map((f) => path.join('test/fixtures/foreign', f)),
  'test/fixtures/hostile/hostile.asyncapi.yaml',
  'test/fixtures/hostile/proto-keys.asyncapi.yaml',
];

// Every document is generated first, so the clients type-check in one TypeScript program (see
// typeCheckEach); a document that fails to generate fails its own tests.
const generated = new Map<string, Generated | Error>();
let root: string;
beforeAll(async () => {
  root = await tempDir('client');
  for (const spec of SPECS) {
    const name = path.basename(spec).replace(/\.asyncapi\.yaml$/, '');
    generated.set(name, await generateInto(spec, path.join(root, name)).catch((e: Error) => e));
  }
}, 180_000);
afterAll(() => cleanup(root));

let typeChecked: Map<string, string[]> | undefined;
function clientDiagnostics(name: string): string[] | undefined {
  if (typeChecked === undefined) {
    const ok = [...generated].filter((entry): entry is [string, Generated] => !(entry[1] instanceof Error));
    const diagnostics = typeCheckEach(
      ok.map(([, gen]) => ({ dir: gen.dir, names: ['client.gen.ts'] })),
      STUB_OPTIONS,
    );
    typeChecked = new Map(ok.map(([n], i) => [n, diagnostics[i]!]));
  }
  return typeChecked.get(name);
}

describe.each(SPECS)('client for %s', (spec) => {
  const name = path.basename(spec).replace(/\.asyncapi\.yaml$/, '');
  let dir: string;
  let gen: Generated;
  let client: string;
  let readme: string;

  beforeAll(async () => {
    const made = generated.get(name);
    if (made === undefined || made instanceof Error) throw made ?? new Error(`${name} was not generated`);
    gen = made;
    dir = gen.dir;
    client = await readFile(path.join(dir, 'client.gen.ts'), 'utf8');
    readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  });

  it('type-checks under strict settings', () => {
    expect(clientDiagnostics(name)).toEqual([]);
  }, 120_000);

  it('loads and offers one method per channel, plus close', async () => {
    const mod = await importGenerated<Record<string, (o?: unknown) => Record<string, unknown>>>(dir, 'client.gen.ts');
    const factory = Object.entries(mod).find(([k]) => /^create.*Client$/.test(k));
    expect(factory).toBeDefined();
    const instance = factory![1]!({ baseUrl: 'http://127.0.0.1:9' });
    // Channels on Kafka, AMQP… or at a null address get no method.
    expect(Object.keys(instance)).toHaveLength(gen.ir.channels.filter((c) => c.stubless === undefined).length + 1);
    expect(typeof instance['close']).toBe('function');
  });

  it('README code fences are balanced and the spec cannot open HTML', () => {
    const fences = readme.split('\n').filter((l) => /^\s*`{3,}/.test(l));
    expect(fences.length % 2).toBe(0);
    expect(readme).not.toMatch(/<(script|img|iframe)/i);
  });

  it('matches the golden files', async () => {
    await expect(client).toMatchFileSnapshot(`./__golden__/${name}/client.gen.ts`);
    await expect(readme).toMatchFileSnapshot(`./__golden__/${name}/README.md`);
  });
});
