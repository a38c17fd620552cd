import { collectRefs } from '../refs.ts';
import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from '../pointer.ts';
import type { Check } from './context.ts';

/**
 * Keywords that apply a subschema to the same instance location. A cycle through these (and
 * `$ref`) never reaches a smaller piece of data: the parser follows it forever and ajv recurses
 * until the stack overflows. A cycle through `properties`, `items` and the like is ordinary
 * recursion (a tree node whose children are nodes) and stays legal.
 */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'] as const;

/**
 * `$ref` cycles with no structure in between (`A: {$ref: B}`, `B: {$ref: A}`, `A: {$ref: A}`,
 * `A: {allOf: [{$ref: A}]}`), reported at a `$ref` of the cycle before anything else follows them.
 */
export const checkRefCycles: Check = ({ doc, report }) => {
  const edgesOf = (at: PathSegment[]): PathSegment[][] => {
    const node = getAt(doc, at);
    if (!isRecord(node)) return [];
    const next: PathSegment[][] = [];
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) {
      try {
        const target = parsePointer(node.$ref);
        if (getAt(doc, target) !== undefined) next.push(target);
      } catch {
        // Not a pointer: checkRefs reports it.
      }
    }
    for (const key of IN_PLACE_LISTS) {
      const list = Object.hasOwn(node, key) ? node[key] : undefined;
      if (Array.isArray(list)) list.forEach((_, i) => next.push([...at, key, i]));
    }
    for (const key of IN_PLACE_ONE) if (Object.hasOwn(node, key) && isRecord(node[key])) next.push([...at, key]);
    return next;
  };

  // Iterative depth-first search (a chain may be thousands of refs long): grey = on the current path.
  const state = new Map<string, 'grey' | 'black'>();
  const reported = new Set<string>();
  const starts = collectRefs(doc)
    .filter((r) => r.kind === 'local')
    .map((r) => r.at.slice(0, -1));
  for (const start of starts) {
    if (state.has(toPointer(start))) continue;
    const path: { at: PathSegment[]; pending: PathSegment[][] }[] = [{ at: start, pending: edgesOf(start) }];
    state.set(toPointer(start), 'grey');
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const next = top.pending.shift();
      if (next === undefined) {
        state.set(toPointer(top.at), 'black');
        path.pop();
        continue;
      }
      const key = toPointer(next);
      const seen = state.get(key);
      if (seen === 'black') continue;
      if (seen === 'grey') {
        const cycle = path.slice(path.findIndex((p) => toPointer(p.at) === key)).map((p) => p.at);
        const id = cycle.map(toPointer).sort().join('\n');
        if (reported.has(id)) continue;
        reported.add(id);
        const refs = cycle.filter((at) => typeof (getAt(doc, at) as { $ref?: unknown }).$ref === 'string');
        const chain = [...cycle, next].map((at) => '#' + toPointer(at)).join(' → ');
        report({
          code: 'sw/ref-cycle',
          severity: 'error',
          message: `$ref cycle with nothing in between: ${chain}; a schema may refer to itself only inside properties, items or the like`,
          at: [...(refs[0] ?? cycle[0]!), '$ref'],
        });
        continue;
      }
      state.set(key, 'grey');
      path.push({ at: next, pending: edgesOf(next) });
    }
  }
};
