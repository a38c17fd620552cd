import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { StreamwrightError } from '../errors.ts';

export interface JwtOptions {
  /** Shared secret for HS* algorithms. */
  secret: Uint8Array;
  /** Accepted algorithms, pinned: anything else (`none`, RS/HS confusion) is rejected. */
  algorithms: readonly string[];
  clockToleranceSec?: number;
  requiredClaims?: readonly string[];
  /** Clock for `exp` / `nbf` checks, in ms since the epoch (tests scale time with it). */
  now?: () => number;
}

/** Verifies a compact JWS; resolves to its claims or rejects with SW_AUTH_INVALID. */
export async function verifyJwt(token: string, options: JwtOptions): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, options.secret, {
      algorithms: [...options.algorithms],
      ...(options.clockToleranceSec !== undefined ? { clockTolerance: options.clockToleranceSec } : {}),
      ...(options.requiredClaims ? { requiredClaims: [...options.requiredClaims] } : {}),
      ...(options.now ? { currentDate: new Date(options.now()) } : {}),
    });
    return payload;
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? 'ERR_JWT_INVALID';
    throw new StreamwrightError('SW_AUTH_INVALID', `invalid token (${code})`, { cause });
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in `expiresIn`: a number of seconds or `<n>s|m|h|d`. */
function durationSec(expiresIn: string | number): number {
  if (typeof expiresIn === 'number') return expiresIn;
  const match = /^(\d+)\s*([smhd])$/.exec(expiresIn.trim());
  if (!match) throw new StreamwrightError('SW_CONFIG_INVALID', `expiresIn must be seconds or <n>s|m|h|d (got ${JSON.stringify(expiresIn)})`);
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

/** Signs a development token (HS256 unless told otherwise); `iat` and `exp` both count from `now`. */
export async function signJwt(
  claims: JWTPayload,
  secret: Uint8Array,
  options: { algorithm?: string; expiresIn?: string | number; now?: number } = {},
): Promise<string> {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.algorithm ?? 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + durationSec(options.expiresIn ?? '12h'))
    .sign(secret);
}
