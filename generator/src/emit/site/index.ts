import type { ApiIR, ChannelIR, ChannelMessageIR, Direction, JsonSchema, MessageIR, SchemaIR } from '../../ir/types.ts';
import { isRecord } from '../../load/pointer.ts';
import { ident } from '../../render/escape.ts';
import { channelSchemeIds, schemeUsage } from '../client/auth.ts';
import { isObjectLiteral, tsType } from '../models/schema-to-ts.ts';
import type { EmittedFile } from '../types.ts';
import { html, raw, type Html } from './html.ts';
import { schemaRows } from './schema-table.ts';
import { STYLE } from './style.ts';

/**
 * `streamwright docs`: a static HTML site, an index and one page per channel. Self-contained:
 * styles inline, no script, and a Content-Security-Policy that lets the page load nothing, so
 * it reads the same offline and a spec string could not fetch or run anything even if it got
 * past the escaping. Pure and deterministic: IR in, files out.
 */
export function emitSite(api: ApiIR): EmittedFile[] {
  const pages = channelPages(api);
  const files: EmittedFile[] = [{ path: 'index.html', contents: page(api, `${api.title} ${api.version}`, '', indexBody(api, pages)).value }];
  for (const c of api.channels)
    files.push({ path: pages.get(c.id)!, contents: page(api, `${c.title ?? c.id} — ${api.title}`, '../', channelBody(api, c)).value });
  return files;
}

/** File of each channel's page: its id made safe for a file name, numbered when two collide. */
export function channelPages(api: ApiIR): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const c of api.channels) {
    const stem =
      c.id
        .replace(/[^A-Za-z0-9_-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 60) || 'channel';
    let name = stem;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${stem}-${i}`;
    used.add(name.toLowerCase());
    out.set(c.id, `channels/${name}.html`);
  }
  return out;
}

function page(api: ApiIR, title: string, root: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header><a href="${root}index.html">${api.title}</a> <span class="version">${api.version}</span></header>
<main>
${body}
</main>
</body>
</html>
`;
}

function text(value: string | undefined): Html {
  return value ? html`<p class="text">${value}</p>` : html``;
}

function indexBody(api: ApiIR, pages: Map<string, string>): Html {
  return html`<h1>${api.title} <span class="version">${api.version}</span></h1>
${text(api.description)}
<h2>Channels</h2>
<table class="channels">
<thead><tr><th>channel</th><th>transport</th><th>address</th><th>server sends</th><th>client sends</th></tr></thead>
<tbody>
${api.channels.map(
  (
    c,
  ) => html`<tr data-channel="${c.id}"><td><a href="${pages.get(c.id)!}">${c.title ?? c.id}</a></td><td>${c.transport.toUpperCase()}</td><td><code>${c.address}</code></td><td>${tags(c.send.messages)}</td><td>${tags(c.receive.messages)}</td></tr>
`,
)}</tbody>
</table>
<h2>Servers</h2>
${
  api.servers.length
    ? html`<table><thead><tr><th>server</th><th>URL</th><th>credentials</th><th>description</th></tr></thead><tbody>
${api.servers.map(
  (
    s,
  ) => html`<tr><td>${s.id}</td><td><code>${s.protocol}://${s.host}${s.pathname ?? ''}</code></td><td>${s.security.join(', ') || 'none'}</td><td>${s.description ?? ''}</td></tr>
`,
)}</tbody></table>`
    : html`<p>No servers.</p>`
}
<h2>Authentication</h2>
${
  api.securitySchemes.length
    ? html`<dl>${api.securitySchemes.map((s) => html`<dt id="scheme-${s.id}">${s.id} <span class="muted">${s.type}</span></dt><dd>${text(s.description)}<p>${schemeUsage(api, s)}</p></dd>`)}</dl>`
    : html`<p>The contract declares no security scheme.</p>`
}
`;
}

function tags(list: ChannelMessageIR[]): Html {
  return html`${list.map((m, i) => html`${i ? ', ' : ''}<code>${m.tag ?? m.key}</code>`)}`;
}

function channelBody(api: ApiIR, c: ChannelIR): Html {
  const messages = new Map(api.messages.map((m) => [m.id, m]));
  const schemes = channelSchemeIds(api, c)
    .map((id) => api.securitySchemes.find((s) => s.id === id))
    .filter((s) => s !== undefined);
  return html`<article class="channel" data-channel="${c.id}">
<h1>${c.title ?? c.id}</h1>
<p><span class="badge">${c.transport.toUpperCase()}</span> <code class="address">${c.address}</code></p>
${text(c.description)}
<h2>Servers</h2>
<ul>${c.servers.map((id) => {
    const s = api.servers.find((x) => x.id === id);
    return html`<li><code>${s ? `${s.protocol}://${s.host}${s.pathname ?? ''}${c.address}` : id}</code></li>`;
  })}</ul>
${
  c.parameters.length
    ? html`<h2>Parameters</h2><table><thead><tr><th>name</th><th>values</th><th>default</th><th>examples</th><th>description</th></tr></thead><tbody>
${c.parameters.map(
  (
    p,
  ) => html`<tr><td><code>${p.name}</code></td><td>${p.enum ? p.enum.map((v, i) => html`${i ? ' | ' : ''}<code>${v}</code>`) : 'any string'}</td><td>${p.default ?? ''}</td><td>${(p.examples ?? []).join(', ')}</td><td>${p.description ?? ''}</td></tr>
`,
)}</tbody></table>`
    : ''
}
${c.query !== undefined ? html`<h2>Query</h2>${rowsTable(schemaRows(c.query, resolver(api)))}` : ''}
<h2>Authentication</h2>
${schemes.length ? html`<dl>${schemes.map((s) => html`<dt>${s.id}</dt><dd>${schemeUsage(api, s)}</dd>`)}</dl><p class="muted">Any one of these is accepted.</p>` : html`<p>None.</p>`}
${behaviour(c)}
${(['send', 'receive'] as const).map((d) => direction(api, c, d, messages))}
</article>
`;
}

function behaviour(c: ChannelIR): Html {
  const limits = c.limits ? Object.entries(c.limits).filter(([, l]) => l !== undefined) : [];
  const hb = c.heartbeat;
  return html`<h2>Limits</h2>
${
  limits.length
    ? html`<table class="limits"><thead><tr><th>limit</th><th>value</th><th>past it</th><th>description</th></tr></thead><tbody>
${limits.map(
  ([k, l]) => html`<tr><td>${k}</td><td>${l!.limit}</td><td>${onExceed(l!.onExceed)}</td><td>${l!.description ?? ''}</td></tr>
`,
)}</tbody></table>`
    : html`<p>None declared.</p>`
}
<h2>Heartbeat</h2>
${
  !hb || hb.mode === 'none'
    ? html`<p>None.${hb?.description ? html` ${hb.description}` : ''}</p>`
    : html`<p class="heartbeat">The server sends <code>${hb.message}</code> every ${hb.intervalMs} ms${hb.toleranceMs ? html` (up to ${hb.toleranceMs} ms late)` : ''}.${hb.pong ? html` The client answers <code>${hb.pong.message}</code>; without one for ${hb.pong.timeoutMs} ms the connection is closed${hb.pong.closeCode ? html` with ${hb.pong.closeCode}` : ''}.` : ''}</p>${text(hb.description)}`
}
${
  c.sse
    ? html`<h2>Stream</h2><p>Event ids: ${c.sse.eventIds ? 'yes' : 'no'}${c.sse.retryMs !== undefined ? html`; retry ${c.sse.retryMs} ms` : ''}${c.sse.resume ? html`; resumes from <code>Last-Event-ID</code> (the last ${c.sse.resume.bufferSize} events)` : ''}${c.sse.keepAliveCommentMs ? html`; keep-alive comment every ${c.sse.keepAliveCommentMs} ms` : ''}.</p>`
    : ''
}
<h2>Sequence rules</h2>
${
  c.sequence?.rules.length
    ? html`${text(c.sequence.description)}<table class="sequence"><thead><tr><th>rule</th><th>kind</th><th>messages</th><th>description</th></tr></thead><tbody>
${c.sequence.rules.map(
  (
    r,
  ) => html`<tr><td><code>${r.id}</code></td><td>${r.kind}</td><td>${[...(r.messages ?? []), ...(r.first ?? []).map((m) => `${m} (first)`), ...(r.then ?? []).map((m) => `${m} (then)`)].join(', ')}${r.intervalMs !== undefined ? html` every ${r.intervalMs} ms` : ''}</td><td>${r.description ?? ''}</td></tr>
`,
)}</tbody></table>`
    : html`<p>None declared.</p>`
}
${
  c.errors
    ? html`<h2>Errors</h2><table><thead><tr><th>code</th><th>when</th><th>then</th><th>description</th></tr></thead><tbody>
${Object.entries(c.errors.codes).map(
  ([
    code,
    e,
  ]) => html`<tr><td><code>${code}</code></td><td>${e.when.join('; ')}</td><td>${e.then.action}${e.then.closeCode !== undefined ? html` (${e.then.closeCode})` : ''}</td><td>${e.description}</td></tr>
`,
)}</tbody></table>`
    : ''
}`;
}

function onExceed(o: { action: string; closeCode?: number; errorCode?: string; httpStatus?: number; reason?: string }): string {
  return [o.action, o.errorCode, o.closeCode, o.httpStatus, o.reason].filter((x) => x !== undefined).join(' ');
}

function resolver(api: ApiIR) {
  const byId = new Map(api.schemas.map((s) => [s.id, s]));
  return (ref: string) => {
    const s = ref.startsWith('#/definitions/') ? byId.get(ref.slice('#/definitions/'.length)) : undefined;
    return s ? { name: s.typeName, schema: s.schema } : undefined;
  };
}

function direction(api: ApiIR, c: ChannelIR, d: Direction, messages: Map<string, MessageIR>): Html {
  const list = c[d].messages;
  if (!list.length) return html``;
  const who = d === 'send' ? 'The server sends' : 'The client sends';
  return html`<section class="direction" data-direction="${d}">
<h2>${who}</h2>
${list.map((cm) => message(api, c, cm, messages.get(cm.message)!, d))}
</section>
`;
}

function message(api: ApiIR, c: ChannelIR, cm: ChannelMessageIR, m: MessageIR, d: Direction): Html {
  const payload = api.schemas.find((s) => s.id === m.payload)!;
  return html`<section class="message" data-tag="${cm.tag ?? cm.key}" data-direction="${d}">
<h3><code>${cm.tag ?? cm.key}</code> ${m.title ?? ''}</h3>
${text(m.summary)}${text(m.description)}
${c.transport === 'sse' ? html`<p class="muted">SSE event <code>${cm.tag ?? m.name ?? cm.key}</code>, payload in <code>data:</code>.</p>` : c.tagProperty ? html`<p class="muted">Tag: <code>${c.tagProperty}</code> = <code>${cm.tag ?? ''}</code>.</p>` : ''}
<h4>Payload</h4>
${rowsTable(schemaRows(payload.schema, resolver(api)))}
${m.examples.length ? html`<h4>Examples</h4>${m.examples.map((e) => html`<figure class="example">${e.name ? html`<figcaption>${e.name}</figcaption>` : ''}<pre><code>${JSON.stringify(e.payload, null, 2)}</code></pre></figure>`)}` : ''}
<details><summary>TypeScript</summary><pre class="ts"><code>${typeScript(api, m)}</code></pre></details>
</section>
`;
}

function rowsTable(rows: ReturnType<typeof schemaRows>): Html {
  return html`<table class="schema"><thead><tr><th>field</th><th>type</th><th>required</th><th>constraints</th><th>description</th></tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr><td style="padding-left:${0.5 + Math.max(0, r.depth - 1) * 1.25}em"><code>${r.path || '(payload)'}</code></td><td>${r.type}</td><td>${r.depth === 0 ? '' : r.required ? 'yes' : 'no'}</td><td>${r.constraints.join(', ')}</td><td>${r.description ?? ''}</td></tr>
`,
)}</tbody></table>`;
}

/** The message's type as `models.gen.ts` declares it, with every type it refers to. */
function typeScript(api: ApiIR, m: MessageIR): string {
  const byId = new Map(api.schemas.map((s) => [s.id, s]));
  const order: SchemaIR[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    const s = byId.get(id);
    if (!s) return;
    order.push(s);
    collectRefs(s.schema).forEach(visit);
  };
  visit(m.payload);
  const typeName = (id: string) => ident(byId.get(id)?.typeName ?? 'unknown');
  const out = order.map((s) => {
    const type = tsType(s.schema, typeName);
    return isObjectLiteral(type) ? `export interface ${ident(s.typeName)} ${type}` : `export type ${ident(s.typeName)} = ${type};`;
  });
  if (ident(m.typeName) !== typeName(m.payload)) out.unshift(`export type ${ident(m.typeName)} = ${typeName(m.payload)};`);
  return out.join('\n\n');
}

function collectRefs(schema: JsonSchema): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isRecord(v)) {
      if (typeof v.$ref === 'string' && v.$ref.startsWith('#/definitions/')) out.push(v.$ref.slice('#/definitions/'.length));
      Object.values(v).forEach(walk);
    }
  };
  walk(schema);
  return out;
}
