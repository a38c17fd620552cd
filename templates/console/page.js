
// ---- streamwright console (runs in the page; VALIDATORS is defined just above) ----
// Every string that reaches the page from the contract or the wire is set as textContent or a
// form value, never as markup.

const model = JSON.parse(document.getElementById('sw-model').textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
};

/** The open connection: `send(text)`, `close()`; the transcript lines recorded so far. */
let connection = null;
let lines = [];
let counts = { frames: 0, invalid: 0 };

const channelOf = () => model.channels.find((c) => c.id === $('channel').value);
const schemeOf = (c) => c.schemes.find((s) => s.id === $('scheme').value);

function setup() {
  for (const c of model.channels) $('channel').append(el('option', { value: c.id, text: `${c.title} (${c.transport.toUpperCase()} ${c.address})` }));
  $('channel').addEventListener('change', renderChannel);
  $('send-tag').addEventListener('change', renderExamples);
  $('send-example').addEventListener('change', fillExample);
  $('connect').addEventListener('click', connect);
  $('disconnect').addEventListener('click', () => connection?.close());
  $('send').addEventListener('click', sendFromForm);
  $('download').addEventListener('click', download);
  $('clear').addEventListener('click', () => {
    $('frames').replaceChildren();
    counts = { frames: 0, invalid: 0 };
    showCounts();
  });
  const wanted = new URLSearchParams(location.search).get('channel');
  if (wanted && model.channels.some((c) => c.id === wanted)) $('channel').value = wanted;
  renderChannel();
}

function renderChannel() {
  const c = channelOf();
  const params = $('params');
  params.replaceChildren();
  for (const p of c.parameters) params.append(field(`param:${p.name}`, `{${p.name}}`, p.value, p.values));
  for (const q of c.query) params.append(field(`query:${q.name}`, `?${q.name}`, q.value, []));
  $('scheme').replaceChildren(...c.schemes.map((s) => el('option', { value: s.id, text: `${s.id} (${s.place})` })), el('option', { value: '', text: 'none' }));
  const sends = c.transport === 'ws' && c.sends.length > 0;
  $('send-form').hidden = !sends;
  $('send-tag').replaceChildren(...c.sends.map((m) => el('option', { value: m.tag, text: m.tag })));
  renderExamples();
}

function field(key, label, value, values) {
  const input = values.length ? el('select', { 'data-key': key }, values.map((v) => el('option', { value: v, text: v === '' ? '(empty)' : v }))) : el('input', { 'data-key': key, size: '30' });
  input.value = value;
  return el('label', {}, [`${label} `, input]);
}

function renderExamples() {
  const m = channelOf().sends.find((s) => s.tag === $('send-tag').value);
  $('send-example').replaceChildren(...(m?.examples ?? []).map((e, i) => el('option', { value: String(i), text: e.name })));
  fillExample();
}

function fillExample() {
  const m = channelOf().sends.find((s) => s.tag === $('send-tag').value);
  $('send-text').value = m?.examples[Number($('send-example').value)]?.text ?? '{}';
}

const valueOf = (key) => document.querySelector(`[data-key="${CSS.escape(key)}"]`)?.value ?? '';
const placeholder = (s) => `<credential:${s.id}>`;

/** The request URL, once with the real credential and once as the transcript writes it. */
function requestUrl(c, scheme, credential) {
  const parameters = {};
  const path = c.address.replace(/\{([^}]+)\}/g, (_, name) => {
    parameters[name] = valueOf(`param:${name}`);
    return encodeURIComponent(parameters[name]);
  });
  const query = c.query.map((q) => [q.name, valueOf(`query:${q.name}`)]).filter(([, v]) => v !== '');
  const real = new URLSearchParams(query);
  const recorded = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  if (scheme?.place === 'query') {
    real.append(scheme.name, credential);
    recorded.push(`${encodeURIComponent(scheme.name)}=${placeholder(scheme)}`);
  }
  const search = real.toString();
  return {
    path: path + (search ? `?${search}` : ''),
    recorded: path + (recorded.length ? `?${recorded.join('&')}` : ''),
    parameters,
    query: Object.fromEntries([...query, ...(scheme?.place === 'query' ? [[scheme.name, placeholder(scheme)]] : [])]),
  };
}

function connect() {
  const c = channelOf();
  const scheme = schemeOf(c);
  const credential = $('credential').value;
  const url = requestUrl(c, scheme, credential);
  lines = [
    {
      kind: 'header',
      version: 1,
      api: model.api,
      spec: model.spec,
      channel: c.id,
      transport: c.transport,
      address: c.address,
      parameters: url.parameters,
      query: url.query,
      recordedAt: new Date().toISOString(),
      tool: 'streamwright console',
      name: ($('scenario').value.trim() || `console-${c.id}`).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'console',
    },
  ];
  $('connect').disabled = true;
  $('disconnect').disabled = false;
  $('download').disabled = true;
  state('connecting');
  connection = c.transport === 'ws' ? openWebSocket(c, scheme, credential, url) : openEventStream(c, scheme, credential, url);
}

function state(text) {
  $('state').textContent = text;
  document.body.dataset.state = text;
}

function finished() {
  connection = null;
  $('connect').disabled = false;
  $('disconnect').disabled = true;
  $('send').disabled = true;
  $('download').disabled = false;
  state('closed');
}

function openWebSocket(c, scheme, credential, url) {
  const t0 = performance.now();
  const t = () => Math.round(performance.now() - t0);
  const protocols = scheme?.place === 'subprotocol' ? [`${scheme.prefix ?? ''}${credential}`] : [];
  const recordedProtocols = scheme?.place === 'subprotocol' ? [`${scheme.prefix ?? ''}${placeholder(scheme)}`] : [];
  const origin = location.origin.replace(/^http/, 'ws');
  const ws = new WebSocket(origin + url.path, protocols);
  ws.binaryType = 'arraybuffer';
  let closedByClient = false;
  let opened = false;
  const requestHeaders = { origin: location.origin, ...(recordedProtocols.length ? { 'sec-websocket-protocol': recordedProtocols.join(', ') } : {}) };
  const sendFrame = (text, recordedText) => {
    ws.send(text);
    frame('client', recordedText ?? text, t());
  };
  ws.onopen = () => {
    opened = true;
    lines.push({ kind: 'handshake', url: url.recorded, method: 'GET', requestHeaders, subprotocols: recordedProtocols, ...(ws.protocol ? { protocol: recordedProtocols[0] } : {}), status: 101, responseHeaders: ws.protocol ? { 'sec-websocket-protocol': recordedProtocols[0] } : {} });
    state('open');
    $('send').disabled = false;
    if (scheme?.place === 'first-message') {
      const message = (value) => JSON.stringify({ ...(c.tagProperty ? { [c.tagProperty]: scheme.message } : {}), [scheme.property ?? 'token']: value });
      sendFrame(message(credential), message(placeholder(scheme)));
    }
  };
  ws.onmessage = (event) => {
    const binary = typeof event.data !== 'string';
    const text = binary ? base64(new Uint8Array(event.data)) : event.data;
    const tag = frame('server', text, t(), { binary });
    if (c.heartbeat && tag === c.heartbeat.ping && $('answer-heartbeat').checked) sendFrame(c.heartbeat.text);
  };
  ws.onclose = (event) => {
    // A refused upgrade never opens: the browser does not say why, so there is no transcript.
    if (opened) lines.push({ kind: 'close', t: t(), by: closedByClient ? 'client' : 'server', ...(event.code !== 1005 && event.code !== 1006 ? { code: event.code } : {}), ...(event.reason ? { reason: event.reason } : {}) });
    else lines = [];
    note(opened ? `closed by ${closedByClient ? 'client' : 'server'} (${event.code}${event.reason ? ` ${event.reason}` : ''})` : `refused (${event.code})`);
    finished();
  };
  return {
    send: (text) => sendFrame(text),
    close: () => {
      closedByClient = true;
      ws.close(1000);
    },
  };
}

function openEventStream(c, scheme, credential, url) {
  const t0 = performance.now();
  const t = () => Math.round(performance.now() - t0);
  const abort = new AbortController();
  let closedByClient = false;
  const headers = { accept: 'text/event-stream' };
  const recordedHeaders = { accept: 'text/event-stream' };
  if (scheme?.place === 'header') {
    const name = (scheme.name ?? 'authorization').toLowerCase();
    headers[name] = `${scheme.prefix ?? ''}${credential}`;
    recordedHeaders[name] = `${scheme.prefix ?? ''}${placeholder(scheme)}`;
  }
  if (scheme?.place === 'cookie' && credential) {
    document.cookie = `${scheme.name}=${encodeURIComponent(credential)}; path=/; SameSite=Strict`;
    recordedHeaders.cookie = `${scheme.name}=${placeholder(scheme)}`;
  }
  (async () => {
    let response;
    try {
      response = await fetch(url.path, { headers, credentials: 'same-origin', signal: abort.signal, cache: 'no-store' });
    } catch (e) {
      lines = [];
      note(`request failed: ${e.message}`);
      return finished();
    }
    const responseHeaders = {};
    for (const [k, v] of response.headers) if (['content-type', 'cache-control', 'x-accel-buffering'].includes(k)) responseHeaders[k] = v;
    const handshake = { kind: 'handshake', url: url.recorded, method: 'GET', requestHeaders: recordedHeaders, subprotocols: [], status: response.status, responseHeaders };
    if (!response.ok) {
      handshake.body = await response.text();
      lines.push(handshake);
      note(`refused: HTTP ${response.status} ${handshake.body}`);
      return finished();
    }
    lines.push(handshake);
    state('open');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = sseParser((block) => {
      if (block.comment !== undefined) return lines.push({ kind: 'comment', t: t(), text: block.comment });
      frame('server', block.data ?? '', t(), { sse: block });
    });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser(value);
      }
      lines.push({ kind: 'close', t: t(), by: 'server' });
      note('the server ended the stream');
    } catch {
      lines.push({ kind: 'close', t: t(), by: closedByClient ? 'client' : 'server' });
      note(closedByClient ? 'closed by client' : 'the stream broke');
    }
    finished();
  })();
  return {
    send: () => undefined,
    close: () => {
      closedByClient = true;
      abort.abort();
    },
  };
}

/** Base64 of bytes, in chunks: spreading a large frame into one call would overflow the stack. */
function base64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The SSE wire format (WHATWG HTML § 9.2): blocks end at a blank line; `data` lines join with LF. */
function sseParser(onBlock) {
  let buffer = '';
  let block = {};
  let first = true;
  return (chunk) => {
    buffer += chunk;
    if (first && buffer.length) {
      buffer = buffer.replace(/^\uFEFF/, '');
      first = false;
    }
    let match;
    while ((match = /\r\n|\r|\n/.exec(buffer))) {
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (Object.keys(block).length) onBlock(block);
        block = {};
        continue;
      }
      const colon = line.indexOf(':');
      const name = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (name === '') onBlock({ comment: value });
      else if (name === 'data') block.data = block.data === undefined ? value : `${block.data}\n${value}`;
      else if (name === 'event') block.event = value;
      else if (name === 'id' && !value.includes('\0')) block.id = value;
      else if (name === 'retry' && /^\d+$/.test(value)) block.retry = Number(value);
    }
  };
}

/** Validates, shows and records one frame; returns its tag. */
function frame(dir, text, t, extra = {}) {
  const c = channelOf();
  const line = { kind: 'frame', t, dir };
  const verdict = judge(c, dir, text, extra);
  if (verdict.tag !== undefined) line.tag = verdict.tag;
  line.text = text;
  if (extra.binary) line.binary = true;
  if (extra.sse) {
    const sse = {};
    for (const k of ['id', 'event', 'retry']) if (extra.sse[k] !== undefined) sse[k] = extra.sse[k];
    if (Object.keys(sse).length) line.sse = sse;
  }
  lines.push(line);
  if (verdict.message === false) return verdict.tag;
  counts.frames++;
  if (!verdict.ok) counts.invalid++;
  showCounts();
  const errors = verdict.ok ? [] : verdict.errors.map((e) => el('li', { text: `${e.pointer || '(root)'} ${e.message}`, 'data-pointer': e.pointer }));
  $('frames').append(
    el('li', { className: 'frame', dataset: { dir, tag: verdict.tag ?? '', valid: String(verdict.ok) } }, [
      el('div', { className: 'meta' }, [
        el('span', { text: dir === 'server' ? '⬇ server' : '⬆ client' }),
        el('span', { className: 'tag', text: verdict.tag ?? '(no tag)' }),
        el('span', { className: `verdict ${verdict.ok ? 'valid' : 'invalid'}`, text: verdict.ok ? 'valid' : 'invalid' }),
        el('span', { className: 'muted', text: `${t} ms` }),
      ]),
      ...(errors.length ? [el('ul', { className: 'errors' }, errors)] : []),
      el('pre', { text }),
    ]),
  );
  return verdict.tag;
}

function judge(c, dir, text, extra) {
  const validate = VALIDATORS[dir === 'server' ? c.validate.server : c.validate.client];
  if (extra.sse && extra.sse.data === undefined) return { message: false };
  if (extra.binary) return { ok: false, errors: [{ pointer: '', message: 'binary frame: the contract has JSON text messages' }] };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, tag: extra.sse ? (extra.sse.event ?? 'message') : undefined, errors: [{ pointer: '', message: 'not JSON' }] };
  }
  const tag = extra.sse ? (extra.sse.event ?? 'message') : c.tagProperty && data !== null && typeof data === 'object' && typeof data[c.tagProperty] === 'string' ? data[c.tagProperty] : undefined;
  if (!validate) return { ok: false, tag, errors: [{ pointer: '', message: `the contract has no ${dir} messages on this channel` }] };
  const result = extra.sse ? validate(tag, data) : validate(data);
  return result.ok ? { ok: true, tag } : { ok: false, tag, errors: result.errors };
}

function note(text) {
  $('frames').append(el('li', { className: 'note muted', text }));
}

function showCounts() {
  $('counts').textContent = `${counts.frames} frames, ${counts.invalid} invalid`;
}

function sendFromForm() {
  connection?.send($('send-text').value);
}

function download() {
  const body = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const a = el('a', { href: URL.createObjectURL(new Blob([body], { type: 'application/x-ndjson' })), download: `${model.api}-${lines[0]?.name ?? 'console'}.jsonl` });
  document.body.append(a);
  a.click();
  a.remove();
}

setup();
