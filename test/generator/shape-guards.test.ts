/**
 * Messages with no tag to read (a shape-dispatched direction, an SSE event several messages
 * share) still get a type guard, built from their validators: it narrows in TypeScript and
 * answers exactly what the validator accepts.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, exampleCases, generateInto, importGenerated, tempDir, typeCheck, type Generated } from './harness.ts';

type Guard = (value: unknown) => boolean;
let dir: string;
let gemini: Record<string, Guard>;
let mercure: Record<string, Guard>;
let mercureGen: Generated;

beforeAll(async () => {
  dir = await tempDir('shape-guards');
  await generateInto('test/fixtures/foreign/gemini-style.asyncapi.yaml', path.join(dir, 'gemini'));
  mercureGen = await generateInto('test/fixtures/foreign/mercure-hub.asyncapi.yaml', path.join(dir, 'mercure'));
  gemini = await importGenerated<Record<string, Guard>>(path.join(dir, 'gemini'), 'models.gen.ts');
  mercure = await importGenerated<Record<string, Guard>>(path.join(dir, 'mercure'), 'models.gen.ts');
});
afterAll(() => cleanup(dir));

describe('guards for shape-dispatched messages', () => {
  it.each([
    ['an update is an update', 'isUpdate', { socket_sequence: 1, events: [] }, true],
    ['a heartbeat is no update (events missing)', 'isUpdate', { socket_sequence: 7 }, false],
    ['a heartbeat is a heartbeat', 'isHeartbeat', { socket_sequence: 7 }, true],
    ['an update also fits the open heartbeat shape: the contract is ambiguous, and the guard says so', 'isHeartbeat', { socket_sequence: 1, events: [] }, true],
    ['a ping is a ping', 'isPingRequest', { nonce: 'abc' }, true],
    ['a subscription is no ping', 'isPingRequest', { subscriptions: [] }, false],
  ])('%s', (_name, guard, frame, want) => {
    expect(gemini[guard]!(frame)).toBe(want);
  });

  it('tells apart SSE events that share the default `message` event by their data', () => {
    const updated = mercure.isBookUpdatedEvent!;
    const deleted = mercure.isBookDeletedEvent!;
    expect(typeof updated).toBe('function');
    expect(typeof deleted).toBe('function');
    let checked = 0;
    for (const c of exampleCases(mercureGen.ir)) {
      if (c.message.typeName !== 'BookUpdated' && c.message.typeName !== 'BookDeleted') continue;
      const own = c.message.typeName === 'BookUpdated' ? updated : deleted;
      expect([c.name, own({ event: 'message', data: c.payload })]).toEqual([c.name, true]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    // Each guard also checks the event name: the same data on another event is not that message.
    expect(deleted({ event: 'other', data: {} })).toBe(false);
    expect(updated({ event: 'other', data: {} })).toBe(false);
  });

  it('narrows a channel union under tsc --strict', async () => {
    await writeFile(
      path.join(dir, 'gemini', 'narrow.ts'),
      `import { isHeartbeat, isUpdate, type MarketDataServerMessage } from './models.gen.js';
export function sequenceOf(message: MarketDataServerMessage): number {
  if (isUpdate(message)) return message.events.length + message.socket_sequence;
  if (isHeartbeat(message)) return message.socket_sequence;
  return -1;
}
`,
    );
    expect(typeCheck(path.join(dir, 'gemini'), ['narrow.ts'])).toEqual([]);
  });
});
