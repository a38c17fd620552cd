import type { ChannelView } from '../../load/channels.ts';
import { channelViews } from '../../load/channels.ts';
import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from '../../load/pointer.ts';
import { NameScope } from '../names.ts';
import type { ApiIR, MessageIR, ReconnectIR } from '../types.ts';
import { payloadLocation } from '../../load/payload.ts';
import { BUNDLE_KEY, targetName } from '../../load/bundle.ts';
import { buildChannels } from './channels.ts';
import { SchemaRegistry } from './schemas.ts';
import { buildSecuritySchemes } from './security.ts';
import { buildServers } from './servers.ts';
import { optionalString } from './values.ts';

/** Names every generated module exports besides the spec's own, kept out of the type scope. */
export const RESERVED_TYPE_NAMES = ['ValidationError', 'Validation', 'ApiMetadata'];
export const RESERVED_VALUE_NAMES = ['api', 'metadata', 'parseJson', 'formats'];

/**
 * Builds the IR from a document that `loadSpec` accepted (its file `$ref`s bundled in). Throws
 * an `Error` with a pointer in its message for constructs generation does not support (a remote
 * `$ref` followed under --allow-remote).
 */
export function buildIR(doc: unknown, name: string): ApiIR {
  if (!isRecord(doc)) throw new Error('not a document');
  const types = new NameScope(RESERVED_TYPE_NAMES);
  const values = new NameScope(RESERVED_VALUE_NAMES);
  const schemas = new SchemaRegistry(doc, types);
  const info = isRecord(doc.info) ? doc.info : {};

  // Messages first: their type names are the API users type most.
  const messagePaths = new Map<string, PathSegment[]>();
  const componentMessages = getAt(doc, ['components', 'messages']);
  if (isRecord(componentMessages))
    for (const key of Object.keys(componentMessages)) messagePaths.set(toPointer(['components', 'messages', key]), ['components', 'messages', key]);
  const views = channelViews(doc);
  for (const view of views) for (const m of view.messages) messagePaths.set(toPointer(m.target), m.target);

  const messages: MessageIR[] = [];
  const idByPointer = new Map<string, string>();
  for (const [pointer, path] of messagePaths) {
    const message = getAt(doc, path) as Record<string, unknown>;
    // A message in a file the document refers to is named like a component one.
    const inComponents = path[0] === 'components' || path[0] === BUNDLE_KEY;
    const key = targetName(path);
    const id = inComponents ? key : `${String(path[1])}.${key}`;
    const typeName = types.claim(inComponents ? key : `${String(path[1])} ${key}`, 'pascal', 'Message', 'message');
    idByPointer.set(pointer, id);
    const location = payloadLocation(doc, path);
    const payloadPath = location.kind === 'schema' ? location.path : [...path, 'payload'];
    const payload = getAt(doc, payloadPath);
    // A `$ref` payload is its target schema; an inline one is a schema of its own.
    const target = isRecord(payload) && typeof payload.$ref === 'string' && payload.$ref.startsWith('#') ? parsePointer(payload.$ref) : undefined;
    const schemaPath = target ?? payloadPath;
    // A payload written inline, or one named like the message, is the message type itself.
    const sameName = target === undefined || (targetName(target) === key && schemas.idOf(target) === undefined);
    const payloadId =
      location.kind !== 'schema'
        ? schemas.register(['$synthetic', 'any'], 'Unknown payload')
        : sameName
          ? schemas.register(schemaPath, key, typeName)
          : schemas.register(schemaPath, targetName(target));
    messages.push({
      id,
      typeName,
      guardName: values.claim(`is ${typeName}`, 'camel'),
      validatorName: values.claim(`validate ${typeName}`, 'camel'),
      ...optionalString('name', message.name),
      ...optionalString('title', message.title),
      ...optionalString('summary', message.summary),
      ...optionalString('description', message.description),
      payload: payloadId,
      examples: Array.isArray(message.examples)
        ? message.examples.filter(isRecord).map((e) => ({ ...optionalString('name', e.name), payload: e.payload }))
        : [],
      pointer: '#' + pointer,
    });
  }

  // Every component schema gets a type, used or not.
  const componentSchemas = getAt(doc, ['components', 'schemas']);
  if (isRecord(componentSchemas)) for (const key of Object.keys(componentSchemas)) schemas.register(['components', 'schemas', key], key);

  const sseMessages = new Set(views.filter((v) => v.sse).flatMap((v) => v.messages.map((m) => idByPointer.get(toPointer(m.target))!)));
  for (const m of messages) if (sseMessages.has(m.id)) m.eventGuardName = values.claim(`is ${m.typeName} event`, 'camel');

  const channels = buildChannels(doc, {
    types,
    values,
    messageIdOf: (view: ChannelView, key: string) => idByPointer.get(toPointer(view.messages.find((m) => m.id === key)!.target))!,
  });
  return {
    name,
    title: String(info.title ?? name),
    version: String(info.version ?? ''),
    ...optionalString('description', info.description),
    servers: buildServers(doc),
    channels,
    messages,
    schemas: schemas.finish(),
    securitySchemes: buildSecuritySchemes(doc),
    ...(isRecord(doc['x-sw-reconnect']) ? { reconnect: doc['x-sw-reconnect'] as unknown as ReconnectIR } : {}),
    pointer: '#',
  };
}
