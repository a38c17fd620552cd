/**
 * Transcript matching: the recorded server messages against the ones the implementation sent,
 * in the order the matcher settings ask for (strict, per correlation key, or none).
 */
import { valueAt } from '../sequence/check.ts';
import type { ServerFrame } from './frames.ts';
import { Captures, compareFrame, type MatcherSettings } from './matchers.ts';
import type { Finding } from './report.ts';

export interface RecordedFrame {
  tag: string | null;
  payload: unknown;
  json: boolean;
  text: string;
  /** Line of the transcript file (1-based). */
  line: number;
}

const MAX_FINDINGS = 20;

export function matchTranscript(recorded: readonly RecordedFrame[], actual: readonly ServerFrame[], settings: MatcherSettings, base: { case: string; channel: string }): Finding[] {
  const out: Finding[] = [];
  const captures = new Captures();
  const finding = (f: Omit<Finding, 'case' | 'channel' | 'check'>) => {
    if (out.length < MAX_FINDINGS) out.push({ ...base, check: 'transcript', ...f });
  };
  const compare = (r: RecordedFrame, a: ServerFrame) => {
    if (r.tag !== a.tag) {
      finding({ rule: 'transcript/message', step: a.index, ...(a.tag !== null ? { message: a.tag } : {}), expected: r.tag ?? '(untagged)', actual: a.tag ?? '(untagged)', text: `a different message than recorded (transcript line ${r.line})` });
      return;
    }
    if (!r.json || !a.json) {
      if (r.text !== a.text) finding({ rule: 'transcript/field', step: a.index, pointer: '', expected: r.text.slice(0, 120), actual: a.text.slice(0, 120), text: `frame text differs from transcript line ${r.line}` });
      return;
    }
    for (const m of compareFrame(r.payload, a.payload, r.tag, settings, captures, 5)) {
      finding({ rule: `transcript/${m.matcher === 'literal' ? 'field' : m.matcher}`, step: a.index, ...(a.tag !== null ? { message: a.tag } : {}), pointer: m.pointer, expected: m.expected, actual: m.actual, text: `differs from transcript line ${r.line} (matcher ${m.matcher})` });
    }
  };
  const missing = (r: RecordedFrame, why = 'never sent') =>
    finding({ rule: 'transcript/missing', ...(r.tag !== null ? { message: r.tag } : {}), expected: r.tag ?? '(untagged)', actual: '(nothing)', text: `recorded message ${why} (transcript line ${r.line})` });

  if (settings.order === 'strict') {
    recorded.forEach((r, i) => {
      const a = actual[i];
      if (a) compare(r, a);
      else missing(r);
    });
    return out;
  }
  if (settings.order === 'none') {
    const used = new Set<number>();
    for (const r of recorded) {
      const candidates = actual.filter((a) => !used.has(a.index) && a.tag === r.tag);
      const exact = candidates.find((a) => r.json && a.json && compareFrame(r.payload, a.payload, r.tag, settings, new Captures(), 1).length === 0);
      const pick = exact ?? candidates[0];
      if (!pick) {
        missing(r);
        continue;
      }
      used.add(pick.index);
      if (!exact) compare(r, pick);
    }
    return out;
  }
  // order `key`: each correlation key's messages in order; keys may interleave.
  const keyOf = (payload: unknown): string => {
    for (const k of settings.keys) {
      const v = valueAt(payload, k);
      if (v !== undefined && v !== null && typeof v !== 'object') return `${k}=${String(v)}`;
    }
    return '';
  };
  const groups = <T extends { payload: unknown }>(list: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) {
      const k = keyOf(item.payload);
      map.set(k, [...(map.get(k) ?? []), item]);
    }
    return map;
  };
  const rGroups = groups(recorded);
  const aGroups = groups(actual);
  // Key values are ids that differ between runs: pair groups by order of first appearance.
  const rKeys = [...rGroups.keys()].filter((k) => k !== '');
  const aKeys = [...aGroups.keys()].filter((k) => k !== '');
  const pairs: [RecordedFrame[], ServerFrame[]][] = [[rGroups.get('') ?? [], aGroups.get('') ?? []]];
  rKeys.forEach((k, i) => {
    const exact = aGroups.get(k);
    pairs.push([rGroups.get(k)!, exact ?? aGroups.get(aKeys[i] ?? '\u0000') ?? []]);
  });
  for (const [rs, as] of pairs) {
    rs.forEach((r, i) => {
      const a = as[i];
      if (a) compare(r, a);
      else missing(r, `never sent for ${keyOf(r.payload) || 'frames without a key'}`);
    });
  }
  return out;
}
