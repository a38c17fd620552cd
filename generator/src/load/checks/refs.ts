import { collectRefs } from '../refs.ts';
import { getAt, parsePointer } from '../pointer.ts';
import { didYouMean, suggestPointer } from '../suggest.ts';
import type { Check } from './context.ts';

/**
 * Where each `$ref` of the document's own file points, reported at the `$ref` itself: remote
 * ones (not fetched unless allowed), other schemes, local ones that dangle. References to files
 * (and everything inside those files) are followed, or refused, by `bundleRefs`.
 */
export function checkRefs(options: { file: string; allowRemote: boolean }): Check {
  return ({ doc, report }) => {
    for (const site of collectRefs(doc)) {
      if (site.kind === 'remote' && !options.allowRemote) {
        report({
          code: 'sw/remote-ref-blocked',
          severity: 'error',
          message: `${site.ref} was not fetched: remote references need --allow-remote`,
          at: site.at,
        });
      } else if (site.kind === 'other') {
        report({
          code: 'sw/ref-unsupported',
          severity: 'error',
          message: `${site.ref} was not read: streamwright reads only local, relative-file and (with --allow-remote) http(s) references`,
          at: site.at,
        });
      } else if (site.kind === 'local') {
        let target: string[] | undefined;
        try {
          target = parsePointer(site.ref);
        } catch {
          target = undefined;
        }
        if (target === undefined || getAt(doc, target) === undefined) {
          report({
            code: 'sw/ref-dangling',
            severity: 'error',
            message: `${site.ref} points to nothing in this document${didYouMean(suggestPointer(doc, site.ref))}`,
            at: site.at,
          });
        }
      }
    }
  };
}
