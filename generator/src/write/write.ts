import { mkdir, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EmittedFile } from '../emit/types.ts';

/** Generated files end in exactly one newline, use LF, and have no trailing spaces. */
export function canonical(contents: string): string {
  return (
    contents
      .replace(/\r\n?/g, '\n')
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

export interface WriteReport {
  /** Files whose contents differ from what is on disk (or are missing there), relative to the root. */
  changed: string[];
  /** `*.gen.*` files on disk that the spec no longer produces. */
  stale: string[];
}

/**
 * The only code that touches the output folder. With `check`, writes nothing and reports what
 * would change; otherwise writes the changed files and removes stale generated ones.
 */
export async function writeFiles(outDir: string, files: readonly EmittedFile[], options: { check: boolean }): Promise<WriteReport> {
  const changed: string[] = [];
  const wanted = new Set(files.map((f) => path.normalize(f.path)));
  for (const file of files) {
    const target = path.join(outDir, file.path);
    const contents = canonical(file.contents);
    let current: string | undefined;
    try {
      current = await readFile(target, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === contents) continue;
    changed.push(path.join(outDir, file.path));
    if (!options.check) {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, contents);
    }
  }
  const stale: string[] = [];
  let existing: string[] = [];
  try {
    existing = await readdir(outDir);
  } catch {
    existing = [];
  }
  for (const name of existing) {
    if (/\.gen\.[a-z.]+$/.test(name) && !wanted.has(name)) {
      stale.push(path.join(outDir, name));
      if (!options.check) await rm(path.join(outDir, name));
    }
  }
  return { changed: changed.sort(), stale: stale.sort() };
}
