/**
 * SSE stream: the response carries the headers `x-sw-sse.headers` names, and the stream sends
 * the `retry:` field `x-sw-sse.retryMs` promises (scaled by the implementation's time scale, as
 * every contract timing is), before or with its first event.
 */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, authenticated, fail, open, probeResult, type ProbeContext } from './context.ts';

/**
 * Hop-by-hop headers are the transport's, not the stream's: a proxy or HTTP/2 may drop or
 * rewrite them without breaking anything a client sees.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** Whether a received header value keeps the contract's: the media type for Content-Type, every listed directive otherwise. */
export function headerKeeps(name: string, expected: string, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  const lower = name.toLowerCase();
  if (lower === 'content-type') return actual.split(';')[0]!.trim().toLowerCase() === expected.split(';')[0]!.trim().toLowerCase();
  const tokens = (v: string) =>
    v
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
  const have = new Set(tokens(actual));
  return tokens(expected).every((t) => have.has(t));
}

export async function probeSseStream(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const id = 'sse-stream';
  const sse = channel.sse!;
  const address = addressOf(ctx, channel);
  if ('missing' in address) return probeResult(ctx, id, channel, started, [], [], address.missing);
  const presented = authenticated(ctx, channel, address);
  if (presented === undefined) return probeResult(ctx, id, channel, started, [], [], 'no credential for any scheme of the channel (--credentials)');
  const conn = open(ctx, channel, address, presented === 'none-needed' ? undefined : presented);
  const opened = await conn.opened;
  if (opened.status === undefined || opened.status < 200 || opened.status >= 300) {
    conn.close();
    return probeResult(ctx, id, channel, started, [fail(channel, id, 'could not open the stream', { actual: String(opened.status ?? opened.error) })]);
  }
  const findings: Finding[] = [];
  for (const [name, expected] of Object.entries(sse.headers)) {
    if (HOP_BY_HOP.has(name.toLowerCase())) continue;
    const actual = opened.headers[name.toLowerCase()];
    if (!headerKeeps(name, expected, actual)) {
      findings.push(
        fail(channel, 'sse-headers', `the response header ${name} is not what x-sw-sse.headers says`, {
          pointer: `/x-sw-sse/headers/${name}`,
          expected: `${name}: ${expected}`,
          actual: actual === undefined ? '(absent)' : `${name}: ${actual}`,
        }),
      );
    }
  }
  if (sse.retryMs !== undefined) {
    // The field comes first by the contract; waiting for the first event as well leaves room
    // for one that comes with it.
    await conn.until(() => conn.retries.length > 0 || conn.frames.length > 0 || !conn.isOpen, ctx.timeoutMs);
    await conn.until(() => conn.retries.length > 0 || !conn.isOpen, Math.min(ctx.timeoutMs, 50));
    const want = Math.round(sse.retryMs * ctx.timeScale);
    const got = conn.retries[0];
    const expected = `retry: ${want}${ctx.timeScale !== 1 ? ` (${sse.retryMs} ms × time scale ${ctx.timeScale})` : ''}, before the first event`;
    if (got === undefined)
      findings.push(
        fail(channel, 'sse-retry', 'the stream sent no retry: field', {
          pointer: '/x-sw-sse/retryMs',
          expected,
          actual: conn.frames.length > 0 ? `${conn.frames.length} event(s) without one` : '(nothing)',
        }),
      );
    else if (Math.abs(got - want) > 1)
      findings.push(
        fail(channel, 'sse-retry', 'the retry: field is not what x-sw-sse.retryMs says', { pointer: '/x-sw-sse/retryMs', expected, actual: `retry: ${got}` }),
      );
  }
  conn.close();
  await conn.ended;
  return probeResult(ctx, id, channel, started, findings, [conn]);
}
