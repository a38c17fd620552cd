import { readFileSync } from 'node:fs';
import type { ApiIR, ChannelIR, MessageIR } from '../../ir/types.ts';
import { ident } from '../../render/escape.ts';
import { channelSchemeIds, credentialPlace } from '../client/auth.ts';
import { html, raw } from '../site/html.ts';

/** What the console page knows of the contract: plain JSON, embedded in the page. */
export interface ConsoleModel {
  api: string;
  /** Path of the document, for the transcript header. */
  spec: string;
  title: string;
  channels: ConsoleChannel[];
}

export interface ConsoleChannel {
  id: string;
  title: string;
  address: string;
  transport: 'ws' | 'sse';
  parameters: { name: string; values: string[]; value: string }[];
  /** Required query parameters that are not credentials, with an example value. */
  query: { name: string; value: string }[];
  tagProperty: string | null;
  schemes: { id: string; place: string; name?: string; prefix?: string; message?: string; property?: string }[];
  /** Names of the channel validators in the page (see `validators` below), per direction. */
  validate: { server?: string; client?: string };
  /** Messages the client may send: tag and the contract's examples as JSON text. */
  sends: { tag: string; examples: { name: string; text: string }[] }[];
  /** The heartbeat the page answers by itself, with the text of its answer. */
  heartbeat?: { ping: string; pong: string; text: string };
}

/**
 * The live console (`/_console`): one self-contained HTML page, the API's generated validators
 * inlined with the console script in one module, the contract as JSON data. It loads nothing, so
 * it works offline and under a CSP that allows only its own inline script and this origin.
 */
export function emitConsolePage(api: ApiIR, options: { spec: string; validatorsJs: string }): string {
  const model = consoleModel(api, options.spec);
  const names = [...new Set(model.channels.flatMap((c) => [c.validate.server, c.validate.client]).filter((n): n is string => n !== undefined))].sort();
  // The validators module exports its functions; the console reads them from this one table.
  const glue = `\nconst VALIDATORS = { ${names.map((n) => `${JSON.stringify(n)}: ${ident(n)}`).join(', ')} };\n`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${model.title} — streamwright console</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><strong>${model.title}</strong> <span class="muted">streamwright console</span></header>
<main>
<section class="setup">
<label>Channel <select id="channel"></select></label>
<div id="params"></div>
<label>Credential <select id="scheme"></select> <input id="credential" size="40" autocomplete="off" placeholder="value"></label>
<label class="check"><input type="checkbox" id="answer-heartbeat" checked> answer heartbeats</label>
<label>Scenario <input id="scenario" size="30" placeholder="console-&lt;channel&gt;" title="the transcript's name; conform's matchers may be keyed by it"></label>
<div class="buttons"><button id="connect">Connect</button> <button id="disconnect" disabled>Disconnect</button> <span id="state" class="muted">closed</span></div>
</section>
<section class="send" id="send-form" hidden>
<label>Message <select id="send-tag"></select> <select id="send-example"></select></label>
<textarea id="send-text" rows="8" spellcheck="false"></textarea>
<div class="buttons"><button id="send" disabled>Send</button></div>
</section>
<section class="frames">
<div class="buttons"><span id="counts" class="muted"></span> <button id="download" disabled>Download transcript</button> <button id="clear">Clear</button></div>
<ol id="frames"></ol>
</section>
</main>
<script type="application/json" id="sw-model">${raw(jsonForScript(model))}</script>
<script type="module">${raw(scriptSafe(options.validatorsJs + glue + PAGE_JS))}</script>
</body>
</html>
`.value;
}

export function consoleModel(api: ApiIR, spec: string): ConsoleModel {
  const messages = new Map(api.messages.map((m) => [m.id, m]));
  const channels = api.channels.filter((c): c is ChannelIR & { transport: 'ws' | 'sse' } => c.transport !== 'http').map((c) => channelModel(api, c, messages));
  return { api: api.name, spec, title: `${api.title} ${api.version}`, channels };
}

function channelModel(api: ApiIR, c: ChannelIR & { transport: 'ws' | 'sse' }, messages: Map<string, MessageIR>): ConsoleChannel {
  const schemes = channelSchemeIds(api, c)
    .map((id) => api.securitySchemes.find((s) => s.id === id))
    .filter((s) => s !== undefined)
    .map((s) => {
      const cred = s.auth?.credential;
      const name = cred?.name ?? s.name;
      return {
        id: s.id,
        place: credentialPlace(s),
        ...(name ? { name } : {}),
        ...(cred?.prefix ? { prefix: cred.prefix } : {}),
        ...(cred?.message ? { message: cred.message } : {}),
        ...(cred?.property ? { property: cred.property } : {}),
      };
    });
  const credentialNames = new Set(schemes.filter((s) => s.place === 'query').map((s) => s.name));
  const q =
    typeof c.query === 'object' && c.query !== null
      ? (c.query as { properties?: Record<string, { examples?: unknown[]; default?: unknown }>; required?: string[] })
      : undefined;
  const query = (q?.required ?? [])
    .filter((n) => !credentialNames.has(n))
    .map((name) => {
      const p = q?.properties?.[name];
      const v = p?.examples?.[0] ?? p?.default;
      return { name, value: typeof v === 'string' ? v : '' };
    });
  const hb = c.heartbeat;
  const auto = new Set<string>();
  if (hb?.mode === 'message' && hb.pong) auto.add(hb.pong.message);
  for (const s of schemes) if (s.place === 'first-message' && s.message) auto.add(s.message);
  return {
    id: c.id,
    title: c.title ?? c.id,
    address: c.address,
    transport: c.transport,
    parameters: c.parameters.map((p) => ({ name: p.name, values: p.enum ?? [], value: p.examples?.[0] ?? p.default ?? p.enum?.[0] ?? '' })),
    query,
    tagProperty: c.tagProperty,
    schemes,
    validate: {
      ...(c.send.messages.length ? { server: c.send.validatorName } : {}),
      ...(c.receive.messages.length ? { client: c.receive.validatorName } : {}),
    },
    sends: c.receive.messages
      .filter((cm) => cm.tag === null || !auto.has(cm.tag))
      .map((cm) => ({
        tag: cm.tag ?? cm.key,
        examples: (messages.get(cm.message)?.examples ?? []).map((e, i) => ({ name: e.name ?? `example ${i + 1}`, text: JSON.stringify(e.payload, null, 2) })),
      })),
    ...(hb?.mode === 'message' && hb.pong ? { heartbeat: { ping: hb.message, pong: hb.pong.message, text: pongText(c, hb.pong.message, messages) } } : {}),
  };
}

function pongText(c: ChannelIR, tag: string, messages: Map<string, MessageIR>): string {
  const cm = c.receive.messages.find((m) => m.tag === tag);
  const example = cm ? messages.get(cm.message)?.examples[0]?.payload : undefined;
  return JSON.stringify(example ?? (c.tagProperty ? { [c.tagProperty]: tag } : {}));
}

/** JSON inside `<script type="application/json">`: nothing in it may close the element or open a comment. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Script text inside `<script>`: `</script` would end it and `<!--` changes how it is parsed. Both
 * can only come from string literals of the generated validators (spec strings), where `<\/` and
 * `\x3C!--` mean the same.
 */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '\\x3C!--');
}

// The page's script and style are shipped files beside the templates (copied into dist/ as they are).
const PAGE_JS = readFileSync(new URL('../../../../templates/console/page.js', import.meta.url), 'utf8');
const STYLE = readFileSync(new URL('../../../../templates/console/page.css', import.meta.url), 'utf8');
