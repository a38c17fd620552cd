import { channelViews, type ChannelView, type Direction } from '../load/channels.ts';
import { directionDispatch, directionMessages } from '../load/discriminator.ts';
import { createDocumentSchemas, normalizeAjvErrors, type ValidationError } from './ajv.ts';
import { encodeSegment, type PathSegment } from '../load/pointer.ts';
import { eventTag, messageTag } from '../../../runtime/protocol/index.ts';
import { derefLocal } from '../load/refs.ts';
import { payloadLocation } from '../load/payload.ts';
import type { ValidateFunction } from 'ajv';

/** One inbound or outbound frame: its JSON payload and, on SSE channels, its `event:` name. */
export interface Frame {
  payload: unknown;
  event?: string;
}

export type FrameVerdict =
  /** `ambiguous`: on a shape-dispatched direction, every message the frame matched (first one wins). */
  { ok: true; message: string; tag: string | null; ambiguous?: string[] } | { ok: false; message?: string; errors: ValidationError[] };

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
      fn = path[0] === '$anything' ? (Object.assign(() => true, { errors: null }) as unknown as ValidateFunction) : schemas.compileAt(path);
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
      if (Array.isArray(choice)) return byShape(choice, frame.payload);
      const validate = payloadValidator(choice.payloadPath);
      if (validate(frame.payload)) return { ok: true, message: choice.id, tag: choice.tag };
      return { ok: false, message: choice.id, errors: normalizeAjvErrors(validate.errors) };
    },
  };

  /** The first entry whose schema accepts the payload; with none, the errors of the first entry. */
  function byShape(entries: RouteEntry[], payload: unknown): FrameVerdict {
    const matched = entries.filter((e) => payloadValidator(e.payloadPath)(payload));
    if (matched.length > 0) {
      const first = matched[0]!;
      return { ok: true, message: first.id, tag: first.tag, ...(matched.length > 1 ? { ambiguous: matched.map((e) => e.id) } : {}) };
    }
    const validate = payloadValidator(entries[0]!.payloadPath);
    validate(payload);
    return { ok: false, errors: normalizeAjvErrors(validate.errors) };
  }
}

interface RouteEntry {
  id: string;
  tag: string | null;
  payloadPath: PathSegment[];
}

interface Route {
  sse: boolean;
  kind: ReturnType<typeof directionDispatch>['kind'];
  tagProperty: string;
  /** Tag → the messages carrying it, in document order (several only on a shared SSE event). */
  byTag: Map<string, RouteEntry[]>;
  /** Every message of the direction, in document order. */
  all: RouteEntry[];
}

function routeFor(doc: unknown, view: ChannelView, direction: Direction): Route {
  const d = directionDispatch(doc, view, direction);
  const route: Route = { sse: view.sse, kind: d.kind, tagProperty: d.property ?? 'type', byTag: new Map(), all: [] };
  for (const m of directionMessages(view, direction)) {
    const location = payloadLocation(doc, m.target);
    // No payload, or one that is not JSON Schema: anything goes, as in the generated validators.
    const payloadPath = location.kind === 'schema' ? followed(doc, location.path) : ['$anything'];
    const tag = d.tags.get(m.id) ?? null;
    const entry = { id: m.id, tag, payloadPath };
    route.all.push(entry);
    if (tag !== null) route.byTag.set(tag, [...(route.byTag.get(tag) ?? []), entry]);
  }
  return route;
}

function dispatch(route: Route, frame: Frame): RouteEntry | RouteEntry[] | { errors: ValidationError[] } {
  if (route.kind === 'single') return route.all[0]!;
  if (route.kind === 'shape') return route.all;
  // As the generated validator: on a WebSocket the (absent) tag property is what is wrong.
  if (route.kind === 'none')
    return {
      errors: [{ pointer: route.sse ? '' : '/' + encodeSegment(route.tagProperty), keyword: 'tag', message: 'no message is allowed in this direction' }],
    };
  const pick = (entries: RouteEntry[]) => (entries.length === 1 ? entries[0]! : entries);
  if (route.sse) {
    const event = eventTag(frame.event);
    const entries = route.byTag.get(event);
    return entries ? pick(entries) : { errors: [{ pointer: '', keyword: 'tag', message: `unknown event ${JSON.stringify(event)}` }] };
  }
  const pointer = '/' + encodeSegment(route.tagProperty);
  const tag = messageTag(frame.payload, route.tagProperty);
  if (tag === null) return { errors: [{ pointer, keyword: 'tag', message: `must have a string \`${route.tagProperty}\`` }] };
  const entries = route.byTag.get(tag);
  return entries
    ? pick(entries)
    : {
        errors: [
          { pointer, keyword: 'tag', message: `unknown ${route.tagProperty} ${JSON.stringify(tag)} (expected one of ${[...route.byTag.keys()].join(', ')})` },
        ],
      };
}

function followed(doc: unknown, path: PathSegment[]): PathSegment[] {
  const resolved = derefLocal(doc, path);
  return resolved.ok ? resolved.at : path;
}
