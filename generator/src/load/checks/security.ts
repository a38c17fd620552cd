import { standardAuth } from '../../ir/build/security.ts';
import { getAt, isRecord } from '../pointer.ts';
import type { Check } from './context.ts';

/**
 * Standard security schemes without `x-sw-auth` are read as AsyncAPI defines them; where the
 * runtime then needs something the document cannot say (a JWT key), or cannot check the scheme
 * at all, `validate` says so and names the fix.
 */
export const checkSecuritySchemes: Check = ({ doc, report }) => {
  const schemes = getAt(doc, ['components', 'securitySchemes']);
  if (!isRecord(schemes)) return;
  for (const [id, scheme] of Object.entries(schemes)) {
    if (!isRecord(scheme) || isRecord(scheme['x-sw-auth']) || typeof scheme.$ref === 'string') continue;
    const auth = standardAuth(scheme);
    const at = ['components', 'securitySchemes', id];
    if (!auth) {
      report({
        code: 'sw/auth-unchecked',
        severity: 'warning',
        message: `security scheme "${id}" (${String(scheme.type)}) is not one the runtime can check on a WebSocket, SSE or HTTP request; the generated server accepts any connection there. Use http bearer/basic, httpApiKey, oauth2 or openIdConnect, or describe it with x-sw-auth`,
        at,
      });
    } else if (auth.jwt) {
      report({
        code: 'sw/auth-key-required',
        severity: 'warning',
        message: `security scheme "${id}" is a JWT in the Authorization header: the generated server needs the key to check it (required option \`auth.jwtSecret\`, HS256/384/512). To pin algorithms or claims, add \`x-sw-auth: { credential: { in: header, name: Authorization, prefix: 'Bearer ' }, jwt: { algorithms: [HS256] }, onFailure: { action: http-status, httpStatus: 401 } }\``,
        at,
      });
    }
  }
};
