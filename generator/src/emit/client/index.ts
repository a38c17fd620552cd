import { NameScope, toIdentifier } from '../../ir/names.ts';
import type { ApiIR, ChannelIR, MessageIR, SecuritySchemeIR } from '../../ir/types.ts';
import { docInline, ident, jsDoc, jsLiteral, propertyKey, tsString } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import { header } from '../header.ts';
import { served, type EmittedFile } from '../types.ts';
import { channelModuleSpecifier } from '../validators/index.ts';
import { channelSchemeIds, credentialQueryNames, schemeUsage } from './auth.ts';

/**
 * `client.gen.ts`: a typed `create<Api>Client` over `streamwright/runtime/client`: one method per
 * channel that opens a connection with `on(tag)` narrowed to the message type, an async
 * iterator, typed `send` for what the client sends, state events; HTTP endpoints as typed calls.
 */
export function emitClient(api: ApiIR): EmittedFile {
  const { names, authName, optionsName, clientName, factory: factoryName, methodOf } = clientNames(api);
  const messages = new Map(api.messages.map((m) => [m.id, m]));
  const channels = served(api).map((c) => channelParts(api, c, names, methodOf.get(c.id)!, messages));

  // A contract whose channels are all on other protocols has nothing to type or validate here.
  const some = served(api).length > 0;
  const used = new Set(['ApiClientOptions', ...(some ? ['ChannelOptions'] : []), ...(api.securitySchemes.length ? ['Credential'] : [])]);
  for (const c of served(api)) used.add(c.transport === 'ws' ? 'WsChannelClient' : c.transport === 'sse' ? 'SseChannelClient' : 'HttpResponse');
  const importsCode = ['createApiClient', ...[...used].sort().map((n) => `type ${n}`)].map((n) => `  ${n},`).join('\n');
  const authFieldsCode = api.securitySchemes
    .map((s) => `${jsDoc([s.description, schemeUsage(api, s)], '  ')}  readonly ${propertyKey(s.id)}?: Credential;`)
    .join('\n');
  return {
    path: 'client.gen.ts',
    contents: render('client/client.hbs', {
      headerCode: header(api, `A typed client for the API: \`${factoryName}\` opens its channels over the streamwright client runtime (Node and browsers).`),
      importsCode,
      // Validators are imported per channel, on its first connection or request (see `load`).
      moduleImportsCode: some ? "import type * as models from './models.gen.js';" : '',
      authDocCode: jsDoc([
        'Credentials, by security scheme of the contract. Give the ones you have; each connection presents the first one its channel accepts that this environment can carry. A function is called before every connection attempt, so a reconnect presents a fresh token.',
      ]),
      authNameCode: ident(authName),
      authFieldsCode: authFieldsCode || '',
      optionsNameCode: ident(optionsName),
      clientNameCode: ident(clientName),
      factoryNameCode: ident(factoryName),
      channels,
    }),
  };
}

/** The client's top-level names and one method per channel; the README uses the same. */
export function clientNames(api: ApiIR) {
  const names = new NameScope(['api', 'validators', 'models', 'core']);
  const apiName = toIdentifier(api.name, 'pascal', 'Api');
  const authName = names.claim(`${apiName} auth`, 'pascal');
  const optionsName = names.claim(`${apiName} client options`, 'pascal');
  const clientName = names.claim(`${apiName} client`, 'pascal');
  const factory = names.claim(`create ${apiName} client`, 'camel');
  const methods = new NameScope(['close']);
  const methodOf = new Map(served(api).map((c) => [c.id, methods.claim(c.id, 'camel', 'channel', 'channel')]));
  return { names, authName, optionsName, clientName, factory, methodOf };
}

function channelParts(api: ApiIR, c: ChannelIR, names: NameScope, method: string, messages: Map<string, MessageIR>) {
  const paramsName = names.claim(`${c.typeName} params`, 'pascal');
  const connectionName = names.claim(`${c.typeName} connection`, 'pascal');
  const where = `\`${docInline(c.address)}\``;
  const schemes = channelSchemeIds(api, c)
    .map((id) => api.securitySchemes.find((s) => s.id === id))
    .filter((s): s is SecuritySchemeIR => s !== undefined);
  const authDoc = schemes.length ? `Credentials accepted (auth): ${schemes.map((s) => `\`${docInline(s.id)}\``).join(', ')}.` : undefined;

  // Query parameters the caller sets; those that carry a credential come from `auth`.
  const credentialNames = credentialQueryNames(schemes);
  const query =
    typeof c.query === 'object' && c.query !== null ? (c.query as { properties?: Record<string, { description?: string }>; required?: string[] }) : undefined;
  const queryFields = Object.entries(query?.properties ?? {})
    .filter(([name]) => !credentialNames.has(name))
    .map(
      ([name, schema]) =>
        `${jsDoc([typeof schema?.description === 'string' ? schema.description : undefined, 'Query parameter.'], '  ')}  readonly ${propertyKey(name)}${query?.required?.includes(name) ? '' : '?'}: string;`,
    );
  const pathFields = c.parameters.map(
    (p) => `${jsDoc([p.description, 'Path parameter.'], '  ')}  readonly ${propertyKey(p.name)}${p.default !== undefined ? '?' : ''}: string;`,
  );
  const fields = [...pathFields, ...queryFields];
  const requiredParams = c.parameters.some((p) => p.default === undefined) || (query?.required ?? []).some((n) => !credentialNames.has(n));
  const paramsCode = fields.length ? `{\n${fields.join('\n')}\n}` : 'Record<string, never>';
  const paramsArg = requiredParams ? `params: ${ident(paramsName)}` : `params: ${ident(paramsName)} = {}`;
  const paramsSig = requiredParams ? `params: ${ident(paramsName)}` : `params?: ${ident(paramsName)}`;
  const paramsDecl = `${jsDoc([`Parameters of ${where}: path parameters fill the address, the others go to the query.`])}export type ${ident(paramsName)} = ${paramsCode};`;

  if (c.transport === 'ws') {
    const inMap = `models.${ident(c.send.mapName)}`;
    const inUnion = c.send.messages.length ? `models.${ident(c.send.unionName)}` : 'never';
    const outUnion = c.receive.messages.length ? `models.${ident(c.receive.unionName)}` : 'never';
    const hb = c.heartbeat;
    const pongTag = hb && hb.mode === 'message' ? hb.pong?.message : undefined;
    const pongMessage = pongTag === undefined ? undefined : c.receive.messages.find((cm) => cm.tag === pongTag);
    const pongExample = pongMessage ? messages.get(pongMessage.message)?.examples[0]?.payload : undefined;
    const binding = [
      `channel: ${tsString(c.id)}`,
      `load: () => import(${tsString(channelModuleSpecifier(c))}).then((v) => ({ inbound: v.send${c.receive.messages.length ? ', outbound: v.receive' : ''} }))`,
      ...(pongExample !== undefined ? [`pong: ${jsLiteral(pongExample, '      ')}`] : []),
    ];
    return {
      declarationsCode: [
        paramsDecl,
        `${jsDoc([c.description ?? c.title, `A WebSocket connection to ${where}: \`on(tag, handler)\` with the narrowed message, \`for await\` over every message, \`send\` for what the client sends, \`onState('open' | 'reconnecting' | 'closed' | 'error', …)\`, \`close()\`.`])}export type ${ident(connectionName)} = WsChannelClient<${inMap}, ${inUnion}, ${outUnion}>;`,
      ].join('\n\n'),
      memberCode: `${jsDoc([c.title, `Opens ${where} (WebSocket) and keeps it open: reconnects as the contract advises.`, authDoc], '  ')}  ${ident(method)}(${paramsSig}, options?: ChannelOptions): ${ident(connectionName)};`,
      implCode: `    ${ident(method)}: (${paramsArg}, options) =>\n      core.ws<${inMap}, ${inUnion}, ${outUnion}>(\n        {\n${binding.map((b) => `          ${b},`).join('\n')}\n        },\n        params,\n        options,\n      ),`,
    };
  }
  if (c.transport === 'sse') {
    const map = `models.${ident(c.send.mapName)}`;
    const union = c.send.messages.length ? `models.${ident(c.send.unionName)}` : 'never';
    return {
      declarationsCode: [
        paramsDecl,
        `${jsDoc([c.description ?? c.title, `An event stream (SSE) from ${where}: \`on(event, handler)\` with the narrowed data, \`for await\` over \`{ event, data, id }\`, \`onState(…)\`, \`close()\`. Resumes with Last-Event-ID after a loss.`])}export type ${ident(connectionName)} = SseChannelClient<${map}, ${union}>;`,
      ].join('\n\n'),
      memberCode: `${jsDoc([c.title, `Opens the event stream ${where} and keeps it open: resumes with Last-Event-ID, honours \`retry:\`.`, authDoc], '  ')}  ${ident(method)}(${paramsSig}, options?: ChannelOptions): ${ident(connectionName)};`,
      implCode: `    ${ident(method)}: (${paramsArg}, options) => core.sse<${map}, ${union}>({ channel: ${tsString(c.id)}, load: () => import(${tsString(channelModuleSpecifier(c))}).then((v) => v.send) }, params, options),`,
    };
  }
  const body = c.receive.messages[0] ? messages.get(c.receive.messages[0].message) : undefined;
  const bodyType = body ? `models.${ident(body.typeName)}` : 'unknown';
  const httpMethod = c.receive.operations[0]?.httpMethod ?? 'POST';
  return {
    declarationsCode: '',
    memberCode: `${jsDoc([c.description ?? c.title, `${docInline(httpMethod)} ${where}: validates the body, then sends it with the credential; resolves with the status and JSON body.`, authDoc], '  ')}  ${ident(method)}(body: ${bodyType}, options?: ChannelOptions): Promise<HttpResponse>;`,
    implCode: `    ${ident(method)}: (body, options) => core.request(${tsString(c.id)}, body, ${c.receive.messages.length ? `{ load: () => import(${tsString(channelModuleSpecifier(c))}).then((v) => v.receive) }` : 'undefined'}, options),`,
  };
}
