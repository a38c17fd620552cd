import { describe, expect, it } from 'vitest';
import type { ChannelDescription } from '../../../runtime/contract.ts';
import { malformedQuery, requiredQuery } from '../../../runtime/server/query.ts';

const channel = {
  id: 'c',
  query: { required: ['room', 7], properties: { room: { pattern: '^[a-z]+$', maxLength: 4 }, tag: { minLength: 2 } } },
} as unknown as ChannelDescription;

describe('query checks', () => {
  it('lists the required names (strings only)', () => {
    expect(requiredQuery(channel)).toEqual(['room']);
    expect(requiredQuery({ id: 'x' } as ChannelDescription)).toEqual([]);
  });

  it.each<[string, { query: string; want: string[] }]>([
    ['all well', { query: 'room=blue&tag=ok', want: [] }],
    ['absent is not malformed', { query: '', want: [] }],
    ['pattern broken', { query: 'room=Blue', want: ['room'] }],
    ['too long, counted in characters', { query: 'room=abcde', want: ['room'] }],
    ['too short', { query: 'tag=x', want: ['tag'] }],
  ])('%s', (_name, { query, want }) => {
    expect(malformedQuery(channel, new URLSearchParams(query))).toEqual(want);
  });
});
