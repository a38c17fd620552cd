import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkAsyncapiSchema } from './asyncapi-schema.ts';
import { channelViews } from './channels.ts';
import { checkExamples } from './checks/examples.ts';
import { checkExtensions } from './checks/extensions.ts';
import { checkOperations } from './checks/operations.ts';
import { checkPatterns } from './checks/patterns.ts';
import { checkRefCycles } from './checks/ref-cycles.ts';
import { checkRefs } from './checks/refs.ts';
import { checkTags } from './checks/tags.ts';
import { checkTransports } from './checks/transports.ts';
import { checkSecuritySchemes } from './checks/security.ts';
import { checkPayloadFormats } from './checks/payload-formats.ts';
import { checkUnusedComponents } from './checks/unused.ts';
import type { Check, Finding } from './checks/context.ts';
import { compareDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostic.ts';
import { isRecord, toPointer, type PathSegment } from './pointer.ts';
import { parseSource, type SourceFile } from './source.ts';
import { BUNDLE_KEY, bundleLocator, bundleRefs, type Location } from './bundle.ts';

export interface LoadOptions {
  /** Follow `http(s)` `$ref`s. Off by default: fetching on behalf of a document is SSRF. */
  allowRemote?: boolean;
  /**
   * `full` (default): `@asyncapi/parser`'s whole rule set plus streamwright's checks.
   * `schema`: the AsyncAPI 3.0 / 3.1 JSON Schema plus streamwright's checks; much faster, for
   * `generate`, which must not pay seconds for advice rules on every run.
   */
  rules?: 'full' | 'schema';
  /** Check message payload examples (default true). `generate` checks them itself, with the validators it compiles anyway. */
  payloadExamples?: boolean;
  /**
   * Milliseconds example checks of one document may take (default 5000). Unsafe patterns are
   * refused before any example meets them; the budget bounds what that heuristic misses.
   */
  exampleBudgetMs?: number;
}

export const EXAMPLE_BUDGET_MS = 5000;

export interface LoadResult {
  file: string;
  /** Sorted by position, then code. */
  diagnostics: Diagnostic[];
  /**
   * The document, present when it could be read and is AsyncAPI 3.0 or 3.1: as written, except
   * that the local files its `$ref`s name are bundled in (see `bundleRefs`), so every `$ref` it
   * holds that can be followed is a local one.
   */
  document?: unknown;
  source?: SourceFile;
  /** Where a path into `document` was written: the document's own file, or a file it refers to. */
  locate?: (at: readonly PathSegment[]) => Location;
}

const CHECKS: readonly Check[] = [
  checkOperations,
  checkTags,
  checkTransports,
  checkSecuritySchemes,
  checkPayloadFormats,
  checkExtensions,
  checkUnusedComponents,
];

/** Reads, parses and checks one AsyncAPI document. Never throws for a bad document. */
export async function loadSpec(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const allowRemote = options.allowRemote ?? false;
  const diagnostics: Diagnostic[] = [];
  let locate: ((at: readonly PathSegment[]) => Location) | undefined;
  const at = (
    source: SourceFile | undefined,
    code: DiagnosticCode,
    severity: Severity,
    message: string,
    path: PathSegment[],
    position?: { line: number; column: number },
  ) => {
    if (position === undefined && locate !== undefined) {
      diagnostics.push({ code, severity, message, ...locate(path) });
      return;
    }
    const where = position ?? source?.locate(path) ?? { line: 1, column: 1 };
    diagnostics.push({ code, severity, message, file, line: where.line, column: where.column, pointer: '#' + toPointer(path) });
  };
  const done = (extra: Partial<LoadResult> = {}): LoadResult => ({ file, diagnostics: diagnostics.sort(compareDiagnostics), ...extra });

  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    at(undefined, 'sw/file-unreadable', 'error', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, []);
    return done();
  }
  const parsed = parseSource(file, text);
  if (!parsed.ok) {
    for (const e of parsed.errors) at(undefined, 'sw/syntax', 'error', e.message, [], e.position);
    return done();
  }
  const { source } = parsed;
  const raw = source.data;
  if (!isRecord(raw) || !('asyncapi' in raw)) {
    at(source, 'sw/not-asyncapi', 'error', 'not an AsyncAPI document: the top level must be a mapping with an `asyncapi` field', []);
    return done();
  }
  if (typeof raw.asyncapi !== 'string' || !/^3\.[01]\.\d+$/.test(raw.asyncapi)) {
    at(
      source,
      'sw/unsupported-version',
      'error',
      `asyncapi: ${JSON.stringify(raw.asyncapi)} is not supported; streamwright reads AsyncAPI 3.0 or 3.1 (3.0.x, 3.1.x)`,
      ['asyncapi'],
    );
    return done();
  }

  const report = (f: Finding) => at(source, f.code, f.severity, f.message, f.at);
  const run = (name: string, check: Check, ctx: Parameters<Check>[0]) => {
    try {
      check(ctx);
    } catch (e) {
      at(source, 'sw/internal', 'error', `check ${name} failed: ${(e as Error).message}`, []);
    }
  };

  run('refs', checkRefs({ file, allowRemote }), { doc: raw, channels: [], report });
  // From here on, the files the document refers to are part of it (and located in their own file).
  const bundle = bundleRefs(file, raw, { allowRemote });
  const doc = bundle.doc;
  locate = bundleLocator(file, source, bundle.files);
  for (const f of bundle.findings) report({ ...f, severity: 'error' });
  // Everything after this point follows $refs (the parser, ajv, the IR): a cycle that never
  // reaches structure would hang or overflow the stack there, so it ends the load here.
  const before = diagnostics.length;
  run('ref-cycles', checkRefCycles, { doc, channels: [], report });
  if (diagnostics.slice(before).some((d) => d.code === 'sw/ref-cycle')) return done({ source, locate });
  const ctx = { doc, channels: channelViews(doc), report };
  for (const check of CHECKS) run(check.name, check, ctx);
  // An unsafe pattern is never run against an example: that is the hang being reported.
  const beforePatterns = diagnostics.length;
  run('patterns', checkPatterns, ctx);
  if (!diagnostics.slice(beforePatterns).some((d) => d.code === 'sw/pattern-unsafe')) {
    run('examples', checkExamples({ payloads: options.payloadExamples ?? true, budgetMs: options.exampleBudgetMs ?? EXAMPLE_BUDGET_MS }), ctx);
  }

  // Where one of our checks already reported an error, the parser's finding at the same place
  // (or at the `$ref` there) says the same thing less precisely.
  const ours = new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.pointer));
  try {
    // The parser (Spectral and its rule set) is loaded only when it is used.
    const { findings, blocked } =
      options.rules === 'schema'
        ? { findings: checkAsyncapiSchema(raw), blocked: [] }
        : await (await import('./asyncapi-parser.ts')).runAsyncapiParser(file, text, { allowRemote, document: raw });
    // The resolver answers a refused read with `{}`; checkRefs should have foreseen every one,
    // and any it did not (a nested file's reference, say) must still fail the document.
    const foreseen = new Set(diagnostics.map((d) => d.code));
    for (const b of blocked) {
      if (foreseen.has(b.reason === 'remote' ? 'sw/remote-ref-blocked' : 'sw/ref-outside-root')) continue;
      // Relative to the document, so output does not depend on where the checkout is.
      const name = b.reason === 'remote' ? b.uri : path.relative(path.dirname(path.resolve(file)), safeDecode(b.uri));
      at(
        source,
        'sw/ref-blocked',
        'error',
        `${JSON.stringify(name)} was not read: ${b.reason === 'remote' ? 'remote references need --allow-remote' : "it is outside the document's folder"}`,
        [],
      );
    }
    // Every `$ref` was followed or refused above, more precisely than the parser can say it.
    const refsReported = diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('sw/ref-'));
    for (const f of findings) {
      if (refsReported && f.rule === 'invalid-ref') continue;
      if (f.file !== undefined) {
        // About a file the document refers to: located there, or dropped when that file could
        // not be read (its `$ref` already says why).
        const key = path
          .relative(path.dirname(path.resolve(file)), f.file)
          .split(path.sep)
          .join('/');
        if (!bundle.files.has(key)) continue;
        const where = locate([BUNDLE_KEY, key, ...f.path]);
        diagnostics.push({ code: `asyncapi/${f.rule}`, severity: f.severity, message: f.message, ...where, ...(f.position ?? {}) });
        continue;
      }
      const pointer = '#' + toPointer(f.path);
      if (ours.has(pointer) || ours.has(pointer.replace(/\/\$ref$/, ''))) continue;
      at(source, `asyncapi/${f.rule}`, f.severity, f.message, f.path, f.position);
    }
  } catch (e) {
    at(source, 'sw/internal', 'error', `@asyncapi/parser failed: ${(e as Error).message}`, []);
  }

  return done({ document: doc, source, locate });
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
