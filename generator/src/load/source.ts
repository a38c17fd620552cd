import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type { Node } from 'yaml';
import type { PathSegment } from './pointer.ts';

// The position-keeping parser is needed only for a diagnostic's line (or a document the fast
// parser refuses): loaded then, so a clean `generate` does not pay for its ~70 modules.
let yamlLib: typeof import('yaml') | undefined;
const yaml = (): typeof import('yaml') => (yamlLib ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

export interface Position {
  line: number;
  column: number;
}

/** A parsed YAML/JSON document that can say where any JSON pointer sits in the text. */
export interface SourceFile {
  readonly file: string;
  readonly data: unknown;
  locate(path: readonly PathSegment[]): Position;
}

export type SourceResult = { ok: true; source: SourceFile } | { ok: false; errors: { message: string; position: Position }[] };

// Anchors and aliases are legal YAML, but expanding them without a bound is the classic
// "billion laughs" blow-up; no contract needs more than a handful.
const MAX_ALIAS_COUNT = 100;

/**
 * Parses a document. The data comes from a fast parser (JSON.parse, js-yaml with the YAML 1.2
 * core schema); the position-aware `yaml` Document is built only when a position is asked for,
 * or when the fast parse fails (its errors are the precise ones) or the text uses anchors (whose
 * expansion needs the alias bound).
 */
export function parseSource(file: string, text: string): SourceResult {
  if (!/(^|[\s[{,:-])&[^\s]/.test(text)) {
    let data: unknown;
    let parsed = false;
    try {
      data = /\.json$/i.test(file) ? JSON.parse(text) : jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file });
      parsed = true;
    } catch {
      parsed = false;
    }
    if (parsed) {
      let positioned: SourceFile | undefined;
      return {
        ok: true,
        source: {
          file,
          data,
          locate(path) {
            positioned ??= positionedSource(file, text);
            return positioned.locate(path);
          },
        },
      };
    }
  }
  return parseWithPositions(file, text);
}

/** The `yaml` library's Document: slower, but knows where every node is. */
function parseWithPositions(file: string, text: string): SourceResult {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: readableErrors(
        text,
        doc.errors.map((e) => ({ message: firstLine(e.message), offset: e.pos[0] })),
        position,
      ),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { ok: false, errors: [{ message: firstLine((e as Error).message), position: { line: 1, column: 1 } }] };
  }
  return {
    ok: true,
    source: {
      file,
      data,
      locate(path) {
        return position(offsetOf(doc.contents, path));
      },
    },
  };
}

function positionedSource(file: string, text: string): SourceFile {
  const result = parseWithPositions(file, text);
  // The fast parser accepted the text; should the strict one not, positions fall back to 1:1.
  return result.ok ? result.source : { file, data: undefined, locate: () => ({ line: 1, column: 1 }) };
}

/**
 * Offset of the deepest node on `path` that exists. A path ending at a map entry points at its
 * key, which is where a reader looks for it.
 */
function offsetOf(root: Node | null, path: readonly PathSegment[]): number {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  let node: unknown = root;
  let offset = rangeStart(root);
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = rangeStart(pair.key as Node);
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      offset = rangeStart(item as Node);
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

/**
 * The parser's errors as a newcomer needs them: one per kind of mistake (a tab on every line of
 * a block is one mistake, listed with its other lines, not ten errors), and an unclosed quote
 * located where it opens rather than at the end of the file, where the parser gave up.
 */
function readableErrors(
  text: string,
  errors: { message: string; offset: number }[],
  position: (offset: number) => Position,
): { message: string; position: Position }[] {
  const byMessage = new Map<string, { message: string; position: Position; more: number[] }>();
  for (const e of errors) {
    const quote = /^Missing closing (["'])quote/.exec(e.message)?.[1] as '"' | "'" | undefined;
    const opener = quote === undefined ? undefined : unclosedQuote(text, quote);
    const message =
      opener !== undefined
        ? `${e.message}: the string opened here is never closed`
        : /^Tabs are not allowed/.test(e.message)
          ? `${e.message}; indent with spaces`
          : e.message;
    const at = position(opener ?? e.offset);
    const seen = byMessage.get(message);
    if (seen) {
      if (at.line !== seen.position.line && !seen.more.includes(at.line)) seen.more.push(at.line);
    } else {
      byMessage.set(message, { message, position: at, more: [] });
    }
  }
  return [...byMessage.values()].map(({ message, position: at, more }) => ({
    message: more.length === 0 ? message : `${message} (also on line${more.length > 1 ? 's' : ''} ${more.join(', ')})`,
    position: at,
  }));
}

/**
 * Offset of the first quote that starts a scalar (after `key: `, `- `, `[`, `{`, `,` or at the
 * start of a line) and is never closed; `undefined` when every such quote closes.
 */
export function unclosedQuote(text: string, quote: '"' | "'"): number | undefined {
  const starts = new RegExp(`(^[ \\t]*|[:\\-?][ \\t]+|[[{,][ \\t]*)${quote}`, 'gm');
  let from = 0;
  for (let m = starts.exec(text); m !== null; m = starts.exec(text)) {
    const open = m.index + m[0].length - 1;
    if (open < from) continue;
    const close = closingQuote(text, open + 1, quote);
    if (close === undefined) return open;
    from = close + 1;
    starts.lastIndex = close + 1;
  }
  return undefined;
}

function closingQuote(text: string, from: number, quote: '"' | "'"): number | undefined {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      // In single quotes, '' is an escaped quote.
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return undefined;
}
