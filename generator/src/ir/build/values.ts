/** `{ key: value }` when `value` is a string, else `{}`: for optional fields of the IR. */
export function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return typeof value === 'string' ? ({ [key]: value } as { [P in K]: string }) : {};
}
