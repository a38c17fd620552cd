import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../conformance/src/conform/frames.ts';
import { allArrived, matchTranscript, type RecordedFrame } from '../../conformance/src/conform/match.ts';
import type { MatcherSettings } from '../../conformance/src/conform/matchers.ts';

// Order `key` (release-orchestrator's agent task stream): a replay waits for the recorded
// messages themselves, and pairs each recorded key with the implementation's key that holds the
// same messages, so a live task the recording never saw neither ends a wait nor shifts a pair.
const settings: MatcherSettings = {
  order: 'key',
  keys: ['/task/taskId', '/taskId'],
  skip: [],
  fields: {},
  implied: { task_assigned: { '/task/taskId': { match: 'captured' } }, task_cancelled: { '/taskId': { match: 'captured' } } },
};
const assigned = (id: string) => ({ type: 'task_assigned', task: { taskId: id } });
const cancelled = (id: string) => ({ type: 'task_cancelled', taskId: id });
const recorded = (payloads: Record<string, unknown>[]): RecordedFrame[] =>
  payloads.map((p, i) => ({ tag: p.type as string, payload: p, json: true, text: JSON.stringify(p), line: i + 3 }));
const actual = (payloads: Record<string, unknown>[]): ServerFrame[] =>
  payloads.map((p, index) => ({ index, t: index, tag: p.type as string, payload: p, text: JSON.stringify(p), json: true, binary: false }));

const want = recorded([assigned('A'), assigned('B'), cancelled('B')]);

describe('order key: waiting on and pairing the recorded messages', () => {
  it.each([
    ['a live task in place of the cancellation is not it', { given: [assigned('a'), assigned('b'), assigned('c')], arrived: false }],
    ['everything recorded, a live task between', { given: [assigned('a'), assigned('c'), assigned('b'), cancelled('b')], arrived: true }],
    ['everything recorded, in order', { given: [assigned('a'), assigned('b'), cancelled('b')], arrived: true }],
    ['the cancellation before its assignment has not arrived as recorded', { given: [assigned('a'), cancelled('b')], arrived: false }],
  ])('%s', (_name, { given, arrived }) => {
    expect(allArrived(want, actual(given), settings)).toBe(arrived);
  });

  it('a live task between the recorded ones is left unpaired, not reported', () => {
    expect(
      matchTranscript(want, actual([assigned('a'), assigned('c'), assigned('b'), cancelled('b')]), settings, { case: 'x', channel: 'agentTaskStream' }),
    ).toEqual([]);
  });

  it('a cancellation that never comes is still missing', () => {
    const findings = matchTranscript(want, actual([assigned('a'), assigned('c'), assigned('b')]), settings, { case: 'x', channel: 'agentTaskStream' });
    expect(findings.map((f) => `${f.rule} ${f.message}`)).toEqual(['transcript/missing task_cancelled']);
  });
});

describe('order none: periodic tags', () => {
  const none: MatcherSettings = { order: 'none', keys: [], skip: [], fields: {}, periodic: ['fleet_update', 'fleet_status'] };
  const update = { type: 'fleet_update' };
  const logs = { type: 'fleet_logs' };
  const rec = recorded([update, update, update, logs]);
  it.each([
    ['fewer periodic messages than recorded are enough', { given: [update, logs], findings: [] as string[], arrived: true }],
    ["another periodic tag stands for it (which ones come is the run's)", { given: [logs, { type: 'fleet_status' }], findings: [], arrived: true }],
    [
      'no periodic message at all is missing',
      { given: [logs], findings: ['transcript/missing fleet_update', 'transcript/missing fleet_update', 'transcript/missing fleet_update'], arrived: false },
    ],
    ['a tag that is not periodic counts every one', { given: [update], findings: ['transcript/missing fleet_logs'], arrived: false }],
  ])('%s', (_name, { given, findings, arrived }) => {
    expect(matchTranscript(rec, actual(given), none, { case: 'x', channel: 'fleetStream' }).map((f) => `${f.rule} ${f.message}`)).toEqual(findings);
    expect(allArrived(rec, actual(given), none)).toBe(arrived);
  });
});
