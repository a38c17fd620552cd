import path from 'node:path';
import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { parserInput } from './parser-safe.ts';
import { createGuardedResolvers, type BlockedRead } from './refs.ts';
import type { PathSegment } from './pointer.ts';

export interface ParserFinding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  path: PathSegment[];
  /** 1-based, when the parser knows it; in `file`. */
  position?: { line: number; column: number };
  /** Absolute path of a file the document refers to, when the finding is about that file (`path` is then into it). */
  file?: string;
}

// 3.0 and 3.1 are both first-class here; the "use the latest version" nudge is noise.
const IGNORED_RULES = new Set(['asyncapi-latest-version']);

interface ParserContext {
  rootDir: string;
  blocked: BlockedRead[];
}

// Building a Parser loads the whole Spectral ruleset (hundreds of ms), so one instance per
// policy is kept; the resolvers read the per-document context through a closure.
const parsers = new Map<boolean, { parser: Parser; context: ParserContext }>();

function parserFor(allowRemote: boolean) {
  let entry = parsers.get(allowRemote);
  if (!entry) {
    const context: ParserContext = { rootDir: '.', blocked: [] };
    const parser = new Parser({
      __unstable: {
        resolver: {
          cache: false,
          resolvers: createGuardedResolvers({ rootDir: () => context.rootDir, allowRemote, blocked: context.blocked }) as never,
        },
      },
    });
    entry = { parser, context };
    parsers.set(allowRemote, entry);
  }
  return entry;
}

// Parses are serialised: the shared context must belong to one document at a time.
let queue: Promise<unknown> = Promise.resolve();

export function runAsyncapiParser(
  file: string,
  text: string,
  options: { allowRemote: boolean; document: unknown },
): Promise<{ findings: ParserFinding[]; blocked: BlockedRead[] }> {
  const job = queue.then(async () => {
    const { parser, context } = parserFor(options.allowRemote);
    const absolute = path.resolve(file);
    context.rootDir = path.dirname(absolute);
    context.blocked.length = 0;
    const input = parserInput(text, options.document);
    const output = await parser.parse(input.text, { source: absolute });
    const blocked = [...context.blocked];
    const findings: ParserFinding[] = [];
    for (const d of output.diagnostics) {
      if (IGNORED_RULES.has(String(d.code))) continue;
      if (d.severity !== DiagnosticSeverity.Error && d.severity !== DiagnosticSeverity.Warning) continue;
      // A blocked read resolves to `{}`; the parser's complaints about it only repeat ours.
      if (blocked.some((b) => d.message.includes(b.uri))) continue;
      findings.push({
        rule: String(d.code),
        severity: d.severity === DiagnosticSeverity.Error ? 'error' : 'warning',
        message: input.restoreMessage(d.message),
        path: input.restorePath(d.path),
        // Positions in a renamed copy are not positions in the file; the path locates it instead.
        ...(d.range && input.original ? { position: { line: d.range.start.line + 1, column: d.range.start.character + 1 } } : {}),
        ...(typeof d.source === 'string' && d.source !== absolute ? { file: d.source } : {}),
      });
    }
    return { findings, blocked };
  });
  queue = job.catch(() => undefined);
  return job;
}
