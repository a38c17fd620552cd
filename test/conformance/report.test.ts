import { describe, expect, it } from 'vitest';
import { hasFailures, printable, renderJunit, renderText, summarize, type CaseResult, type ConformReport } from '../../conformance/src/conform/report.ts';

const cases: CaseResult[] = [
  { name: 'ok', kind: 'transcript', channel: 'c', durationMs: 10, findings: [] },
  {
    name: 'warned',
    kind: 'transcript',
    channel: 'c',
    durationMs: 5,
    findings: [{ case: 'warned', check: 'schema', rule: 'schema', severity: 'warning', channel: 'c', text: 'unknown property' }],
  },
  {
    name: 'bad <one>',
    kind: 'probe',
    channel: 'c',
    durationMs: 1500,
    findings: [
      {
        case: 'bad',
        check: 'probe',
        rule: 'probe/size-limit',
        channel: 'c',
        step: 2,
        pointer: '',
        expected: 'close 1009',
        actual: 'open',
        text: 'no close\u001b[2J',
      },
    ],
  },
  { name: 'skipped', kind: 'probe', channel: 'c', durationMs: 0, findings: [], skipped: 'no credential' },
];

function report(): ConformReport {
  return {
    api: 'x',
    spec: 'x.yaml',
    target: 'ws://127.0.0.1:1',
    validators: 'in-memory',
    cases,
    coverage: {
      messages: [
        { channel: 'c', tag: 'a', seen: 2 },
        { channel: 'c', tag: 'b', seen: 0 },
      ],
      rules: [{ channel: 'c', rule: 'probe/size-limit', exercised: true }],
    },
    summary: summarize(cases),
  };
}

describe('summarize', () => {
  it('a warning does not fail a case; a skipped case without failures is skipped', () => {
    expect(cases.map(hasFailures)).toEqual([false, false, true, false]);
    expect(summarize(cases)).toEqual({ cases: 4, passed: 2, failed: 1, skipped: 1, findings: 1, warnings: 1, byCheck: { probe: 1 } });
  });
});

describe('renderText', () => {
  it('one status line per case, findings with where, expected and actual, then the totals and coverage', () => {
    const text = renderText(report());
    expect(text).toContain('FAIL  probe bad <one>  [c]  1500 ms');
    expect(text).toContain('SKIP  probe skipped  [c]  0 ms  (no credential)');
    expect(text).toContain('⚠ [schema] unknown property');
    expect(text).toContain('✗ [probe/size-limit] step 2, at (root): no close\\x1b[2J');
    expect(text).toContain('        expected close 1009\n        actual   open');
    expect(text).toContain('4 cases: 2 passed, 1 failed, 1 skipped; 1 findings, 1 warnings (probe 1)');
    expect(text).toContain('coverage: 1/2 server messages seen, 1/1 rules and probes exercised\n  never seen: c:b');
    expect(text).not.toContain('\u001b');
  });
});

describe('renderJunit', () => {
  it('escapes XML and lists failures and skips per test case', () => {
    const xml = renderJunit(report());
    expect(xml).toContain('<testsuites name="streamwright conform" tests="4" failures="1" skipped="1">');
    expect(xml).toContain('name="bad &lt;one&gt;" time="1.500"');
    expect(xml).toContain('<failure message="1 finding(s): probe/size-limit" type="probe">[probe/size-limit] step 2 at (root): no close[2J');
    expect(xml).toContain('<skipped message="no credential"/>');
    expect(xml).not.toContain('\u001b');
  });
});

describe('printable', () => {
  it('shows control characters and line separators as escapes', () => {
    expect(printable('a\rb\u0085c\u2028')).toBe('a\\x0db\\x85c\\u2028');
  });
});
