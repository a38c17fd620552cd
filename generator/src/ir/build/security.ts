import { isRecord, toPointer } from '../../load/pointer.ts';
import type { AuthIR, SecuritySchemeIR } from '../types.ts';
import { optionalString } from './values.ts';

export function buildSecuritySchemes(doc: Record<string, unknown>): SecuritySchemeIR[] {
  const components = isRecord(doc.components) ? doc.components : {};
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  return Object.entries(schemes).flatMap(([id, scheme]) => {
    if (!isRecord(scheme)) return [];
    return [
      {
        id,
        type: String(scheme.type),
        ...optionalString('description', scheme.description),
        ...optionalString('in', scheme.in),
        ...optionalString('name', scheme.name),
        ...optionalString('scheme', scheme.scheme),
        ...optionalString('bearerFormat', scheme.bearerFormat),
        ...(isRecord(scheme['x-sw-auth']) ? { auth: scheme['x-sw-auth'] as unknown as AuthIR } : withDerived(standardAuth(scheme))),
        pointer: '#' + toPointer(['components', 'securitySchemes', id]),
      },
    ];
  });
}

/** `[{ $ref: '#/components/securitySchemes/x' }]` → `['x']`. */
export function securityIds(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const ref = isRecord(entry) ? entry.$ref : undefined;
    const match = typeof ref === 'string' ? /^#\/components\/securitySchemes\/(.+)$/.exec(ref) : null;
    return match ? [decodeURIComponent(match[1]!).replace(/~1/g, '/').replace(/~0/g, '~')] : [];
  });
}

/** HMAC algorithms a JWT checked with a configured shared key may use (never `none`, never RS/HS confusion). */
export const DERIVED_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

function withDerived(auth: AuthIR | undefined): { auth: AuthIR; authDerived: true } | Record<string, never> {
  return auth ? { auth, authDerived: true } : {};
}

/**
 * What a standard security scheme means at runtime when no `x-sw-auth` refines it: where the
 * credential travels, and whether it is a JWT (checked with a key the server is given).
 * Undefined for schemes the runtime cannot check on a WebSocket / HTTP request (X.509, SASL…).
 */
export function standardAuth(scheme: Record<string, unknown>): AuthIR | undefined {
  const onFailure: AuthIR['onFailure'] = { action: 'http-status', httpStatus: 401 };
  const type = String(scheme.type);
  const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : undefined;
  const jwt = { algorithms: [...DERIVED_JWT_ALGORITHMS] };
  if ((type === 'http' && httpScheme === 'bearer') || type === 'oauth2' || type === 'openIdConnect') {
    const isJwt = type !== 'http' || (typeof scheme.bearerFormat === 'string' && /jwt/i.test(scheme.bearerFormat));
    return { credential: { in: 'header', name: 'Authorization', prefix: 'Bearer ' }, ...(isJwt ? { jwt } : {}), onFailure };
  }
  if ((type === 'http' && httpScheme === 'basic') || type === 'userPassword') {
    return { credential: { in: 'header', name: 'Authorization', prefix: 'Basic ' }, onFailure };
  }
  if (
    (type === 'httpApiKey' || type === 'apiKey') &&
    typeof scheme.name === 'string' &&
    (scheme.in === 'header' || scheme.in === 'query' || scheme.in === 'cookie')
  ) {
    return { credential: { in: scheme.in, name: scheme.name }, onFailure };
  }
  return undefined;
}
