/**
 * The x-sw-sequence checker: rules of the contract applied to the server → client frames of one
 * connection. Pure: frames in, violations out, so the same function serves replays, probes and
 * unit tests.
 */
import type { SequenceRule } from '../../../runtime/index.ts';

export interface SequenceFrame {
  /** The message tag (tag property value or SSE event name); null when the frame has none. */
  tag: string | null;
  /** The parsed payload (SSE: the JSON of `data:`), undefined when it was not JSON. */
  payload: unknown;
  /** Milliseconds since the connection was opened. */
  t: number;
}

export interface SequenceViolation {
  rule: string;
  /** Index of the offending frame; -1 when the problem is an absence at the end. */
  index: number;
  /** The correlation key value the rule was checked for, when it has one. */
  key?: string;
  message: string;
}

export interface SequenceOptions {
  /** End of the observation, ms since open (defaults to the last frame's time). */
  endT?: number;
  /** Contract timings are multiplied by this (the implementation runs scaled). Default 1. */
  timeScale?: number;
  /** The connection resumed a stream (SSE Last-Event-ID): `first` rules do not apply. */
  resumed?: boolean;
  /** Unscaled slack added to timing rules: network and scheduling delay does not shrink with timeScale. */
  jitterMs?: number;
}

export interface SequenceResult {
  violations: SequenceViolation[];
  /** Ids of the rules that had something to check (a frame they name, or a long enough window). */
  exercised: string[];
}

export function checkSequence(rules: readonly SequenceRule[], frames: readonly SequenceFrame[], options: SequenceOptions = {}): SequenceResult {
  const violations: SequenceViolation[] = [];
  const exercised: string[] = [];
  for (const rule of rules) {
    const found = checkRule(rule, frames, options);
    if (found.exercised) exercised.push(rule.id);
    violations.push(...found.violations);
  }
  return { violations, exercised };
}

/** The correlation key of a frame for a rule, as a string; undefined when the frame has none. */
export function keyOf(rule: SequenceRule, frame: SequenceFrame): string | undefined {
  const pointer = (frame.tag !== null ? rule.keyByMessage?.[frame.tag] : undefined) ?? rule.key;
  if (pointer === undefined) return undefined;
  const value = valueAt(frame.payload, pointer);
  if (value === undefined || value === null || typeof value === 'object') return undefined;
  return String(value);
}

function keyed(rule: SequenceRule): boolean {
  return rule.key !== undefined || rule.keyByMessage !== undefined;
}

function checkRule(rule: SequenceRule, frames: readonly SequenceFrame[], options: SequenceOptions): { violations: SequenceViolation[]; exercised: boolean } {
  const out: SequenceViolation[] = [];
  const has = (list: readonly string[] | undefined, f: SequenceFrame) => f.tag !== null && (list ?? []).includes(f.tag);
  const names = (list: readonly string[] | undefined) => (list ?? []).join(' | ');
  const ignored = (f: SequenceFrame) => has(rule.ignore, f);
  const violation = (index: number, message: string, key?: string) => out.push({ rule: rule.id, index, message, ...(key !== undefined ? { key } : {}) });
  const isKeyed = keyed(rule);
  const mentioned = [...(rule.messages ?? []), ...(rule.first ?? []), ...(rule.then ?? [])];
  // Keyed `first` / `last` look at every frame that carries the key ("the first frame about this
  // execution"); the other kinds only at frames of their own messages.
  const anyTag = rule.kind === 'first' || rule.kind === 'last';
  const inScope = (f: SequenceFrame) => (isKeyed ? (anyTag || has(mentioned, f)) && keyOf(rule, f) !== undefined : true);
  let exercised = frames.some((f) => has(mentioned, f));

  switch (rule.kind) {
    case 'first': {
      if (options.resumed) return { violations: [], exercised: false };
      const seen = new Set<string>();
      frames.forEach((f, i) => {
        if (ignored(f) || !inScope(f)) return;
        const key = isKeyed ? keyOf(rule, f)! : '';
        if (seen.has(key)) return;
        seen.add(key);
        exercised = true;
        if (!has(rule.messages, f))
          violation(i, `${describeKey(rule, key)}first message is ${show(f)}, expected ${names(rule.messages)}`, isKeyed ? key : undefined);
      });
      break;
    }
    case 'last': {
      const ended = new Map<string, number>();
      frames.forEach((f, i) => {
        if (ignored(f) || !inScope(f)) return;
        const key = isKeyed ? keyOf(rule, f)! : '';
        const at = ended.get(key);
        if (at !== undefined) {
          violation(i, `${describeKey(rule, key)}${show(f)} after ${show(frames[at]!)} (frame ${at}), which must be the last`, isKeyed ? key : undefined);
          return;
        }
        if (has(rule.messages, f)) ended.set(key, i);
      });
      break;
    }
    case 'before': {
      const started = new Set<string>();
      frames.forEach((f, i) => {
        if (!inScope(f)) return;
        const key = isKeyed ? keyOf(rule, f)! : '';
        if (has(rule.first, f)) started.add(key);
        else if (has(rule.then, f) && !started.has(key))
          violation(i, `${describeKey(rule, key)}${show(f)} before any ${names(rule.first)}`, isKeyed ? key : undefined);
      });
      break;
    }
    case 'once': {
      const seen = new Map<string, number>();
      frames.forEach((f, i) => {
        if (!has(rule.messages, f) || !inScope(f)) return;
        const key = isKeyed ? keyOf(rule, f)! : '';
        const at = seen.get(key);
        if (at !== undefined)
          violation(i, `${describeKey(rule, key)}a second ${names(rule.messages)}: ${show(f)} (the first was frame ${at})`, isKeyed ? key : undefined);
        else seen.set(key, i);
      });
      if (rule.count === 'exactly-once') {
        // Exactly once by the end: on the connection, or for every key a frame of the rule
        // carries (a message of the rule, or one `keyByMessage` names).
        exercised = true;
        const keys = new Set<string>(isKeyed ? [] : ['']);
        if (isKeyed) {
          for (const f of frames) {
            const named = has(rule.messages, f) || (f.tag !== null && rule.keyByMessage?.[f.tag] !== undefined);
            const key = named ? keyOf(rule, f) : undefined;
            if (key !== undefined) keys.add(key);
          }
        }
        for (const key of keys)
          if (!seen.has(key)) violation(-1, `${describeKey(rule, key)}no ${names(rule.messages)}; exactly one is required`, isKeyed ? key : undefined);
      }
      break;
    }
    case 'every': {
      const scale = options.timeScale ?? 1;
      const allowed = ((rule.intervalMs ?? 0) + (rule.toleranceMs ?? 0)) * scale + (options.jitterMs ?? 0);
      const end = options.endT ?? (frames.length > 0 ? frames[frames.length - 1]!.t : 0);
      exercised = end >= allowed || frames.some((f) => has(rule.messages, f));
      let last = 0;
      let lastIndex = -1;
      frames.forEach((f, i) => {
        if (!has(rule.messages, f)) return;
        if (f.t - last > allowed)
          violation(
            i,
            `${names(rule.messages)} ${Math.round(f.t - last)} ms after ${lastIndex < 0 ? 'the connection opened' : `the previous one (frame ${lastIndex})`}; at most ${Math.round(allowed)} ms allowed`,
          );
        last = f.t;
        lastIndex = i;
      });
      if (end - last > allowed)
        violation(
          -1,
          `no ${names(rule.messages)} for ${Math.round(end - last)} ms (${lastIndex < 0 ? 'since the connection opened' : `since frame ${lastIndex}`}); at most ${Math.round(allowed)} ms allowed`,
        );
      break;
    }
  }
  return { violations: out, exercised };
}

function describeKey(rule: SequenceRule, key: string): string {
  if (!keyed(rule)) return '';
  return `[${rule.key ?? 'key'} = ${JSON.stringify(key)}] `;
}

function show(f: SequenceFrame): string {
  return f.tag === null ? '(untagged frame)' : f.tag;
}

/** RFC 6901 lookup; undefined when any step is missing. */
export function valueAt(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let here: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(here)) {
      if (!/^(0|[1-9]\d*)$/.test(segment)) return undefined;
      here = here[Number(segment)];
    } else if (typeof here === 'object' && here !== null && Object.hasOwn(here, segment)) {
      here = (here as Record<string, unknown>)[segment];
    } else return undefined;
  }
  return here;
}
