/**
 * Reading a frame: its JSON and its tag, the one value that says which of the contract's messages
 * it claims to be. Server, client, recorder and `conform` all read tags here, so they agree on
 * what an untagged, mistagged or non-object frame is; and the one way to write a tag, which the
 * client, the probes and the replay use for the frames they make up (pongs, auth messages).
 * Browser-safe.
 */

/** Where a channel's messages carry their tag. */
export interface TagSite {
  readonly transport: 'ws' | 'sse' | 'http';
  /** The property of a WebSocket message that holds its tag; null when messages carry none. */
  readonly tagProperty: string | null;
}

export type JsonRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** A frame's text as JSON, without throwing: frames are untrusted. */
export function readJson(text: string): JsonRead {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The tag of a message: the string at `tagProperty` of an object; null for anything else. */
export function messageTag(value: unknown, tagProperty: string | null): string | null {
  if (tagProperty === null || !isJsonObject(value)) return null;
  const tag = value[tagProperty];
  return typeof tag === 'string' ? tag : null;
}

/** The property a message is tagged in when its channel names none: the tag convention's default. */
export const DEFAULT_TAG_PROPERTY = 'type';

/**
 * A message claiming to be `tag`: the inverse of {@link messageTag}. The tag goes first, at the
 * channel's tag property (`type` when it names none), then `fields`; a field of the same name
 * cannot overwrite the tag, so `messageTag(taggedMessage(p, t, f), p ?? 'type') === t` always.
 */
export function taggedMessage<V = never>(
  tagProperty: string | null | undefined,
  tag: string,
  fields: Readonly<Record<string, V>> = {},
): Record<string, string | V> {
  const property = tagProperty ?? DEFAULT_TAG_PROPERTY;
  const out: Record<string, string | V> = { [property]: tag, ...fields };
  out[property] = tag;
  return out;
}

/** The tag of an SSE event: its `event:` name, `message` (the standard's default) without one. */
export function eventTag(event: string | undefined): string {
  return event === undefined || event === '' ? 'message' : event;
}

/** The tag of a frame on a channel: the event name on SSE, the tag property elsewhere. */
export function frameTag(site: TagSite, value: unknown, event?: string): string | null {
  return site.transport === 'sse' ? eventTag(event) : messageTag(value, site.tagProperty);
}
