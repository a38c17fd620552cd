/** The query string of a WebSocket channel, checked against the contract's `bindings.ws.query` schema. */
import type { ChannelDescription } from '../contract.ts';

export function requiredQuery(channel: ChannelDescription): string[] {
  const q = channel.query as { required?: unknown } | undefined;
  return Array.isArray(q?.required) ? q.required.filter((n): n is string => typeof n === 'string') : [];
}

/** Query parameters whose value breaks the pattern or length the contract's query schema gives. */
export function malformedQuery(channel: ChannelDescription, query: URLSearchParams): string[] {
  type Prop = { pattern?: unknown; minLength?: unknown; maxLength?: unknown };
  const props = (channel.query as { properties?: Record<string, Prop> } | undefined)?.properties ?? {};
  return Object.entries(props)
    .filter(([name, schema]) => {
      const value = query.get(name);
      if (value === null) return false;
      if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return true;
      if (typeof schema.minLength === 'number' && [...value].length < schema.minLength) return true;
      return typeof schema.maxLength === 'number' && [...value].length > schema.maxLength;
    })
    .map(([name]) => name);
}
