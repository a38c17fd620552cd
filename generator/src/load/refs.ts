import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { getAt, isRecord, parsePointer, type PathSegment } from './pointer.ts';

export type RefKind = 'local' | 'file' | 'remote' | 'other';

export interface RefSite {
  /** Where the `$ref` key is, as a path into the document. */
  at: PathSegment[];
  ref: string;
  kind: RefKind;
}

export function classifyRef(ref: string): RefKind {
  if (ref.startsWith('#')) return 'local';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(ref)?.[1]?.toLowerCase();
  if (scheme === undefined) return 'file';
  if (scheme === 'http' || scheme === 'https') return 'remote';
  if (scheme === 'file') return 'file';
  return 'other';
}

/** Every `$ref` string in the document, depth first, in document order. */
export function collectRefs(root: unknown): RefSite[] {
  const sites: RefSite[] = [];
  const walk = (node: unknown, at: PathSegment[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i]));
    } else if (isRecord(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') sites.push({ at: [...at, key], ref: value, kind: classifyRef(value) });
        else walk(value, [...at, key]);
      }
    }
  };
  walk(root, []);
  return sites;
}

/** Whether `file` resolves (symlinks followed) to a path inside `rootDir`. */
export function isInside(rootDir: string, file: string): boolean {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    real = path.resolve(file);
  }
  let rootReal: string;
  try {
    rootReal = realpathSync(rootDir);
  } catch {
    rootReal = path.resolve(rootDir);
  }
  const rel = path.relative(rootReal, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Follows local `$ref` chains from `path`; returns the target and its path, or why it failed. */
export function derefLocal(root: unknown, at: readonly PathSegment[]): { ok: true; value: unknown; at: PathSegment[] } | { ok: false; ref: string } {
  let current: PathSegment[] = [...at];
  let value = getAt(root, current);
  const seen = new Set<string>();
  while (isRecord(value) && typeof value.$ref === 'string') {
    const ref = value.$ref;
    if (!ref.startsWith('#') || seen.has(ref)) return { ok: false, ref };
    seen.add(ref);
    try {
      current = parsePointer(ref);
    } catch {
      return { ok: false, ref };
    }
    value = getAt(root, current);
    if (value === undefined) return { ok: false, ref };
  }
  return { ok: true, value, at: current };
}

export interface BlockedRead {
  uri: string;
  reason: 'remote' | 'outside-root';
}

/**
 * Resolvers for `@asyncapi/parser` that put the policy where every read happens, nested refs of
 * referenced files included: no network unless allowed, no file outside `rootDir`. A blocked read
 * resolves to an empty object and is recorded, so the caller reports it as a diagnostic.
 */
export function createGuardedResolvers(options: { rootDir: () => string; allowRemote: boolean; blocked: BlockedRead[] }) {
  const block = (uri: string, reason: BlockedRead['reason']) => {
    options.blocked.push({ uri, reason });
    return '{}';
  };
  const remote = (schema: 'http' | 'https') => ({
    schema,
    order: 1,
    canRead: !options.allowRemote,
    read: (uri: { toString(): string }) => block(uri.toString(), 'remote'),
  });
  return [
    remote('http'),
    remote('https'),
    {
      schema: 'file',
      order: 1,
      canRead: true,
      read: (uri: { toString(): string; path(): string }) => {
        const file = decodeURIComponent(uri.path());
        // Recorded as the parser will name it in its own complaint, which is then dropped.
        if (!isInside(options.rootDir(), file)) return block(uri.path(), 'outside-root');
        return readFileSync(file, 'utf8');
      },
    },
  ];
}
