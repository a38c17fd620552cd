/**
 * One message to many clients: `broadcast` to the open WebSockets of a channel, `publish` to the
 * readers of an SSE stream (kept for Last-Event-ID replay). Everything that reaches more than one
 * connection goes through here, and only here, so that another way to reach them (a bus shared by
 * several server processes) has one place to plug in.
 */
import { SseHistory } from '../sse/hub.ts';
import { encodeSse } from '../sse/encode.ts';
import { textFrame } from '../ws/frame.ts';
import type { ApiDescription } from '../contract.ts';
import type { OutboundCheck } from './outbound.ts';
import type { SsePeerImpl } from './sse-stream.ts';
import type { SsePeer } from './types.ts';
import type { WsSession } from './ws-session.ts';

/** Path parameters as a caller may give them to select recipients (any subset). */
export type ParamFilter = Readonly<Record<string, string | undefined>>;

/** One SSE stream: a channel with one set of parameter values, its readers and its history. */
export interface SseStream {
  history: SseHistory;
  peers: Set<SsePeerImpl>;
}

export class Fanout {
  /** Every WebSocket session, open or still authenticating. */
  readonly sessions = new Set<WsSession>();
  private readonly streams = new Map<string, SseStream>();

  constructor(
    private readonly api: ApiDescription,
    private readonly outbound: OutboundCheck,
  ) {}

  /** Validates once, serialises once, sends to every open WebSocket on the channel (and matching parameters). */
  broadcast(channelId: string, message: unknown, params?: ParamFilter): number {
    this.outbound.message(channelId, message, 'broadcast');
    const frame = textFrame(JSON.stringify(message));
    let delivered = 0;
    for (const session of this.sessions) {
      if (session.channel !== channelId || !session.isOpen || !sameParams(session.params, params)) continue;
      session.sendFrame(frame);
      delivered++;
    }
    return delivered;
  }

  /** Publishes an SSE event on a stream (kept for Last-Event-ID replay). */
  publish(channelId: string, event: string, data: unknown, params: ParamFilter = {}): number {
    this.outbound.event(channelId, event, data, 'publish');
    const stream = this.stream(channelId, params);
    const stored = stream.history.next(event, JSON.stringify(data));
    const encoded = encodeSse({ id: stored.id, event, data: stored.data });
    for (const peer of stream.peers) peer.writeEncoded(encoded);
    return stream.peers.size;
  }

  /** The open WebSocket sessions of a channel. */
  wsPeers(channelId: string): WsSession[] {
    return [...this.sessions].filter((s) => s.channel === channelId && s.isOpen);
  }

  /** The readers of every stream of a channel. */
  ssePeers(channelId: string): SsePeer[] {
    return [...this.streams.entries()].filter(([key]) => key.startsWith(channelId + '\0')).flatMap(([, s]) => [...s.peers]);
  }

  /** The stream of a channel for one set of parameter values, made on first use. */
  stream(channelId: string, params: ParamFilter): SseStream {
    const key = channelId + '\0' + JSON.stringify(Object.entries(params).filter(([, v]) => v !== undefined).sort());
    let stream = this.streams.get(key);
    if (!stream) {
      const channel = this.api.channels[channelId];
      stream = { history: new SseHistory(channel?.sse?.resume?.bufferSize ?? 0), peers: new Set() };
      this.streams.set(key, stream);
    }
    return stream;
  }

  /** Every SSE reader, for shutdown. */
  allSsePeers(): SsePeerImpl[] {
    return [...this.streams.values()].flatMap((s) => [...s.peers]);
  }
}

function sameParams(a: Readonly<Record<string, string>>, b: ParamFilter | undefined): boolean {
  if (!b) return true;
  return Object.entries(b).every(([k, v]) => v === undefined || a[k] === v);
}
