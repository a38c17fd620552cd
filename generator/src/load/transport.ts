/**
 * Which transport a channel uses, from the standard objects first: `x-sw-sse` (our convention),
 * then the channel's bindings, its servers' protocols and its messages' content types. Used by
 * the IR build and by `validate`, so both say the same thing.
 */
import { channelIdOf, type ChannelView } from './channels.ts';
import { getAt, isRecord, parsePointer } from './pointer.ts';
import { derefLocal } from './refs.ts';

export type ChannelTransport =
  | { kind: 'ws' | 'sse' | 'http'; /** Set when the document allows two and the first was taken. */ alsoPossible?: 'ws' | 'sse' | 'http' }
  /** No protocol the runtime speaks (Kafka, AMQP, MQTT…): models and validators only. */
  | { kind: 'none'; protocols: string[]; why: string };

const WS = new Set(['ws', 'wss']);
const HTTP = new Set(['http', 'https']);
const SSE = new Set(['sse', 'mercure']);

export function channelTransport(doc: unknown, view: ChannelView): ChannelTransport {
  const ch = view.channel;
  if (ch['x-sw-sse'] !== undefined) return { kind: 'sse' };
  const protocols = serverProtocols(doc, ch);
  // An address unknown until run time (`null`, as AsyncAPI allows) cannot be served or dialled.
  if (ch.address === null) return { kind: 'none', protocols, why: 'its address is null (known only at run time)' };
  const eventStream = view.messages.some((m) => contentType(doc, m.message) === 'text/event-stream');
  const bindings = isRecord(ch.bindings) ? ch.bindings : {};
  const httpWrite = hasHttpWrite(doc, view.id);
  if (httpWrite) return { kind: 'http' };
  if (eventStream || protocols.some((p) => SSE.has(p))) return { kind: 'sse' };
  if ('ws' in bindings) return { kind: 'ws' };
  const ws = protocols.some((p) => WS.has(p));
  const http = protocols.some((p) => HTTP.has(p)) || 'http' in bindings;
  // A document without servers is read as our convention reads it: a WebSocket.
  if (protocols.length === 0 && !http) return { kind: 'ws' };
  // Our convention reads a channel on both kinds of servers as a WebSocket; only a channel that
  // itself names servers of both kinds is worth a question.
  const listsServers = Array.isArray(ch.servers) && ch.servers.length > 0;
  if (ws) return http && listsServers ? { kind: 'ws', alsoPossible: 'http' } : { kind: 'ws' };
  if (http) return { kind: 'http' };
  return { kind: 'none', protocols, why: `it is served over ${protocols.join(', ')}` };
}

function serverProtocols(doc: unknown, channel: Record<string, unknown>): string[] {
  const servers = getAt(doc, ['servers']);
  if (!isRecord(servers)) return [];
  const ids =
    Array.isArray(channel.servers) && channel.servers.length > 0
      ? channel.servers.flatMap((s) => {
          if (!isRecord(s) || typeof s.$ref !== 'string' || !s.$ref.startsWith('#/servers/')) return [];
          try {
            return [parsePointer(s.$ref)[1]!];
          } catch {
            return [];
          }
        })
      : Object.keys(servers);
  return [
    ...new Set(
      ids.flatMap((id) => {
        const server = derefLocal(doc, ['servers', id]);
        return server.ok && isRecord(server.value) && typeof server.value.protocol === 'string' ? [server.value.protocol.toLowerCase()] : [];
      }),
    ),
  ].sort();
}

function contentType(doc: unknown, message: Record<string, unknown>): string | undefined {
  const own = typeof message.contentType === 'string' ? message.contentType : getAt(doc, ['defaultContentType']);
  return typeof own === 'string' ? own.split(';')[0]!.trim().toLowerCase() : undefined;
}

/** An operation with an HTTP method other than GET: a request endpoint, not a stream. */
function hasHttpWrite(doc: unknown, channelId: string): boolean {
  const ops = getAt(doc, ['operations']);
  if (!isRecord(ops)) return false;
  return Object.keys(ops).some((id) => {
    const op = derefLocal(doc, ['operations', id]);
    if (!op.ok || !isRecord(op.value) || channelIdOf(op.value.channel) !== channelId) return false;
    const method = getAt(op.value, ['bindings', 'http', 'method']);
    return typeof method === 'string' && method.toUpperCase() !== 'GET';
  });
}
