/** Development JWTs as `serve` prints them: signed for one subject, with a stated lifetime. */
import { signJwt } from '../../runtime/auth/index.ts';
import type { CredentialOptions } from './types.ts';

/** Lifetime of a development token unless `serve --token-ttl` says otherwise: a working day and a half. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

export async function devJwt(
  secret: Uint8Array,
  sub: string,
  options: CredentialOptions = {},
): Promise<{ value: string; principal: string; expiresAt: string }> {
  const ttl = options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS;
  const now = Date.now();
  const value = await signJwt({ sub }, secret, { expiresIn: ttl, now });
  return { value, principal: sub, expiresAt: new Date((Math.floor(now / 1000) + ttl) * 1000).toISOString() };
}
