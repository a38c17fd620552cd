import { isRecord, toPointer } from '../../load/pointer.ts';
import type { ServerIR } from '../types.ts';
import { securityIds } from './security.ts';
import { optionalString } from './values.ts';

export function buildServers(doc: Record<string, unknown>): ServerIR[] {
  const servers = isRecord(doc.servers) ? doc.servers : {};
  return Object.entries(servers).flatMap(([id, server]) => {
    if (!isRecord(server)) return [];
    return [
      {
        id,
        host: String(server.host ?? ''),
        protocol: String(server.protocol ?? ''),
        ...optionalString('pathname', server.pathname),
        ...optionalString('description', server.description),
        security: securityIds(server.security),
        pointer: '#' + toPointer(['servers', id]),
      },
    ];
  });
}
