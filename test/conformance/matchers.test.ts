import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContract, type Contract } from '../../conformance/src/conform/contract.ts';
import { Captures, compareFrame, parseMatcherFile, type MatcherSettings } from '../../conformance/src/conform/matchers.ts';
import { settingsFor } from '../../conformance/src/conform/run.ts';

// The most specific rule wins: a coarse rule on an ancestor (steadybase's `"*": {"": type}`)
// must not hide a finer written rule below it (`error./code: literal`), and the contract's
// implied defaults never overrule what a matcher file wrote.
let steadybase: MatcherSettings;
let contract: Contract;

beforeAll(async () => {
  contract = await loadContract('spec/steadybase.asyncapi.yaml');
  const file = parseMatcherFile(JSON.parse(readFileSync('conformance/matchers/steadybase.json', 'utf8')), 'steadybase.json');
  steadybase = settingsFor(contract, contract.channel(contract.ir.channels.find((c) => c.transport === 'ws')!.id)!, file, 'events-client-frames');
});

const recordedError = { type: 'error', code: 'invalid_message', message: 'The frame is not JSON.', timestamp: '2026-01-10T14:01:37.200Z' };
const pointers = (recorded: unknown, actual: unknown, tag: string, settings = steadybase) =>
  compareFrame(recorded, actual, tag, settings, new Captures()).map((m) => `${m.pointer} ${m.matcher}`);

describe('matcher precedence', () => {
  it.each([
    ['an empty object is not the recorded error', { given: {}, want: ['/type literal', '/code literal', '/message type', '/timestamp type'] }],
    ['another code is a difference', { given: { ...recordedError, code: 'unsupported_message' }, want: ['/code literal'] }],
    ['another message text and time are not', { given: { ...recordedError, message: 'other words', timestamp: '2027-01-01T00:00:00Z' }, want: [] }],
    ['the message text keeps its type', { given: { ...recordedError, message: 42 }, want: ['/message type'] }],
    ['an extra field nothing names is not compared under the coarse rule', { given: { ...recordedError, detail: 'x' }, want: [] }],
  ])('error: %s', (_name, { given, want }) => {
    expect(pointers(recordedError, given, 'error')).toEqual(want);
  });

  it('a message with no rule of its own stays "by type only", whatever the contract implies for its fields', () => {
    const recorded = { type: 'worker-status', workerId: 'w-1', status: 'idle', currentTask: null, timestamp: '2026-01-10T14:01:24.800Z' };
    expect(pointers(recorded, { type: 'worker-status', workerId: 'w-2', status: 'error', currentTask: 'x' }, 'worker-status')).toEqual([]);
    expect(pointers(recorded, ['not', 'an', 'object'], 'worker-status')).toEqual([' type']);
  });

  it('implied defaults apply where nothing is written, and a written rule beats them', () => {
    const settings: MatcherSettings = {
      order: 'strict',
      keys: [],
      skip: [],
      fields: { m: { '/at': { match: 'literal' } } },
      implied: { m: { '/id': { match: 'captured' }, '/at': { match: 'type' }, '/items/*/id': { match: 'captured' } } },
    };
    const recorded = { id: 'a1', at: 'x', items: [{ id: 'b1' }], n: 1 };
    expect(pointers(recorded, { id: 'zz', at: 'x', items: [{ id: 'yy' }], n: 1 }, 'm', settings)).toEqual([]);
    expect(pointers(recorded, { id: 'zz', at: 'y', items: [{ id: 'yy' }], n: 2 }, 'm', settings)).toEqual(['/at literal', '/n literal']);
  });

  it('a written rule for a descendant in the message table beats a coarse ancestor rule in the same table', () => {
    const settings: MatcherSettings = {
      order: 'strict',
      keys: [],
      skip: [],
      fields: { m: { '/data': { match: 'ignore' }, '/data/code': { match: 'literal' } } },
    };
    expect(pointers({ data: { code: 'a', x: 1 } }, { data: { code: 'a', x: 2 } }, 'm', settings)).toEqual([]);
    expect(pointers({ data: { code: 'a', x: 1 } }, { data: { code: 'b', x: 1 } }, 'm', settings)).toEqual(['/data/code literal']);
    expect(pointers({ data: { code: 'a' } }, { data: {} }, 'm', settings)).toEqual(['/data/code literal']);
  });
});
