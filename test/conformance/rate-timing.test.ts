import { beforeAll, describe, expect, it } from 'vitest';
import type { ChannelIR } from '../../generator/src/contract/index.ts';
import { loadContract } from '../../conformance/src/conform/contract.ts';
import type { ServerFrame } from '../../conformance/src/conform/frames.ts';
import { rateVerdictOpen } from '../../conformance/src/conform/rate.ts';
import { rateTiming } from '../../conformance/src/conform/replay.ts';
import type { Finding } from '../../conformance/src/conform/report.ts';

// A rate limit counts frames as the implementation reads them. agnt5's rate-limited recording
// (110 frames in one burst, the last 10 refused) is a false failure when a starved server reads
// the burst over more than a second; a refusal due by this run's own timing must still fail.
// Timestamps are synthetic: no clock is read.
let workflow: ChannelIR;
beforeAll(async () => {
  const contract = await loadContract('spec/agnt5.asyncapi.yaml');
  workflow = contract.channel('workflow')!;
});

const burst = (at: number, n: number) => Array.from({ length: n }, () => at);
const codeFinding = (step: number): Finding => ({
  case: 'rate-limited',
  check: 'transcript',
  rule: 'transcript/field',
  channel: 'workflow',
  step,
  message: 'error',
  pointer: '/data/code',
  expected: '"rate_limited"',
  actual: '"invalid_message"',
  text: 'differs from transcript line 213 (matcher literal)',
});
const answer = (index: number, t: number): ServerFrame => ({ index, t, tag: 'error', text: '', json: true, payload: {} }) as unknown as ServerFrame;

describe('rate-limit verdicts under load', () => {
  it('is open only when the limit + 1 frames before the answer left a window or more before it', () => {
    expect(rateVerdictOpen(burst(10_000, 110), 10_999, 100)).toBe(false);
    expect(rateVerdictOpen(burst(10_000, 110), 11_000, 100)).toBe(true);
    // Fewer than limit + 1 frames sent: nothing could be refused, so nothing is excused.
    expect(rateVerdictOpen(burst(10_000, 100), 20_000, 100)).toBe(false);
    // Frames sent after the answer arrived do not count.
    expect(rateVerdictOpen([...burst(10_000, 50), ...burst(30_000, 60)], 20_000, 100)).toBe(false);
  });

  it('a recorded refusal answered otherwise is a warning when the server answered over a second after the burst', () => {
    const conn = { start: 10_000, sentAt: burst(10_300, 110) };
    // The refusal's text differs too (agnt5's matcher compares /data/message literally): the frame's every finding goes.
    const text = {
      ...codeFinding(100),
      pointer: '/data/message',
      expected: '"more than 100 messages per second; message dropped"',
      actual: '"invalid message: …"',
    };
    const out = rateTiming(workflow, [codeFinding(100), text], [answer(100, 1_800)], conn);
    expect(out.map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(out[0]!.text).toMatch(/may have read the burst spread over more than one window/);
  });

  it('stays a failure when the server answered within the window (it had read all 110 frames in it)', () => {
    const conn = { start: 10_000, sentAt: burst(10_300, 110) };
    const [quick] = rateTiming(workflow, [codeFinding(100)], [answer(100, 600)], conn);
    expect(quick!.severity).toBeUndefined();
  });

  it('never excuses a refusal the recording did not have, nor another field', () => {
    const conn = { start: 10_000, sentAt: burst(10_300, 110) };
    const reverse = { ...codeFinding(5), expected: '"invalid_message"', actual: '"rate_limited"' };
    const other = { ...codeFinding(100), expected: '"unknown_workflow"' };
    const out = rateTiming(workflow, [reverse, other], [answer(5, 5_000), answer(100, 5_000)], conn);
    expect(out.map((f) => f.severity)).toEqual([undefined, undefined]);
  });
});
