import { type AuthVerifiers, type Principal, signJwt } from '../runtime/auth/index.ts';
import type { ApiDescription, AuthSpec, SecuritySchemeDescription } from '../runtime/index.ts';

/**
 * How the mock authenticates. By default any credential of the right shape is accepted: it must
 * be where the scheme says (header, query, cookie, subprotocol, first message), non-empty, at
 * most 4096 characters without control characters, and, for a JWT scheme, a compact JWS whose
 * header is JSON naming an algorithm (its signature is not checked). With a JWT secret, JWT
 * schemes verify tokens for real (the contract's pinned algorithms; HS256 for plain bearer-JWT
 * schemes without x-sw-auth). Origin allow-lists are not enforced: the mock serves any origin.
 * Schemes the runtime cannot read a credential for (e.g. userPassword, X509) are left out, so
 * they do not lock every client out.
 */
export interface MockAuth {
  /** The API description the runtime serves, with the schemes rewritten as above. */
  api: ApiDescription;
  verifiers: AuthVerifiers;
  /** Refusal for a principal whose credential has the wrong shape (checked after the runtime accepted it). */
  refusal(principal: Principal | undefined): AuthSpec['onFailure'] | undefined;
  /** A credential per scheme that this mock accepts, and how to present it. */
  credentials(): Promise<{ scheme: string; usage: string; value: string }[]>;
  /** The credential value for a scheme (what `credentials()` prints). */
  credentialFor(schemeId: string): Promise<string>;
}

const MAX_CREDENTIAL = 4096;
const DEFAULT_FAILURE: AuthSpec['onFailure'] = { action: 'http-status', httpStatus: 401 };

export function createMockAuth(api: ApiDescription, options: { jwtSecret?: Uint8Array } = {}): MockAuth {
  const secret = options.jwtSecret;
  const jwtShaped = new Map<string, AuthSpec['onFailure']>();
  const schemes: SecuritySchemeDescription[] = [];
  for (const scheme of api.securitySchemes) {
    const credential = scheme.auth?.credential ?? fallbackCredential(scheme);
    if (!credential) continue;
    const isJwt = scheme.auth?.jwt !== undefined || (scheme.type === 'http' && scheme.bearerFormat?.toUpperCase() === 'JWT');
    const onFailure = scheme.auth?.onFailure ?? DEFAULT_FAILURE;
    const { originAllowList: _origins, jwt, ...auth } = scheme.auth ?? { credential, onFailure };
    if (isJwt && secret) {
      schemes.push({ ...scheme, auth: { ...auth, credential, onFailure, jwt: jwt ?? { algorithms: ['HS256'] } } });
    } else {
      if (isJwt) jwtShaped.set(scheme.id, onFailure);
      schemes.push({ ...scheme, auth: { ...auth, credential, onFailure } });
    }
  }
  const kept = new Set(schemes.map((s) => s.id));
  const keep = (ids: readonly string[]) => ids.filter((id) => kept.has(id));
  const described: ApiDescription = {
    ...api,
    securitySchemes: schemes,
    servers: api.servers.map((s) => ({ ...s, security: keep(s.security) })),
    channels: Object.fromEntries(
      Object.entries(api.channels).map(([id, c]) => [
        id,
        {
          ...c,
          send: { ...c.send, operations: c.send.operations.map((op) => ({ ...op, security: keep(op.security) })) },
          receive: { ...c.receive, operations: c.receive.operations.map((op) => ({ ...op, security: keep(op.security) })) },
        },
      ]),
    ),
  };
  const shapeOk = (value: string) => value.length > 0 && value.length <= MAX_CREDENTIAL && !/[\u0000-\u001f\u007f]/.test(value);
  // The subject is the credential itself: the shape check after authentication needs it.
  const accept = (value: string) => (shapeOk(value) ? value : undefined);

  const credentialFor = async (schemeId: string) => {
    const scheme = schemes.find((s) => s.id === schemeId);
    if (scheme?.auth?.jwt && secret) return signJwt({ sub: 'mock-user' }, secret, { algorithm: scheme.auth.jwt.algorithms[0] ?? 'HS256', expiresIn: '12h' });
    if (jwtShaped.has(schemeId)) return unsignedJwt();
    return 'mock-credential';
  };

  return {
    api: described,
    verifiers: { apiKey: accept, session: accept, ...(secret ? { jwtSecret: secret } : {}) },
    refusal(principal) {
      if (!principal) return undefined;
      const onFailure = jwtShaped.get(principal.scheme);
      return onFailure && !isCompactJws(principal.subject ?? '') ? onFailure : undefined;
    },
    credentialFor,
    async credentials() {
      return Promise.all(schemes.map(async (s) => ({ scheme: s.id, usage: usage(s.auth!.credential), value: await credentialFor(s.id) })));
    },
  };
}

function fallbackCredential(scheme: SecuritySchemeDescription): AuthSpec['credential'] | undefined {
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') return { in: 'header', name: 'Authorization', prefix: 'Bearer ' };
  if (
    (scheme.type === 'httpApiKey' || scheme.type === 'apiKey') &&
    (scheme.in === 'header' || scheme.in === 'query' || scheme.in === 'cookie') &&
    scheme.name
  ) {
    return { in: scheme.in, name: scheme.name };
  }
  return undefined;
}

function usage(c: AuthSpec['credential']): string {
  switch (c.in) {
    case 'header':
      return `${c.name ?? 'Authorization'}: ${c.prefix ?? ''}<value>`;
    case 'query':
      return `?${c.name}=<value>`;
    case 'cookie':
      return `Cookie: ${c.name}=<value>`;
    case 'subprotocol':
      return `Sec-WebSocket-Protocol: ${c.prefix ?? ''}<value>`;
    case 'first-message':
      return `first frame {"type": "${c.message}", "${c.property ?? 'token'}": "<value>"}`;
  }
}

const base64url = (s: string) => Buffer.from(s).toString('base64url');

/** A JWT-shaped token with a placeholder signature: what the shape-only check accepts. */
function unsignedJwt(): string {
  return `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify({ sub: 'mock-user' }))}.${base64url('mock-signature')}`;
}

function isCompactJws(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p, i) => /^[A-Za-z0-9_-]*$/.test(p) && (i === 2 || p.length > 0))) return false;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}
