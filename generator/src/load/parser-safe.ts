import { isRecord, parsePointer, toPointer, type PathSegment } from './pointer.ts';

// @asyncapi/parser's resolver and immer both treat documents as ordinary objects: a key named
// `__proto__` makes immer's freeze throw, a key named `hasOwnProperty` shadows the method the
// resolver calls. Such keys are legal names (a property, a message id), so the parser is given
// a copy with them renamed, and its findings are mapped back.
const HAZARDS = new Set(Object.getOwnPropertyNames(Object.prototype));
const PREFIX = 'sw-renamed-';

export interface ParserInput {
  /** The text to give the parser: the original, or JSON of the renamed copy. */
  text: string;
  /** Whether `text` is the original (so the parser's line numbers are ours). */
  original: boolean;
  restorePath(path: readonly PathSegment[]): PathSegment[];
  restoreMessage(message: string): string;
}

export function parserInput(text: string, doc: unknown): ParserInput {
  if (!hasHazard(doc)) return { text, original: true, restorePath: (p) => [...p], restoreMessage: (m) => m };
  return {
    text: JSON.stringify(rename(doc)),
    original: false,
    restorePath: (p) => p.map((s) => (typeof s === 'string' && s.startsWith(PREFIX) && HAZARDS.has(s.slice(PREFIX.length)) ? s.slice(PREFIX.length) : s)),
    restoreMessage: (m) => m.split(PREFIX).join(''),
  };
}

function hasHazard(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasHazard);
  if (!isRecord(node)) return false;
  return Object.keys(node).some((k) => HAZARDS.has(k) || hasHazard(node[k]));
}

const renameKey = (key: string) => (HAZARDS.has(key) ? PREFIX + key : key);

function rename(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rename);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    let next = rename(value);
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) next = renameRef(value);
    out[renameKey(key)] = next;
  }
  return out;
}

function renameRef(ref: string): string {
  try {
    return '#' + toPointer(parsePointer(ref).map(renameKey));
  } catch {
    return ref;
  }
}
