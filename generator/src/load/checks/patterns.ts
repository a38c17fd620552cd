import { unsafePattern } from '../../validate/regex-safety.ts';
import { isRecord, type PathSegment } from '../pointer.ts';
import type { Check } from './context.ts';

// Values of these keywords are data, not schemas.
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);

/**
 * Every `pattern` and `patternProperties` key that can backtrack exponentially. Such a pattern
 * stalls example checks here and, compiled into validators, lets one crafted frame stall a
 * server: it is an error, reported where it is written, before any example meets it.
 */
export const checkPatterns: Check = ({ doc, report }) => {
  const walk = (node: unknown, at: PathSegment[]): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, [...at, i]));
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (DATA_KEYWORDS.has(key)) continue;
      if (key === 'pattern' && typeof value === 'string') flag(value, [...at, key]);
      if (key === 'patternProperties' && isRecord(value)) for (const p of Object.keys(value)) flag(p, [...at, key, p]);
      walk(value, [...at, key]);
    }
  };
  const flag = (pattern: string, at: PathSegment[]) => {
    const why = unsafePattern(pattern);
    if (why)
      report({
        code: 'sw/pattern-unsafe',
        severity: 'error',
        message: `pattern ${JSON.stringify(pattern)}: ${why}; rewrite it so each repetition can match in one way only`,
        at,
      });
  };
  walk(doc, []);
};
