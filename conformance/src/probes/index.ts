/**
 * The probes a channel's contract implies. Most run one after the other; the two that only watch
 * one connection for the contract's own periods (heartbeat, pong-timeout) run side by side across
 * every channel, since waiting for them in turn is what made a suite last minutes; the
 * connection-limit probe runs last, alone, so that no other probe's connection is in its count.
 */
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

export const PROBE_IDS = [
  'auth-required',
  'auth-accepted',
  'size-limit',
  'malformed-frame',
  'heartbeat',
  'pong-timeout',
  'sse-stream',
  'sse-resume',
  'connection-limit',
  'rate-limit',
] as const;
export type ProbeId = (typeof PROBE_IDS)[number];

/** Probes that hold one quiet connection for a contract period and share nothing with the others. */
const WATCHING: ReadonlySet<ProbeId> = new Set(['heartbeat', 'pong-timeout']);

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

export interface ProbeRun {
  results: CaseResult[];
  exercised: string[];
}

async function runOne(ctx: ProbeContext, channel: ChannelIR, id: ProbeId): Promise<ProbeRun> {
  switch (id) {
    case 'auth-required':
      return { results: [await probeAuthRequired(ctx, channel)], exercised: [] };
    case 'auth-accepted':
      return { results: await probeAuthAccepted(ctx, channel), exercised: [] };
    case 'size-limit':
      return { results: [await probeSizeLimit(ctx, channel)], exercised: [] };
    case 'malformed-frame':
      return { results: [await probeMalformedFrame(ctx, channel)], exercised: [] };
    case 'heartbeat': {
      const r = await probeHeartbeat(ctx, channel);
      return { results: [r.result], exercised: r.exercised };
    }
    case 'pong-timeout':
      return { results: [await probePongTimeout(ctx, channel)], exercised: [] };
    case 'sse-stream':
      return { results: [await probeSseStream(ctx, channel)], exercised: [] };
    case 'sse-resume':
      return { results: [await probeSseResume(ctx, channel)], exercised: [] };
    case 'connection-limit':
      return { results: [await probeConnectionLimit(ctx, channel)], exercised: [] };
    case 'rate-limit':
      return { results: [await probeRateLimit(ctx, channel)], exercised: [] };
  }
}

/** One channel's probes, one after the other. */
export async function runProbes(ctx: ProbeContext, channel: ChannelIR, only?: (id: ProbeId) => boolean): Promise<ProbeRun> {
  return (await runAllProbes([{ ctx, channel }], only))[0]!;
}

/**
 * The probes of several channels, each channel's results in `applicableProbes` order. Three
 * phases: every probe but the watching ones and connection-limit, in turn; the watching ones of
 * every channel at once (unless a channel's connection limit could not hold them all: then in
 * turn); connection-limit, in turn.
 */
export async function runAllProbes(plans: readonly { ctx: ProbeContext; channel: ChannelIR }[], only?: (id: ProbeId) => boolean): Promise<ProbeRun[]> {
  const jobs = plans.flatMap((p, plan) =>
    applicableProbes(p.ctx, p.channel)
      .filter((id) => !only || only(id))
      .map((id) => ({ plan, id, run: undefined as ProbeRun | undefined })),
  );
  const runJob = async (j: (typeof jobs)[number]) => {
    j.run = await runOne(plans[j.plan]!.ctx, plans[j.plan]!.channel, j.id);
  };
  for (const j of jobs) if (!WATCHING.has(j.id) && j.id !== 'connection-limit') await runJob(j);
  const watching = jobs.filter((j) => WATCHING.has(j.id));
  const room = Math.min(...plans.map((p) => p.channel.limits?.maxConnections?.limit ?? Infinity));
  if (watching.length <= room) await Promise.all(watching.map(runJob));
  else for (const j of watching) await runJob(j);
  for (const j of jobs) if (j.id === 'connection-limit') await runJob(j);
  return plans.map((_, plan) => {
    const mine = jobs.filter((j) => j.plan === plan);
    return { results: mine.flatMap((j) => j.run!.results), exercised: mine.flatMap((j) => j.run!.exercised) };
  });
}
