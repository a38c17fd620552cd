import { NameScope, toIdentifier } from '../../ir/names.ts';
import type { ApiIR, ChannelIR, MessageIR } from '../../ir/types.ts';
import { docInline, ident, jsDoc, objectKey, propertyKey, tsString } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import { header } from '../header.ts';
import { served, type EmittedFile } from '../types.ts';
import { channelModuleSpecifier } from '../validators/index.ts';

/**
 * `server.gen.ts`: a typed `create<Api>Server` over the runtime: one handler per message the
 * server receives, typed `send` / `broadcast` / `publish` for what it sends, typed parameters.
 */
export function emitServer(api: ApiIR): EmittedFile {
  const names = new NameScope(['api', 'validators', 'models', 'runtime', 'v']);
  const apiName = toIdentifier(api.name, 'pascal', 'Api');
  const handlersName = names.claim(`${apiName} handlers`, 'pascal');
  const optionsName = names.claim(`${apiName} server options`, 'pascal');
  const serverName = names.claim(`${apiName} server`, 'pascal');
  const factoryName = names.claim(`create ${apiName} server`, 'camel');
  const messages = new Map(api.messages.map((m) => [m.id, m]));
  const properties = new NameScope();

  const firstMessageTags = api.securitySchemes.flatMap((s) =>
    s.auth?.credential.in === 'first-message' && s.auth.credential.message ? [s.auth.credential.message] : [],
  );
  // Wiring sits two levels deep in `createRuntimeServer({ validators: { … }, handlers: { … } })`.
  const channels = served(api)
    .map((c) => channelParts(c, names, properties, messages, firstMessageTags))
    .map((c) => ({ ...c, validatorsCode: indent(c.validatorsCode), handlerWiringCode: indent(c.handlerWiringCode) }));
  const values = new Set(['createRuntimeServer']);
  const types = new Set(['ConnectionInfo', 'RuntimeServer', 'RuntimeServerOptions']);
  for (const c of served(api)) {
    if (c.transport === 'ws') {
      values.add('wsChannel');
      ['WsPeer', 'WsRefusal'].forEach((n) => types.add(n));
    } else if (c.transport === 'sse') {
      values.add('sseChannel');
      ['SsePeer', 'SseRefusal'].forEach((n) => types.add(n));
    } else values.add('httpChannel');
  }
  const importsCode = [...[...values].sort(), ...[...types].sort().map((n) => `type ${n}`)].map((n) => `  ${n},`).join('\n');
  // Guards are values; the models module is imported for them only when a dispatch uses one.
  const modelsImportCode = channels.some((c) => c.usesGuards)
    ? `import * as models from './models.gen.js';`
    : `import type * as models from './models.gen.js';`;
  return {
    path: 'server.gen.ts',
    contents: render('server/server.hbs', {
      importsCode,
      modelsImportCode,
      headerCode: header(api, `A typed server for the API: \`${factoryName}\` wires handlers to the streamwright runtime.`),
      channels,
      handlersNameCode: ident(handlersName),
      optionsNameCode: ident(optionsName),
      optionsTypeCode: optionsType(api, ident(handlersName)),
      serverNameCode: ident(serverName),
      factoryNameCode: ident(factoryName),
    }),
  };
}

function channelParts(c: ChannelIR, names: NameScope, properties: NameScope, messages: Map<string, MessageIR>, firstMessageTags: readonly string[]) {
  const paramsName = names.claim(`${c.typeName} params`, 'pascal');
  const peerName = names.claim(`${c.typeName} peer`, 'pascal');
  const handlersName = names.claim(`${c.typeName} handlers`, 'pascal');
  const apiName = names.claim(`${c.typeName} channel`, 'pascal');
  const property = properties.claim(c.id, 'camel', 'channel', 'channel');
  const paramsCode = c.parameters.length
    ? `{\n${c.parameters.map((p) => `${jsDoc([p.description], '  ')}  readonly ${propertyKey(p.name)}: string;`).join('\n')}\n}`
    : 'Record<string, never>';
  const received = c.receive.messages.map((cm) => messages.get(cm.message)!);
  const handlerNames = new NameScope(['authorize', 'open', 'close']);
  // Pongs and first-message credentials are the runtime's business; handlers never see them.
  const runtimeTags = new Set([...(c.heartbeat?.mode === 'message' && c.heartbeat.pong ? [c.heartbeat.pong.message] : []), ...firstMessageTags]);
  const onMessage = c.receive.messages
    .filter((cm) => cm.tag === null || !runtimeTags.has(cm.tag))
    .map((cm) => ({ cm, m: messages.get(cm.message)!, name: handlerNames.claim(`on ${messages.get(cm.message)!.typeName}`, 'camel') }));
  const where = `\`${docInline(c.address)}\``;
  const sendUnion = c.send.messages.length ? `models.${ident(c.send.unionName)}` : 'never';
  const common = {
    property: tsString(property),
    propertyCode: propertyKey(property),
    idCode: tsString(c.id),
    paramsNameCode: ident(paramsName),
    peerNameCode: ident(peerName),
    handlersNameCode: ident(handlersName),
    apiNameCode: ident(apiName),
  };

  const receiveUnion = c.receive.messages.length ? `models.${ident(c.receive.unionName)}` : 'never';
  if (c.transport === 'ws') {
    // The runtime validated the message against the channel's union; each handler gets it narrowed
    // to its message's type without a cast. A tag: the message's guard (a tag comparison). No tag
    // (shape dispatch): the first message whose validator accepts it, as the channel validator
    // chose, and the validator's typed value. A channel's only message needs neither.
    const only = c.receive.messages.length === 1;
    const receiveProperty = c.receive.tagProperty ?? c.tagProperty;
    // Shape dispatch asks the message validators again: the channel's module, which its loader
    // keeps here when the first connection imports it (a message handler runs only after that).
    const shaped = !only && c.receive.dispatch === 'shape' && onMessage.length > 0;
    const shapeModule = shaped ? names.claim(`${c.typeName} validators`, 'camel') : undefined;
    const dispatch = onMessage.flatMap((o) => {
      if (only) return [`h?.${ident(o.name)}?.(peer, message);`];
      if (c.receive.dispatch === 'shape') {
        const v = `${ident(shapeModule!)}!.${ident(o.m.validatorName)}(message)`;
        return [`{ const v = ${v}; if (v.ok) return h?.${ident(o.name)}?.(peer, v.value); }`];
      }
      if (o.cm.tag === null || !receiveProperty) return [];
      return [`if (models.${ident(o.m.guardName)}(message)) return h?.${ident(o.name)}?.(peer, message);`];
    });
    const usesGuards = !only && c.receive.dispatch !== 'shape' && dispatch.length > 0;
    const messageCode = dispatch.length
      ? `      message: (peer, message) => {\n        const h = handlers[${tsString(property)}];\n${dispatch.map((d) => `        ${d}`).join('\n')}\n      },\n`
      : '';
    return {
      ...common,
      ws: true,
      declarationsCode: [
        `${jsDoc([`Path parameters of ${where}.`])}export type ${ident(paramsName)} = ${paramsCode};`,
        ...(shapeModule
          ? [
              `${jsDoc([`The validators of ${where}, once its first connection has imported them (shape dispatch asks them which message a frame is).`])}let ${ident(shapeModule)}: typeof import(${tsString(channelModuleSpecifier(c))}) | undefined;`,
            ]
          : []),
        `${jsDoc([`A client connected to ${where}. \`send\` validates, then sends; it throws \`SW_OUTBOUND_INVALID\` for a message that breaks the contract.`])}export type ${ident(peerName)} = WsPeer<${sendUnion}, ${ident(paramsName)}>;`,
        `${jsDoc([c.description ?? c.title, `Handlers for ${where}.`])}export interface ${ident(handlersName)} {\n  /** Refuse a connection once it is authenticated (e.g. an unknown id). */\n  authorize?(peer: ConnectionInfo<${ident(paramsName)}>): WsRefusal | undefined | Promise<WsRefusal | undefined>;\n  open?(peer: ${ident(peerName)}): void;\n  close?(peer: ${ident(peerName)}, code: number, reason: string): void;\n${onMessage
          .map(
            (o) =>
              `${jsDoc([`A validated \`${o.m.typeName}\` from the client.`], '  ')}  ${ident(o.name)}?(peer: ${ident(peerName)}, message: models.${ident(o.m.typeName)}): void;\n`,
          )
          .join('')}}`,
        `export interface ${ident(apiName)} {\n${jsDoc([`Validates once, then sends to every client of ${where} (whose parameters match, if given).`], '  ')}  broadcast(message: ${sendUnion}, params?: Partial<${ident(paramsName)}>): number;\n  /** The clients connected now. */\n  peers(): ${ident(peerName)}[];\n}`,
      ].join('\n\n'),
      usesGuards,
      handlerWiringCode: `    ${objectKey(c.id)}: wsChannel<${sendUnion}, ${receiveUnion}, ${ident(paramsName)}>({\n      authorize: (peer) => handlers[${tsString(property)}]?.authorize?.(peer),\n      open: (peer) => handlers[${tsString(property)}]?.open?.(peer),\n      close: (peer, code, reason) => handlers[${tsString(property)}]?.close?.(peer, code, reason),\n${messageCode}    }),`,
      apiCode: `    ${objectKey(property)}: {\n      broadcast: (message, params) => runtime.broadcast(${tsString(c.id)}, message, params),\n      peers: () => runtime.wsPeers<${sendUnion}, ${ident(paramsName)}>(${tsString(c.id)}),\n    },`,
      validatorsCode: loaderCode(c, ['send', 'receive'], shapeModule),
      handlersFieldCode: `  ${propertyKey(property)}?: ${ident(handlersName)};`,
      apiFieldCode: `  readonly ${propertyKey(property)}: ${ident(apiName)};`,
    };
  }
  if (c.transport === 'sse') {
    const map = c.send.messages.length ? `models.${ident(c.send.mapName)}` : 'Record<string, never>';
    return {
      ...common,
      ws: false,
      declarationsCode: [
        `${jsDoc([`Path parameters of ${where}.`])}export type ${ident(paramsName)} = ${paramsCode};`,
        `${jsDoc([`A client reading the event stream ${where}. \`send\` sends an event to this client only (it is not kept for replay).`])}export type ${ident(peerName)} = SsePeer<${map}, ${ident(paramsName)}>;`,
        `${jsDoc([c.description ?? c.title, `Handlers for the event stream ${where}.`])}export interface ${ident(handlersName)} {\n  authorize?(peer: ConnectionInfo<${ident(paramsName)}>): SseRefusal | undefined | Promise<SseRefusal | undefined>;\n  open?(peer: ${ident(peerName)}): void;\n  close?(peer: ${ident(peerName)}): void;\n}`,
        `export interface ${ident(apiName)} {\n${jsDoc([`Validates, then publishes to every reader of ${where}; kept for Last-Event-ID replay.`], '  ')}  publish<E extends keyof ${map} & string>(event: E, data: ${map}[E], params?: ${ident(paramsName)}): number;\n  peers(): ${ident(peerName)}[];\n}`,
      ].join('\n\n'),
      usesGuards: false,
      handlerWiringCode: `    ${objectKey(c.id)}: sseChannel<${map}, ${ident(paramsName)}>({\n      authorize: (peer) => handlers[${tsString(property)}]?.authorize?.(peer),\n      open: (peer) => handlers[${tsString(property)}]?.open?.(peer),\n      close: (peer) => handlers[${tsString(property)}]?.close?.(peer),\n    }),`,
      apiCode: `    ${objectKey(property)}: {\n      publish: (event, data, params) => runtime.publish(${tsString(c.id)}, event, data, params),\n      peers: () => runtime.ssePeers<${map}, ${ident(paramsName)}>(${tsString(c.id)}),\n    },`,
      validatorsCode: loaderCode(c, ['send']),
      handlersFieldCode: `  ${propertyKey(property)}?: ${ident(handlersName)};`,
      apiFieldCode: `  readonly ${propertyKey(property)}: ${ident(apiName)};`,
    };
  }
  // A plain HTTP endpoint: one request message in, a JSON response out.
  const body = received[0];
  return {
    ...common,
    ws: false,
    declarationsCode: `${jsDoc([c.description ?? c.title, `Handler for ${c.receive.operations[0]?.httpMethod ?? 'POST'} ${where}.`])}export interface ${ident(handlersName)} {\n  request(body: ${body ? `models.${ident(body.typeName)}` : 'unknown'}, info: ConnectionInfo): { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;\n}\n\nexport interface ${ident(apiName)} {}`,
    usesGuards: false,
    handlerWiringCode: `    ${objectKey(c.id)}: httpChannel<${body ? `models.${ident(body.typeName)}` : 'unknown'}>({\n      request: (body, info) => {\n        const h = handlers[${tsString(property)}];\n        return h ? h.request(body, info) : { status: 501, body: { error: 'not implemented' } };\n      },\n    }),`,
    apiCode: `    ${objectKey(property)}: {},`,
    validatorsCode: loaderCode(c, ['receive']),
    handlersFieldCode: `  ${propertyKey(property)}?: ${ident(handlersName)};`,
    apiFieldCode: `  readonly ${propertyKey(property)}: ${ident(apiName)};`,
  };
}

/**
 * A channel's entry in the runtime's `validators`: a function that imports the channel's module
 * (on its first connection or outbound message; the runtime keeps the result), with the
 * directions the channel has. `keep`: a variable the module is also stored in, for shape dispatch.
 */
function loaderCode(c: ChannelIR, directions: readonly ('send' | 'receive')[], keep?: string): string {
  const present = directions.filter((d) => c[d].messages.length > 0);
  const key = `    ${objectKey(c.id)}: `;
  if (present.length === 0) return `${key}{},`;
  const pick = `{ ${present.map((d) => `${d}: v.${d}`).join(', ')} }`;
  const body = keep ? `{\n      ${ident(keep)} = v;\n      return ${pick};\n    }` : `(${pick})`;
  return `${key}() => import(${tsString(channelModuleSpecifier(c))}).then((v) => ${body}),`;
}

function indent(code: string, by = '  '): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? line : by + line))
    .join('\n');
}

/**
 * The server's options. A scheme derived from standard AsyncAPI (no `x-sw-auth`) cannot be
 * checked without the application's verifier, so that verifier is a required option rather than
 * a refusal of every credential at runtime.
 */
function optionsType(api: ApiIR, handlersCode: string): string {
  const needed = new Set<string>();
  for (const s of api.securitySchemes) {
    if (!s.authDerived || !s.auth) continue;
    if (s.auth.jwt) needed.add('jwtSecret');
    else if (s.auth.credential.prefix?.trim().toLowerCase() === 'basic') needed.add('password');
    else if (s.auth.credential.in === 'cookie') needed.add('session');
    else needed.add('apiKey');
  }
  // A contract without security schemes needs no verifiers: `auth` may be left out.
  if (api.securitySchemes.length === 0) return `Omit<RuntimeServerOptions, 'api' | 'validators' | 'handlers'> & { handlers: ${handlersCode} }`;
  const auth = "NonNullable<RuntimeServerOptions['auth']>";
  const required =
    needed.size === 0
      ? auth
      : `${auth} & Required<Pick<${auth}, ${[...needed]
          .sort()
          .map((k) => tsString(k))
          .join(' | ')}>>`;
  return `Omit<RuntimeServerOptions, 'api' | 'validators' | 'handlers' | 'auth'> & {\n  handlers: ${handlersCode};\n  /** The contract's security schemes are checked with these (required: without them every credential would be refused). */\n  auth: ${required};\n}`;
}
