/**
 * Replays the client side of one transcript against the implementation and checks what comes
 * back: each client frame is sent as soon as the server messages recorded before it have
 * arrived (no recorded delays are reproduced); heartbeats are answered with the contract's pong
 * as they come, since their timing is the implementation's.
 */
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { eventTag, readJson, taggedMessage } from '../../../runtime/protocol/index.ts';
import { messagesOf, substituteCredentials, substituteCredentialsInUrl, type Transcript, type TranscriptFrame } from '../transcript.ts';
import { connectSse, connectWs, originFor, type Connection } from './connect.ts';
import type { Contract } from './contract.ts';
import type { Credentials } from './credentials.ts';
import { parseFrames, schemaFindings, sequenceFindings, type ServerFrame } from './frames.ts';
import { allArrived, matchTranscript, type RecordedFrame } from './match.ts';
import { matcherAt, type MatcherSettings } from './matchers.ts';
import { rateVerdictOpen } from './rate.ts';
import type { CaseResult, Finding } from './report.ts';
import { watchStalls } from './stalls.ts';

export interface ReplayOptions {
  contract: Contract;
  target: URL;
  credentials: Credentials;
  settings: MatcherSettings;
  timeScale: number;
  /** Unscaled slack on timing rules (ms). */
  jitterMs: number;
  /**
   * Longest wait for an expected server message or close beyond the time it was recorded at
   * (scaled): a message recorded 2 s into the connection is awaited until 2 s × timeScale +
   * timeoutMs after the open, however long the wait before it took.
   */
  timeoutMs: number;
  /**
   * How much longer than recorded (scaled) a gap may take on the implementation (default 2): the
   * wait for an expected message or close runs from the last sign of progress (a recorded message
   * arrived, a client frame sent) for the recorded gap since then × timeScale × slack + timeoutMs.
   * A loaded machine drifts behind the recording as it goes; progress keeps the wait alive.
   */
  slack?: number;
}

export interface ReplayResult {
  result: CaseResult;
  frames: ServerFrame[];
  exercised: string[];
}

/** A recorded `Origin` that stands for the target's own origin, whatever it is (see conformance/README.md). */
export const TARGET_ORIGIN = '<origin>';

/** Request headers that belong to one connection, never replayed. */
const HOP_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'content-length',
  'accept-encoding',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

export function pongText(channel: ChannelIR, transcript?: Transcript): string | undefined {
  const hb = channel.heartbeat;
  if (!hb || hb.mode !== 'message' || !hb.pong) return undefined;
  const recorded = transcript ? heartbeatAnswers(channel, transcript)[0] : undefined;
  return recorded?.text ?? JSON.stringify(taggedMessage(channel.tagProperty, hb.pong.message));
}

/**
 * The recorded client pongs that answered a heartbeat (each follows one not yet answered). A
 * pong sent for another reason (an oversize one that tests the size limit) is a client frame to
 * replay like any other, not an answer for the replay to make when a heartbeat comes.
 */
export function heartbeatAnswers(channel: ChannelIR, transcript: Transcript): TranscriptFrame[] {
  const hb = channel.heartbeat;
  if (!hb || hb.mode !== 'message' || !hb.pong) return [];
  const tagOf = (f: TranscriptFrame) => f.tag ?? parseFrames(channel, [{ t: 0, text: f.text }])[0]?.tag ?? null;
  const out: TranscriptFrame[] = [];
  let pending = 0;
  for (const e of transcript.events) {
    if (e.kind !== 'frame') continue;
    const tag = tagOf(e);
    if (e.dir === 'server' && tag === hb.message) pending++;
    else if (e.dir === 'client' && tag === hb.pong.message && pending > 0) {
      pending--;
      out.push(e);
    }
  }
  return out;
}

export async function replayTranscript(transcript: Transcript, name: string, o: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const findings: Finding[] = [];
  const channelId = transcript.header.channel;
  const done = (extra: Partial<CaseResult> = {}, frames: ServerFrame[] = [], exercised: string[] = []): ReplayResult => ({
    result: { name, kind: 'transcript', channel: channelId, durationMs: Date.now() - started, findings, ...extra },
    frames,
    exercised,
  });
  const channel = o.contract.channel(channelId);
  if (!channel) {
    findings.push({ case: name, check: 'replay', rule: 'replay/unknown-channel', channel: channelId, text: `the contract has no channel "${channelId}"` });
    return done();
  }
  const hs = transcript.handshake;
  const path = hs.url.split('?')[0]!;
  const creds = o.credentials.pick(path);
  const missing = new Set<string>();
  const sub = (text: string) => {
    const r = substituteCredentials(text, creds);
    r.missing.forEach((m) => missing.add(m));
    return r.text;
  };
  const url = substituteCredentialsInUrl(hs.url, creds);
  url.missing.forEach((m) => missing.add(m));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(hs.requestHeaders)) {
    if (HOP_HEADERS.has(k)) continue;
    // `<origin>`: a page the implementation serves itself, so the target's own origin.
    headers[k] = k === 'origin' && v === TARGET_ORIGIN ? originFor(o.target, 'sse') : sub(v);
  }
  const subprotocols = hs.subprotocols.map(sub);
  const clientFrames = messagesOf(transcript, 'client');
  for (const f of clientFrames) sub(f.text);
  if (missing.size > 0) return done({ skipped: `no credential for ${[...missing].join(', ')} (--credentials)` });

  const transport = transcript.header.transport;
  const stalls = watchStalls();
  const full = originFor(o.target, transport) + url.text;
  const conn: Connection =
    transport === 'ws' ? connectWs(full, { headers, subprotocols, timeoutMs: o.timeoutMs }) : connectSse(full, { headers, timeoutMs: o.timeoutMs });
  const skip = new Set(o.settings.skip);
  const recordedTagOf = (f: TranscriptFrame) => f.tag ?? parseFrames(channel, [{ t: 0, text: f.text }])[0]?.tag ?? null;
  const pong = pongText(channel, transcript);
  const pongTag = channel.heartbeat?.mode === 'message' ? channel.heartbeat.pong?.message : undefined;
  const heartbeatTag = channel.heartbeat?.mode !== 'none' ? channel.heartbeat?.message : undefined;
  // A recording whose client never answered a heartbeat is about the pong timeout: replay it
  // silent. A heartbeat answered once is always answered (the replay's heartbeats come when
  // they come), and the recorded answers are not replayed as frames of their own.
  const answers = new Set<TranscriptFrame>(heartbeatAnswers(channel, transcript));
  const answersHeartbeats =
    pongTag === undefined || answers.size > 0 || !transcript.events.some((e) => e.kind === 'frame' && e.dir === 'server' && recordedTagOf(e) === heartbeatTag);
  conn.onFrame = (frame) => {
    if (!pong || !heartbeatTag || !answersHeartbeats) return;
    const [parsed] = parseFrames(channel, [frame]);
    if (parsed?.tag === heartbeatTag) conn.send(pong);
  };

  const opened = await conn.opened;
  const recordedAccepted = transport === 'ws' ? hs.status === 101 : hs.status >= 200 && hs.status < 300;
  if (opened.status !== hs.status) {
    findings.push({
      case: name,
      check: 'transcript',
      rule: 'transcript/handshake',
      channel: channel.id,
      step: 0,
      expected: `HTTP ${hs.status}`,
      actual: opened.status === undefined ? `no answer (${opened.error ?? 'connection failed'})` : `HTTP ${opened.status}`,
      text: 'the handshake was answered differently than recorded',
    });
  }
  if (!recordedAccepted || opened.status === undefined || (transport === 'ws' ? opened.status !== 101 : opened.status < 200 || opened.status >= 300)) {
    stalls();
    conn.close();
    return done();
  }
  if (transport === 'ws' && hs.protocol !== undefined && opened.protocol !== sub(hs.protocol)) {
    findings.push({
      case: name,
      check: 'transcript',
      rule: 'transcript/subprotocol',
      channel: channel.id,
      step: 0,
      expected: hs.protocol,
      actual: opened.protocol ?? '(none)',
      text: 'the server selected another subprotocol than recorded',
    });
  }

  // Deadlines follow the recording's own gaps, from the last progress: something recorded at t
  // is awaited until (t - t of the last progress) × timeScale × slack + timeoutMs after that
  // progress, and never sooner than t × timeScale + timeoutMs after the open.
  const openedAt = Date.now();
  const slack = o.slack ?? 2;
  let progressAt = openedAt;
  let progressT = 0;
  const progress = (recordedT: number) => {
    progressAt = Date.now();
    progressT = Math.max(progressT, recordedT);
  };
  const deadline = (recordedT: number) =>
    Math.max(openedAt + recordedT * o.timeScale + o.timeoutMs, progressAt + Math.max(0, recordedT - progressT) * o.timeScale * slack + o.timeoutMs);
  const recordedServer: RecordedFrame[] = [];
  const recordedAt: number[] = [];
  const lineOf = new Map(transcript.events.map((e, i) => [e, i + 3]));
  const recordedTag = (f: TranscriptFrame) => {
    if (f.tag !== undefined) return f.tag;
    if (transport === 'sse') return eventTag(f.sse?.event);
    return parseFrames(channel, [{ t: 0, text: f.text }])[0]!.tag;
  };
  const toRecorded = (f: TranscriptFrame): RecordedFrame => {
    const read = readJson(f.text);
    return { tag: recordedTag(f), payload: read.ok ? read.value : undefined, json: read.ok && !f.binary, text: f.text, line: lineOf.get(f) ?? 0 };
  };
  // Wait for the recorded messages themselves (as the order mode pairs them), never for a count:
  // a live message the recording does not have must not end the wait for one it does.
  // Frames are parsed once each, as they come: the waits below look at them on every arrival.
  const live: ServerFrame[] = [];
  let parsedUpTo = 0;
  const liveFrames = () => {
    if (conn.frames.length > parsedUpTo) {
      for (const f of parseFrames(channel, conn.frames.slice(parsedUpTo)))
        if (f.tag === null || !skip.has(f.tag)) live.push({ ...f, index: f.index + parsedUpTo });
      parsedUpTo = conn.frames.length;
    }
    return live;
  };
  const satisfied = (need: number) => allArrived(recordedServer.slice(0, need), liveFrames(), o.settings);

  // How many of the recorded messages have arrived, as a prefix; each step forward is progress.
  let arrived = 0;
  const advance = () => {
    while (arrived < recordedServer.length && satisfied(arrived + 1)) {
      arrived++;
      progress(recordedAt[arrived - 1]!);
    }
  };
  /** Waits for the first `need` recorded messages, each against its own deadline. */
  const awaitRecorded = async (need: number): Promise<boolean> => {
    for (;;) {
      advance();
      if (arrived >= need) return true;
      const remaining = deadline(recordedAt[arrived]!) - Date.now();
      if (remaining <= 0 || !conn.isOpen) return false;
      const before = arrived;
      await conn.until(() => {
        advance();
        return arrived >= need || arrived > before;
      }, remaining);
    }
  };
  /** Waits for a condition recorded at `recordedT`, extended while recorded messages keep arriving. */
  const awaitEvent = async (check: () => boolean, recordedT: number): Promise<boolean> => {
    for (;;) {
      advance();
      if (check()) return true;
      const remaining = deadline(recordedT) - Date.now();
      if (remaining <= 0) return false;
      const before = arrived;
      const ok = await conn.until(() => {
        advance();
        return check() || arrived > before;
      }, remaining);
      if (ok && check()) return true;
      if (!conn.isOpen) return check();
    }
  };

  // Walk the recording: each client frame waits for the server messages recorded before it.
  let expectedBefore = 0;
  let stalled = false;
  for (const e of transcript.events) {
    if (e.kind !== 'frame') continue;
    if (e.dir === 'server') {
      if (transport === 'sse' && e.text === '') continue;
      const r = toRecorded(e);
      if (r.tag === null || !skip.has(r.tag)) {
        recordedServer.push(r);
        recordedAt.push(e.t);
        expectedBefore++;
      }
      continue;
    }
    if (answers.has(e)) continue;
    if (!stalled) {
      const ok = await awaitRecorded(expectedBefore);
      if (!ok && conn.isOpen) stalled = true;
    }
    if (!conn.isOpen) break;
    progress(e.t);
    conn.send(
      e.binary ? Buffer.from(sub(e.text), 'base64') : withCapturedIds(sub(e.text), capturedIds(recordedServer, parseFrames(channel, conn.frames), o.settings)),
    );
  }
  const total = recordedServer.length;
  await awaitRecorded(total);
  const close = transcript.close;
  let ended;
  if (close?.by === 'server') {
    const got = await awaitEvent(() => !conn.isOpen, close.t);
    if (!got) {
      findings.push({
        case: name,
        check: 'transcript',
        rule: 'transcript/close',
        channel: channel.id,
        expected: `the server ends the connection${close.code !== undefined ? ` with ${close.code}` : ''}`,
        actual: `still open ${Date.now() - openedAt} ms after it opened`,
        text: 'the server did not close as recorded',
      });
      conn.close();
    }
    ended = await conn.ended;
    if (got && close.code !== undefined && ended.code !== close.code) {
      findings.push({
        case: name,
        check: 'transcript',
        rule: 'transcript/close',
        channel: channel.id,
        expected: `close ${close.code}${close.reason ? ` (${close.reason})` : ''}`,
        actual: ended.code === undefined ? 'no close code' : `close ${ended.code}${ended.reason ? ` (${ended.reason})` : ''}`,
        text: 'the server closed with another code than recorded',
      });
    }
  } else {
    if (!conn.isOpen) {
      const end = await conn.ended;
      findings.push({
        case: name,
        check: 'transcript',
        rule: 'transcript/close',
        channel: channel.id,
        expected: 'the connection stays open until the client closes',
        actual: `closed by the server${end.code !== undefined ? ` with ${end.code}` : ''}${end.reason ? ` (${end.reason})` : ''}`,
        text: 'the server closed a connection the recording kept open',
      });
    }
    conn.close(close?.code ?? 1000, close?.reason ?? '');
    ended = await conn.ended;
  }

  const frames = parseFrames(channel, conn.frames);
  findings.push(...schemaFindings(o.contract, channel, frames, name));
  const resumed = transport === 'sse' && Object.keys(headers).some((h) => h.toLowerCase() === 'last-event-id');
  // Timing rules allow this process's own stalls over the connection (see stalls.ts).
  const seq = sequenceFindings(channel, frames, name, { endT: ended.t, timeScale: o.timeScale, jitterMs: o.jitterMs + stalls(), resumed });
  findings.push(...seq.findings);
  const matched = frames.filter((f) => f.tag === null || !skip.has(f.tag));
  findings.push(...rateTiming(channel, matchTranscript(recordedServer, matched, o.settings, { case: name, channel: channel.id }), frames, conn));
  if (close?.by === 'server' && o.settings.order !== 'none' && matched.length > total) {
    const extra = matched[total]!;
    findings.push({
      case: name,
      check: 'transcript',
      rule: 'transcript/extra',
      channel: channel.id,
      step: extra.index,
      ...(extra.tag !== null ? { message: extra.tag } : {}),
      expected: `${total} messages before the close`,
      actual: `${matched.length}`,
      text: 'more messages than recorded before the server closed',
    });
  }
  return done({}, frames, seq.exercised);
}

/**
 * A recorded rate-limit refusal (`maxMessagesPerSecond.onExceed.errorCode`) that this run answered
 * otherwise is a warning, not a failure, when this run's own timing leaves the limiter's count
 * open (see rate.ts): the frames left in one burst, but the implementation answered the frame
 * only a window or more after the `limit` frames before it had left, so it may have read them over
 * more than one window. Every finding of that frame is then a warning (its code, and its message
 * text with it). Answered within the window, the refusal was due and the findings stand.
 */
export function rateTiming(channel: ChannelIR, findings: Finding[], frames: readonly ServerFrame[], conn: Pick<Connection, 'start' | 'sentAt'>): Finding[] {
  const spec = channel.limits?.maxMessagesPerSecond;
  const code = spec?.onExceed.errorCode;
  if (!spec || code === undefined) return findings;
  const quoted = JSON.stringify(code);
  // The frames recorded as the refusal and answered otherwise, when this run's timing leaves it open.
  const excused = new Map<number, ServerFrame>();
  for (const f of findings) {
    if (f.rule !== 'transcript/field' || f.step === undefined || f.severity === 'warning') continue;
    if (!f.expected?.includes(quoted) || f.actual?.includes(quoted)) continue;
    const answered = frames.find((x) => x.index === f.step);
    if (answered && rateVerdictOpen(conn.sentAt, conn.start + answered.t, spec.limit)) excused.set(f.step, answered);
  }
  return findings.map((f) => {
    const answered = f.step === undefined || f.severity === 'warning' ? undefined : excused.get(f.step);
    if (!answered) return f;
    return {
      ...f,
      severity: 'warning' as const,
      text: `${f.text}; not a failure: this run answered the frame ${conn.start + answered.t - conn.sentAt[0]!} ms after the burst began, over the limit's one-second window, so the implementation may have read the burst spread over more than one window`,
    };
  });
}

/**
 * Ids the server chose (captured fields) differ between runs, and the client side of a recording
 * echoes them (an agent reports progress on the task it was assigned): recorded id → the id the
 * implementation sent, pairing the n-th recorded message of a tag with the n-th one received.
 */
export function capturedIds(recorded: readonly RecordedFrame[], actual: readonly ServerFrame[], settings: MatcherSettings): Map<string, string> {
  const out = new Map<string, string>();
  const byTag = new Map<string | null, ServerFrame[]>();
  for (const a of actual) byTag.set(a.tag, [...(byTag.get(a.tag) ?? []), a]);
  const nth = new Map<string | null, number>();
  for (const r of recorded) {
    const i = nth.get(r.tag) ?? 0;
    nth.set(r.tag, i + 1);
    const a = byTag.get(r.tag)?.[i];
    if (!a || !r.json || !a.json) continue;
    const walk = (rv: unknown, av: unknown, pointer: string, depth: number) => {
      if (depth > 32) return;
      if (typeof rv === 'string' && typeof av === 'string') {
        if (rv !== av && rv.length >= 4 && matcherAt(settings, r.tag, pointer).match === 'captured' && !out.has(rv)) out.set(rv, av);
        return;
      }
      if (typeof rv !== 'object' || rv === null || typeof av !== 'object' || av === null) return;
      for (const k of Object.keys(rv))
        if (Object.hasOwn(av, k))
          walk((rv as Record<string, unknown>)[k], (av as Record<string, unknown>)[k], `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
    };
    walk(r.payload, a.payload, '', 0);
  }
  return out;
}

/** A client frame with the recorded ids replaced by the implementation's (JSON string values only). */
export function withCapturedIds(text: string, ids: ReadonlyMap<string, string>): string {
  if (ids.size === 0) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  let changed = false;
  const swap = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const to = ids.get(v);
      if (to !== undefined) changed = true;
      return to ?? v;
    }
    if (depth > 32 || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => swap(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x, depth + 1)]));
  };
  const out = swap(value, 0);
  return changed ? JSON.stringify(out) : text;
}
