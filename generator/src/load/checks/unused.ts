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
  const refs = collectRefs(doc).filter((r) => r.kind === 'local');
  const reached = new Set<string>();
  const pending: string[] = [];
  const componentOf = (ref: string): string | undefined => {
    let path: string[];
    try {
      path = parsePointer(ref);
    } catch {
      return undefined;
    }
    return path[0] === 'components' && path.length >= 3 ? toPointer(path.slice(0, 3)) : undefined;
  };
  const visit = (ref: string) => {
    const component = componentOf(ref);
    if (component !== undefined && !reached.has(component)) {
      reached.add(component);
      pending.push(component);
    }
  };
  for (const r of refs) if (r.at[0] !== 'components') visit(r.ref);
  while (pending.length > 0) {
    const component = pending.pop()!;
    for (const r of refs) if (toPointer(r.at).startsWith(component + '/')) visit(r.ref);
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
