/** Liveness probes: heartbeats arrive in time; a client that never pongs is closed as the contract says. */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { checkSequence } from '../sequence/check.ts';
import { parseFrames, sequenceFindings } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { watchStalls } from '../conform/stalls.ts';
import { addressOf, answerHeartbeats, authenticated, describeEnd, fail, open, probeResult, type ProbeContext } from './context.ts';

async function openAuthenticated(ctx: ProbeContext, channel: ChannelIR, id: string, started: number, pong: boolean) {
  const address = addressOf(ctx, channel);
  if ('missing' in address) return { skip: probeResult(ctx, id, channel, started, [], [], address.missing) };
  const presented = authenticated(ctx, channel, address);
  if (presented === undefined) return { skip: probeResult(ctx, id, channel, started, [], [], 'no credential for any scheme of the channel (--credentials)') };
  const conn = open(ctx, channel, address, presented === 'none-needed' ? undefined : presented);
  if (pong) answerHeartbeats(conn, channel);
  const opened = await conn.opened;
  const ok = opened.status === 101 || (opened.status !== undefined && opened.status >= 200 && opened.status < 300);
  if (!ok) {
    conn.close();
    return {
      skip: probeResult(ctx, id, channel, started, [
        fail(channel, id, 'could not open an authenticated connection', {
          actual: opened.status === undefined ? String(opened.error) : `HTTP ${opened.status}`,
        }),
      ]),
    };
  }
  return { conn };
}

/**
 * How long the heartbeat probe watches (contract ms): a heartbeat interval and a half, and where
 * the client must answer with a pong, past the latest moment a server that ignored the pongs
 * would close (the first heartbeat, late by the tolerance, plus the pong timeout) and half an
 * interval beyond.
 */
export function heartbeatWatchMs(hb: NonNullable<ChannelIR['heartbeat']>): number {
  if (hb.mode === 'none') return 0;
  const beat = hb.intervalMs + (hb.toleranceMs ?? 0);
  const pong = hb.mode === 'message' && hb.pong ? beat + hb.pong.timeoutMs + hb.intervalMs / 2 : 0;
  return Math.max(beat * 1.5, pong);
}

/**
 * Watches one connection that answers every heartbeat (see heartbeatWatchMs): every timing rule
 * must hold, and the server must not close it (a server that ignores pongs closes it with the
 * pong timeout's code).
 */
export async function probeHeartbeat(ctx: ProbeContext, channel: ChannelIR): Promise<{ result: CaseResult; exercised: string[] }> {
  const started = Date.now();
  const hb = channel.heartbeat!;
  if (hb.mode === 'none') throw new Error('no heartbeat');
  const id = 'heartbeat';
  const stalls = watchStalls();
  const ready = await openAuthenticated(ctx, channel, id, started, true);
  if (ready.skip) {
    stalls();
    return { result: ready.skip, exercised: [] };
  }
  const conn = ready.conn;
  const window = heartbeatWatchMs(hb) * ctx.timeScale + ctx.jitterMs;
  await conn.until(() => !conn.isOpen, window);
  const end = conn.isOpen ? undefined : await conn.ended;
  conn.close();
  const endT = end?.t ?? (await conn.ended).t;
  const frames = parseFrames(channel, conn.frames);
  // Timing rules allow this process's own stalls while it watched (see conform/stalls.ts).
  const jitterMs = ctx.jitterMs + stalls();
  const findings: Finding[] = [];
  if (end && end.by === 'server')
    findings.push(
      fail(channel, id, 'the server closed a healthy connection (every heartbeat answered)', {
        expected: `open for ${Math.round(window)} ms`,
        actual: describeEnd(end),
      }),
    );
  const rule = {
    id: 'heartbeat',
    kind: 'every' as const,
    messages: [hb.message],
    intervalMs: hb.intervalMs,
    ...(hb.toleranceMs !== undefined ? { toleranceMs: hb.toleranceMs } : {}),
  };
  for (const v of checkSequence([rule], frames, { endT, timeScale: ctx.timeScale, jitterMs }).violations) {
    findings.push(
      fail(channel, id, v.message, {
        expected: `${hb.message} every ${hb.intervalMs} ms (+${hb.toleranceMs ?? 0} ms), scaled ×${ctx.timeScale}`,
        actual: `${frames.filter((f) => f.tag === hb.message).length} ${hb.message} in ${endT} ms`,
      }),
    );
  }
  // Only the timing rules: a probe joins a live system midway (an agent with tasks from earlier
  // connections, a broadcast already running), so rules about what a connection saw first are the
  // transcripts' to check.
  const timing = new Set((channel.sequence?.rules ?? []).filter((r) => r.kind === 'every').map((r) => r.id));
  const seq = sequenceFindings(channel, frames, `${id} ${channel.id}`, { endT, timeScale: ctx.timeScale, jitterMs, only: (r) => timing.has(r) });
  findings.push(...seq.findings);
  return { result: probeResult(ctx, id, channel, started, findings, [conn]), exercised: seq.exercised };
}

export async function probePongTimeout(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const hb = channel.heartbeat!;
  if (hb.mode !== 'message' || !hb.pong) throw new Error('no pong');
  const id = 'pong-timeout';
  const ready = await openAuthenticated(ctx, channel, id, started, false);
  if (ready.skip) return ready.skip;
  const conn = ready.conn;
  const allowed = (hb.pong.timeoutMs + hb.intervalMs + (hb.toleranceMs ?? 0)) * ctx.timeScale;
  await conn.until(() => !conn.isOpen, allowed + ctx.jitterMs + ctx.timeoutMs);
  const end = conn.isOpen ? undefined : await conn.ended;
  conn.close();
  const findings: Finding[] = [];
  const expected = `close ${hb.pong.closeCode ?? '(any code)'} within ${Math.round(allowed)} ms without pong`;
  if (!end || end.by !== 'server' || (hb.pong.closeCode !== undefined && end.code !== hb.pong.closeCode)) {
    findings.push(fail(channel, id, 'a client that never answers heartbeats was not closed the way the contract says', { expected, actual: describeEnd(end) }));
  } else if (end.t > allowed + ctx.timeoutMs) {
    findings.push(fail(channel, id, 'the pong timeout was enforced too late', { expected, actual: `closed after ${end.t} ms` }));
  }
  await conn.ended;
  return probeResult(ctx, id, channel, started, findings, [conn]);
}
