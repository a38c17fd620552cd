/**
 * The only ways a string from a spec reaches generated code. Each returns code that, whatever
 * the input (quotes, backticks, `${`, `*\/`, U+2028, newlines), stays inside the construct it
 * is meant for and keeps the value verbatim at run time.
 */

const VALID_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A double-quoted string literal, valid in TypeScript and JavaScript. */
export function tsString(value: string): string {
  // JSON.stringify escapes quotes, backslashes and controls; the line separators are legal in
  // JSON strings but end a line in older JavaScript parsers and in tooling.
  return JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Text for a JSDoc block, one ` * `-prefixed line per input line, unable to close the comment. */
export function jsDocLines(text: string): string[] {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\*\//g, '*\\/')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''));
}

/** A whole JSDoc comment (with the given indent), or '' for no text. */
export function jsDoc(paragraphs: (string | undefined)[], indent = ''): string {
  const lines: string[] = [];
  for (const p of paragraphs) {
    if (p === undefined || p.trim() === '') continue;
    if (lines.length > 0) lines.push('');
    lines.push(...jsDocLines(p.trim()));
  }
  if (lines.length === 0) return '';
  return [`${indent}/**`, ...lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)), `${indent} */`].join('\n') + '\n';
}

/** Asserts that `name` (made by `NameScope`) is an identifier; a guard against naming bugs. */
export function ident(name: string): string {
  if (!VALID_IDENTIFIER.test(name)) throw new Error(`not a valid identifier: ${tsString(name)}`);
  return name;
}

/** A property key for a type literal or interface: bare when it can be, quoted otherwise. */
export function propertyKey(name: string): string {
  return VALID_IDENTIFIER.test(name) ? name : tsString(name);
}

/**
 * A key of an object literal (a value, not a type): as `propertyKey`, except `__proto__`, which
 * in a literal, bare or quoted, sets the object's prototype instead of making a property; it is
 * written as a computed key.
 */
export function objectKey(name: string): string {
  return name === '__proto__' ? '["__proto__"]' : propertyKey(name);
}

/**
 * A JavaScript expression that evaluates to a deep copy of `value` (JSON data). Object keys are
 * quoted, and `__proto__` is written as a computed key, so that it stays an own property instead
 * of setting the prototype.
 */
export function jsLiteral(value: unknown, indent = '', step = '  '): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not JSON data: ${value}`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'string') return tsString(value);
  const inner = indent + step;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + jsLiteral(v, inner, step)).join(',\n')},\n${indent}]`;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const entries = keys.map((k) => {
      const key = k === '__proto__' ? `[${tsString(k)}]` : tsString(k);
      return `${inner}${key}: ${jsLiteral((value as Record<string, unknown>)[k], inner, step)}`;
    });
    return `{\n${entries.join(',\n')},\n${indent}}`;
  }
  throw new Error(`not JSON data: ${typeof value}`);
}

/**
 * JSON for a doc comment: as `JSON.stringify`, but U+2028 and U+2029 (valid in JSON strings) are
 * written as escapes, so that a value shows verbatim instead of as a broken line.
 */
export function docJson(value: unknown, space?: number): string {
  return (JSON.stringify(value, null, space) ?? 'undefined').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text for one line of a doc comment (a channel address, a tag): line breaks shown as escapes. */
export function docInline(text: string): string {
  return text
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
