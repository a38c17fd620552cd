import type { ApiIR, ChannelIR, MessageIR, SecuritySchemeIR, ServerIR } from '../../ir/types.ts';
import { ident, jsLiteral, objectKey, tsString } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import { channelSchemeIds, credentialQueryNames, schemeUsage } from '../client/auth.ts';
import { clientNames } from '../client/index.ts';
import { served, type EmittedFile } from '../types.ts';
import { mdCode, mdFence, mdText } from './markdown.ts';

/**
 * `README.md`: how to connect, subscribe and send with this API's generated client, from the
 * contract's own examples; a quick start against the reference server (`npm start`).
 */
export function emitDocs(api: ApiIR): EmittedFile {
  const { factory, methodOf } = clientNames(api);
  const messages = new Map(api.messages.map((m) => [m.id, m]));
  const dev = devServer(api);
  const streams = served(api).filter((c) => c.transport !== 'http');
  const primary = streams.find((c) => c.parameters.length === 0) ?? streams[0];
  const quickStartCode = primary
    ? quickStart(api, primary, ident(factory), methodOf.get(primary.id)!, messages, dev)
    : 'This API has no WebSocket or SSE channel.';
  const channelsCode = served(api)
    .map((c) => channelSection(api, c, methodOf.get(c.id)!, messages))
    .join('\n\n');
  const authCode = api.securitySchemes.length
    ? api.securitySchemes
        .map((s) => `- ${mdCode(s.id)}${s.description ? `: ${mdText(s.description, true)}` : ''}\n  ${mdText(schemeUsage(api, s), true)}`)
        .join('\n')
    : 'The contract declares no security scheme.';
  return {
    path: 'README.md',
    contents: render('docs/README.md.hbs', {
      titleCode: mdText(`${api.title} ${api.version}`, true),
      descriptionCode: api.description ? mdText(api.description) : '',
      nameCode: mdCode(api.name),
      factoryCode: mdCode(factory),
      quickStartCode,
      channelsCode,
      authCode,
      reconnectCode: reconnectText(api),
    }),
  };
}

function devServer(api: ApiIR): ServerIR | undefined {
  return api.servers.find((s) => /^(localhost|127\.0\.0\.1)(:|$)/.test(s.host)) ?? api.servers[0];
}

/** A credential the Node quick start can present on this channel. */
function nodeScheme(api: ApiIR, c: ChannelIR): SecuritySchemeIR | undefined {
  const ids = channelSchemeIds(api, c);
  return ids.map((id) => api.securitySchemes.find((s) => s.id === id)).find((s): s is SecuritySchemeIR => s !== undefined);
}

function paramsLiteral(api: ApiIR, c: ChannelIR): string {
  const schemes = channelSchemeIds(api, c).flatMap((id) => api.securitySchemes.filter((s) => s.id === id));
  const credentialNames = credentialQueryNames(schemes);
  const entries: [string, string][] = c.parameters.map((p) => [p.name, p.examples?.[0] ?? p.enum?.[0] ?? p.default ?? `<${p.name}>`]);
  const query =
    typeof c.query === 'object' && c.query !== null ? (c.query as { properties?: Record<string, { examples?: unknown[] }>; required?: string[] }) : undefined;
  for (const name of query?.required ?? []) {
    if (credentialNames.has(name)) continue;
    const example = query?.properties?.[name]?.examples?.[0];
    entries.push([name, typeof example === 'string' ? example : `<${name}>`]);
  }
  return entries.length ? `{ ${entries.map(([k, v]) => `${objectKey(k)}: ${tsString(v)}`).join(', ')} }` : '';
}

function exampleOf(messages: Map<string, MessageIR>, id: string): unknown {
  return messages.get(id)?.examples[0]?.payload;
}

/** Tags the runtime answers by itself (pong, first-message credential): not shown as things to send. */
function runtimeTags(api: ApiIR, c: ChannelIR): Set<string> {
  const tags = new Set<string>();
  if (c.heartbeat?.mode === 'message' && c.heartbeat.pong) tags.add(c.heartbeat.pong.message);
  for (const s of api.securitySchemes) if (s.auth?.credential.in === 'first-message' && s.auth.credential.message) tags.add(s.auth.credential.message);
  return tags;
}

/**
 * The demo imports `./client.gen.ts` and is saved next to it: the README is read in the folder it
 * was generated into, wherever `--out` put that, so no other path is right for every reader.
 */
function quickStart(api: ApiIR, c: ChannelIR, factory: string, method: string, messages: Map<string, MessageIR>, dev: ServerIR | undefined): string {
  const scheme = nodeScheme(api, c);
  const received = c.send.messages.filter((cm) => cm.tag !== null && cm.tag !== (c.heartbeat?.mode !== 'none' ? c.heartbeat?.message : undefined));
  const first = received[0] ?? c.send.messages[0];
  const sendable = c.receive.messages.filter((cm) => cm.tag === null || !runtimeTags(api, c).has(cm.tag));
  const lines = [
    `import { ${factory} } from ${tsString('./client.gen.ts')};`,
    '',
    `const client = ${factory}({`,
    ...(dev ? [`  server: ${tsString(dev.id)}, // ${lineComment(`${dev.protocol}://${dev.host}`)}`] : [`  baseUrl: 'http://localhost:3000',`]),
    ...(scheme ? [`  auth: { ${objectKey(scheme.id)}: process.env.TOKEN! }, // ${lineComment(`the credential of scheme ${scheme.id}`)}`] : []),
    '});',
    `const ${c.transport === 'sse' ? 'stream' : 'channel'} = client.${method}(${paramsLiteral(api, c)});`,
  ];
  const v = c.transport === 'sse' ? 'stream' : 'channel';
  if (first) {
    const m = messages.get(first.message);
    lines.push('', `// Typed: the handler gets ${m ? `models.${m.typeName}` : 'the message'}.`);
    lines.push(
      `${v}.on(${tsString(first.tag ?? '')}, (${c.transport === 'sse' ? 'data' : 'message'}) => console.log(${tsString(first.tag ?? '')}, ${c.transport === 'sse' ? 'data' : 'message'}));`,
    );
  }
  const errorTag = c.errors?.message;
  if (errorTag !== undefined && errorTag !== first?.tag && c.send.messages.some((cm) => cm.tag === errorTag)) {
    lines.push(
      `${v}.on(${tsString(errorTag)}, (${c.transport === 'sse' ? 'data' : 'message'}) => console.log(${tsString(errorTag)}, ${c.transport === 'sse' ? 'data' : 'message'}));`,
    );
  }
  lines.push(`${v}.onState('open', () => console.log('open'));`);
  lines.push(`${v}.onState('closed', ({ code, reason, error }) => console.log('closed', code, reason, error?.code));`);
  for (const cm of sendable.slice(0, 1)) {
    const example = exampleOf(messages, cm.message);
    if (example !== undefined && c.transport === 'ws')
      lines.push('', '// Validated against the contract before it is sent.', `await ${v}.send(${jsLiteral(example)});`);
  }
  const port = dev?.host.split(':')[1];
  const credentialNote = scheme
    ? `Put the credential of scheme ${mdCode(scheme.id)} in \`TOKEN\` (${mdText(`both print it as "credential ${scheme.id}"`, true)}).`
    : 'No credential is needed.';
  return [
    `1. Start a server for this API${dev ? ` (${mdCode(`${dev.protocol}://${dev.host}`)}${port ? `, port ${mdText(port, true)}` : ''})` : ''}. In the streamwright repository \`npm ci && npm start\` runs reference servers for its four seed APIs on ports 3000–3003, with development credentials; for any other document, \`npx streamwright serve <spec.yaml>\` runs a mock of it. ${credentialNote}`,
    '2. Save this as `demo.ts` in this folder, next to `client.gen.ts`:',
    '',
    mdFence('ts', lines.join('\n')),
    '',
    `3. In this folder, run \`TOKEN=<value> npx tsx demo.ts\`: typed events arrive within seconds.`,
  ].join('\n');
}

function channelSection(api: ApiIR, c: ChannelIR, method: string, messages: Map<string, MessageIR>): string {
  const kind = c.transport === 'ws' ? 'WebSocket' : c.transport === 'sse' ? 'Server-Sent Events' : `HTTP ${c.receive.operations[0]?.httpMethod ?? 'POST'}`;
  const out: string[] = [`### ${mdCode(`client.${method}()`)}: ${mdCode(c.address)} (${kind})`, ''];
  if (c.description ?? c.title) out.push(mdText((c.description ?? c.title)!), '');
  const schemes = channelSchemeIds(api, c);
  if (schemes.length) out.push(`Credentials (any one): ${schemes.map((s) => mdCode(s)).join(', ')}.`, '');
  if (c.parameters.length)
    out.push(`Parameters: ${c.parameters.map((p) => `${mdCode(p.name)}${p.description ? ` (${mdText(p.description, true)})` : ''}`).join(', ')}.`, '');
  const v = c.transport === 'sse' ? 'stream' : 'channel';
  if (c.transport === 'http') {
    const body = c.receive.messages[0];
    const example = body ? exampleOf(messages, body.message) : undefined;
    out.push('Send:', '', mdFence('ts', `const { status, body } = await client.${method}(${example !== undefined ? jsLiteral(example) : '{}'});`));
    return out.join('\n');
  }
  out.push(
    mdFence(
      'ts',
      `const ${v} = client.${method}(${paramsLiteral(api, c)});\nfor await (const ${c.transport === 'sse' ? '{ event, data, id }' : 'message'} of ${v}) {\n  // every ${c.transport === 'sse' ? 'event' : 'message'} below, validated${c.transport === 'sse' ? '; id is what a reconnect resumes from' : ''}\n}`,
    ),
    '',
  );
  if (c.send.messages.length) {
    out.push(`Receive (${c.transport === 'sse' ? `${mdCode(`${v}.on(event, (data) => …)`)}` : mdCode(`${v}.on(tag, (message) => …)`)}):`, '');
    for (const cm of c.send.messages) {
      const m = messages.get(cm.message);
      const summary = m?.summary ?? m?.title;
      out.push(`- ${cm.tag === null ? '(untagged)' : mdCode(cm.tag)} → ${mdCode(m?.typeName ?? cm.message)}${summary ? `: ${mdText(summary, true)}` : ''}`);
      const example = m?.examples[0];
      if (example) out.push('', indent(mdFence('json', JSON.stringify(c.transport === 'sse' ? example.payload : example.payload, null, 2)), '  '), '');
    }
    out.push('');
  }
  const runtime = runtimeTags(api, c);
  const sendable = c.receive.messages.filter((cm) => cm.tag === null || !runtime.has(cm.tag));
  if (c.transport === 'ws' && sendable.length) {
    out.push(`Send (${mdCode(`await ${v}.send(message)`)}; validated first, paced under the rate limit):`, '');
    const calls = sendable.map((cm) => {
      const example = exampleOf(messages, cm.message);
      return `await ${v}.send(${example !== undefined ? jsLiteral(example) : '/* … */ {} as never'});`;
    });
    out.push(mdFence('ts', calls.join('\n')), '');
  }
  const notes: string[] = [];
  const hb = c.heartbeat;
  if (hb && hb.mode === 'message')
    notes.push(
      `Heartbeat: the server sends ${mdCode(hb.message)} every ${hb.intervalMs} ms${hb.pong ? `; the client answers ${mdCode(hb.pong.message)} by itself` : ''}, and reconnects when nothing arrives for ${hb.intervalMs + (hb.toleranceMs ?? Math.round(hb.intervalMs / 3))} ms.`,
    );
  if (hb && hb.mode === 'sse-event')
    notes.push(
      `Heartbeat: the server sends the ${mdCode(hb.message)} event every ${hb.intervalMs} ms; the client reconnects when nothing arrives for ${hb.intervalMs + (hb.toleranceMs ?? Math.round(hb.intervalMs / 3))} ms.`,
    );
  if (c.sse?.keepAliveCommentMs !== undefined && (!hb || hb.mode === 'none'))
    notes.push(
      `Keep-alive comments every ${c.sse.keepAliveCommentMs} ms; the fetch reader reconnects after ${Math.round((c.sse.keepAliveCommentMs * 4) / 3)} ms of silence.`,
    );
  if (c.sse)
    notes.push(
      `Resume: every event has an ${mdCode('id:')}; after a loss the client reconnects with ${mdCode('Last-Event-ID')}${c.sse.retryMs !== undefined ? `, waiting at least the server's ${mdCode('retry:')} (${c.sse.retryMs} ms)` : ''}; no event is delivered twice.`,
    );
  const limits = c.limits;
  if (limits?.maxMessageBytes)
    notes.push(
      `Size limit: a message over ${limits.maxMessageBytes.limit} bytes is refused by ${mdCode('send')} (${mdCode('SW_MESSAGE_TOO_LARGE')}), never sent.`,
    );
  if (limits?.maxMessagesPerSecond)
    notes.push(`Rate limit: ${limits.maxMessagesPerSecond.limit} messages per second; ${mdCode('send')} paces itself under it instead of being cut off.`);
  if (limits?.maxConnections)
    notes.push(
      `Connections: at most ${limits.maxConnections.limit}${limits.maxConnections.per?.query ? ` per ${mdCode(limits.maxConnections.per.query)}` : limits.maxConnections.per?.jwtClaim ? ` per token ${mdCode(limits.maxConnections.per.jwtClaim)}` : ''}.`,
    );
  if (limits?.maxStreamDurationMs) notes.push(`The server ends the stream after ${limits.maxStreamDurationMs.limit} ms; the client resumes it.`);
  if (notes.length) out.push(...notes.map((n) => `- ${n}`));
  return out.join('\n').trimEnd();
}

/** Text for a `//` comment in a code sample: no line break can end the comment. */
function lineComment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');
}

function reconnectText(api: ApiIR): string {
  const r = api.reconnect ?? api.channels.find((c) => c.reconnect)?.reconnect;
  if (!r) return 'The contract gives no reconnection advice; the client uses min(1000 · 2^n, 30000) ms with full jitter, without limit.';
  const first = r.firstExponent ?? 0;
  const lines = [
    `Attempt n (from 0) waits a random time in [0, min(${r.initialDelayMs} · ${r.multiplier}^(n${first ? ` + ${first}` : ''}), ${r.maxDelayMs})] ms (full jitter, so that clients cut off together do not return together); ${r.maxRetries === null ? 'no limit on attempts' : `at most ${r.maxRetries} consecutive attempts`}${r.resetOnOpen !== false ? ', counted again from 0 after a successful open' : ''}.`,
  ];
  const stop = [...(r.doNotRetry?.httpStatuses ?? []).map((s) => `HTTP ${s}`), ...(r.doNotRetry?.closeCodes ?? []).map((s) => `close ${s}`)];
  lines.push(
    `No reconnection after ${['HTTP 401/403 or close 4401/4403 (\`SW_AUTH_REJECTED\`)', ...(stop.length ? [`${stop.join(', ')} (\`SW_CONNECTION_REFUSED\`)`] : [])].join(' or ')}: the channel closes with a typed error instead of looping.`,
  );
  if (r.description) lines.push('', `The contract: ${mdText(r.description, true)}`);
  return lines.join('\n');
}
