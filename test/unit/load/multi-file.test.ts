/**
 * Documents split over files (`$ref: schemas/x.yaml`, `other.yaml#/components/schemas/X`): read
 * like one document when the files are in the document's folder, refused otherwise, and every
 * bad reference reported at its `$ref`, in the file that holds it, naming the target.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../../generator/src/generate.ts';
import { loadSpec } from '../../../generator/src/load/load.ts';

let dir: string;

/** A document whose one message payload is `$ref: <ref>` (the `$ref` is on line 11, column 11). */
const doc = (ref: string) => `asyncapi: 3.0.0
info:
  title: Split
  version: 1.0.0
channels:
  events:
    address: /ws
    messages:
      ping:
        payload:
          $ref: '${ref}'
operations:
  sendPing:
    action: send
    channel:
      $ref: '#/channels/events'
`;

const FILES: Record<string, string> = {
  'schemas/ping.yaml':
    'type: object\nrequired: [type, at]\nproperties:\n  type:\n    const: ping\n  at:\n    $ref: "./common.yaml#/components/schemas/Instant"\n',
  'schemas/common.yaml': 'components:\n  schemas:\n    Instant:\n      type: string\n      format: date-time\n',
  'schemas/broken.yaml': 'type: object\nproperties:\n\tbad: 1\n',
  'schemas/dangling-inside.yaml': 'type: object\nproperties:\n  a:\n    $ref: "#/definitions/Nope"\n',
  'schemas/escape.yaml': 'type: object\nproperties:\n  a:\n    $ref: "../../secret.yaml"\n',
  'schemas/loop-a.yaml': '$ref: "./loop-b.yaml"\n',
  'schemas/loop-b.yaml': '$ref: "./loop-a.yaml"\n',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sw-multi-'));
  await mkdir(path.join(dir, 'spec', 'schemas'), { recursive: true });
  await writeFile(path.join(dir, 'secret.yaml'), 'type: integer\ndescription: TOP-SECRET-CONTENT\n');
  for (const [name, text] of Object.entries(FILES)) await writeFile(path.join(dir, 'spec', name), text);
  await symlink(path.join(dir, 'secret.yaml'), path.join(dir, 'spec', 'schemas', 'link.yaml'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function write(name: string, ref: string): Promise<string> {
  const file = path.join(dir, 'spec', name);
  await writeFile(file, doc(ref));
  return file;
}

/** Diagnostics as `file:line:col code pointer message`, files relative to the spec folder. */
const show = (d: { file: string; line: number; column: number; code: string; pointer: string; message: string }) =>
  `${path.relative(path.join(dir, 'spec'), d.file)}:${d.line}:${d.column} ${d.code} ${d.pointer} ${d.message}`;

// [name, { ref, want }]: `want` from validate (full rules) and from generate alike.
const BAD: [string, { ref: string; want: string[] }][] = [
  [
    'a file that does not exist',
    {
      ref: 'schemas/pong.yaml',
      want: [
        'bad.yaml:11:11 sw/ref-unreadable #/channels/events/messages/ping/payload/$ref "schemas/pong.yaml": schemas/pong.yaml does not exist; did you mean schemas/ping.yaml?',
      ],
    },
  ],
  [
    'a pointer to nothing in an existing file',
    {
      ref: 'schemas/common.yaml#/components/schemas/Instnt',
      want: [
        'bad.yaml:11:11 sw/ref-dangling #/channels/events/messages/ping/payload/$ref "schemas/common.yaml#/components/schemas/Instnt": #/components/schemas/Instnt points to nothing in schemas/common.yaml; did you mean #/components/schemas/Instant?',
      ],
    },
  ],
  [
    'a fragment that is not a pointer',
    {
      ref: 'schemas/common.yaml#Instant',
      want: [
        'bad.yaml:11:11 sw/ref-dangling #/channels/events/messages/ping/payload/$ref "schemas/common.yaml#Instant": "#Instant" is not a JSON pointer (write #/components/schemas/Name)',
      ],
    },
  ],
  [
    'a file that is not YAML (a tab), located in both files',
    {
      ref: 'schemas/broken.yaml',
      want: [
        'bad.yaml:11:11 sw/ref-syntax #/channels/events/messages/ping/payload/$ref "schemas/broken.yaml": schemas/broken.yaml:3:1: Tabs are not allowed as indentation; indent with spaces',
      ],
    },
  ],
  [
    'a local pointer to nothing inside a referenced file',
    {
      ref: 'schemas/dangling-inside.yaml',
      want: ['schemas/dangling-inside.yaml:4:5 sw/ref-dangling #/properties/a/$ref #/definitions/Nope points to nothing in schemas/dangling-inside.yaml'],
    },
  ],
  [
    '../ out of the folder from a referenced file',
    {
      ref: 'schemas/escape.yaml',
      want: ['schemas/escape.yaml:4:5 sw/ref-outside-root #/properties/a/$ref "../../secret.yaml" is outside the document\'s folder and was not read'],
    },
  ],
  [
    'a symlink out of the folder',
    {
      ref: 'schemas/link.yaml',
      want: [
        'bad.yaml:11:11 sw/ref-outside-root #/channels/events/messages/ping/payload/$ref "schemas/link.yaml" is outside the document\'s folder and was not read',
      ],
    },
  ],
  [
    'a cycle across two files',
    {
      ref: 'schemas/loop-a.yaml',
      want: [
        'schemas/loop-a.yaml:1:1 sw/ref-cycle #/$ref $ref cycle with nothing in between: #/x-sw-files/schemas~1loop-a.yaml → #/x-sw-files/schemas~1loop-b.yaml → #/x-sw-files/schemas~1loop-a.yaml; a schema may refer to itself only inside properties, items or the like',
      ],
    },
  ],
];

describe('multi-file documents', () => {
  it('generates a payload from schemas/*.yaml, with a pointer into a third file, like an inline one', async () => {
    const file = await write('good.yaml', 'schemas/ping.yaml');
    expect((await loadSpec(file)).diagnostics).toEqual([]);
    const result = await generate(file);
    expect(result.diagnostics).toEqual([]);
    const models = result.files!.find((f) => f.path === 'models.gen.ts')!.contents;
    expect(models).toContain('export interface EventsPing {');
    expect(models).toContain('at: Instant;');
    expect(models).toContain('export type Instant = string;');
  });

  it.each(BAD)('%s: located at the $ref', async (_name, { ref, want }) => {
    const file = await write('bad.yaml', ref);
    const validated = await loadSpec(file);
    expect(validated.diagnostics.map(show)).toEqual(want);
    const generated = await generate(file);
    expect(generated.diagnostics.map(show)).toEqual(want);
    expect(generated.files).toBeUndefined();
    expect(JSON.stringify([validated, generated.diagnostics])).not.toContain('TOP-SECRET-CONTENT');
  });

  it('checks examples in a referenced message file against its schema, located in that file', async () => {
    await writeFile(
      path.join(dir, 'spec', 'messages-ping.yaml'),
      'payload:\n  $ref: "schemas/ping.yaml"\nexamples:\n  - payload:\n      type: ping\n      at: yesterday\n',
    );
    const file = path.join(dir, 'spec', 'msg.yaml');
    await writeFile(
      file,
      doc('#/components/schemas/Unused').replace("        payload:\n          $ref: '#/components/schemas/Unused'\n", "        $ref: 'messages-ping.yaml'\n"),
    );
    const generated = await generate(file);
    expect(generated.diagnostics.map(show)).toEqual([
      'messages-ping.yaml:6:7 sw/example-invalid #/examples/0/payload/at example #0: /at must match format "date-time"',
    ]);
  });
});
