/**
 * The credential attack matrix: every JWT attack against every endpoint and auth scheme of the
 * four reference servers, each judged by the refusal its contract names (HTTP 401 before the
 * upgrade, or the `unauthorized` error and close 4401 after it), plus the valid credential as
 * the control that must get through. Shared by `npm run fuzz` (reliability/jwt.js, against the
 * servers in their own process) and the fast test (test/reliability/jwt-attacks.test.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import WebSocket from 'ws';

/** What the matrix needs to know about the running servers (ports by API) and their secrets. */
export interface Targets {
  ports: Readonly<Record<'steadybase' | 'release-orchestrator' | 'agnt5' | 'agent-workspace', number>>;
  jwtSecret: Uint8Array;
  apiKey: string;
  session: string;
}

export interface Attack {
  name: string;
  /** The credential as presented; `undefined`: none at all. */
  value: string | undefined;
  /** The control: a good credential, which must be accepted. */
  valid?: boolean;
  /** Only on schemes whose contract requires these claims (`requiredClaims`). */
  needsRequiredClaims?: boolean;
}

export type Outcome = { kind: 'accepted' } | { kind: 'http'; status: number } | { kind: 'closed'; code: number; error?: string; data: number };

export interface Row {
  endpoint: string;
  scheme: string;
  attack: string;
  want: string;
  got: string;
  ok: boolean;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

async function hs(claims: JWTPayload, secret: Uint8Array, alg = 'HS256', header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(secret);
}

/** Every JWT attack, for a subject `sub` that the endpoint would otherwise accept. */
export async function jwtAttacks(secret: Uint8Array, sub: string): Promise<Attack[]> {
  const good = { sub, iat: now(), exp: now() + 3600 };
  const valid = await hs(good, secret);
  const [h, p, s] = valid.split('.') as [string, string, string];
  const flip = (text: string) => text.slice(0, -2) + (text.at(-2) === 'A' ? 'B' : 'A') + text.at(-1);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const rs256 = await new SignJWT(good).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
  // Forged the classic way: the header says RS256 and the signature is an HMAC, keyed with the
  // secret or with a public key the attacker knows (what a confused verifier would use).
  const hmacUnder = async (alg: string, key: Uint8Array) => {
    const { createHmac } = await import('node:crypto');
    const head = b64({ alg, typ: 'JWT' });
    const body = b64(good);
    return `${head}.${body}.${createHmac('sha256', key).update(`${head}.${body}`).digest('base64url')}`;
  };
  const padding = 'x'.repeat(1 << 20);
  return [
    { name: 'valid (control)', value: valid, valid: true },
    { name: 'no credential', value: undefined },
    { name: 'empty', value: '' },
    { name: 'alg none', value: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.` },
    { name: 'alg None, signature kept', value: `${b64({ alg: 'None', typ: 'JWT' })}.${b64(good)}.${s}` },
    { name: 'alg NONE', value: `${b64({ alg: 'NONE' })}.${b64(good)}.` },
    { name: 'HS/RS confusion: alg RS256, HMAC with the secret', value: await hmacUnder('RS256', secret) },
    { name: 'HS/RS confusion: HS256 keyed with an RSA public key', value: await hmacUnder('HS256', Buffer.from(publicPem)) },
    { name: 'RS256 signed by a foreign key', value: rs256 },
    { name: 'HS512 with the right secret (algorithm not pinned)', value: await hs(good, secret, 'HS512') },
    { name: 'HS384 with the right secret', value: await hs(good, secret, 'HS384') },
    { name: 'signed with another secret', value: await hs(good, new TextEncoder().encode('not-the-server-secret-0123456789abcdef')) },
    { name: 'expired', value: await hs({ sub, iat: now() - 7200, exp: now() - 3600 }, secret) },
    { name: 'not yet valid (nbf in an hour)', value: await hs({ ...good, nbf: now() + 3600 }, secret) },
    { name: 'tampered signature', value: `${h}.${p}.${flip(s)}` },
    { name: 'tampered payload (sub changed, signature kept)', value: `${h}.${b64({ ...good, sub: `${sub}-admin` })}.${s}` },
    { name: 'tampered header (kid added, signature kept)', value: `${b64({ alg: 'HS256', typ: 'JWT', kid: '../../dev/null' })}.${p}.${s}` },
    { name: 'signature stripped', value: `${h}.${p}.` },
    { name: 'two segments', value: `${h}.${p}` },
    { name: 'not a JWT', value: 'definitely-not-a-jwt' },
    { name: 'garbage base64url', value: '!!!.@@@.###' },
    { name: 'missing exp', value: await hs({ sub, iat: now() }, secret), needsRequiredClaims: true },
    { name: 'missing sub', value: await hs({ iat: now(), exp: now() + 3600 }, secret), needsRequiredClaims: true },
    { name: '1 MB token (validly signed)', value: await hs({ ...good, padding }, secret) },
    { name: '1 MB of junk', value: padding },
  ];
}

/** Attacks on a non-JWT credential (an API key, a session id): the same spirit, without claims. */
export function opaqueAttacks(valid: string): Attack[] {
  return [
    { name: 'valid (control)', value: valid, valid: true },
    { name: 'no credential', value: undefined },
    { name: 'empty', value: '' },
    { name: 'tampered (one character)', value: valid.slice(0, -1) + (valid.endsWith('a') ? 'b' : 'a') },
    { name: 'prefix of the valid one', value: valid.slice(0, valid.length >> 1) },
    { name: 'valid one with a suffix', value: `${valid}x` },
    { name: 'alg none JWT', value: `${b64({ alg: 'none' })}.${b64({ sub: 'dev-user' })}.` },
    { name: '1 MB', value: 'k'.repeat(1 << 20) },
  ];
}

// ---- the clients -------------------------------------------------------------------------------

function wsOutcome(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[]; firstMessage?: string; streams?: boolean },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers ?? {}, maxPayload: 1 << 20 });
    let data = 0;
    let error: string | undefined;
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(o);
    };
    // Accepted = the connection is still open, carrying data, this long after the credential.
    let timer: NodeJS.Timeout | undefined;
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      done({ kind: 'http', status: res.statusCode ?? 0 });
    });
    ws.on('error', () => undefined);
    ws.on('open', () => {
      if (options.firstMessage !== undefined) ws.send(options.firstMessage);
    });
    ws.on('message', (raw) => {
      let m: { type?: string; code?: string } | undefined;
      try {
        m = JSON.parse(raw.toString()) as { type?: string; code?: string };
      } catch {
        m = undefined;
      }
      if (m?.type === 'error') error = m.code;
      else {
        data++;
        // A data frame got through: accepted (a refused connection never gets one).
        done({ kind: 'accepted' });
      }
    });
    ws.on('close', (code) => done({ kind: 'closed', code, ...(error ? { error } : {}), data }));
    // steadybase and agnt5 send nothing until something happens: open and not refused this long
    // after the upgrade is accepted. A stream that starts at once (`streams`) is accepted only by
    // its first data frame, and waited for past the first-message deadline (5 s).
    timer = setTimeout(
      () =>
        done(
          ws.readyState === WebSocket.OPEN && !options.streams
            ? { kind: 'accepted' }
            : { kind: 'closed', code: ws.readyState === WebSocket.OPEN ? 0 : 1006, data },
        ),
      options.streams ? 8000 : 1500,
    );
  });
}

function httpOutcome(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (res) => {
      res.destroy();
      const status = res.statusCode ?? 0;
      resolve(status === 200 || status === 202 ? { kind: 'accepted' } : { kind: 'http', status });
    });
    // A server that hangs up on an oversized request shows as ECONNRESET or, when it closes while
    // the request is still being written, EPIPE: both are the refusal (status 0), anything else is not.
    req.on('error', (e) => resolve({ kind: 'http', status: ['ECONNRESET', 'EPIPE'].includes((e as { code?: string }).code ?? '') ? 0 : -1 }));
    req.end(options.body);
  });
}

function describe(o: Outcome): string {
  if (o.kind === 'accepted') return 'accepted';
  if (o.kind === 'http') return `HTTP ${o.status}`;
  return `${o.error ? `error ${o.error}, ` : ''}close ${o.code}${o.data ? ` after ${o.data} data frames` : ''}`;
}

interface Endpoint {
  endpoint: string;
  scheme: string;
  requiredClaims: boolean;
  /** The refusal the contract names for this scheme. */
  refusal: string;
  /**
   * Refusals a size limit gives first (a 1 MB credential never reaches the verifier): 431 for
   * headers and URLs, or the reset that can reach the client before the 431 while it is still
   * sending; 1009 for a first message over the frame limit.
   */
  sizeRefusals: string[];
  jwt: boolean;
  present(value: string | undefined): Promise<Outcome>;
}

function endpoints(t: Targets, ids: { workflowRun: string; deploymentJob: string; agent: string }): Endpoint[] {
  const { ports } = t;
  const sb = `ws://127.0.0.1:${ports.steadybase}`;
  const ro = `ws://127.0.0.1:${ports['release-orchestrator']}`;
  const q = (v: string | undefined, name: string) => (v === undefined ? '' : `?${name}=${encodeURIComponent(v)}`);
  const auth = (v: string | undefined): Record<string, string> => (v === undefined ? {} : { authorization: `Bearer ${v}` });
  const roWs = (path: string): Endpoint[] => [
    {
      endpoint: `release-orchestrator WS ${path}`,
      scheme: 'queryToken',
      requiredClaims: true,
      refusal: 'error unauthorized, close 4401',
      sizeRefusals: ['HTTP 431', 'close 1006'],
      jwt: true,
      // Without a token (or an empty one) the channel waits for a first message: a pong is not one.
      present: (v) => wsOutcome(`${ro}${path}${q(v, 'token')}`, { streams: true, ...(v ? {} : { firstMessage: '{"type":"pong"}' }) }),
    },
    {
      endpoint: `release-orchestrator WS ${path}`,
      scheme: 'firstMessageToken',
      requiredClaims: true,
      refusal: 'error unauthorized, close 4401',
      sizeRefusals: ['close 1009'],
      jwt: true,
      present: (v) =>
        wsOutcome(`${ro}${path}`, { streams: true, firstMessage: v === undefined ? '{"type":"auth"}' : JSON.stringify({ type: 'auth', token: v }) }),
    },
  ];
  return [
    {
      endpoint: 'steadybase WS /ws',
      scheme: 'bearerJwt',
      requiredClaims: false,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: true,
      present: (v) => wsOutcome(`${sb}/ws`, { headers: auth(v) }),
    },
    {
      endpoint: 'steadybase WS /ws',
      scheme: 'accessTokenQuery',
      requiredClaims: false,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: true,
      present: (v) => wsOutcome(`${sb}/ws${q(v, 'access_token')}`, {}),
    },
    {
      endpoint: 'steadybase POST /api/tasks/status',
      scheme: 'bearerJwt',
      requiredClaims: false,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: true,
      present: (v) =>
        httpOutcome(ports.steadybase, '/api/tasks/status', {
          method: 'POST',
          headers: { ...auth(v), 'content-type': 'application/json' },
          body: JSON.stringify({ taskId: 'attack', status: 'running', message: 'attack' }),
        }),
    },
    ...roWs('/api/v1/dashboard/stream'),
    ...roWs(`/api/v1/workflow-runs/${ids.workflowRun}/stream`),
    ...roWs(`/api/v1/deployment-jobs/${ids.deploymentJob}/stream`),
    ...roWs(`/api/v1/agents/${ids.agent}/task-stream`),
    {
      endpoint: 'release-orchestrator SSE /api/v1/dashboard/stream',
      scheme: 'bearerHeader',
      requiredClaims: true,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: true,
      present: (v) => httpOutcome(ports['release-orchestrator'], '/api/v1/dashboard/stream', { headers: auth(v) }),
    },
    {
      endpoint: 'agnt5 WS /ws',
      scheme: 'apiKeySubprotocol',
      requiredClaims: false,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: false,
      present: (v) =>
        wsOutcome(`ws://127.0.0.1:${ports.agnt5}/ws?x-wf-endpoint=coffee-shop-e66b8d23`, v === undefined ? {} : { protocols: [`x-api-key.${v}`] }),
    },
    {
      endpoint: 'agent-workspace SSE /api/agent-workspace/stream',
      scheme: 'sessionCookie',
      requiredClaims: false,
      refusal: 'HTTP 401',
      sizeRefusals: ['HTTP 431', 'close 1006', 'HTTP 0'],
      jwt: false,
      present: (v) => httpOutcome(ports['agent-workspace'], '/api/agent-workspace/stream', { headers: v === undefined ? {} : { cookie: `session=${v}` } }),
    },
  ];
}

/**
 * Runs the whole matrix. `ids`: a workflow run, a deployment job and an agent id the servers
 * know (the agent's own token is its `sub`). Returns one row per endpoint, scheme and attack, and
 * every credential presented (for the log check).
 */
export async function runMatrix(t: Targets, ids: { workflowRun: string; deploymentJob: string; agent: string }): Promise<{ rows: Row[]; presented: string[] }> {
  const presented: string[] = [];
  const list = endpoints(t, ids);
  // Agents may read only their own task stream; everyone else reads the rest.
  const [user, agent] = await Promise.all([jwtAttacks(t.jwtSecret, 'dev-user'), jwtAttacks(t.jwtSecret, ids.agent)]);
  // Endpoints side by side, each one's attacks in turn (so that a connection limit is never the answer).
  const perEndpoint = await Promise.all(
    list.map(async (e) => {
      const attacks = e.jwt ? (e.endpoint.includes('/agents/') ? agent : user) : opaqueAttacks(e.scheme === 'sessionCookie' ? t.session : t.apiKey);
      const rows: Row[] = [];
      for (const a of attacks) {
        if (a.needsRequiredClaims && !e.requiredClaims) continue;
        if (a.value) presented.push(a.value);
        const outcome = await e.present(a.value);
        const got = describe(outcome);
        const big = (a.value?.length ?? 0) >= 1 << 20;
        const want = a.valid ? 'accepted' : big ? [e.refusal, ...e.sizeRefusals].join(' or ') : e.refusal;
        const ok = a.valid ? outcome.kind === 'accepted' : outcome.kind !== 'accepted' && (got === e.refusal || (big && e.sizeRefusals.includes(got)));
        rows.push({ endpoint: e.endpoint, scheme: e.scheme, attack: a.name, want, got, ok });
      }
      return rows;
    }),
  );
  return { rows: perEndpoint.flat(), presented };
}

/**
 * Credentials found in log text: each presented credential whole (its first 64 characters when
 * it is huge), and a JWT's signature on its own (the part that makes it a credential; header and
 * claims are readable by design). Values under 8 characters are not credentials worth hiding.
 */
export function leaks(logText: string, credentials: readonly string[]): string[] {
  const found = new Set<string>();
  for (const c of credentials) {
    const parts = c.split('.');
    const pieces = [c.length > 4096 ? c.slice(0, 64) : c, ...(parts.length === 3 ? [parts[2]!] : [])].filter((x) => x.length >= 8);
    for (const piece of pieces) if (logText.includes(piece)) found.add(c.length > 40 ? `${c.slice(0, 40)}…` : c);
  }
  return [...found];
}
