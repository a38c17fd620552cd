import { channelIdOf, channelViews, type ChannelView } from '../../load/channels.ts';
import { channelDispatch } from '../../load/discriminator.ts';
import { channelTransport } from '../../load/transport.ts';
import { getAt, isRecord, parsePointer, toPointer } from '../../load/pointer.ts';
import { derefLocal } from '../../load/refs.ts';
import type { NameScope } from '../names.ts';
import type { ChannelDirectionIR, ChannelIR, Direction, JsonSchema, OperationIR, ParameterIR, Transport } from '../types.ts';
import { securityIds } from './security.ts';
import { optionalString } from './values.ts';

export interface ChannelNaming {
  types: NameScope;
  values: NameScope;
  /** Message id of a channel message entry (its `$ref` target, or the inline location). */
  messageIdOf(view: ChannelView, key: string): string;
}

const SIDE = { send: 'server', receive: 'client' } as const;

export function buildChannels(doc: Record<string, unknown>, naming: ChannelNaming): ChannelIR[] {
  return channelViews(doc).map((view) => {
    const ch = view.channel;
    const derived = channelTransport(doc, view);
    // A channel on Kafka, AMQP… is validated like a WebSocket one (payloads only), and gets no stub.
    const transport: Transport = derived.kind === 'none' ? 'ws' : derived.kind;
    const typeName = naming.types.claim(view.id, 'pascal', 'Channel', 'channel');
    const unit = transport === 'sse' ? 'event' : 'message';
    const dispatch = channelDispatch(doc, view);
    const direction = (d: Direction): ChannelDirectionIR => ({
      unionName: naming.types.claim(`${typeName} ${SIDE[d]} ${unit}`, 'pascal'),
      mapName: naming.types.claim(`${typeName} ${SIDE[d]} ${unit} map`, 'pascal'),
      validatorName: naming.values.claim(`validate ${typeName} ${SIDE[d]} ${unit}`, 'camel'),
      dispatch: dispatch[d].kind,
      ...(dispatch[d].property !== undefined ? { tagProperty: dispatch[d].property } : {}),
      messages: [...dispatch[d].tags].map(([key, tag]) => ({
        key,
        message: naming.messageIdOf(view, key),
        tag,
        ...(dispatch[d].implicitTags?.has(key) ? { tagImplicit: true as const } : {}),
      })),
      operations: operationsOf(doc, view.id, d),
    });
    const tagExt = ch['x-sw-tag'];
    const property =
      dispatch.send.property ?? dispatch.receive.property ?? (isRecord(tagExt) && typeof tagExt.property === 'string' ? tagExt.property : undefined);
    const byShape = dispatch.send.kind === 'shape' || dispatch.receive.kind === 'shape';
    const query = getAt(ch, ['bindings', 'ws', 'query']);
    const ir: ChannelIR = {
      id: view.id,
      typeName,
      address: String(ch.address ?? ''),
      transport,
      ...optionalString('title', ch.title),
      ...optionalString('description', ch.description),
      parameters: parametersOf(doc, view),
      ...(isRecord(query) ? { query: query as JsonSchema } : {}),
      servers: serversOf(doc, ch),
      // Our own documents tag with `type` even where a direction has one message.
      tagProperty: view.sse ? null : (property ?? (byShape ? null : 'type')),
      send: direction('send'),
      receive: direction('receive'),
      ...(derived.kind === 'none' ? { stubless: derived.protocols } : {}),
      pointer: '#' + toPointer(view.at),
    };
    for (const [key, field] of [
      ['x-sw-sse', 'sse'],
      ['x-sw-heartbeat', 'heartbeat'],
      ['x-sw-limits', 'limits'],
      ['x-sw-poll', 'poll'],
      ['x-sw-errors', 'errors'],
      ['x-sw-reconnect', 'reconnect'],
      ['x-sw-sequence', 'sequence'],
    ] as const) {
      if (isRecord(ch[key])) (ir as unknown as Record<string, unknown>)[field] = ch[key];
    }
    return ir;
  });
}

function parametersOf(doc: unknown, view: ChannelView): ParameterIR[] {
  const names = [...String(view.channel.address ?? '').matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return names.map((name) => {
    const resolved = derefLocal(doc, [...view.at, 'parameters', name]);
    const p = resolved.ok && isRecord(resolved.value) ? resolved.value : {};
    return {
      name,
      ...optionalString('description', p.description),
      ...(Array.isArray(p.enum) ? { enum: p.enum.map(String) } : {}),
      ...optionalString('default', p.default),
      ...(Array.isArray(p.examples) ? { examples: p.examples.map(String) } : {}),
    };
  });
}

function serversOf(doc: Record<string, unknown>, channel: Record<string, unknown>): string[] {
  const all = isRecord(doc.servers) ? Object.keys(doc.servers) : [];
  if (!Array.isArray(channel.servers) || channel.servers.length === 0) return all;
  return channel.servers.flatMap((s) => {
    if (!isRecord(s) || typeof s.$ref !== 'string' || !s.$ref.startsWith('#')) return [];
    const path = parsePointer(s.$ref);
    return path.length === 2 && path[0] === 'servers' ? [path[1]!] : [];
  });
}

function eachOperation(doc: Record<string, unknown>, channelId: string, fn: (id: string, op: Record<string, unknown>) => void) {
  const ops = isRecord(doc.operations) ? doc.operations : {};
  for (const id of Object.keys(ops)) {
    const resolved = derefLocal(doc, ['operations', id]);
    if (!resolved.ok || !isRecord(resolved.value)) continue;
    const op = resolved.value;
    if (channelIdOf(op.channel) === channelId) fn(id, op);
  }
}

function operationsOf(doc: Record<string, unknown>, channelId: string, direction: Direction): OperationIR[] {
  const out: OperationIR[] = [];
  eachOperation(doc, channelId, (id, op) => {
    if (op.action !== direction) return;
    const method = getAt(op, ['bindings', 'http', 'method']);
    const messages = Array.isArray(op.messages)
      ? op.messages.flatMap((r) => {
          const m = isRecord(r) && typeof r.$ref === 'string' ? /\/messages\/([^/]+)$/.exec(r.$ref) : null;
          return m ? [decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~')] : [];
        })
      : [];
    out.push({
      id,
      ...optionalString('summary', op.summary),
      ...optionalString('description', op.description),
      messages,
      security: securityIds(op.security),
      ...(typeof method === 'string' ? { httpMethod: method } : {}),
      ...(isRecord(op['x-sw-http']) ? { http: op['x-sw-http'] as OperationIR['http'] & object } : {}),
      pointer: '#' + toPointer(['operations', id]),
    });
  });
  return out;
}
