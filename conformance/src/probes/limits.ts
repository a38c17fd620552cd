/**
 * The connection limit (x-sw-limits.maxConnections): `limit` connections with one credential at
 * one address (so one count, whatever the contract counts per) are all accepted, the next one is
 * refused the way the contract says, and a slot freed by a close can be used again.
 */
import type { ChannelIR } from '../../../generator/src/ir/types.ts';
import type { Connection } from '../conform/connect.ts';
import { parseFrames } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, answerHeartbeats, authenticated, describeEnd, errorsIn, fail, open, probeResult, type Presented, type ProbeContext } from './context.ts';

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
  const connect = async () => {
    const conn = open(ctx, channel, address, credential);
    answerHeartbeats(conn, channel);
    return { conn, opened: await conn.opened };
  };

  const held: Connection[] = [];
  const findings: Finding[] = [];
  let extra: Connection | undefined;
  try {
    // One at a time: the count must be exact, and a refusal names the connection it hit.
    for (let n = 1; n <= spec.limit; n++) {
      const { conn, opened } = await connect();
      held.push(conn);
      if (opened.status !== accepted || !(await stillOpen(conn, credential))) {
        findings.push(fail(channel, ID, `connection ${n} of ${spec.limit} allowed was refused`, { expected: `${spec.limit} connections accepted`, actual: `connection ${n}: ${opened.status === undefined ? String(opened.error) : `HTTP ${opened.status}`}, ${describeEnd(conn.isOpen ? undefined : await conn.ended)}` }));
        return probeResult(ctx, ID, channel, started, findings, held);
      }
    }
    const dropped = held.findIndex((c) => !c.isOpen);
    if (dropped >= 0) {
      findings.push(fail(channel, ID, `connection ${dropped + 1} of ${spec.limit} allowed was closed by the server`, { expected: `${spec.limit} connections open`, actual: describeEnd(await held[dropped]!.ended) }));
      return probeResult(ctx, ID, channel, started, findings, held);
    }
    const over = await connect();
    extra = over.conn;
    const refusal = await refusalOf(ctx, channel, over.conn, over.opened.status);
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
        : refusal.status === accepted && refusal.end?.by === 'server' && (onExceed.closeCode === undefined || refusal.end.code === onExceed.closeCode) && (onExceed.errorCode === undefined || refusal.errorCodes.includes(onExceed.errorCode));
    if (!ok) findings.push(fail(channel, ID, `connection ${spec.limit + 1} (limit ${spec.limit}) was not refused the way the contract says`, { expected, actual: refusal.text }));

    // Free one slot: the next connection must be accepted again (a count that leaks would refuse it).
    const freed = held.pop()!;
    freed.close();
    await freed.ended;
    extra.close();
    await extra.ended;
    const again = await connect();
    held.push(again.conn);
    if (again.opened.status !== accepted || !(await stillOpen(again.conn, credential))) {
      findings.push(fail(channel, ID, 'after a connection closed, a new one was still refused (the count does not go down)', { expected: 'accepted', actual: `HTTP ${again.opened.status ?? again.opened.error}, ${describeEnd(again.conn.isOpen ? undefined : await again.conn.ended)}` }));
    }
    return probeResult(ctx, ID, channel, started, findings, [...held, over.conn]);
  } finally {
    for (const c of [...held, ...(extra ? [extra] : [])]) c.close();
    await Promise.all([...held, ...(extra ? [extra] : [])].map((c) => c.ended));
  }
}

/**
 * Whether an accepted connection stays: a server may refuse after the handshake (first-message
 * auth, an error-and-close limit), so a short look after the handshake decides.
 */
async function stillOpen(conn: Connection, credential: Presented | undefined): Promise<boolean> {
  if (credential?.firstMessage) await conn.until(() => conn.frames.length > 0 || !conn.isOpen, 300);
  return conn.isOpen;
}

/** How the server answered the connection over the limit: status, its error codes and how it ended. */
async function refusalOf(ctx: ProbeContext, channel: ChannelIR, conn: Connection, status: number | undefined) {
  if (status === 101 || status === 200) await conn.until(() => !conn.isOpen, ctx.timeoutMs);
  const end = conn.isOpen ? undefined : await conn.ended;
  const errorCodes = errorsIn(channel, parseFrames(channel, conn.frames)).map((e) => String(e.code));
  const text = [`HTTP ${status ?? 'none'}`, ...errorCodes.map((c) => `error ${c}`), status === 101 || status === 200 ? describeEnd(end) : ''].filter(Boolean).join(', ');
  return { status, end, errorCodes, text };
}
