/**
 * Shared by the generator tests: generate a fixture into a real folder, type-check the output
 * with the TypeScript compiler API, and import it.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { generate } from '../../generator/src/generate.ts';
import type { ApiIR, ChannelIR, Direction, MessageIR } from '../../generator/src/ir/types.ts';
import { tsString } from '../../generator/src/render/escape.ts';
import { writeFiles } from '../../generator/src/write/write.ts';

export const GENERATED_FILES = ['models.gen.ts', 'validators.gen.js', 'validators.gen.d.ts', 'metadata.gen.ts', 'server.gen.ts', 'client.gen.ts'] as const;
/** Generated documentation (not code): written with the code, checked by test/generator/client.test.ts. */
export const GENERATED_DOCS = ['README.md'] as const;

/** Under the project (so vitest can import the `.ts` output), git-ignored, removed by `cleanup`. */
const TMP_ROOT = path.resolve('.tmp/generator-tests');
const PROJECT = path.resolve('.');

export async function tempDir(label: string): Promise<string> {
  const dir = path.join(
    TMP_ROOT,
    `${label.replace(/[^A-Za-z0-9-]/g, '_')}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  );
  // No package.json of its own: the project's (`"type": "module"`, `"name": "streamwright"`) makes
  // the output ESM and lets it import `streamwright/runtime`, as it does from generated/<api>/.
  await mkdir(dir, { recursive: true });
  return dir;
}

export async function cleanup(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

export interface Generated {
  dir: string;
  ir: ApiIR;
  /** File name → contents, as written (canonical form): the fixed files and each `validators/` module. */
  files: Record<string, string>;
}

/** `generate()` + `writeFiles`, the way the CLI does it, into `dir`. */
export async function generateInto(spec: string, dir: string, name?: string): Promise<Generated> {
  const result = await generate(spec, name === undefined ? {} : { name });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !result.files || !result.ir) {
    throw new Error(`generate ${spec} failed:\n${errors.map((d) => `${d.code} ${d.pointer} ${d.message}`).join('\n')}`);
  }
  await writeFiles(dir, result.files, { check: false });
  const files: Record<string, string> = {};
  const written = [...GENERATED_FILES, ...result.files.map((f) => f.path).filter((f) => f.startsWith('validators/'))];
  for (const f of written) files[f] = await readFile(path.join(dir, f), 'utf8');
  return { dir, ir: result.ir, files };
}

/** Strictest reasonable settings: what a consumer with a demanding tsconfig would use. */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts'],
  types: [],
  strict: true,
  noEmit: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noPropertyAccessFromIndexSignature: true,
  useUnknownInCatchVariables: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: false,
};

/**
 * `STRICT_OPTIONS` for the generated server and client: they import the runtime's `.ts` sources
 * (the `streamwright-source` condition), use Node's and the DOM's types, and the libraries' own
 * declarations are not ours to check.
 */
export const STUB_OPTIONS: ts.CompilerOptions = {
  ...STRICT_OPTIONS,
  allowImportingTsExtensions: true,
  types: ['node'],
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  skipLibCheck: true,
};

/**
 * Type-checks `names` (relative to `dir`); returns every diagnostic in those files (and global
 * ones), formatted. What the output imports (`streamwright/runtime`) is checked by the project's
 * own `tsc` with the project's settings, not here.
 */
export function typeCheck(dir: string, names: readonly string[], options: ts.CompilerOptions = STRICT_OPTIONS): string[] {
  return typeCheckEach([{ dir, names }], options)[0]!;
}

/**
 * `typeCheck` for several folders at once, in one TypeScript program: the libraries, `@types/node`
 * and the runtime sources the output imports are read, bound and checked once instead of once per
 * folder. Each folder gets the diagnostics of its own files (and the global ones), as `typeCheck`
 * would give them: generated files are modules, so folders cannot see each other's names.
 */
export function typeCheckEach(folders: readonly { dir: string; names: readonly string[] }[], options: ts.CompilerOptions = STRICT_OPTIONS): string[][] {
  const program = ts.createProgram({
    rootNames: folders.flatMap(({ dir, names }) => names.map((n) => path.join(dir, n))),
    options,
    host: compilerHost(options),
  });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  return folders.map(({ dir }) => {
    // Only the folder's own files are checked: diagnostics elsewhere (libraries, the runtime) were
    // never reported, and checking those files is most of a program's cost.
    const own = program.getSourceFiles().filter((file) => !path.relative(dir, file.fileName).startsWith('..'));
    const diagnostics = own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]);
    // Checking a file can add global diagnostics (a missing global type, say): asked again after.
    const all = ts.sortAndDeduplicateDiagnostics([...global, ...program.getGlobalDiagnostics(), ...diagnostics]);
    return all.map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${path.relative(dir, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code}: ${text}`;
    });
  });
}

/**
 * A compiler host per set of options that keeps the files it parsed from the project (the
 * libraries in node_modules, the runtime sources: none change while tests run, unlike what tests
 * write under .tmp/ or elsewhere) for the next program, as a language service's document registry
 * keeps them.
 */
const hosts = new Map<string, ts.CompilerHost>();
export function compilerHost(options: ts.CompilerOptions): ts.CompilerHost {
  const key = JSON.stringify(options);
  let host = hosts.get(key);
  if (host !== undefined) return host;
  host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  host.getSourceFile = (fileName, version, onError, shouldCreate) => {
    const inProject = path.relative(PROJECT, fileName);
    if (inProject.startsWith('..') || path.isAbsolute(inProject) || inProject.startsWith('.tmp')) return read(fileName, version, onError, shouldCreate);
    const v = typeof version === 'object' ? version : { languageVersion: version };
    const k = `${fileName}\0${v.languageVersion}\0${v.impliedNodeFormat}\0${v.jsDocParsingMode}`;
    if (!parsed.has(k)) parsed.set(k, read(fileName, version, onError, shouldCreate));
    return parsed.get(k);
  };
  hosts.set(key, host);
  return host;
}

/** Imports a generated module (`.js` natively, `.ts` through vitest) by file URL. */
export async function importGenerated<T = Record<string, unknown>>(dir: string, file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(dir, file)).href)) as T;
}

export const messageOf = (ir: ApiIR, id: string): MessageIR => {
  const m = ir.messages.find((x) => x.id === id);
  if (!m) throw new Error(`no message ${id}`);
  return m;
};

/**
 * A TypeScript module that uses the generated code the way an application would: an exhaustive
 * `switch` (with a `never` check) over every tagged channel union, its validators' results
 * narrowed and passed on, the tag maps indexed, the metadata read.
 */
export function usageModule(ir: ApiIR): string {
  const out: string[] = [
    `import type * as models from './models.gen.js';`,
    `import * as validators from './validators.gen.js';`,
    `import { api, type ChannelId } from './metadata.gen.js';`,
    '',
    `export function assertNever(value: never): never {`,
    '  throw new Error(`unexpected ${JSON.stringify(value)}`);',
    '}',
    '',
  ];
  let n = 0;
  for (const c of ir.channels) {
    for (const d of ['send', 'receive'] as const) {
      const dir = c[d];
      if (dir.messages.length === 0) {
        out.push(`export const empty${n++}: models.${dir.unionName}[] = [];`, '');
        continue;
      }
      const tagged = dir.messages.filter((cm) => cm.tag !== null);
      const fn = `handle${n++}`;
      if (tagged.length === 0) {
        // The only message, or messages told apart by shape: the union is what a handler gets.
        const types = dir.messages.map((cm) => `models.${messageOf(ir, cm.message).typeName}`).join(' | ');
        out.push(`export function ${fn}(value: models.${dir.unionName}): ${types} {`);
        out.push(c.transport === 'sse' ? '  const event: string = value.event;\n  void event;\n  return value.data;' : '  return value;');
        out.push('}');
      } else {
        const property = dir.tagProperty ?? c.tagProperty ?? 'type';
        const access = c.transport === 'sse' ? 'value.event' : `value[${tsString(property)}]`;
        out.push(`export function ${fn}(value: models.${dir.unionName}): string {`, `  switch (${access}) {`);
        // Several messages share a tag only on a shared SSE event: that case narrows to their union.
        const groups = new Map<string, string[]>();
        for (const cm of tagged) groups.set(cm.tag!, [...(groups.get(cm.tag!) ?? []), `models.${messageOf(ir, cm.message).typeName}`]);
        for (const [tag, types] of groups) {
          const data = c.transport === 'sse' ? 'value.data' : 'value';
          out.push(
            `    case ${tsString(tag)}: {`,
            `      const narrowed: ${types.join(' | ')} = ${data};`,
            `      const viaMap: models.${dir.mapName}[${tsString(tag)}] = narrowed;`,
            '      void viaMap;',
            `      return ${tsString(tag)};`,
            '    }',
          );
        }
        // A union of one member is no union: TypeScript narrows the tag, not the value, then.
        out.push('    default:', `      return assertNever(${groups.size > 1 ? 'value' : access});`, '  }', '}');
      }
      const call = c.transport === 'sse' ? `validators.${dir.validatorName}('x', input)` : `validators.${dir.validatorName}(input)`;
      out.push(
        `export function parse${fn}(input: unknown): models.${dir.unionName} | undefined {`,
        `  const result = ${call};`,
        '  if (!result.ok) {',
        '    for (const e of result.errors) void [e.pointer, e.keyword, e.message];',
        '    return undefined;',
        '  }',
        `  ${fn}(result.value);`,
        '  return result.value;',
        '}',
        '',
      );
    }
  }
  for (const m of ir.messages)
    out.push(
      `export const check${n++} = (x: unknown): models.${m.typeName} | undefined => { const r = validators.${m.validatorName}(x); return r.ok ? r.value : undefined; };`,
    );
  out.push('');
  // Channels on Kafka, AMQP… have models and validators, but the runtime's metadata lists only what it serves.
  const served = ir.channels.filter((c) => c.stubless === undefined);
  out.push(`export const channelIds: ChannelId[] = [${served.map((c) => tsString(c.id)).join(', ')}];`);
  out.push('void api;');
  for (const c of served) out.push(`export const address${n++}: string = api.channels[${tsString(c.id)}].address;`);
  out.push('');
  return out.join('\n');
}

/** Every (channel, direction, message, example) of the IR. */
export function exampleCases(
  ir: ApiIR,
): { channel: ChannelIR; direction: Direction; message: MessageIR; tag: string | null; name: string; payload: unknown }[] {
  const cases = [];
  for (const channel of ir.channels) {
    for (const direction of ['send', 'receive'] as const) {
      for (const cm of channel[direction].messages) {
        const message = messageOf(ir, cm.message);
        for (const [i, e] of message.examples.entries()) {
          cases.push({ channel, direction, message, tag: cm.tag, name: `${channel.id} ${direction} ${message.id} ${e.name ?? `#${i}`}`, payload: e.payload });
        }
      }
    }
  }
  return cases;
}
