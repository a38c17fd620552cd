/** Authentication probes: no credential is refused the contract's way; every scheme's credential is accepted. */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { parseFrames } from '../conform/frames.ts';
import type { CaseResult, Finding } from '../conform/report.ts';
import { addressOf, answerHeartbeats, describeEnd, errorsIn, fail, open, present, probeResult, schemesOf, type ProbeContext } from './context.ts';

export async function probeAuthRequired(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult> {
  const started = Date.now();
  const schemes = schemesOf(ctx, channel);
  const address = addressOf(ctx, channel);
  if ('missing' in address) return probeResult(ctx, 'auth-required', channel, started, [], [], address.missing);
  const failures = schemes.map((s) => s.auth!.onFailure);
  const statuses = failures.filter((f) => f.action === 'http-status').map((f) => f.httpStatus ?? 401);
  const closes = failures.filter((f) => f.action === 'error-and-close');
  const deadline = Math.max(0, ...schemes.map((s) => s.auth!.credential.deadlineMs ?? 0)) * ctx.timeScale;
  const conn = open(ctx, channel, address);
  const opened = await conn.opened;
  const findings: Finding[] = [];
  const expected = [...statuses.map((s) => `HTTP ${s}`), ...closes.map((c) => `error ${c.errorCode ?? ''} then close ${c.closeCode ?? ''}`.trim())].join(
    ' or ',
  );
  const accepted = opened.status !== undefined && (opened.status === 101 || (opened.status >= 200 && opened.status < 300));
  if (!accepted) {
    if (opened.status === undefined || !statuses.includes(opened.status)) {
      findings.push(
        fail(channel, 'auth-required', 'a connection without credentials was refused, but not the way the contract says', {
          expected,
          actual: opened.status === undefined ? `no answer (${opened.error})` : `HTTP ${opened.status}`,
        }),
      );
    }
    return probeResult(ctx, 'auth-required', channel, started, findings, [conn]);
  }
  if (closes.length === 0) {
    conn.close();
    findings.push(fail(channel, 'auth-required', 'a connection without credentials was accepted', { expected, actual: `HTTP ${opened.status}` }));
    return probeResult(ctx, 'auth-required', channel, started, findings, [conn]);
  }
  // The contract answers on the open socket (browsers cannot read a refused upgrade's status).
  await conn.until(() => !conn.isOpen, deadline + ctx.timeoutMs);
  const end = conn.isOpen ? undefined : await conn.ended;
  conn.close();
  const frames = parseFrames(channel, conn.frames);
  const errors = errorsIn(channel, frames);
  const ok = closes.some(
    (c) =>
      end?.by === 'server' &&
      (c.closeCode === undefined || end.code === c.closeCode) &&
      (c.errorCode === undefined || errors.some((e) => e.code === c.errorCode)),
  );
  const data = frames.filter(
    (f) => f.tag !== channel.errors?.message && f.tag !== (channel.heartbeat?.mode !== 'none' ? channel.heartbeat?.message : undefined),
  );
  if (data.length > 0) {
    findings.push(
      fail(channel, 'auth-required', 'an unauthenticated connection received data', {
        step: data[0]!.index,
        ...(data[0]!.tag ? { message: data[0]!.tag } : {}),
        expected,
        actual: `${data.length} message(s), first ${data[0]!.tag}`,
      }),
    );
  } else if (!ok) {
    findings.push(
      fail(channel, 'auth-required', 'a connection without credentials was not refused the way the contract says', {
        expected,
        actual: `${errors.length ? `error ${String(errors[0]!.code)}, ` : 'no error message, '}${describeEnd(end)}`,
      }),
    );
  }
  return probeResult(ctx, 'auth-required', channel, started, findings, [conn]);
}

export async function probeAuthAccepted(ctx: ProbeContext, channel: ChannelIR): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  const address = addressOf(ctx, channel);
  for (const scheme of schemesOf(ctx, channel)) {
    const started = Date.now();
    const id = `auth-accepted:${scheme.id}`;
    if ('missing' in address) {
      out.push(probeResult(ctx, id, channel, started, [], [], address.missing));
      continue;
    }
    const value = ctx.credentials.pick(address.path)[scheme.id];
    if (value === undefined) {
      out.push(probeResult(ctx, id, channel, started, [], [], `no credential for ${scheme.id} (--credentials)`));
      continue;
    }
    const conn = open(ctx, channel, address, present(scheme, value, channel));
    answerHeartbeats(conn, channel);
    const opened = await conn.opened;
    const findings: Finding[] = [];
    const accepted = opened.status === 101 || (opened.status !== undefined && opened.status >= 200 && opened.status < 300);
    if (!accepted) {
      findings.push(
        fail(channel, id, `a valid ${scheme.id} credential was refused`, {
          expected: channel.transport === 'sse' ? 'HTTP 200' : 'HTTP 101',
          actual: opened.status === undefined ? `no answer (${opened.error})` : `HTTP ${opened.status}`,
        }),
      );
    } else {
      // Settled: the first message arrived, or the connection stayed quiet and open for a while.
      const failure = scheme.auth!.onFailure;
      await conn.until(() => conn.frames.length > 0 || !conn.isOpen, Math.min(ctx.timeoutMs, 500));
      const errors = errorsIn(channel, parseFrames(channel, conn.frames)).filter((e) => failure.errorCode !== undefined && e.code === failure.errorCode);
      const end = conn.isOpen ? undefined : await conn.ended;
      if (errors.length > 0 || (end && end.by === 'server')) {
        findings.push(
          fail(channel, id, `a valid ${scheme.id} credential was refused`, {
            expected: 'the connection stays open',
            actual: `${errors.length ? `error ${String(errors[0]!.code)}, ` : ''}${describeEnd(end)}`,
          }),
        );
      }
    }
    conn.close();
    await conn.ended;
    out.push(probeResult(ctx, id, channel, started, findings, [conn]));
  }
  return out;
}
