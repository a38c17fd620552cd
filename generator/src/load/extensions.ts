import { readFileSync } from 'node:fs';

/** Where an `x-sw-*` extension may appear. */
export type ExtensionSite = 'root' | 'info' | 'channel' | 'operation' | 'message' | 'securityScheme' | 'schema';

export interface ExtensionDefinition {
  name: string;
  sites: readonly ExtensionSite[];
  schema: object;
}

const SITES: Record<string, readonly ExtensionSite[]> = {
  'x-sw-tag': ['channel'],
  'x-sw-untagged': ['message'],
  'x-sw-sse': ['channel'],
  'x-sw-heartbeat': ['channel'],
  'x-sw-limits': ['channel'],
  'x-sw-poll': ['channel'],
  'x-sw-reconnect': ['root', 'channel'],
  'x-sw-errors': ['channel'],
  'x-sw-sequence': ['channel'],
  'x-sw-auth': ['securityScheme'],
  'x-sw-http': ['operation'],
  'x-sw-decisions': ['info'],
  'x-sw-known-values': ['schema'],
};

// The schemas are the documentation users read (spec/extensions/); the code reads the same files.
const SCHEMA_DIR = new URL('../../../spec/extensions/', import.meta.url);

export const EXTENSIONS: ReadonlyMap<string, ExtensionDefinition> = new Map(
  Object.entries(SITES).map(([name, sites]) => [
    name,
    { name, sites, schema: JSON.parse(readFileSync(new URL(`${name}.schema.json`, SCHEMA_DIR), 'utf8')) as object },
  ]),
);

/** The kind of AsyncAPI object at `path`, for the places extensions may sit. */
export function siteOf(path: readonly (string | number)[]): ExtensionSite | undefined {
  const p = path.map(String);
  if (p.length === 0) return 'root';
  if (p.length === 1 && p[0] === 'info') return 'info';
  if (p.length === 2 && p[0] === 'channels') return 'channel';
  if (p.length === 3 && p[0] === 'components' && p[1] === 'channels') return 'channel';
  if (p.length === 2 && p[0] === 'operations') return 'operation';
  if (p.length === 3 && p[0] === 'components' && p[1] === 'operations') return 'operation';
  if (p.length === 3 && p[0] === 'components' && p[1] === 'messages') return 'message';
  if (p.length === 4 && p[0] === 'channels' && p[2] === 'messages') return 'message';
  if (p.length === 3 && p[0] === 'components' && p[1] === 'securitySchemes') return 'securityScheme';
  if (p.length === 4 && (p[0] === 'servers' || p[0] === 'operations') && p[2] === 'security') return 'securityScheme';
  return undefined;
}
