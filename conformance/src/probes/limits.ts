/**
 * The connection limit (x-sw-limits.maxConnections): `limit` connections with one credential at
 * one address (so one count, whatever the contract counts per) are all accepted, the next one is
 * refused the way the contract says, and a slot freed by a close can be used again.
 */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import type { Connection } from '../conform/connect.ts';
import { parseFrames } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, answerHeartbeats, authenticated, describeEnd, errorsIn, fail, open, probeResult, settled, type ProbeContext } from './context.ts';

const ID = 'connection-limit';

export async function probeConnectionLimit(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const spec = channel.limits!.maxConnections!;
  const address = addressOf(ctx, channel);
  if ('missing' in address) return probeResult(ctx, ID, channel, started, [], [], address.missing);
  const presented = authenticated(ctx, channel, address);
  if (presented === undefined) return probeResult(ctx, ID, channel, started, [], [], 'no credential for any scheme of the channel (--credentials)');
  const credential = presented === 'none-needed' ? undefined : presented;
  const accepted = channel.transport === 'sse' ? 200 : 101;
  // Every connection the probe opened, closed at the end whatever happened.
  const all: Connection[] = [];
  /** Opens one more connection; true when it was accepted and stayed (a refusal may follow the handshake). */
  const connect = async () => {
    const conn = open(ctx, channel, address, credential);
    all.push(conn);
    answerHeartbeats(conn, channel);
    const opened = await conn.opened;
    if (opened.status === accepted) await settled(ctx, conn, credential);
    const describe = async () =>
      `${opened.status === undefined ? String(opened.error) : `HTTP ${opened.status}`}, ${describeEnd(conn.isOpen ? undefined : await conn.ended)}`;
    return { conn, status: opened.status, ok: opened.status === accepted && conn.isOpen, describe };
  };

  const held: Connection[] = [];
  const findings: Finding[] = [];
  try {
    // One at a time: the count must be exact, and a refusal names the connection it hit.
    for (let n = 1; n <= spec.limit; n++) {
      const c = await connect();
      held.push(c.conn);
      if (!c.ok) {
        findings.push(
          fail(channel, ID, `connection ${n} of ${spec.limit} allowed was refused`, {
            expected: `${spec.limit} connections accepted`,
            actual: `connection ${n}: ${await c.describe()}`,
          }),
        );
        return probeResult(ctx, ID, channel, started, findings, all);
      }
    }
    const dropped = held.findIndex((c) => !c.isOpen);
    if (dropped >= 0) {
      findings.push(
        fail(channel, ID, `connection ${dropped + 1} of ${spec.limit} allowed was closed by the server`, {
          expected: `${spec.limit} connections open`,
          actual: describeEnd(await held[dropped]!.ended),
        }),
      );
      return probeResult(ctx, ID, channel, started, findings, all);
    }
    const over = await connect();
    const refusal = await refusalOf(ctx, channel, over.conn, over.status, accepted);
    const onExceed = spec.onExceed;
    const expected =
      onExceed.action === 'reject'
        ? `HTTP ${onExceed.httpStatus ?? 'refusal'}`
        : [onExceed.errorCode ? `error ${onExceed.errorCode}` : '', `close ${onExceed.closeCode ?? ''}`.trim()].filter(Boolean).join(' then ');
    const ok =
      onExceed.action === 'reject'
        ? onExceed.httpStatus === undefined
          ? refusal.status !== accepted
          : refusal.status === onExceed.httpStatus
        : refusal.status === accepted &&
          refusal.end?.by === 'server' &&
          (onExceed.closeCode === undefined || refusal.end.code === onExceed.closeCode) &&
          (onExceed.errorCode === undefined || refusal.errorCodes.includes(onExceed.errorCode));
    if (!ok)
      findings.push(
        fail(channel, ID, `connection ${spec.limit + 1} (limit ${spec.limit}) was not refused the way the contract says`, { expected, actual: refusal.text }),
      );

    // Free one slot: the next connection must be accepted again (a count that leaks would refuse it).
    for (const c of [held.pop()!, over.conn]) {
      c.close();
      await c.ended;
    }
    const again = await connect();
    if (!again.ok)
      findings.push(
        fail(channel, ID, 'after a connection closed, a new one was still refused (the count does not go down)', {
          expected: 'accepted',
          actual: await again.describe(),
        }),
      );
    return probeResult(ctx, ID, channel, started, findings, all);
  } finally {
    for (const c of all) c.close();
    await Promise.all(all.map((c) => c.ended));
  }
}

/** How the server answered the connection over the limit: status, its error codes and how it ended. */
async function refusalOf(ctx: ProbeContext, channel: ChannelIR, conn: Connection, status: number | undefined, accepted: number) {
  if (status === accepted) await conn.until(() => !conn.isOpen, ctx.timeoutMs);
  const end = conn.isOpen ? undefined : await conn.ended;
  const errorCodes = errorsIn(channel, parseFrames(channel, conn.frames)).map((e) => String(e.code));
  const text = [`HTTP ${status ?? 'none'}`, ...errorCodes.map((c) => `error ${c}`), status === accepted ? describeEnd(end) : ''].filter(Boolean).join(', ');
  return { status, end, errorCodes, text };
}
