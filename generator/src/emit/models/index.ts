import type { ApiIR, ChannelIR, ChannelMessageIR, Direction, MessageIR, SchemaIR } from '../../ir/types.ts';
import { ident, jsDoc, propertyKey, tsString } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import type { EmittedFile } from '../types.ts';
import { header } from '../header.ts';
import { channelModuleSpecifier } from '../validators/index.ts';
import { docInline, docJson } from '../../render/escape.ts';
import { isObjectLiteral, schemaDoc, tsType } from './schema-to-ts.ts';

/** `models.gen.ts`: a type per schema and message, and per channel direction a tagged union. */
export function emitModels(api: ApiIR): EmittedFile {
  const byId = new Map(api.schemas.map((s) => [s.id, s]));
  const typeName = (id: string) => {
    const s = byId.get(id);
    if (!s) throw new Error(`no schema ${id}`);
    return ident(s.typeName);
  };
  const messagesBySchema = new Map<string, MessageIR[]>();
  for (const m of api.messages) messagesBySchema.set(m.payload, [...(messagesBySchema.get(m.payload) ?? []), m]);

  // A message whose type name is its payload schema's is documented on that declaration.
  const merged = new Map<string, MessageIR>();
  for (const m of api.messages) if (typeName(m.payload) === m.typeName) merged.set(m.payload, m);

  const schemas = api.schemas.map((s) => ({ declarationCode: declaration(s, typeName, merged.get(s.id)) }));
  const aliases = api.messages
    .filter((m) => !merged.has(m.payload) || merged.get(m.payload) !== m)
    .map((m) => ({ declarationCode: `${messageDoc(m, '')}export type ${ident(m.typeName)} = ${typeName(m.payload)};` }));

  const messageById = new Map(api.messages.map((m) => [m.id, m]));
  const channels = api.channels.flatMap((c) => (['send', 'receive'] as const).map((d) => channelDirection(c, d, messageById)));
  const guards = guardsFor(api, messageById);
  const shape = shapeGuardsFor(api, guards.guarded);

  return {
    path: 'models.gen.ts',
    contents: render('models/models.hbs', {
      headerCode: header(api, 'Types for every schema and message, with tagged unions per channel and direction.'),
      schemas,
      aliases,
      channels: channels.filter((c) => c !== undefined),
      guards: [...guards.guards, ...shape.guards],
      ...(shape.imports.length > 0
        ? {
            importCode: [
              // Shape guards are synchronous, so they import their validators statically, but only
              // from the module of a channel that needs them (which brings that channel and the
              // shared module), never the all-in-one `validators.gen.js`: importing the models loads
              // no validator when no guard needs one, and otherwise those channels only.
              "// The validators the shape guards below ask, from their channels' modules only.",
              ...shape.imports.map((i) => `import { ${i.names.map(ident).join(', ')} } from ${tsString(i.specifier)};`),
            ].join('\n'),
          }
        : {}),
    }),
  };
}

function declaration(s: SchemaIR, typeName: (id: string) => string, message: MessageIR | undefined): string {
  const name = ident(s.typeName);
  const doc = message ? messageDoc(message, '', s.schema) : schemaDoc(s.schema, '');
  const type = tsType(s.schema, typeName);
  // `type: [object, "null"]` gives `{ … } | null`, which only a type alias can say.
  return isObjectLiteral(type) ? `${doc}export interface ${name} ${type}` : `${doc}export type ${name} = ${type};`;
}

function messageDoc(m: MessageIR, indent: string, schema?: SchemaIR['schema']): string {
  const notes = [m.title, m.summary, m.description];
  if (schema !== undefined && typeof schema === 'object' && typeof schema.description === 'string') notes.push(schema.description);
  for (const e of m.examples) notes.push(`@example ${e.name ? docInline(e.name) + '\n' : ''}${docJson(e.payload, 2)}`);
  return jsDoc(notes, indent);
}

function channelDirection(c: ChannelIR, d: Direction, messages: Map<string, MessageIR>) {
  const dir = c[d];
  const arrow = d === 'send' ? 'server → client' : 'client → server';
  const members = dir.messages.map((cm) => ({ cm, m: messages.get(cm.message)! }));
  const sse = c.transport === 'sse';
  // An untagged SSE message is alone on its channel: whatever its `event:` field says, it is that message.
  const property = dir.tagProperty ?? c.tagProperty;
  const memberType = (cm: ChannelMessageIR, m: MessageIR) => (sse ? ident(m.typeName) : tagged(ident(m.typeName), cm, property));
  const unionMembers = members.map(({ cm, m }) =>
    sse ? `{ event: ${cm.tag === null ? 'string' : tsString(cm.tag)}; data: ${ident(m.typeName)} }` : memberType(cm, m),
  );
  // Tag → type; several messages share a tag only on a shared SSE event.
  const byTag = new Map<string, string[]>();
  for (const { cm, m } of members) if (cm.tag !== null) byTag.set(cm.tag, [...(byTag.get(cm.tag) ?? []), ident(m.typeName)]);
  const mapEntries = [...byTag].map(([tag, types]) => `  ${propertyKey(tag)}: ${types.join(' | ')};`);
  const hasTags = mapEntries.length > 0;
  const address = docInline(c.address);
  const unionDoc = jsDoc([
    `Every ${sse ? 'event' : 'message'} of channel \`${address}\` (${arrow}).`,
    dir.dispatch === 'shape'
      ? 'No discriminator: the validator tells them apart by shape (first match wins); narrow with the `is…` guards below, which ask the message validators.'
      : !hasTags
        ? undefined
        : sse
          ? 'Narrow with a `switch` on `event`.'
          : property
            ? `Narrow with a \`switch\` on \`${docInline(property)}\`.`
            : undefined,
  ]);
  return {
    unionCode: `${unionDoc}export type ${ident(dir.unionName)} = ${unionMembers.length ? unionMembers.join(' | ') : 'never'};`,
    mapCode: `${jsDoc([`Tag → type of every ${sse ? 'event' : 'message'} of channel \`${address}\` (${arrow}).`])}export interface ${ident(dir.mapName)} ${mapEntries.length ? `{\n${mapEntries.join('\n')}\n}` : '{}'}`,
  };
}

/**
 * A message's type as a member of a union dispatched on `property`: with the tag literal added
 * when its schema says only `string` (a `discriminator` value taken from the schema's name or a
 * mapping), so a `switch` on the property narrows.
 */
function tagged(type: string, cm: ChannelMessageIR, property: string | null | undefined): string {
  return cm.tagImplicit && cm.tag !== null && property ? `(${type} & { ${propertyKey(property)}: ${tsString(cm.tag)} })` : type;
}

/** One guard per tagged message, over the unions of every channel direction it belongs to. */
function guardsFor(api: ApiIR, messages: Map<string, MessageIR>) {
  const wsUses = new Map<string, { unions: string[]; tagProperty: string; tag: string; narrowed: string }>();
  const sseUses = new Map<string, { unions: string[]; tag: string }>();
  const conflicting = new Set<string>();
  for (const c of api.channels) {
    for (const d of ['send', 'receive'] as const) {
      for (const cm of c[d].messages) {
        if (cm.tag === null) continue;
        if (c.transport === 'sse') {
          // A guard on an event several messages share would not narrow to one message.
          if (c[d].messages.filter((x) => x.tag === cm.tag).length > 1) continue;
          const use = sseUses.get(cm.message) ?? { unions: [], tag: cm.tag };
          use.unions.push(c[d].unionName);
          sseUses.set(cm.message, use);
        } else {
          const tagProperty = c[d].tagProperty ?? c.tagProperty ?? 'type';
          const narrowed = tagged(ident(messages.get(cm.message)!.typeName), cm, tagProperty);
          const use = wsUses.get(cm.message) ?? { unions: [], tagProperty, tag: cm.tag, narrowed };
          // One guard reads one property: a message tagged differently elsewhere gets none.
          if (use.tagProperty !== tagProperty || use.tag !== cm.tag || use.narrowed !== narrowed) {
            conflicting.add(cm.message);
            continue;
          }
          use.unions.push(c[d].unionName);
          wsUses.set(cm.message, use);
        }
      }
    }
  }
  const guards: { guardCode: string }[] = [];
  const guarded = new Set<string>();
  for (const m of api.messages) {
    const ws = wsUses.get(m.id);
    if (ws && !conflicting.has(m.id)) {
      guarded.add(m.id);
      const param = [...new Set(ws.unions)].map(ident).join(' | ');
      const access = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(ws.tagProperty) ? `.${ws.tagProperty}` : `[${tsString(ws.tagProperty)}]`;
      guards.push({
        guardCode: `export function ${ident(m.guardName)}(message: ${param}): message is ${ws.narrowed} {\n  return message${access} === ${tsString(ws.tag)};\n}`,
      });
    }
    const sse = sseUses.get(m.id);
    if (sse && m.eventGuardName) {
      guarded.add(`${m.id} event`);
      const param = [...new Set(sse.unions)].map(ident).join(' | ');
      guards.push({
        guardCode: `export function ${ident(m.eventGuardName)}(event: ${param}): event is Extract<${param}, { event: ${tsString(sse.tag)} }> {\n  return event.event === ${tsString(sse.tag)};\n}`,
      });
    }
  }
  return { guards, guarded };
}

/**
 * Guards for messages that have no tag to read (a shape-dispatched direction, an SSE event several
 * messages share): each asks the message's own validator, so it narrows exactly as the
 * dispatcher would accept the message. A frame that fits two shapes satisfies both guards.
 */
function shapeGuardsFor(api: ApiIR, guarded: Set<string>) {
  const wsUnions = new Map<string, string[]>();
  const sseUnions = new Map<string, { unions: string[]; event: string }>();
  // The first channel whose guard needs a message's validator: the module it is imported from.
  const homeOf = new Map<string, ChannelIR>();
  for (const c of api.channels) {
    for (const d of ['send', 'receive'] as const) {
      const dir = c[d];
      for (const cm of dir.messages) {
        if (c.transport === 'sse') {
          if (cm.tag === null || dir.messages.filter((x) => x.tag === cm.tag).length < 2) continue;
          const use = sseUnions.get(cm.message) ?? { unions: [], event: cm.tag };
          // One guard checks one event name; a message on two shared events gets none.
          if (use.event !== cm.tag) continue;
          use.unions.push(dir.unionName);
          sseUnions.set(cm.message, use);
          if (!homeOf.has(cm.message)) homeOf.set(cm.message, c);
        } else if (dir.dispatch === 'shape' && !guarded.has(cm.message)) {
          wsUnions.set(cm.message, [...(wsUnions.get(cm.message) ?? []), dir.unionName]);
          if (!homeOf.has(cm.message)) homeOf.set(cm.message, c);
        }
      }
    }
  }
  const guards: { guardCode: string }[] = [];
  const bySpecifier = new Map<string, Set<string>>();
  const use = (m: MessageIR) => {
    const specifier = channelModuleSpecifier(homeOf.get(m.id)!);
    bySpecifier.set(specifier, (bySpecifier.get(specifier) ?? new Set()).add(m.validatorName));
  };
  for (const m of api.messages) {
    const ws = wsUnions.get(m.id);
    if (ws) {
      const param = [...new Set(ws)].map(ident).join(' | ');
      use(m);
      guards.push({
        guardCode: `${jsDoc([`No tag to read: true when the message validates as \`${docInline(m.typeName)}\` (its whole schema is checked).`])}export function ${ident(m.guardName)}(message: ${param}): message is ${ident(m.typeName)} {\n  return ${ident(m.validatorName)}(message).ok;\n}`,
      });
    }
    const sse = sseUnions.get(m.id);
    if (sse && m.eventGuardName && !guarded.has(`${m.id} event`)) {
      const param = [...new Set(sse.unions)].map(ident).join(' | ');
      use(m);
      guards.push({
        guardCode: `${jsDoc([`Event ${docInline(JSON.stringify(sse.event))} is shared: true when its data validates as \`${docInline(m.typeName)}\`.`])}export function ${ident(m.eventGuardName)}(event: ${param}): event is { event: ${tsString(sse.event)}; data: ${ident(m.typeName)} } {\n  return event.event === ${tsString(sse.event)} && ${ident(m.validatorName)}(event.data).ok;\n}`,
      });
    }
  }
  const imports = [...bySpecifier].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([specifier, names]) => ({ specifier, names: [...names].sort() }));
  return { guards, imports };
}
