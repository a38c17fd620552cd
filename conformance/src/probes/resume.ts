/**
 * SSE resume: a second connection with Last-Event-ID set to an event the first one received
 * gets every later published event, once: none of the events up to that id again (repeat), none
 * of the later ones missing (skip).
 */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { parseFrames } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, authenticated, fail, open, probeResult, type ProbeContext } from './context.ts';

/** Events of one read burst arrive within this many ms; the first event after it is a live one. */
const BURST_MS = 20;

export async function probeSseResume(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const id = 'sse-resume';
  const address = addressOf(ctx, channel);
  if ('missing' in address) return probeResult(ctx, id, channel, started, [], [], address.missing);
  const presented = authenticated(ctx, channel, address);
  if (presented === undefined) return probeResult(ctx, id, channel, started, [], [], 'no credential for any scheme of the channel (--credentials)');
  const auth = presented === 'none-needed' ? undefined : presented;
  const first = open(ctx, channel, address, auth);
  const opened = await first.opened;
  if (opened.status === undefined || opened.status < 200 || opened.status >= 300) {
    first.close();
    return probeResult(ctx, id, channel, started, [fail(channel, id, 'could not open the stream', { actual: String(opened.status ?? opened.error) })]);
  }
  // Live events (published, so replayable) come after the per-connection opening burst.
  const live = () => {
    const frames = first.frames;
    if (frames.length === 0) return -1;
    const burstEnd = frames.findIndex((f) => f.t - frames[0]!.t > BURST_MS);
    return burstEnd;
  };
  const patience = Math.max(ctx.timeoutMs, 40_000 * ctx.timeScale);
  const gotLive = await first.until(() => live() >= 0 && first.frames.length >= live() + 2, patience);
  if (!gotLive || !first.isOpen) {
    first.close();
    return probeResult(ctx, id, channel, started, [], [first], 'the stream sent no two live events in time');
  }
  const from = live();
  const resumeId = first.frames[from]!.sse?.id;
  if (resumeId === undefined) {
    first.close();
    return probeResult(ctx, id, channel, started, [fail(channel, id, 'a live event has no id, so the stream cannot be resumed', { step: from })], [first]);
  }
  const expected = first.frames
    .slice(from + 1)
    .map((f) => f.sse?.id)
    .filter((x): x is string => x !== undefined);
  const before = new Set(
    first.frames
      .slice(0, from + 1)
      .map((f) => f.sse?.id)
      .filter((x): x is string => x !== undefined),
  );
  const second = open(ctx, channel, address, auth, { 'last-event-id': resumeId });
  await second.opened;
  const ids = () => new Set(second.frames.map((f) => f.sse?.id));
  await second.until(() => expected.every((e) => ids().has(e)), ctx.timeoutMs);
  first.close();
  second.close();
  const findings: Finding[] = [];
  const repeated = second.frames.findIndex((f) => f.sse?.id !== undefined && before.has(f.sse.id));
  if (repeated >= 0) {
    const f = parseFrames(channel, second.frames)[repeated]!;
    findings.push(
      fail(channel, id, `resuming after id ${resumeId} repeated an event the client already had`, {
        step: repeated,
        ...(f.tag ? { message: f.tag } : {}),
        expected: `only events after ${resumeId}`,
        actual: `event id ${f.id}`,
      }),
    );
  }
  const missed = expected.filter((e) => !ids().has(e));
  if (missed.length > 0) {
    findings.push(
      fail(channel, id, `resuming after id ${resumeId} skipped ${missed.length} event(s)`, {
        expected: `events ${expected.join(', ')}`,
        actual: `missing ${missed.join(', ')}`,
      }),
    );
  }
  return probeResult(ctx, id, channel, started, findings, [first, second]);
}
