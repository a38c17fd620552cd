import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../generator/src/load/load.ts';

// A canary: any request it receives is a document making streamwright fetch a URL.
let server: Server;
let requests: string[];
let port: number;
let dir: string;

beforeAll(async () => {
  requests = [];
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ type: 'string' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  dir = await mkdtemp(path.join(tmpdir(), 'sw-refs-'));
  await mkdir(path.join(dir, 'spec'));
  // A file outside the document's folder whose content would show if it were read.
  await writeFile(path.join(dir, 'secret.yaml'), 'Secret:\n  type: integer\n  description: TOP-SECRET-CONTENT\n');
  await writeFile(path.join(dir, 'spec', 'shared.yaml'), 'Shared:\n  type: object\n');
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function doc(payloadRef: string): string {
  return `asyncapi: 3.0.0
info:
  title: Refs
  version: 1.0.0
channels:
  events:
    address: /ws
    messages:
      m:
        payload:
          $ref: '${payloadRef}'
operations:
  sendM:
    action: send
    channel:
      $ref: '#/channels/events'
`;
}

async function validateDoc(name: string, ref: string, allowRemote = false) {
  const file = path.join(dir, 'spec', name);
  await writeFile(file, doc(ref));
  return loadSpec(file, { allowRemote });
}

describe('remote and outside references', () => {
  it('does not fetch an http $ref and says so at the $ref', async () => {
    const { diagnostics } = await validateDoc('remote.yaml', `http://127.0.0.1:${port}/schema.json`);
    expect(requests).toEqual([]);
    const blocked = diagnostics.filter((d) => d.code === 'sw/remote-ref-blocked');
    expect(blocked).toHaveLength(1);
    expect(blocked[0]!.pointer).toBe('#/channels/events/messages/m/payload/$ref');
    expect(blocked[0]!.line).toBe(11);
  });

  it('fetches it only with --allow-remote (so the canary can see a fetch)', async () => {
    const { diagnostics } = await validateDoc('remote-allowed.yaml', `http://127.0.0.1:${port}/allowed.json`, true);
    expect(requests).toEqual(['/allowed.json']);
    expect(diagnostics.filter((d) => d.code === 'sw/remote-ref-blocked')).toEqual([]);
    requests.length = 0;
  });

  it('does not read a ../ file', async () => {
    const { diagnostics } = await validateDoc('outside.yaml', '../secret.yaml#/Secret');
    expect(diagnostics.map((d) => d.code)).toContain('sw/ref-outside-root');
    expect(JSON.stringify(diagnostics)).not.toContain('TOP-SECRET-CONTENT');
  });

  it('reads a sibling file, and checks it like the document itself', async () => {
    const { diagnostics, document } = await validateDoc('inside.yaml', './shared.yaml#/Shared');
    expect(diagnostics).toEqual([]);
    expect(JSON.stringify(document)).toContain('"$ref":"#/x-sw-files/shared.yaml/Shared"');
  });
});
