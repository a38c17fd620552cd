import type { IncomingMessage } from 'node:http';
import { authenticate, type AuthVerifiers, type Principal } from '../auth/authenticate.ts';
import { readCredential } from '../auth/credentials.ts';
import type { ApiDescription, AuthSpec, ChannelDescription, SecuritySchemeDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';

/** The schemes that guard a channel: its operations' if they name any, else its servers'. */
export function schemesFor(api: ApiDescription, channel: ChannelDescription): SecuritySchemeDescription[] {
  const ids = new Set<string>();
  for (const op of [...channel.send.operations, ...channel.receive.operations]) for (const id of op.security) ids.add(id);
  if (ids.size === 0) {
    for (const server of api.servers) if (channel.servers.includes(server.id)) for (const id of server.security) ids.add(id);
  }
  return api.securitySchemes.filter((s) => ids.has(s.id));
}

export type AuthOutcome =
  | { kind: 'accepted'; principal: Principal | undefined; protocol?: string }
  /** No credential on the request, and the channel takes one in the first message. */
  | { kind: 'pending'; scheme: SecuritySchemeDescription }
  | { kind: 'rejected'; error: StreamwrightError; onFailure: AuthSpec['onFailure'] };

const DEFAULT_FAILURE: AuthSpec['onFailure'] = { action: 'http-status', httpStatus: 401 };

/**
 * Authenticates a request against the channel's schemes (alternatives, in contract order).
 * A presented credential decides: if it is rejected, the other schemes are not tried, so a
 * bad token cannot fall through to a weaker scheme.
 */
export async function authenticateRequest(
  req: IncomingMessage,
  url: URL,
  schemes: readonly SecuritySchemeDescription[],
  verifiers: AuthVerifiers & { allowedOrigins?: readonly string[] } = {},
): Promise<AuthOutcome> {
  if (schemes.length === 0) return { kind: 'accepted', principal: undefined };
  for (const scheme of schemes) {
    const credentialSpec = credentialOf(scheme);
    if (!credentialSpec) continue;
    const presented = readCredential(req, url, credentialSpec);
    if (!presented) continue;
    const onFailure = scheme.auth?.onFailure ?? DEFAULT_FAILURE;
    if (scheme.auth?.originAllowList) {
      const origin = req.headers.origin;
      if (origin !== undefined && !(verifiers.allowedOrigins ?? []).includes(origin)) {
        return {
          kind: 'rejected',
          error: new StreamwrightError('SW_ORIGIN_REJECTED', `origin ${origin} is not allowed`, { status: 403 }),
          onFailure: { action: 'http-status', httpStatus: 403 },
        };
      }
    }
    try {
      const principal = await authenticate(scheme, presented.value, verifiers);
      return { kind: 'accepted', principal, ...(presented.protocol ? { protocol: presented.protocol } : {}) };
    } catch (e) {
      const error = e instanceof StreamwrightError ? e : new StreamwrightError('SW_AUTH_INVALID', (e as Error).message, { cause: e });
      return { kind: 'rejected', error, onFailure };
    }
  }
  const firstMessage = schemes.find((s) => s.auth?.credential.in === 'first-message');
  if (firstMessage) return { kind: 'pending', scheme: firstMessage };
  const onFailure = schemes[0]!.auth?.onFailure ?? DEFAULT_FAILURE;
  return { kind: 'rejected', error: new StreamwrightError('SW_AUTH_MISSING'), onFailure };
}

/** Where a scheme's credential travels: its x-sw-auth, or for plain AsyncAPI schemes where the type says. */
export function credentialOf(scheme: SecuritySchemeDescription): AuthSpec['credential'] | undefined {
  return scheme.auth?.credential ?? fallbackCredential(scheme);
}

function fallbackCredential(scheme: SecuritySchemeDescription): AuthSpec['credential'] | undefined {
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') return { in: 'header', name: 'Authorization', prefix: 'Bearer ' };
  if (scheme.type === 'httpApiKey' && (scheme.in === 'header' || scheme.in === 'query' || scheme.in === 'cookie') && scheme.name)
    return { in: scheme.in, name: scheme.name };
  return undefined;
}
