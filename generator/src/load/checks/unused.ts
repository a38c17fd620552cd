import { collectRefs } from '../refs.ts';
import { getAt, isRecord, parsePointer, toPointer } from '../pointer.ts';
import type { Check } from './context.ts';

/**
 * Components that nothing outside `components` reaches, directly or through other components,
 * are reported: a schema nobody uses is usually a typo in a `$ref` elsewhere.
 */
export const checkUnusedComponents: Check = ({ doc, report }) => {
  const components = getAt(doc, ['components']);
  if (!isRecord(components)) return;
  const componentOf = (path: readonly (string | number)[]): string | undefined =>
    path[0] === 'components' && path.length >= 3 ? toPointer(path.slice(0, 3)) : undefined;
  const targetOf = (ref: string): string | undefined => {
    try {
      return componentOf(parsePointer(ref));
    } catch {
      return undefined;
    }
  };
  // Refs grouped by the component they sit in (undefined: outside components), once.
  const refsIn = new Map<string | undefined, string[]>();
  for (const r of collectRefs(doc)) {
    if (r.kind !== 'local') continue;
    const owner = componentOf(r.at);
    const list = refsIn.get(owner) ?? [];
    list.push(r.ref);
    refsIn.set(owner, list);
  }
  const reached = new Set<string>();
  const pending: (string | undefined)[] = [undefined];
  while (pending.length > 0) {
    for (const ref of refsIn.get(pending.pop()) ?? []) {
      const target = targetOf(ref);
      if (target !== undefined && !reached.has(target)) {
        reached.add(target);
        pending.push(target);
      }
    }
  }
  for (const [kind, entries] of Object.entries(components)) {
    if (!isRecord(entries) || kind.startsWith('x-')) continue;
    for (const name of Object.keys(entries)) {
      if (!reached.has(toPointer(['components', kind, name]))) {
        report({ code: 'sw/component-unused', severity: 'warning', message: `components.${kind}.${name} is never referenced`, at: ['components', kind, name] });
      }
    }
  }
};
