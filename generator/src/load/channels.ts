import { derefLocal } from './refs.ts';
import { channelTransport } from './transport.ts';
import { getAt, isRecord, parsePointer, type PathSegment } from './pointer.ts';

/** `send` = server → client, `receive` = client → server (the server's point of view). */
export type Direction = 'send' | 'receive';
export const DIRECTIONS: readonly Direction[] = ['send', 'receive'];

export interface ChannelMessage {
  /** Key in the channel's `messages` map. */
  id: string;
  /** Path of the entry in the channel's `messages` map. */
  at: PathSegment[];
  /** Path of the message object after following `$ref`s (where its payload and examples live). */
  target: PathSegment[];
  message: Record<string, unknown>;
}

export interface ChannelView {
  id: string;
  at: PathSegment[];
  channel: Record<string, unknown>;
  /** Served as Server-Sent Events (`x-sw-sse`, an `sse`/`mercure` server, `text/event-stream` messages). */
  sse: boolean;
  messages: ChannelMessage[];
  /** Every key of the channel's `messages` map, including entries whose `$ref` dangles. */
  messageIds: Set<string>;
  /** Message ids per direction, from the operations that use them. */
  directions: Record<Direction, Set<string>>;
}

/**
 * The channels of a raw (not dereferenced) document with their messages and directions.
 * Tolerates malformed input: whatever is not where it should be is skipped, since the parser
 * and the reference checks report it.
 */
export function channelViews(doc: unknown): ChannelView[] {
  const channels = getAt(doc, ['channels']);
  if (!isRecord(channels)) return [];
  const views = new Map<string, ChannelView>();
  for (const id of Object.keys(channels)) {
    const resolved = derefLocal(doc, ['channels', id]);
    if (!resolved.ok || !isRecord(resolved.value)) continue;
    const channel = resolved.value;
    const messages: ChannelMessage[] = [];
    if (isRecord(channel.messages)) {
      for (const msgId of Object.keys(channel.messages)) {
        const at = [...resolved.at, 'messages', msgId];
        const target = derefLocal(doc, at);
        if (target.ok && isRecord(target.value)) messages.push({ id: msgId, at, target: target.at, message: target.value });
      }
    }
    views.set(id, {
      id,
      at: ['channels', id],
      channel,
      sse: channel['x-sw-sse'] !== undefined,
      messages,
      messageIds: new Set(isRecord(channel.messages) ? Object.keys(channel.messages) : []),
      directions: { send: new Set(), receive: new Set() },
    });
  }
  const operations = getAt(doc, ['operations']);
  if (isRecord(operations)) {
    for (const opId of Object.keys(operations)) {
      const op = derefLocal(doc, ['operations', opId]);
      if (!op.ok || !isRecord(op.value)) continue;
      const action = op.value.action;
      if (action !== 'send' && action !== 'receive') continue;
      const channelId = channelIdOf(op.value.channel);
      const view = channelId === undefined ? undefined : views.get(channelId);
      if (!view) continue;
      const list = Array.isArray(op.value.messages) ? op.value.messages : view.messages.map((m) => ({ $ref: `#/channels/${channelId}/messages/${m.id}` }));
      for (const ref of list) {
        const msgId = messageIdOf(ref, channelId!);
        if (msgId !== undefined && view.messages.some((m) => m.id === msgId)) view.directions[action].add(msgId);
      }
      // A reply travels the other way, on its own channel or (without one) on the request's.
      const reply = derefLocal(doc, ['operations', opId, 'reply']);
      if (reply.ok && isRecord(reply.value)) {
        const replyId = channelIdOf(reply.value.channel) ?? channelId!;
        const replyView = views.get(replyId);
        const back = action === 'send' ? 'receive' : 'send';
        if (replyView) {
          const refs = Array.isArray(reply.value.messages)
            ? reply.value.messages
            : replyView.messages.map((m) => ({ $ref: `#/channels/${replyId}/messages/${m.id}` }));
          for (const ref of refs) {
            const msgId = messageIdOf(ref, replyId);
            if (msgId !== undefined && replyView.messages.some((m) => m.id === msgId)) replyView.directions[back].add(msgId);
          }
        }
      }
    }
  }
  // SSE by our `x-sw-sse`, or by what standard AsyncAPI says (protocol, content type).
  for (const view of views.values()) view.sse = channelTransport(doc, view).kind === 'sse';
  return [...views.values()];
}

/** `#/channels/<id>` → `<id>`. */
export function channelIdOf(ref: unknown): string | undefined {
  if (!isRecord(ref) || typeof ref.$ref !== 'string') return undefined;
  const path = safePointer(ref.$ref);
  return path && path.length === 2 && path[0] === 'channels' ? path[1] : undefined;
}

/** `#/channels/<channelId>/messages/<id>` → `<id>`. */
export function messageIdOf(ref: unknown, channelId: string): string | undefined {
  if (!isRecord(ref) || typeof ref.$ref !== 'string') return undefined;
  const path = safePointer(ref.$ref);
  return path && path.length === 4 && path[0] === 'channels' && path[1] === channelId && path[2] === 'messages' ? path[3] : undefined;
}

function safePointer(ref: string): string[] | undefined {
  if (!ref.startsWith('#')) return undefined;
  try {
    return parsePointer(ref);
  } catch {
    return undefined;
  }
}
