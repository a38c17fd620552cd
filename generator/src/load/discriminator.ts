/**
 * How a frame on one channel and direction is matched to one of its messages: the one place
 * that decides it, for `validate`, `generate`, the mock and `conform` alike.
 *
 * In this order (the first that applies wins):
 * 1. `x-sw-tag: { property }` on the channel (explicit: a message without it is an error);
 * 2. the `discriminator` keyword of the payloads (AsyncAPI's string form or OpenAPI's object);
 * 3. a required property with a string `const` (or one-value `enum`) in every message, with
 *    distinct values: `type` by our convention, otherwise inferred and reported;
 * 4. on SSE channels the event name (`name`); messages sharing one event fall through to 5;
 * 5. the shape: the messages are tried in document order and the first that matches wins.
 * A direction with one message needs none of it.
 */
import { DIRECTIONS, type ChannelMessage, type ChannelView, type Direction } from './channels.ts';
import { classifyRef, derefLocal } from './refs.ts';
import { getAt, isRecord, parsePointer, type PathSegment } from './pointer.ts';

export type DispatchKind =
  /** A payload property names the message (`tagProperty`). */
  | 'property'
  /** The SSE `event:` field names the message; events shared by several messages go by shape. */
  | 'event'
  /** The only message of the direction: whatever arrives is validated against it. */
  | 'single'
  /** No discriminator: first message whose schema matches. */
  | 'shape'
  /** No message in this direction. */
  | 'none';

/** Where the discriminator came from; `inferred` and `shape` are worth a warning. */
export type DispatchSource = 'x-sw-tag' | 'discriminator' | 'convention' | 'inferred' | 'event' | 'single' | 'shape' | 'none';

export interface DispatchProblem {
  code: 'sw/tag-missing' | 'sw/tag-duplicate' | 'sw/untagged-not-alone' | 'sw/tag-inferred' | 'sw/dispatch-by-shape' | 'sw/external-unchecked';
  severity: 'error' | 'warning';
  message: string;
  at: PathSegment[];
}

export interface DirectionDispatch {
  kind: DispatchKind;
  source: DispatchSource;
  /** The payload property holding the tag, for `property`. */
  property?: string;
  /** Message id → its tag (property value or event name); null when it has none. In document order. */
  tags: Map<string, string | null>;
  /**
   * Messages whose tag is not a `const` in their payload but a `discriminator` mapping entry or
   * their schema's name: the payload type says `string`, so the models add the literal.
   */
  implicitTags?: Set<string>;
  problems: DispatchProblem[];
}

/** The conventional tag property of streamwright's own documents: found silently. */
const CONVENTION = 'type';
/** Properties other documents commonly tag with, tried first when several would do. */
const COMMON = ['type', 'event', 'op', 'action', 'kind', 'method', 'channel', 'topic', 'name'];
const ARROW = { send: 'server → client', receive: 'client → server' } as const;

export function directionMessages(view: ChannelView, direction: Direction): ChannelMessage[] {
  return view.messages.filter((m) => view.directions[direction].has(m.id));
}

/** The dispatch of both directions of a channel. */
export function channelDispatch(doc: unknown, view: ChannelView): Record<Direction, DirectionDispatch> {
  return Object.fromEntries(DIRECTIONS.map((d) => [d, directionDispatch(doc, view, d)])) as Record<Direction, DirectionDispatch>;
}

export function directionDispatch(doc: unknown, view: ChannelView, direction: Direction): DirectionDispatch {
  const messages = directionMessages(view, direction);
  const where = `channel "${view.id}" (${ARROW[direction]})`;
  const problems: DispatchProblem[] = [];
  const tags = (f: (m: ChannelMessage) => string | null) => new Map(messages.map((m) => [m.id, f(m)]));
  if (messages.length === 0) return { kind: 'none', source: 'none', tags: new Map(), problems };

  const explicitUntagged = messages.filter((m) => m.message['x-sw-untagged'] === true);
  if (explicitUntagged.length > 0 && messages.length > 1) {
    for (const m of explicitUntagged) {
      problems.push({
        code: 'sw/untagged-not-alone',
        severity: 'error',
        message: `message "${m.id}" is marked x-sw-untagged but ${where} has ${messages.length} messages (x-sw-untagged is for a lone message); remove it and give every message a required property with a distinct \`const\`, named on the channel with \`x-sw-tag: { property: type }\`, or use a \`discriminator\` on the payloads`,
        at: [...m.target, 'x-sw-untagged'],
      });
    }
  }

  const external = messages.flatMap((m) => {
    const payload = derefLocal(doc, [...m.target, 'payload']);
    // Only a remote one (read under --allow-remote) is left unbundled on purpose; a file or
    // other reference still here failed, and says so as an error at its `$ref`.
    return !payload.ok && classifyRef(payload.ref) === 'remote' ? [{ m, ref: payload.ref }] : [];
  });
  for (const { m, ref } of external) {
    problems.push({
      code: 'sw/external-unchecked',
      severity: 'warning',
      message: `the payload of message "${m.id}" is ${ref}; its tag is not checked`,
      at: m.at,
    });
  }

  // SSE: the event name first; a shared event (the default `message`) is told apart by shape.
  if (view.sse) {
    if (messages.length === 1 && (explicitUntagged.length === 1 || typeof messages[0]!.message.name !== 'string')) {
      return { kind: 'single', source: 'single', tags: tags(() => null), problems };
    }
    const eventOf = (m: ChannelMessage) => (typeof m.message.name === 'string' && m.message.name !== '' ? m.message.name : 'message');
    const byEvent = new Map<string, string[]>();
    for (const m of messages) byEvent.set(eventOf(m), [...(byEvent.get(eventOf(m)) ?? []), m.id]);
    for (const [event, ids] of byEvent) {
      if (ids.length > 1) {
        problems.push({
          code: 'sw/dispatch-by-shape',
          severity: 'warning',
          message: `messages ${ids.map((id) => `"${id}"`).join(', ')} of ${where} share the SSE event "${event}"; they are told apart by shape (first match wins). Give each message its own \`name\` (the \`event:\` field)`,
          at: messages.find((m) => m.id === ids[1])!.at,
        });
      }
    }
    return { kind: 'event', source: 'event', tags: tags(eventOf), problems };
  }

  const tagExt = view.channel['x-sw-tag'];
  if (isRecord(tagExt) && typeof tagExt.property === 'string') {
    const property = tagExt.property;
    if (messages.length === 1 && explicitUntagged.length === 1) return { kind: 'single', source: 'single', tags: tags(() => null), problems };
    const values = tags((m) => constOf(doc, m, property) ?? null);
    for (const m of messages) {
      if (values.get(m.id) === null && m.message['x-sw-untagged'] !== true && !external.some((e) => e.m === m)) {
        problems.push({
          code: 'sw/tag-missing',
          severity: 'error',
          message: `message "${m.id}" on ${where} has no tag: \`x-sw-tag: { property: ${property} }\` names \`${property}\`, but the payload has no required property \`${property}\` with a string \`const\`; add \`${property}: { const: ${JSON.stringify(m.id)} }\` to its properties and \`${property}\` to its \`required\`, or name the property the messages do share in \`x-sw-tag\`${messages.length === 1 ? ', or mark the lone message `x-sw-untagged: true`' : ''}`,
          at: m.at,
        });
      }
    }
    problems.push(...duplicates(values, messages, where, property, 'error'));
    return { kind: 'property', source: 'x-sw-tag', property, tags: values, problems };
  }

  if (messages.length === 1) {
    // One message needs no tag; our own documents still carry `type`, which the runtime reads.
    const only = messages[0]!;
    const value = only.message['x-sw-untagged'] === true ? undefined : constOf(doc, only, CONVENTION);
    return value === undefined
      ? { kind: 'single', source: 'single', tags: tags(() => null), problems }
      : { kind: 'property', source: 'convention', property: CONVENTION, tags: tags(() => value), problems };
  }

  const discriminator = discriminatorKeyword(doc, messages);
  if (discriminator) {
    const { property, values, implicit } = discriminator;
    const dup = duplicates(values, messages, where, property, 'warning');
    if (dup.length === 0 && [...values.values()].every((v) => v !== null)) {
      return { kind: 'property', source: 'discriminator', property, tags: values, ...(implicit.size > 0 ? { implicitTags: implicit } : {}), problems };
    }
  }

  const candidates = tagCandidates(doc, messages);
  const conventional = tags((m) => constOf(doc, m, CONVENTION) ?? null);
  if (candidates.includes(CONVENTION)) return { kind: 'property', source: 'convention', property: CONVENTION, tags: conventional, problems };
  if (candidates.length > 0) {
    const property = COMMON.find((p) => candidates.includes(p)) ?? candidates[0]!;
    problems.push({
      code: 'sw/tag-inferred',
      severity: 'warning',
      message: `${where}: messages are told apart by their \`${property}\` const (inferred); say so with \`x-sw-tag: { property: ${property} }\` on the channel to make it explicit`,
      at: view.at,
    });
    return { kind: 'property', source: 'inferred', property, tags: tags((m) => constOf(doc, m, property) ?? null), problems };
  }

  const shared = sharedProperty(doc, messages);
  // Every message has a `type` const but two share one: the duplicate is the actionable part.
  // A misplaced x-sw-untagged is already an error; a warning on top would only repeat it.
  const dup = [...conventional.values()].every((v) => v !== null) ? duplicates(conventional, messages, where, CONVENTION, 'warning') : [];
  problems.push(
    ...(explicitUntagged.length > 0
      ? []
      : dup.length > 0
        ? dup
        : [
            {
              code: 'sw/dispatch-by-shape' as const,
              severity: 'warning' as const,
              message: `${where} has no discriminator: frames are matched by shape, first match in document order wins. To dispatch on a property instead, give every message a required \`${shared}\` with a distinct \`const\` and say \`x-sw-tag: { property: ${shared} }\` on the channel, or put \`discriminator: ${shared}\` on the payloads`,
              at: view.at,
            },
          ]),
  );
  return { kind: 'shape', source: 'shape', tags: tags(() => null), problems };
}

function duplicates(
  values: Map<string, string | null>,
  messages: ChannelMessage[],
  where: string,
  property: string,
  severity: 'error' | 'warning',
): DispatchProblem[] {
  const seen = new Map<string, string>();
  const out: DispatchProblem[] = [];
  for (const m of messages) {
    const v = values.get(m.id);
    if (v === null || v === undefined) continue;
    const other = seen.get(v);
    if (other === undefined) seen.set(v, m.id);
    else {
      out.push({
        code: 'sw/tag-duplicate',
        severity,
        message: `messages "${other}" and "${m.id}" on ${where} share the ${property} "${v}"${severity === 'warning' ? '; they are told apart by shape (first match wins)' : ''}; give each its own \`${property}\` \`const\`${severity === 'warning' ? ` (then \`x-sw-tag: { property: ${property} }\` makes it explicit)` : ''}`,
        at: m.at,
      });
    }
  }
  return out;
}

/**
 * The property a fix should name: one every message's payload declares (the conventional names
 * first), else `type`, our convention.
 */
function sharedProperty(doc: unknown, messages: ChannelMessage[]): string {
  const declared = messages.map((m) => {
    const payload = payloadOf(doc, m);
    return new Set(payload && isRecord(payload.properties) ? Object.keys(payload.properties) : []);
  });
  const common = COMMON.find((p) => declared.every((names) => names.has(p)));
  return common ?? CONVENTION;
}

/** Properties every message requires with a string const, distinct across the messages, in the first message's order. */
function tagCandidates(doc: unknown, messages: ChannelMessage[]): string[] {
  const first = payloadOf(doc, messages[0]!);
  if (!first) return [];
  const names = requiredConstProperties(doc, first, 0);
  return names.filter((property) => {
    const values = messages.map((m) => constOf(doc, m, property));
    return values.every((v) => v !== undefined) && new Set(values).size === values.length;
  });
}

function requiredConstProperties(doc: unknown, schema: Record<string, unknown>, depth: number): string[] {
  if (depth > 16) return [];
  const out: string[] = [];
  if (isRecord(schema.properties)) for (const p of Object.keys(schema.properties)) if (tagConst(doc, schema, p, 0) !== undefined) out.push(p);
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const target = resolve(doc, part);
      if (isRecord(target)) for (const p of requiredConstProperties(doc, target, depth + 1)) if (!out.includes(p)) out.push(p);
    }
  }
  return out;
}

function payloadOf(doc: unknown, m: ChannelMessage): Record<string, unknown> | undefined {
  const payload = derefLocal(doc, [...m.target, 'payload']);
  if (!payload.ok || !isRecord(payload.value)) return undefined;
  // A schemaFormat-tagged payload (`{ schemaFormat, schema }`) keeps its schema one level down.
  if (typeof m.message.schemaFormat === 'string' || (typeof payload.value.schemaFormat === 'string' && 'schema' in payload.value)) {
    const inner = resolve(doc, payload.value.schema);
    return isRecord(inner) ? inner : undefined;
  }
  return payload.value;
}

/** The string `const` of a required property of a message's payload, through `allOf` and `$ref`s. */
export function constOf(doc: unknown, m: ChannelMessage, property: string): string | undefined {
  const payload = payloadOf(doc, m);
  return payload ? tagConst(doc, payload, property, 0) : undefined;
}

function tagConst(doc: unknown, schema: Record<string, unknown>, property: string, depth: number): string | undefined {
  if (depth > 16) return undefined;
  const required = Array.isArray(schema.required) && schema.required.includes(property);
  const prop = isRecord(schema.properties) ? schema.properties[property] : undefined;
  if (required && isRecord(prop)) {
    const target = resolve(doc, prop);
    if (isRecord(target)) {
      if (typeof target.const === 'string') return target.const;
      if (Array.isArray(target.enum) && target.enum.length === 1 && typeof target.enum[0] === 'string') return target.enum[0];
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const target = resolve(doc, part);
      if (isRecord(target)) {
        const found = tagConst(doc, target, property, depth + 1);
        if (found !== undefined) return found;
      }
    }
  }
  return undefined;
}

/**
 * The `discriminator` keyword shared by every message's payload (on the payload, or on a schema
 * it extends through `allOf`). A message's value is its own `const` of that property, else its
 * `mapping` entry, else (as in AsyncAPI and OpenAPI) the name of its payload schema.
 */
function discriminatorKeyword(
  doc: unknown,
  messages: ChannelMessage[],
): { property: string; values: Map<string, string | null>; implicit: Set<string> } | undefined {
  let property: string | undefined;
  const mapping = new Map<string, string>();
  for (const m of messages) {
    const found = findDiscriminator(doc, payloadOf(doc, m), 0);
    if (!found) return undefined;
    if (property !== undefined && found.property !== property) return undefined;
    property = found.property;
    for (const [value, ref] of found.mapping) mapping.set(ref, value);
  }
  if (property === undefined) return undefined;
  const values = new Map<string, string | null>();
  const implicit = new Set<string>();
  for (const m of messages) {
    const own = constOf(doc, m, property);
    if (own === undefined) implicit.add(m.id);
    const payload = getAt(doc, [...m.target, 'payload']);
    const ref = isRecord(payload) && typeof payload.$ref === 'string' ? payload.$ref : undefined;
    const named = ref?.startsWith('#/components/schemas/')
      ? decodeURIComponent(ref.slice('#/components/schemas/'.length)).replace(/~1/g, '/').replace(/~0/g, '~')
      : undefined;
    values.set(m.id, own ?? (ref !== undefined ? mapping.get(ref) : undefined) ?? named ?? null);
  }
  return { property, values, implicit };
}

function findDiscriminator(doc: unknown, schema: unknown, depth: number): { property: string; mapping: Map<string, string> } | undefined {
  if (!isRecord(schema) || depth > 16) return undefined;
  const d = schema.discriminator;
  if (typeof d === 'string' && d !== '') return { property: d, mapping: new Map() };
  if (isRecord(d) && typeof d.propertyName === 'string') {
    const mapping = new Map<string, string>();
    if (isRecord(d.mapping)) for (const [value, ref] of Object.entries(d.mapping)) if (typeof ref === 'string') mapping.set(value, ref);
    return { property: d.propertyName, mapping };
  }
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const found = findDiscriminator(doc, resolve(doc, part), depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

function resolve(doc: unknown, schema: unknown): unknown {
  if (isRecord(schema) && typeof schema.$ref === 'string' && schema.$ref.startsWith('#')) {
    try {
      return getAt(doc, parsePointer(schema.$ref));
    } catch {
      return undefined;
    }
  }
  return schema;
}
