import { performance } from 'node:perf_hooks';
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import type { Side, Transcript, TranscriptClose, TranscriptEvent, TranscriptFrame, TranscriptHandshake, TranscriptHeader, SseFields } from '../transcript.ts';
import type { RecordingContract } from './contract.ts';
import { Redactor } from './redact.ts';

/** What one recorded connection yields: its transcript and what broke the contract in it. */
export interface RecordedConnection {
  /** 1-based, in the order connections were opened. */
  seq: number;
  transcript: Transcript;
  /** Frames with violations, as the report lists them. */
  violations: RecordedViolation[];
  /** True when the connection outgrew the frame bound and later frames were passed on unrecorded. */
  truncated: boolean;
}

export interface RecordedViolation {
  /** 1-based line of the frame in the serialised transcript. */
  line: number;
  t: number;
  dir: Side;
  tag?: string;
  rule: string;
  pointer: string;
  message: string;
}

export interface SessionOptions {
  seq: number;
  contract: RecordingContract;
  channel: ChannelIR;
  parameters: Record<string, string>;
  /** The request's path and query, as received. */
  url: string;
  tool: string;
  name: string;
  recordedAt: Date;
  /** Recorded times are divided by it, so a run of a time-scaled server reads like real time. */
  timeScale: number;
  maxFrames: number;
}

/**
 * Accumulates one connection's transcript while the proxy relays it. Times are taken here; the
 * handshake, frames and close are redacted as they come and scrubbed once more at the end, when
 * every secret of the connection is known.
 */
export class RecordingSession {
  private readonly start = performance.now();
  private readonly redactor: Redactor;
  private readonly header: TranscriptHeader;
  private handshake: TranscriptHandshake | undefined;
  private readonly events: TranscriptEvent[] = [];
  private closeLine: TranscriptClose | undefined;
  private lastT = 0;
  private truncated = false;

  constructor(private readonly o: SessionOptions) {
    this.redactor = new Redactor(o.contract.credentialLocations(o.channel.id));
    const { query } = this.redactor.url(o.url);
    this.header = {
      kind: 'header',
      version: 1,
      api: o.contract.api,
      spec: o.contract.spec,
      channel: o.channel.id,
      transport: o.channel.transport as 'ws' | 'sse',
      address: o.channel.address,
      parameters: o.parameters,
      query,
      recordedAt: o.recordedAt.toISOString(),
      tool: o.tool,
      name: o.name,
    };
  }

  get channelId(): string {
    return this.o.channel.id;
  }

  now(): number {
    const t = Math.max(this.lastT, Math.round((performance.now() - this.start) / this.o.timeScale));
    this.lastT = t;
    return t;
  }

  recordHandshake(h: {
    method: string;
    requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
    subprotocols: readonly string[];
    protocol?: string;
    status: number;
    responseHeaders: Readonly<Record<string, string | string[] | undefined>>;
    body?: string;
  }) {
    const line: TranscriptHandshake = {
      kind: 'handshake',
      url: this.redactor.url(this.o.url).url,
      method: h.method,
      requestHeaders: this.redactor.requestHeaders(h.requestHeaders),
      subprotocols: this.redactor.subprotocols(h.subprotocols),
      status: h.status,
      responseHeaders: this.redactor.responseHeaders(h.responseHeaders),
    };
    if (h.protocol) line.protocol = this.redactor.subprotocol(h.protocol);
    if (h.body !== undefined && h.body !== '') line.body = h.body;
    this.handshake = line;
  }

  /** A WebSocket message. `data` is what travelled; it is checked before it is redacted. */
  recordMessage(dir: Side, data: Buffer, binary: boolean) {
    if (!this.room()) return;
    const t = this.now();
    const text = binary ? data.toString('base64') : data.toString('utf8');
    const check = this.o.contract.check(this.o.channel.id, dir, { text, binary, bytes: data.length });
    const frame: TranscriptFrame = { kind: 'frame', t, dir, text: dir === 'client' && !binary ? this.redactor.clientText(text) : text };
    if (check.tag !== undefined) frame.tag = check.tag;
    if (binary) frame.binary = true;
    if (check.violations.length > 0) frame.violations = check.violations;
    this.events.push(frame);
  }

  /** An SSE block. Blocks without data are recorded but not checked: they are not messages. */
  recordSseEvent(e: { data: string; hasData: boolean; id?: string; event?: string; retry?: number }) {
    if (!this.room()) return;
    const t = this.now();
    const frame: TranscriptFrame = { kind: 'frame', t, dir: 'server', text: e.hasData ? e.data : '' };
    const sse: SseFields = {};
    if (e.id !== undefined) sse.id = e.id;
    if (e.event !== undefined) sse.event = e.event;
    if (e.retry !== undefined) sse.retry = e.retry;
    if (e.hasData && e.data !== '') {
      const check = this.o.contract.check(this.o.channel.id, 'server', e.event === undefined ? { text: e.data } : { text: e.data, event: e.event });
      if (check.tag !== undefined) frame.tag = check.tag;
      if (check.violations.length > 0) frame.violations = check.violations;
    }
    if (Object.keys(sse).length > 0) frame.sse = sse;
    this.events.push(frame);
  }

  recordComment(text: string) {
    if (!this.room()) return;
    this.events.push({ kind: 'comment', t: this.now(), text });
  }

  recordClose(by: Side, code?: number, reason?: string) {
    if (this.closeLine) return;
    const line: TranscriptClose = { kind: 'close', t: this.now(), by };
    // 1005 is "no code in the close frame": the transcript says so by leaving the code out.
    if (code !== undefined && code !== 1005) line.code = code;
    if (reason) line.reason = reason;
    this.closeLine = line;
  }

  private room(): boolean {
    // Once one side has closed, what the other still sends is never delivered: it is not traffic.
    if (this.closeLine) return false;
    if (this.events.length < this.o.maxFrames) return true;
    this.truncated = true;
    return false;
  }

  /** The finished transcript, every string scrubbed of the secrets learned on the way. */
  finish(): RecordedConnection | undefined {
    if (!this.handshake) return undefined;
    this.redactor.outcome({ httpStatus: this.handshake.status, ...(this.closeLine?.code !== undefined ? { closeCode: this.closeLine.code } : {}) });
    const scrub = (s: string) => this.redactor.scrub(s);
    const scrubMap = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, scrub(v)]));
    const header: TranscriptHeader = { ...this.header, query: scrubMap(this.header.query) };
    const handshake: TranscriptHandshake = {
      ...this.handshake,
      url: scrub(this.handshake.url),
      requestHeaders: scrubMap(this.handshake.requestHeaders),
      subprotocols: this.handshake.subprotocols.map(scrub),
      responseHeaders: scrubMap(this.handshake.responseHeaders),
    };
    if (handshake.protocol !== undefined) handshake.protocol = scrub(handshake.protocol);
    if (handshake.body !== undefined) handshake.body = scrub(handshake.body);
    const events = this.events.map((e): TranscriptEvent => {
      if (e.kind === 'comment') return { ...e, text: scrub(e.text) };
      const f: TranscriptFrame = { ...e, text: e.binary ? e.text : scrub(e.text) };
      if (f.violations) f.violations = f.violations.map((v) => ({ ...v, message: scrub(v.message) }));
      return f;
    });
    const transcript: Transcript = { header, handshake, events };
    const accepted = this.header.transport === 'ws' ? handshake.status === 101 : handshake.status >= 200 && handshake.status < 300;
    if (accepted) transcript.close = this.closeLine ?? { kind: 'close', t: this.now(), by: 'server' };
    else transcript.events = [];
    const violations: RecordedViolation[] = [];
    transcript.events.forEach((e, i) => {
      if (e.kind !== 'frame' || !e.violations) return;
      for (const v of e.violations) {
        const item: RecordedViolation = { line: i + 3, t: e.t, dir: e.dir, rule: v.rule, pointer: v.pointer, message: v.message };
        if (e.tag !== undefined) item.tag = e.tag;
        violations.push(item);
      }
    });
    return { seq: this.o.seq, transcript, violations, truncated: this.truncated };
  }
}
