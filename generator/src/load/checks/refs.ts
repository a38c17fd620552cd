import path from 'node:path';
import { collectRefs, isInside } from '../refs.ts';
import { getAt, parsePointer } from '../pointer.ts';
import type { Check } from './context.ts';

/**
 * Where each `$ref` points, reported at the `$ref` itself: remote ones (not fetched unless
 * allowed), files outside the document's folder (never read), local ones that dangle.
 */
export function checkRefs(options: { file: string; allowRemote: boolean }): Check {
  const rootDir = path.dirname(path.resolve(options.file));
  return ({ doc, report }) => {
    for (const site of collectRefs(doc)) {
      if (site.kind === 'remote' && !options.allowRemote) {
        report({ code: 'sw/remote-ref-blocked', severity: 'error', message: `${site.ref} was not fetched: remote references need --allow-remote`, at: site.at });
      } else if (site.kind === 'other') {
        report({ code: 'sw/ref-unsupported', severity: 'error', message: `${site.ref} was not read: streamwright reads only local, relative-file and (with --allow-remote) http(s) references`, at: site.at });
      } else if (site.kind === 'file') {
        const file = refFile(rootDir, site.ref);
        if (file === undefined || !isInside(rootDir, file)) {
          report({ code: 'sw/ref-outside-root', severity: 'error', message: `${JSON.stringify(site.ref)} is outside the document's folder and was not read`, at: site.at });
        }
      } else if (site.kind === 'local') {
        let target: string[] | undefined;
        try {
          target = parsePointer(site.ref);
        } catch {
          target = undefined;
        }
        if (target === undefined || getAt(doc, target) === undefined) {
          report({ code: 'sw/ref-dangling', severity: 'error', message: `${site.ref} points to nothing in this document`, at: site.at });
        }
      }
    }
  };
}

/**
 * The file a reference names, decoded as the resolver will decode it (`%2e%2e/` is `../` to it);
 * `undefined` when it cannot be decoded, which the resolver cannot read either.
 */
function refFile(rootDir: string, ref: string): string | undefined {
  const target = ref.split('#')[0]!;
  try {
    return target.startsWith('file:') ? decodeURIComponent(new URL(target).pathname) : path.resolve(rootDir, decodeURIComponent(target));
  } catch {
    return undefined;
  }
}
