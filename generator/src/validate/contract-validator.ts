import { channelViews, tagOf, type ChannelView, type Direction } from '../load/channels.ts';
import { createDocumentSchemas, normalizeAjvErrors, type ValidationError } from './ajv.ts';
import { encodeSegment, isRecord, type PathSegment } from '../load/pointer.ts';
import { derefLocal } from '../load/refs.ts';
import type { ValidateFunction } from 'ajv';

/** One inbound or outbound frame: its JSON payload and, on SSE channels, its `event:` name. */
export interface Frame {
  payload: unknown;
  event?: string;
}

export type FrameVerdict =
  | { ok: true; message: string; tag: string | null }
  | { ok: false; message?: string; errors: ValidationError[] };

/**
 * Validates frames against a raw AsyncAPI document the way generated validators do: read the
 * tag, pick the one message it names on that channel and direction, validate that schema only.
 * In memory, compiled lazily; the reference the precompiled validators are compared with.
 */
export function createContractValidator(doc: unknown) {
  const schemas = createDocumentSchemas(doc);
  const routes = new Map<string, Route>();
  for (const view of channelViews(doc)) {
    for (const direction of ['send', 'receive'] as const) routes.set(`${view.id} ${direction}`, routeFor(doc, view, direction));
  }
  const compiled = new Map<string, ValidateFunction>();
  const payloadValidator = (path: PathSegment[]) => {
    const key = path.join('\u0000');
    let fn = compiled.get(key);
    if (!fn) {
      fn = schemas.compileAt(path);
      compiled.set(key, fn);
    }
    return fn;
  };

  return {
    validate(channel: string, direction: Direction, frame: Frame): FrameVerdict {
      const route = routes.get(`${channel} ${direction}`);
      if (!route) throw new Error(`no channel "${channel}"`);
      const choice = dispatch(route, frame);
      if ('errors' in choice) return { ok: false, errors: choice.errors };
      const validate = payloadValidator(choice.payloadPath);
      if (validate(frame.payload)) return { ok: true, message: choice.id, tag: choice.tag };
      return { ok: false, message: choice.id, errors: normalizeAjvErrors(validate.errors) };
    },
  };
}

interface RouteEntry {
  id: string;
  tag: string | null;
  payloadPath: PathSegment[];
}

interface Route {
  sse: boolean;
  tagProperty: string;
  byTag: Map<string, RouteEntry>;
  /** The only message of the direction when it is untagged. */
  untagged?: RouteEntry;
}

function routeFor(doc: unknown, view: ChannelView, direction: Direction): Route {
  const route: Route = { sse: view.sse, tagProperty: view.tagProperty, byTag: new Map() };
  for (const m of view.messages) {
    if (!view.directions[direction].has(m.id)) continue;
    const payload = derefLocal(doc, [...m.target, 'payload']);
    const payloadPath = payload.ok ? payload.at : [...m.target, 'payload'];
    const tag = tagOf(doc, view, m);
    if (tag.kind === 'tag') route.byTag.set(tag.value, { id: m.id, tag: tag.value, payloadPath });
    else if (tag.kind === 'untagged') route.untagged = { id: m.id, tag: null, payloadPath };
  }
  return route;
}

function dispatch(route: Route, frame: Frame): RouteEntry | { errors: ValidationError[] } {
  if (route.untagged) return route.untagged;
  if (route.sse) {
    const entry = frame.event === undefined ? undefined : route.byTag.get(frame.event);
    return entry ?? { errors: [{ pointer: '', keyword: 'tag', message: `unknown event ${JSON.stringify(frame.event ?? 'message')}` }] };
  }
  const pointer = '/' + encodeSegment(route.tagProperty);
  if (!isRecord(frame.payload) || typeof frame.payload[route.tagProperty] !== 'string') {
    return { errors: [{ pointer, keyword: 'tag', message: `must have a string \`${route.tagProperty}\`` }] };
  }
  const tag = frame.payload[route.tagProperty] as string;
  const entry = route.byTag.get(tag);
  return entry ?? { errors: [{ pointer, keyword: 'tag', message: `unknown ${route.tagProperty} ${JSON.stringify(tag)} (expected one of ${[...route.byTag.keys()].join(', ')})` }] };
}
