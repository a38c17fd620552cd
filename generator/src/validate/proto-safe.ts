import { isRecord } from '../load/pointer.ts';

// Keywords whose values are data, not schemas: their `properties` keys are nobody's business.
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);
const PROTO = '__proto__';

/**
 * ajv skips a property named `__proto__` in `properties` (a guard against prototype pollution in
 * its own code), so `additionalProperties: false` rejects it and its subschema is never applied.
 * It is an ordinary property name in JSON, so such a property moves to `patternProperties`
 * under an exact pattern, which ajv does check. Returns the input itself when nothing needs
 * moving; otherwise a copy, never touching the caller's objects.
 */
export function protoSafeSchema<T>(schema: T): T {
  return rewrite(schema) as T;
}

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) {
    let changed = false;
    const out = node.map((item) => {
      const next = rewrite(item);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : node;
  }
  if (!isRecord(node)) return node;
  let out: Record<string, unknown> | undefined;
  const set = (key: string, value: unknown) => {
    out ??= copy(node);
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  };
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) continue;
    const next = rewrite(value);
    if (next !== value) set(key, next);
  }
  const properties = (out ?? node).properties;
  if (isRecord(properties) && Object.hasOwn(properties, PROTO)) {
    const rest = copy(properties);
    const sub = rest[PROTO];
    delete rest[PROTO];
    set('properties', rest);
    const patterns = isRecord(node.patternProperties) ? copy(node.patternProperties) : {};
    const exact = `^${PROTO}$`;
    // An existing exact pattern keeps applying too: both subschemas must hold, as before.
    patterns[exact] = Object.hasOwn(patterns, exact) ? { allOf: [patterns[exact], sub] } : sub;
    set('patternProperties', patterns);
  }
  return out ?? node;
}

/** A shallow copy that keeps a `__proto__` key an own property instead of setting the prototype. */
function copy(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
