/**
 * The change fingerprint of the contract's `x-sw-poll.fingerprint`: a list of JSON pointers into
 * a PipelineSnapshot, where `*` stands for every item of an array and a final `length` for an
 * array's length (`/status`, `/jobs/*\/status`, `/pendingInterventions/length`).
 */
export function createFingerprint(pointers: readonly string[]): (value: unknown) => string {
  const paths = pointers.map((p) =>
    p
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')),
  );
  return (value) => JSON.stringify(paths.map((path) => select(value, path)));
}

function select(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return value === undefined ? null : value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head === '*') return value.map((item) => select(item, rest));
    if (head === 'length' && rest.length === 0) return value.length;
    const index = /^(0|[1-9]\d*)$/.test(head) ? Number(head) : -1;
    return index >= 0 && index < value.length ? select(value[index], rest) : null;
  }
  if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, head)) {
    return select((value as Record<string, unknown>)[head], rest);
  }
  return null;
}
