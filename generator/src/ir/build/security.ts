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
        ...(isRecord(scheme['x-sw-auth']) ? { auth: scheme['x-sw-auth'] as unknown as AuthIR } : {}),
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
