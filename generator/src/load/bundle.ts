import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { OwnCode } from './diagnostic.ts';
import { collectRefs, isInside, type RefSite } from './refs.ts';
import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from './pointer.ts';
import { parseSource, type Position, type SourceFile } from './source.ts';
import { closest, didYouMean, suggestPointer } from './suggest.ts';

/**
 * Where a bundled document keeps the files its `$ref`s name: `#/x-sw-files/<path>/…`, the path
 * relative to the document's folder, `/`-separated. An `x-` key, so the bundle is still a valid
 * AsyncAPI document; no user document may define it (it is not an extension anyone writes).
 */
export const BUNDLE_KEY = 'x-sw-files';

export interface BundleFinding {
  code: OwnCode;
  message: string;
  /** Path in the bundled document: the `$ref` that failed, in whichever file it was written. */
  at: PathSegment[];
}

export interface Bundle {
  /** The document with every readable file `$ref` rewritten to a local one; the input itself when it has none. */
  doc: unknown;
  /** Each file read, by its key under {@link BUNDLE_KEY}. */
  files: ReadonlyMap<string, SourceFile>;
  findings: BundleFinding[];
}

/** A place in one of the files of a bundle: the file as the user would name it, and a pointer into it. */
export interface Location extends Position {
  file: string;
  pointer: string;
}

/**
 * Reads the local files a document's `$ref`s name (the `schemas/*.yaml` layout, or
 * `other.yaml#/components/schemas/X`), each once, and puts them under {@link BUNDLE_KEY} with
 * every reference to them, and every reference inside them, rewritten to a local pointer. What
 * follows (checks, the IR, the validators) then sees one document with local refs only, and a
 * schema named in two files is still one schema.
 *
 * Nothing outside the document's folder is read (symlinks are followed before that is decided),
 * nothing but regular files, never the network. A reference that cannot be followed is a finding
 * at the `$ref` that names it, and stays as written.
 */
export function bundleRefs(file: string, doc: unknown, options: { allowRemote?: boolean } = {}): Bundle {
  const files = new Map<string, SourceFile>();
  const findings: BundleFinding[] = [];
  const rootDir = path.dirname(path.resolve(file));
  const hasFileRefs = (data: unknown) => collectRefs(data).some((s) => s.kind === 'file');
  if (!hasFileRefs(doc)) return { doc, files, findings };

  const rootReal = realOrResolved(file);
  const out = structuredClone(doc) as Record<string, unknown>;
  const store: Record<string, unknown> = Object.create(null);
  // Files whose contents failed to load, so each failure is reported once, at its first `$ref`.
  const failed = new Set<string>();

  const visit = (data: unknown, baseDir: string, prefix: PathSegment[], fileName: string): void => {
    for (const site of collectRefs(data)) {
      const at = [...prefix, ...site.at];
      const rewrite = (target: PathSegment[]) => {
        (getAt(data, site.at.slice(0, -1)) as Record<string, unknown>).$ref = '#' + toPointer(target);
      };
      if (site.kind === 'local') {
        // The root document's own local refs are checkRefs' business; inside a referenced file
        // they mean that file, so they move with it.
        if (prefix.length === 0) continue;
        const pointer = safePointer(site.ref);
        if (pointer === undefined || getAt(data, pointer) === undefined) {
          findings.push({ code: 'sw/ref-dangling', message: `${site.ref} points to nothing in ${fileName}${didYouMean(suggestPointer(data, site.ref))}`, at });
          continue;
        }
        rewrite([...prefix, ...pointer]);
      } else if (site.kind === 'file') {
        const target = followFile(site, baseDir, at);
        if (target !== undefined) rewrite(target);
      } else if (prefix.length > 0 && !(site.kind === 'remote' && options.allowRemote)) {
        // Remote and other schemes at the top level are reported by checkRefs.
        findings.push(
          site.kind === 'remote'
            ? { code: 'sw/remote-ref-blocked', message: `${site.ref} (in ${fileName}) was not fetched: remote references need --allow-remote`, at }
            : {
                code: 'sw/ref-unsupported',
                message: `${site.ref} was not read: streamwright reads only local, relative-file and (with --allow-remote) http(s) references`,
                at,
              },
        );
      }
    }
  };

  /** The bundled path a file `$ref` stands for, or `undefined` (and a finding) when it cannot be followed. */
  const followFile = (site: RefSite, baseDir: string, at: PathSegment[]): PathSegment[] | undefined => {
    const hash = site.ref.indexOf('#');
    const target = refFile(baseDir, hash < 0 ? site.ref : site.ref.slice(0, hash));
    const fragment = hash < 0 ? '' : site.ref.slice(hash);
    if (target === undefined || !isInside(rootDir, target)) {
      findings.push({ code: 'sw/ref-outside-root', message: `${JSON.stringify(site.ref)} is outside the document's folder and was not read`, at });
      return undefined;
    }
    const pointer = safePointer(fragment === '' ? '#' : fragment);
    if (pointer === undefined) {
      findings.push({
        code: 'sw/ref-dangling',
        message: `${JSON.stringify(site.ref)}: ${JSON.stringify(fragment)} is not a JSON pointer (write #/components/schemas/Name)`,
        at,
      });
      return undefined;
    }
    // A reference back into the document itself is a local one.
    if (realOrResolved(target) === rootReal) {
      if (getAt(out, pointer) === undefined) {
        findings.push({
          code: 'sw/ref-dangling',
          message: `${JSON.stringify(site.ref)} points to nothing in ${path.basename(file)}${didYouMean(suggestPointer(out, fragment))}`,
          at,
        });
        return undefined;
      }
      return pointer;
    }
    const key = path.relative(rootDir, target).split(path.sep).join('/');
    if (failed.has(key)) return undefined;
    if (!files.has(key)) {
      const loaded = readReferenced(target, key);
      if (!loaded.ok) {
        failed.add(key);
        findings.push({ code: loaded.code, message: `${JSON.stringify(site.ref)}: ${loaded.message}`, at });
        return undefined;
      }
      files.set(key, loaded.source);
      store[key] = loaded.source.data;
      visit(loaded.source.data, path.dirname(target), [BUNDLE_KEY, key], key);
    }
    if (getAt(store[key], pointer) === undefined) {
      findings.push({
        code: 'sw/ref-dangling',
        message: `${JSON.stringify(site.ref)}: ${fragment} points to nothing in ${key}${didYouMean(suggestPointer(store[key], fragment))}`,
        at,
      });
      return undefined;
    }
    return [BUNDLE_KEY, key, ...pointer];
  };

  visit(out, rootDir, [], path.basename(file));
  if (files.size > 0) out[BUNDLE_KEY] = { ...store };
  return { doc: out, files, findings };
}

/**
 * Maps a path in a bundled document back to the file it was written in: paths under
 * {@link BUNDLE_KEY} name the referenced file (as a sibling of `file`, so it reads like the
 * document's own name) and a pointer into it.
 */
export function bundleLocator(file: string, root: SourceFile | undefined, files: ReadonlyMap<string, SourceFile>): (at: readonly PathSegment[]) => Location {
  return (at) => {
    if (at[0] === BUNDLE_KEY && at.length >= 2) {
      const key = String(at[1]);
      const source = files.get(key);
      const rest = at.slice(2);
      const where = source?.locate(rest) ?? { line: 1, column: 1 };
      return { file: path.join(path.dirname(file), ...key.split('/')), line: where.line, column: where.column, pointer: '#' + toPointer(rest) };
    }
    const where = root?.locate(at) ?? { line: 1, column: 1 };
    return { file, line: where.line, column: where.column, pointer: '#' + toPointer(at) };
  };
}

/**
 * The name a bundled target suggests for its type: the schema's own key (`#/components/schemas/User`
 * → `User`), or for a whole file its base name (`schemas/user-created.yaml` → `user-created`).
 */
export function targetName(target: readonly PathSegment[]): string {
  if (target.length === 2 && target[0] === BUNDLE_KEY) return path.posix.basename(String(target[1])).replace(/(\.(schema|asyncapi))?\.(ya?ml|json)$/i, '');
  return String(target[target.length - 1] ?? 'Schema');
}

type Read = { ok: true; source: SourceFile } | { ok: false; code: OwnCode; message: string };

function readReferenced(file: string, key: string): Read {
  let text: string;
  try {
    // A FIFO or device would block or never end; only regular files are contracts.
    if (!statSync(file).isFile()) return { ok: false, code: 'sw/ref-unreadable', message: `${key} is not a regular file` };
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      code: 'sw/ref-unreadable',
      message: code === 'ENOENT' ? `${key} does not exist${didYouMean(nearFile(file, key))}` : `${key} cannot be read (${code ?? (e as Error).message})`,
    };
  }
  const parsed = parseSource(file, text);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    return { ok: false, code: 'sw/ref-syntax', message: `${key}:${first.position.line}:${first.position.column}: ${first.message}` };
  }
  return { ok: true, source: parsed.source };
}

/**
 * The file a reference names, decoded as a resolver decodes it (`%2e%2e/` is `../`);
 * `undefined` when it cannot be decoded.
 */
export function refFile(baseDir: string, target: string): string | undefined {
  try {
    return target.startsWith('file:') ? decodeURIComponent(new URL(target).pathname) : path.resolve(baseDir, decodeURIComponent(target));
  } catch {
    return undefined;
  }
}

/** A file beside the missing one with a name close to its (`pnig.yaml` → `ping.yaml`), as the `$ref` would write it. */
function nearFile(file: string, key: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(path.dirname(file));
  } catch {
    return undefined;
  }
  const near = closest(path.basename(file), names);
  return near === undefined ? undefined : path.posix.join(path.posix.dirname(key), near);
}

function realOrResolved(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function safePointer(ref: string): string[] | undefined {
  try {
    return parsePointer(ref);
  } catch {
    return undefined;
  }
}
