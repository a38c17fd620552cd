import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  Redactor,
  credentialLocations,
  parseTranscript,
  serializeTranscript,
  substituteCredentials,
  substituteCredentialsInUrl,
  type Transcript,
  type TranscriptErrorCode,
} from '../../conformance/src/transcript.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'conformance/transcript.schema.json'), 'utf8')) as object;
const validateLine = new Ajv({ allErrors: true, strict: false }).compile(schema);

const header = {
  kind: 'header',
  version: 1,
  api: 'agnt5',
  spec: 'spec/agnt5.asyncapi.yaml',
  channel: 'workflow',
  transport: 'ws',
  address: '/ws',
  parameters: {},
  query: { 'x-wf-endpoint': 'coffee-shop-e66b8d23' },
  recordedAt: '2026-01-01T00:00:00.000Z',
  tool: 'streamwright 0.1.0',
  name: 'sample',
} as const;
const handshake = {
  kind: 'handshake',
  url: '/ws?x-wf-endpoint=coffee-shop-e66b8d23',
  method: 'GET',
  requestHeaders: { 'sec-websocket-protocol': 'x-api-key.<credential:apiKeySubprotocol>' },
  subprotocols: ['x-api-key.<credential:apiKeySubprotocol>'],
  protocol: 'x-api-key.<credential:apiKeySubprotocol>',
  status: 101,
  responseHeaders: {},
} as const;

const WS: Transcript = {
  header: { ...header, description: 'a sample' },
  handshake: { ...handshake, requestHeaders: { ...handshake.requestHeaders }, subprotocols: [...handshake.subprotocols], responseHeaders: {} },
  events: [
    { kind: 'frame', t: 3, dir: 'client', text: '{"name":"search-candidates"}' },
    {
      kind: 'frame',
      t: 10,
      dir: 'server',
      tag: 'execution_started',
      text: '{"type":"execution_started","data":{}}',
      violations: [{ rule: 'schema', pointer: '/data/execution_id', message: 'is required' }],
    },
    { kind: 'frame', t: 10, dir: 'client', text: 'AQID', binary: true },
  ],
  close: { kind: 'close', t: 12, by: 'server', code: 4401, reason: 'unauthorized' },
};

const SSE: Transcript = {
  header: { ...header, api: 'agent-workspace', channel: 'fleetStream', transport: 'sse', address: '/api/agent-workspace/stream', query: {} },
  handshake: {
    kind: 'handshake',
    url: '/api/agent-workspace/stream',
    method: 'GET',
    requestHeaders: { cookie: 'session=<credential:sessionCookie>' },
    subprotocols: [],
    status: 200,
    responseHeaders: { 'content-type': 'text/event-stream' },
  },
  events: [
    { kind: 'frame', t: 0, dir: 'server', text: '', sse: { retry: 3000 } },
    { kind: 'frame', t: 1, dir: 'server', tag: 'fleet_snapshot', text: '{"runs":[]}\n', sse: { id: '7', event: 'fleet_snapshot' } },
    { kind: 'comment', t: 15000, text: 'keep-alive' },
  ],
  close: { kind: 'close', t: 300000, by: 'server' },
};

const lines = (t: Transcript) => serializeTranscript(t).trimEnd().split('\n');
const replaceLine = (t: Transcript, index: number, line: string) => {
  const l = lines(t);
  l[index] = line;
  return l.join('\n') + '\n';
};
const codes = (text: string) => {
  const r = parseTranscript(text);
  return 'errors' in r ? r.errors.map((e) => [e.code, e.line] as const) : [];
};

describe('serialize and parse', () => {
  it.each([
    ['WebSocket', WS],
    ['SSE', SSE],
  ])('round-trips a %s transcript', (_name, t) => {
    const text = serializeTranscript(t);
    const parsed = parseTranscript(text);
    expect(parsed).toEqual({ transcript: t });
    expect(serializeTranscript((parsed as { transcript: Transcript }).transcript)).toBe(text);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').length - 1).toBe(2 + t.events.length + 1);
  });

  it('writes keys in a fixed order whatever order the object has, headers sorted by name', () => {
    const shuffled = {
      ...WS,
      header: Object.fromEntries(Object.entries(WS.header).reverse()) as unknown as Transcript['header'],
      handshake: { ...WS.handshake, requestHeaders: { 'x-b': '2', 'x-a': '1' } },
    };
    const [first, second] = lines(shuffled);
    expect(first!.startsWith('{"kind":"header","version":1,"api":"agnt5","spec":')).toBe(true);
    expect(second).toContain('"requestHeaders":{"x-a":"1","x-b":"2"}');
    expect(lines(WS)[3]).toBe(
      '{"kind":"frame","t":10,"dir":"server","tag":"execution_started","text":"{\\"type\\":\\"execution_started\\",\\"data\\":{}}","violations":[{"rule":"schema","pointer":"/data/execution_id","message":"is required"}]}',
    );
  });

  it('accepts CRLF line ends, a BOM and a missing final newline', () => {
    const text = serializeTranscript(WS);
    expect(parseTranscript('\uFEFF' + text.replace(/\n/g, '\r\n'))).toEqual({ transcript: WS });
    expect(parseTranscript(text.trimEnd())).toEqual({ transcript: WS });
  });

  it('accepts a refused handshake with no frame and no close', () => {
    const refused = { ...WS, handshake: { ...WS.handshake, status: 401, body: '{"error":"unauthorized"}' }, events: [] };
    delete (refused as Partial<Transcript>).close;
    expect(parseTranscript(serializeTranscript(refused))).toEqual({ transcript: refused });
  });
});

describe('hostile transcripts are rejected with a code and a line', () => {
  const cases: [string, string, [TranscriptErrorCode, number][]][] = [
    ['an empty file', '', [['SW_TRANSCRIPT_TRUNCATED', 0]]],
    ['an empty line', replaceLine(WS, 2, ''), [['SW_TRANSCRIPT_NOT_JSON', 3]]],
    ['a line that is not JSON', replaceLine(WS, 2, '{"kind":"frame",'), [['SW_TRANSCRIPT_NOT_JSON', 3]]],
    ['a line that is an array', replaceLine(WS, 2, '[1,2]'), [['SW_TRANSCRIPT_NOT_OBJECT', 3]]],
    ['a line that is null', replaceLine(WS, 2, 'null'), [['SW_TRANSCRIPT_NOT_OBJECT', 3]]],
    ['an unknown kind', replaceLine(WS, 2, '{"kind":"telemetry","t":1}'), [['SW_TRANSCRIPT_UNKNOWN_KIND', 3]]],
    ['no kind', replaceLine(WS, 2, '{"t":1}'), [['SW_TRANSCRIPT_UNKNOWN_KIND', 3]]],
    ['a future version', replaceLine(WS, 0, JSON.stringify({ ...header, version: 2 })), [['SW_TRANSCRIPT_VERSION', 1]]],
    ['a missing field', replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client"}'), [['SW_TRANSCRIPT_FIELD_MISSING', 3]]],
    ['a negative time', replaceLine(WS, 2, '{"kind":"frame","t":-1,"dir":"client","text":"x"}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['a fractional time', replaceLine(WS, 2, '{"kind":"frame","t":1.5,"dir":"client","text":"x"}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['an unknown direction', replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"proxy","text":"x"}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['a text that is not a string', replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client","text":{"a":1}}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['an unknown field', replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client","text":"x","eval":"1"}'), [['SW_TRANSCRIPT_FIELD_UNKNOWN', 3]]],
    [
      'a __proto__ field',
      replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client","text":"x","__proto__":{"polluted":true}}'),
      [['SW_TRANSCRIPT_FIELD_UNKNOWN', 3]],
    ],
    [
      'binary text that is not base64',
      replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client","text":"not base64!","binary":true}'),
      [['SW_TRANSCRIPT_FIELD_INVALID', 3]],
    ],
    [
      'a violation with a bad rule',
      replaceLine(WS, 2, '{"kind":"frame","t":1,"dir":"client","text":"x","violations":[{"rule":"Schema Error","pointer":"","message":"m"}]}'),
      [['SW_TRANSCRIPT_FIELD_INVALID', 3]],
    ],
    ['a close code out of range', replaceLine(WS, 5, '{"kind":"close","t":12,"by":"server","code":99999}'), [['SW_TRANSCRIPT_FIELD_INVALID', 6]]],
    ['a status out of range', replaceLine(WS, 1, JSON.stringify({ ...handshake, status: 1001 })), [['SW_TRANSCRIPT_FIELD_INVALID', 2]]],
    [
      'an upper-case header name',
      replaceLine(WS, 1, JSON.stringify({ ...handshake, requestHeaders: { Authorization: 'x' } })),
      [['SW_TRANSCRIPT_FIELD_INVALID', 2]],
    ],
    ['a url that is not a path', replaceLine(WS, 1, JSON.stringify({ ...handshake, url: 'javascript:alert(1)' })), [['SW_TRANSCRIPT_FIELD_INVALID', 2]]],
    ['a scenario name with a path', replaceLine(WS, 0, JSON.stringify({ ...header, name: '../../etc/passwd' })), [['SW_TRANSCRIPT_FIELD_INVALID', 1]]],
    ['the handshake first', [lines(WS)[1], lines(WS)[0], ...lines(WS).slice(2)].join('\n'), [['SW_TRANSCRIPT_ORDER', 1]]],
    ['no handshake', lines(WS)[0]!, [['SW_TRANSCRIPT_TRUNCATED', 0]]],
    ['a frame where the handshake belongs', [lines(WS)[0], lines(WS)[2]].join('\n'), [['SW_TRANSCRIPT_ORDER', 2]]],
    ['two headers', [lines(WS)[0], ...lines(WS)].join('\n'), [['SW_TRANSCRIPT_ORDER', 2]]],
    ['time going back', replaceLine(WS, 3, '{"kind":"frame","t":1,"dir":"server","text":"{}"}'), [['SW_TRANSCRIPT_ORDER', 4]]],
    ['a frame after the close', [...lines(WS), '{"kind":"frame","t":20,"dir":"server","text":"{}"}'].join('\n'), [['SW_TRANSCRIPT_ORDER', 7]]],
    ['no close after an accepted handshake', lines(WS).slice(0, -1).join('\n'), [['SW_TRANSCRIPT_TRUNCATED', 0]]],
    [
      'a frame after a refused handshake',
      replaceLine(WS, 1, JSON.stringify({ ...handshake, status: 401 })),
      [
        ['SW_TRANSCRIPT_ORDER', 3],
        ['SW_TRANSCRIPT_ORDER', 4],
        ['SW_TRANSCRIPT_ORDER', 5],
        ['SW_TRANSCRIPT_ORDER', 6],
      ],
    ],
    ['a comment on a WebSocket transcript', replaceLine(WS, 2, '{"kind":"comment","t":3,"text":"hi"}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['a client frame on an SSE transcript', replaceLine(SSE, 2, '{"kind":"frame","t":0,"dir":"client","text":"x"}'), [['SW_TRANSCRIPT_FIELD_INVALID', 3]]],
    ['a close code on an SSE transcript', replaceLine(SSE, 5, '{"kind":"close","t":300000,"by":"server","code":1000}'), [['SW_TRANSCRIPT_FIELD_INVALID', 6]]],
    [
      'a line over the length bound',
      replaceLine(WS, 2, `{"kind":"frame","t":3,"dir":"client","text":"${'x'.repeat(4 * 1024 * 1024)}"}`),
      [['SW_TRANSCRIPT_LINE_TOO_LONG', 3]],
    ],
    ['too many lines', `${lines(WS)[0]}\n`.repeat(200_001), [['SW_TRANSCRIPT_TOO_LARGE', 0]]],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(codes(text)).toEqual(expected);
  });

  it('never throws, whatever the input', () => {
    const junk = ['\u0000', '{"kind":"header"}\n{"kind":"handshake"}', '"\\ud800"', '{"kind":"frame","t":1e400}', '1e999', '{"kind":{"toString":1}}'];
    for (const j of junk) expect(() => parseTranscript(j)).not.toThrow();
    expect(() => parseTranscript(42 as unknown as string)).not.toThrow();
  });

  it('stops at 50 errors on a file full of them', () => {
    const r = parseTranscript('x\n'.repeat(10_000));
    expect('errors' in r && r.errors.length).toBe(50);
  });

  it('the JSON Schema rejects the same broken lines the parser rejects line by line', () => {
    const broken = [
      '[1,2]',
      '{"kind":"telemetry","t":1}',
      '{"kind":"frame","t":1,"dir":"client"}',
      '{"kind":"frame","t":-1,"dir":"client","text":"x"}',
      '{"kind":"frame","t":1,"dir":"client","text":"x","eval":"1"}',
      '{"kind":"close","t":12,"by":"server","code":99999}',
      JSON.stringify({ ...header, version: 2 }),
    ];
    for (const line of broken) expect(validateLine(JSON.parse(line)), line).toBe(false);
    for (const line of [...lines(WS), ...lines(SSE)]) expect(validateLine(JSON.parse(line)), `${line}: ${JSON.stringify(validateLine.errors)}`).toBe(true);
  });
});

describe('the committed recordings', () => {
  const dir = path.join(ROOT, 'conformance/recordings');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .sort();

  it('exist for the four APIs', () => {
    expect(new Set(files.map((f) => f.split(path.sep)[0]))).toEqual(new Set(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace']));
  });

  it.each(files)('%s parses, matches the schema line by line, is serialised canonically and holds no credential', (file) => {
    const text = readFileSync(path.join(dir, file), 'utf8');
    const parsed = parseTranscript(text);
    if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
    for (const [i, line] of text.trimEnd().split('\n').entries()) {
      if (!validateLine(JSON.parse(line))) throw new Error(`line ${i + 1}: ${JSON.stringify(validateLine.errors)}`);
    }
    expect(serializeTranscript(parsed.transcript)).toBe(text);
    expect(parsed.transcript.header.api).toBe(file.split(path.sep)[0]);
    expect(`${parsed.transcript.header.name}.jsonl`).toBe(path.basename(file));
    // A JWT starts with the base64url of `{"`; the suite's fixed secrets must not leak either.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).not.toContain('agnt5_suite_');
    expect(text).not.toContain('suite-session-');
  });
});

describe('credentials', () => {
  const api = {
    securitySchemes: [
      {
        id: 'bearer',
        auth: {
          credential: { in: 'header' as const, name: 'Authorization', prefix: 'Bearer ' },
          onFailure: { action: 'http-status' as const, httpStatus: 401 },
        },
      },
      { id: 'query', auth: { credential: { in: 'query' as const, name: 'token' }, onFailure: { action: 'error-and-close' as const, closeCode: 4401 } } },
      { id: 'cookie', auth: { credential: { in: 'cookie' as const, name: 'session' }, onFailure: { action: 'http-status' as const, httpStatus: 401 } } },
      { id: 'sub', auth: { credential: { in: 'subprotocol' as const, prefix: 'x-api-key.' }, onFailure: { action: 'http-status' as const, httpStatus: 401 } } },
      {
        id: 'first',
        auth: {
          credential: { in: 'first-message' as const, message: 'authMsg', property: 'token' },
          onFailure: { action: 'error-and-close' as const, closeCode: 4401 },
        },
      },
    ],
  };
  const channel = { tagProperty: 'type', receive: { messages: [{ key: 'authMsg', tag: 'auth' }] } };
  const SECRET = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0.c2ln';

  it('redacts every location to its exact placeholder and scrubs echoes elsewhere', () => {
    const r = new Redactor(credentialLocations(api, channel));
    expect(r.url(`/s?a=1&token=${encodeURIComponent(SECRET)}&b=2`)).toEqual({
      url: '/s?a=1&token=<credential:query>&b=2',
      query: { a: '1', token: '<credential:query>', b: '2' },
    });
    expect(
      r.requestHeaders({
        authorization: `Bearer ${SECRET}`,
        cookie: `theme=dark; session=${SECRET}`,
        'sec-websocket-protocol': `json, x-api-key.${SECRET}`,
        host: 'x',
        'sec-websocket-key': 'k',
        'x-custom': 'kept',
      }),
    ).toEqual({
      authorization: 'Bearer <credential:bearer>',
      cookie: 'theme=dark; session=<credential:cookie>',
      'sec-websocket-protocol': 'json, x-api-key.<credential:sub>',
      'x-custom': 'kept',
    });
    expect(r.clientText(`{"type":"auth","token":"${SECRET}"}`)).toBe('{"type":"auth","token":"<credential:first>"}');
    expect(r.clientText(`{"type":"pong","token":"other-value-1234"}`)).toBe('{"type":"pong","token":"other-value-1234"}');
    expect(r.scrub(`{"echo":"${SECRET}"}`)).not.toContain(SECRET);
    expect(r.responseHeaders({ 'set-cookie': ['a=b'], date: 'now', 'content-type': 'text/plain' })).toEqual({
      'set-cookie': '<redacted>',
      'content-type': 'text/plain',
    });
    expect(r.requestHeaders({ 'proxy-authorization': 'Basic dXNlcjpwYXNz' })).toEqual({ 'proxy-authorization': 'Basic <redacted>' });
  });

  it('marks a credential the server rejected as invalid, so a replay does not present the real one', () => {
    const r = new Redactor(credentialLocations(api, channel));
    const { url } = r.url(`/s?token=${SECRET}`);
    expect(r.outcome({ closeCode: 4401 })).toEqual(['query']);
    expect(r.scrub(url)).toBe('/s?token=<invalid-credential:query>');
    expect(substituteCredentialsInUrl(r.scrub(url), { query: 'real' }).text).toBe('/s?token=invalid-credential-query');
  });

  it('substitutes credentials back, percent-encoding them in URLs, and names the missing ones', () => {
    expect(substituteCredentials('Bearer <credential:bearer> and <credential:other>', { bearer: 'abc' })).toEqual({
      text: 'Bearer abc and <credential:other>',
      missing: ['other'],
    });
    expect(substituteCredentialsInUrl('/s?token=<credential:query>', { query: 'a b&c' }).text).toBe('/s?token=a%20b%26c');
    expect(substituteCredentials('<credential:__proto__>', {})).toEqual({ text: '<credential:__proto__>', missing: ['__proto__'] });
  });
});
