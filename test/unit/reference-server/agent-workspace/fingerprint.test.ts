import { describe, expect, it } from 'vitest';
import { createFingerprint } from '../../../../reference-server/agent-workspace/fingerprint.ts';

const run = {
  status: 'testing',
  jobs: [{ status: 'running' }, { status: 'queued' }],
  pendingInterventions: [{ id: 'i1' }],
  'a/b': { '~x': 1 },
};

describe('createFingerprint', () => {
  const fp = createFingerprint(['/status', '/jobs/*/status', '/pendingInterventions/length']);

  it('selects each pointer, * over array items, a final length for an array length', () => {
    expect(fp(run)).toBe(JSON.stringify(['testing', ['running', 'queued'], 1]));
  });

  it('changes when a selected value changes and only then', () => {
    expect(fp({ ...run, other: 'ignored' })).toBe(fp(run));
    expect(fp({ ...run, jobs: [{ status: 'done' }, { status: 'queued' }] })).not.toBe(fp(run));
    expect(fp({ ...run, pendingInterventions: [] })).not.toBe(fp(run));
  });

  it('a missing value is null; array indexes are canonical numbers only', () => {
    const f = createFingerprint(['/missing', '/jobs/1/status', '/jobs/01/status', '/jobs/9/status', '/status/length']);
    expect(JSON.parse(f(run))).toEqual([null, 'queued', null, null, null]);
  });

  it('unescapes ~1 and ~0 in a pointer segment, and never reads inherited properties', () => {
    expect(JSON.parse(createFingerprint(['/a~1b/~0x'])(run))).toEqual([1]);
    expect(JSON.parse(createFingerprint(['/constructor', '/toString'])({}))).toEqual([null, null]);
  });
});
