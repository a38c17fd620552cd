import type { SecuritySchemeDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { verifyJwt } from './jwt.ts';

/** Who is on the other end, once a scheme accepted their credential. */
export interface Principal {
  scheme: string;
  /** `sub` of a JWT, the session's user, or the API key's owner. */
  subject?: string;
  claims?: Readonly<Record<string, unknown>>;
}

/** How the application checks credentials; each scheme uses the one that fits it. */
export interface AuthVerifiers {
  /** Secret for JWT schemes (the algorithms are pinned by the contract). */
  jwtSecret?: Uint8Array;
  /** API keys (schemes without `jwt`, outside cookies): the owner, or undefined to reject. */
  apiKey?: (key: string) => string | undefined | Promise<string | undefined>;
  /** HTTP Basic / userPassword schemes: the user, or undefined to reject. */
  password?: (user: string, password: string) => string | undefined | Promise<string | undefined>;
  /** Session cookies: the user, or undefined to reject. */
  session?: (id: string) => string | undefined | Promise<string | undefined>;
  /** Clock for JWT time checks. */
  now?: () => number;
}

/** `verifiers` left out (a server given no `auth` option): every scheme that needs one refuses. */
export async function authenticate(scheme: SecuritySchemeDescription, credential: string, verifiers: AuthVerifiers = {}): Promise<Principal> {
  const auth = scheme.auth;
  if (auth?.jwt) {
    if (!verifiers.jwtSecret) throw new StreamwrightError('SW_AUTH_INVALID', `no JWT secret configured for ${scheme.id}`);
    const claims = await verifyJwt(credential, {
      secret: verifiers.jwtSecret,
      algorithms: auth.jwt.algorithms,
      ...(auth.jwt.clockToleranceSec !== undefined ? { clockToleranceSec: auth.jwt.clockToleranceSec } : {}),
      ...(auth.jwt.requiredClaims ? { requiredClaims: auth.jwt.requiredClaims } : {}),
      ...(verifiers.now ? { now: verifiers.now } : {}),
    });
    return { scheme: scheme.id, ...(typeof claims.sub === 'string' ? { subject: claims.sub } : {}), claims };
  }
  if (auth?.credential.prefix?.trim().toLowerCase() === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const subject = colon > 0 && verifiers.password ? await verifiers.password(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
    if (subject === undefined) throw new StreamwrightError('SW_AUTH_INVALID', `credential rejected by ${scheme.id}`);
    return { scheme: scheme.id, subject };
  }
  const lookup = auth?.credential.in === 'cookie' ? verifiers.session : verifiers.apiKey;
  const subject = lookup ? await lookup(credential) : undefined;
  if (subject === undefined) throw new StreamwrightError('SW_AUTH_INVALID', `credential rejected by ${scheme.id}`);
  return { scheme: scheme.id, subject };
}
