/** "Did you mean": only close candidates, never a guess between two, and in every reference diagnostic. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../../generator/src/load/load.ts';
import { closest, suggestPointer } from '../../../generator/src/load/suggest.ts';

describe('closest', () => {
  it.each([
    ['a swapped pair', { name: 'pnig', candidates: ['ping', 'pong2', 'status'], want: 'ping' }],
    ['a missing letter', { name: 'UserCreatd', candidates: ['UserCreated', 'UserDeleted'], want: 'UserCreated' }],
    ['case only', { name: 'usercreated', candidates: ['UserCreated', 'UserDeleted'], want: 'UserCreated' }],
    ['nothing close', { name: 'orders', candidates: ['ping', 'status'], want: undefined }],
    ['a tie is no guess', { name: 'cat', candidates: ['bat', 'hat'], want: undefined }],
    ['a short name allows one slip only', { name: 'ab', candidates: ['xy'], want: undefined }],
    ['the name itself is not a suggestion', { name: 'ping', candidates: ['ping'], want: undefined }],
  ])('%s', (_name, { name, candidates, want }) => {
    expect(closest(name, candidates)).toBe(want);
  });

  it('corrects the first missing segment of a pointer, only when the result resolves', () => {
    const doc = { components: { schemas: { User: { type: 'object' } }, messages: { Ping: {} } } };
    expect(suggestPointer(doc, '#/components/schemas/Usr')).toBe('#/components/schemas/User');
    expect(suggestPointer(doc, '#/components/schema/User')).toBe('#/components/schemas/User');
    expect(suggestPointer(doc, '#/components/schemas/Usr/properties/x')).toBeUndefined();
    expect(suggestPointer(doc, '#/components/schemas/Order')).toBeUndefined();
  });
});

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sw-suggest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const DOC = `asyncapi: 3.0.0
info:
  title: Typos
  version: 1.0.0
channels:
  events:
    address: /ws
    messages:
      ping:
        $ref: '#/components/messages/Pnig'
      status:
        payload:
          $ref: '#/components/schemas/Satus'
operations:
  sendPing:
    action: send
    channel:
      $ref: '#/channels/evnets'
  sendStatus:
    action: send
    channel:
      $ref: '#/channels/events'
    messages:
      - $ref: '#/channels/events/messages/statsu'
      - $ref: '#/components/messages/Ping'
  replyPing:
    action: receive
    channel:
      $ref: '#/channels/events'
    reply:
      channel:
        $ref: '#/channels/events'
      messages:
        - $ref: '#/operations/sendPnig'
components:
  messages:
    Ping:
      payload:
        type: object
  schemas:
    Status:
      type: object
`;

describe('misspelt references in a document', () => {
  it('suggests the channel, message, operation or component meant, once per mistake', async () => {
    const file = path.join(dir, 'typos.yaml');
    await writeFile(file, DOC);
    const { diagnostics } = await loadSpec(file);
    const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line} ${d.code} ${d.message}`);
    expect(errors).toEqual([
      '10 sw/ref-dangling #/components/messages/Pnig points to nothing in this document; did you mean #/components/messages/Ping?',
      '13 sw/ref-dangling #/components/schemas/Satus points to nothing in this document; did you mean #/components/schemas/Status?',
      '18 sw/ref-dangling #/channels/evnets points to nothing in this document; did you mean #/channels/events?',
      '24 sw/ref-dangling #/channels/events/messages/statsu points to nothing in this document; did you mean #/channels/events/messages/status?',
      `25 sw/operation-message-missing operation "sendStatus" lists #/components/messages/Ping, which is not a message of channel "events" (use '#/channels/events/messages/<id>'); did you mean #/channels/events/messages/ping?`,
      '34 sw/ref-dangling #/operations/sendPnig points to nothing in this document; did you mean #/operations/sendPing?',
    ]);
  });
});
