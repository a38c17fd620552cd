/** The probes a channel's contract implies, run one after the other. */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import type { CaseResult } from '../conform/report.ts';
import { probeAuthAccepted, probeAuthRequired } from './auth.ts';
import { schemesOf, type ProbeContext } from './context.ts';
import { notJsonCode, probeMalformedFrame, probeRateLimit, probeSizeLimit } from './frames.ts';
import { probeHeartbeat, probePongTimeout } from './heartbeat.ts';
import { probeConnectionLimit } from './limits.ts';
import { probeSseResume } from './resume.ts';
import { probeSseStream } from './sse-stream.ts';

export type { ProbeContext } from './context.ts';

export const PROBE_IDS = ['auth-required', 'auth-accepted', 'size-limit', 'malformed-frame', 'heartbeat', 'pong-timeout', 'sse-stream', 'sse-resume', 'connection-limit', 'rate-limit'] as const;
export type ProbeId = (typeof PROBE_IDS)[number];

/** Which probes apply to a channel, from its contract alone. */
export function applicableProbes(ctx: ProbeContext, channel: ChannelIR): ProbeId[] {
  if (channel.transport === 'http') return [];
  const out: ProbeId[] = [];
  if (schemesOf(ctx, channel).length > 0) out.push('auth-required', 'auth-accepted');
  if (channel.transport === 'ws' && channel.limits?.maxMessageBytes) out.push('size-limit');
  if (channel.transport === 'ws' && notJsonCode(channel)) out.push('malformed-frame');
  if (channel.heartbeat && channel.heartbeat.mode !== 'none') out.push('heartbeat');
  if (channel.heartbeat?.mode === 'message' && channel.heartbeat.pong) out.push('pong-timeout');
  if (channel.transport === 'sse' && channel.sse && (Object.keys(channel.sse.headers).length > 0 || channel.sse.retryMs !== undefined)) out.push('sse-stream');
  if (channel.transport === 'sse' && channel.sse?.resume?.lastEventId) out.push('sse-resume');
  if (channel.limits?.maxConnections) out.push('connection-limit');
  // Its burst is of frames that are not JSON: only where the contract answers them and goes on.
  if (channel.transport === 'ws' && channel.limits?.maxMessagesPerSecond && notJsonCode(channel)?.closes === false) out.push('rate-limit');
  return out;
}

export async function runProbes(ctx: ProbeContext, channel: ChannelIR, only?: (id: ProbeId) => boolean): Promise<{ results: CaseResult[]; exercised: string[] }> {
  const results: CaseResult[] = [];
  const exercised: string[] = [];
  for (const id of applicableProbes(ctx, channel)) {
    if (only && !only(id)) continue;
    switch (id) {
      case 'auth-required':
        results.push(await probeAuthRequired(ctx, channel));
        break;
      case 'auth-accepted':
        results.push(...(await probeAuthAccepted(ctx, channel)));
        break;
      case 'size-limit':
        results.push(await probeSizeLimit(ctx, channel));
        break;
      case 'malformed-frame':
        results.push(await probeMalformedFrame(ctx, channel));
        break;
      case 'heartbeat': {
        const r = await probeHeartbeat(ctx, channel);
        results.push(r.result);
        exercised.push(...r.exercised);
        break;
      }
      case 'pong-timeout':
        results.push(await probePongTimeout(ctx, channel));
        break;
      case 'sse-stream':
        results.push(await probeSseStream(ctx, channel));
        break;
      case 'sse-resume':
        results.push(await probeSseResume(ctx, channel));
        break;
      case 'connection-limit':
        results.push(await probeConnectionLimit(ctx, channel));
        break;
      case 'rate-limit':
        results.push(await probeRateLimit(ctx, channel));
        break;
    }
  }
  return { results, exercised };
}
