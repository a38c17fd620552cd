import { derefLocal } from './refs.ts';
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
  sse: boolean;
  /** Payload property holding the tag on a WebSocket channel. */
  tagProperty: string;
  messages: ChannelMessage[];
  /** Every key of the channel's `messages` map, including entries whose `$ref` dangles. */
  messageIds: Set<string>;
  /** Message ids per direction, from the operations that use them. */
  directions: Record<Direction, Set<string>>;
}

export type TagResult =
  | { kind: 'tag'; value: string }
  | { kind: 'untagged' }
  | { kind: 'missing'; why: string }
  /** The payload is a `$ref` to another file, which is not followed here. */
  | { kind: 'external'; ref: string };

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
    const tagExt = channel['x-sw-tag'];
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
      tagProperty: isRecord(tagExt) && typeof tagExt.property === 'string' ? tagExt.property : 'type',
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
    }
  }
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

/** The tag of a message on a channel: SSE event name, or the `const` of the tag property. */
export function tagOf(doc: unknown, view: ChannelView, m: ChannelMessage): TagResult {
  if (m.message['x-sw-untagged'] === true) return { kind: 'untagged' };
  if (view.sse) {
    return typeof m.message.name === 'string' && m.message.name !== ''
      ? { kind: 'tag', value: m.message.name }
      : { kind: 'missing', why: 'an SSE message needs a `name`: it is the `event:` field' };
  }
  const payload = derefLocal(doc, [...m.target, 'payload']);
  if (!payload.ok && !payload.ref.startsWith('#')) return { kind: 'external', ref: payload.ref };
  if (!payload.ok || !isRecord(payload.value)) return { kind: 'missing', why: 'the message has no payload schema' };
  const found = tagConst(doc, payload.value, view.tagProperty, 0);
  return found === undefined
    ? { kind: 'missing', why: `the payload has no required property \`${view.tagProperty}\` with a string \`const\`` }
    : { kind: 'tag', value: found };
}

function tagConst(doc: unknown, schema: Record<string, unknown>, property: string, depth: number): string | undefined {
  if (depth > 16) return undefined;
  const required = Array.isArray(schema.required) && schema.required.includes(property);
  const prop = isRecord(schema.properties) ? schema.properties[property] : undefined;
  if (required && isRecord(prop)) {
    const target = typeof prop.$ref === 'string' ? resolveRef(doc, prop.$ref) : prop;
    if (isRecord(target)) {
      if (typeof target.const === 'string') return target.const;
      if (Array.isArray(target.enum) && target.enum.length === 1 && typeof target.enum[0] === 'string') return target.enum[0];
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const target = isRecord(part) && typeof part.$ref === 'string' ? resolveRef(doc, part.$ref) : part;
      if (isRecord(target)) {
        const found = tagConst(doc, target, property, depth + 1);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

function resolveRef(doc: unknown, ref: string): unknown {
  const path = safePointer(ref);
  return path ? getAt(doc, path) : undefined;
}
