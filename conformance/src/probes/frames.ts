/** Inbound-frame probes: a frame over the size limit, and a malformed frame, get the contract's answer. */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { taggedMessage } from '../../../runtime/protocol/index.ts';
import { parseFrames } from '../conform/frames.ts';
import { RATE_WINDOW_MS, rateVerdictOpen } from '../conform/rate.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, answerHeartbeats, authenticated, describeEnd, errorsIn, fail, open, probeResult, settled, type ProbeContext } from './context.ts';

async function openReady(ctx: ProbeContext, channel: ChannelIR, id: string, started: number) {
  const address = addressOf(ctx, channel);
  if ('missing' in address) return { skip: probeResult(ctx, id, channel, started, [], [], address.missing) };
  const presented = authenticated(ctx, channel, address);
  if (presented === undefined) return { skip: probeResult(ctx, id, channel, started, [], [], 'no credential for any scheme of the channel (--credentials)') };
  const conn = open(ctx, channel, address, presented === 'none-needed' ? undefined : presented);
  answerHeartbeats(conn, channel);
  const opened = await conn.opened;
  if (opened.status !== 101) {
    conn.close();
    return {
      skip: probeResult(ctx, id, channel, started, [
        fail(channel, id, 'could not open an authenticated connection', {
          actual: opened.status === undefined ? String(opened.error) : `HTTP ${opened.status}`,
        }),
      ]),
    };
  }
  await settled(ctx, conn, presented === 'none-needed' ? undefined : presented);
  return { conn };
}

export async function probeSizeLimit(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const limit = channel.limits?.maxMessageBytes;
  const id = 'size-limit';
  const ready = await openReady(ctx, channel, id, started);
  if (ready.skip) return ready.skip;
  const conn = ready.conn;
  const tag = channel.receive.messages.find((m) => m.tag !== null)?.tag ?? 'oversize';
  const head = JSON.stringify(taggedMessage(channel.tagProperty, tag, { pad: '' }));
  const pad = 'x'.repeat(limit!.limit + 1 - Buffer.byteLength(head));
  const before = conn.frames.length;
  conn.send(head.replace('"pad":""', `"pad":"${pad}"`));
  const onExceed = limit!.onExceed;
  const wantsClose = onExceed.action === 'close' || onExceed.action === 'error-and-close';
  const wantsError = onExceed.action === 'error' || onExceed.action === 'error-and-close';
  const errorArrived = () => errorsIn(channel, parseFrames(channel, conn.frames.slice(before))).some((e) => e.code === onExceed.errorCode);
  await conn.until(() => (wantsClose ? !conn.isOpen : errorArrived()), ctx.timeoutMs);
  const end = conn.isOpen ? undefined : await conn.ended;
  const findings: Finding[] = [];
  const expected = [wantsError ? `error ${onExceed.errorCode}` : '', wantsClose ? `close ${onExceed.closeCode}` : ''].filter(Boolean).join(' then ');
  const actual = `${errorArrived() ? `error ${onExceed.errorCode}, ` : ''}${describeEnd(end)}`;
  if ((wantsClose && (end?.by !== 'server' || (onExceed.closeCode !== undefined && end.code !== onExceed.closeCode))) || (wantsError && !errorArrived())) {
    findings.push(
      fail(channel, id, `a frame of ${limit!.limit + 1} bytes (limit ${limit!.limit}) was not answered the way the contract says`, { expected, actual }),
    );
  }
  conn.close();
  await conn.ended;
  return probeResult(ctx, id, channel, started, findings, [conn]);
}

/** The x-sw-errors code the contract sends for a frame that is not JSON. */
export function notJsonCode(channel: ChannelIR): { code: string; closes: boolean } | undefined {
  for (const [code, spec] of Object.entries(channel.errors?.codes ?? {})) {
    if (spec.when.some((w) => /not (valid )?JSON|not JSON text|not a JSON/i.test(w))) return { code, closes: spec.then.action === 'close' };
  }
  return undefined;
}

export async function probeMalformedFrame(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const id = 'malformed-frame';
  const expectedCode = notJsonCode(channel)!;
  const ready = await openReady(ctx, channel, id, started);
  if (ready.skip) return ready.skip;
  const conn = ready.conn;
  const before = conn.frames.length;
  conn.send('{"this is": not JSON');
  const answered = () => errorsIn(channel, parseFrames(channel, conn.frames.slice(before))).filter((e) => e.code === expectedCode.code).length > 0;
  await conn.until(() => answered() || !conn.isOpen, ctx.timeoutMs);
  const findings: Finding[] = [];
  if (!answered()) {
    const got = errorsIn(channel, parseFrames(channel, conn.frames.slice(before)));
    findings.push(
      fail(channel, id, "a frame that is not JSON was not answered with the contract's error", {
        expected: `${channel.errors!.message} with code ${expectedCode.code}`,
        actual: got.length
          ? `${channel.errors!.message} with code ${String(got[0]!.code)}`
          : `no error message; ${describeEnd(conn.isOpen ? undefined : await conn.ended)}`,
      }),
    );
  } else if (!expectedCode.closes) {
    // `continue`: the connection must survive the bad frame.
    await conn.until(() => !conn.isOpen, Math.min(ctx.timeoutMs, 200));
    if (!conn.isOpen)
      findings.push(
        fail(channel, id, 'the connection was closed after a malformed frame, but the contract says it stays open', {
          expected: 'still open',
          actual: describeEnd(await conn.ended),
        }),
      );
  }
  conn.close();
  await conn.ended;
  return probeResult(ctx, id, channel, started, findings, [conn]);
}

/**
 * The rate limit (x-sw-limits.maxMessagesPerSecond): a burst of `limit` + 10 frames, sent at once,
 * is answered as onExceed says (the error code, a close) once the limit is passed, and only then.
 * The frames are not JSON, so no frame does anything but draw the contract's error; the probe
 * needs a channel that answers such a frame and stays open.
 */
export async function probeRateLimit(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const id = 'rate-limit';
  const spec = channel.limits!.maxMessagesPerSecond!;
  const ready = await openReady(ctx, channel, id, started);
  if (ready.skip) return ready.skip;
  const conn = ready.conn;
  const before = conn.frames.length;
  const burst = spec.limit + 10;
  // Frames of this connection (credential, pongs) still inside the one-second window when the burst starts.
  const prior = conn.sentAt.filter((t) => t > Date.now() - RATE_WINDOW_MS).length;
  for (let i = 0; i < burst; i++) conn.send(`{"rate probe": ${i}`);
  const { onExceed } = spec;
  const wantsClose = onExceed.action === 'close' || onExceed.action === 'error-and-close';
  const errors = () => errorsIn(channel, parseFrames(channel, conn.frames.slice(before)));
  // Every frame gets an answer (its error, or the rate error), or the connection ends.
  await conn.until(() => (wantsClose ? !conn.isOpen : errors().length >= burst), ctx.timeoutMs);
  const answered = errors();
  const limited = answered.filter((e) => e.code === onExceed.errorCode).length;
  const findings: Finding[] = [];
  const end = conn.isOpen ? undefined : await conn.ended;
  const expected = [
    onExceed.errorCode ? `error ${onExceed.errorCode} for the frames past ${spec.limit}` : '',
    wantsClose ? `close ${onExceed.closeCode ?? ''}`.trim() : 'connection stays open',
  ]
    .filter(Boolean)
    .join(', ');
  const actual = `${limited} of ${burst} frames answered ${onExceed.errorCode ?? '(no code)'}; ${describeEnd(end)}`;
  const closedRight = wantsClose ? end?.by === 'server' && (onExceed.closeCode === undefined || end.code === onExceed.closeCode) : end === undefined;
  // Frames past the limit drew the rate error, none within it. A loaded machine may spread the
  // burst past the window, which lets more through, never fewer: at least one, unless the frame
  // past the limit was answered more than one window after the burst left (a starved
  // implementation that read the burst over more than a second may let all pass).
  const pastLimit = answered[spec.limit]?.frame;
  const noneExcused = limited === 0 && pastLimit !== undefined && rateVerdictOpen(conn.sentAt, conn.start + pastLimit.t, spec.limit);
  const errorsRight = onExceed.errorCode === undefined || ((limited >= 1 || noneExcused) && limited <= burst - spec.limit + prior);
  if (!closedRight || !errorsRight)
    findings.push(
      fail(channel, id, `a burst of ${burst} frames (limit ${spec.limit} per second) was not answered the way the contract says`, { expected, actual }),
    );
  conn.close();
  await conn.ended;
  return probeResult(ctx, id, channel, started, findings, [conn]);
}
