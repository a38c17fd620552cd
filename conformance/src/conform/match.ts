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

export function matchTranscript(
  recorded: readonly RecordedFrame[],
  actual: readonly ServerFrame[],
  settings: MatcherSettings,
  base: { case: string; channel: string },
): Finding[] {
  const out: Finding[] = [];
  const captures = new Captures();
  const finding = (f: Omit<Finding, 'case' | 'channel' | 'check'>) => {
    if (out.length < MAX_FINDINGS) out.push({ ...base, check: 'transcript', ...f });
  };
  const compare = (r: RecordedFrame, a: ServerFrame) => {
    if (r.tag !== a.tag) {
      finding({
        rule: 'transcript/message',
        step: a.index,
        ...(a.tag !== null ? { message: a.tag } : {}),
        expected: r.tag ?? '(untagged)',
        actual: a.tag ?? '(untagged)',
        text: `a different message than recorded (transcript line ${r.line})`,
      });
      return;
    }
    if (!r.json || !a.json) {
      if (r.text !== a.text)
        finding({
          rule: 'transcript/field',
          step: a.index,
          pointer: '',
          expected: r.text.slice(0, 120),
          actual: a.text.slice(0, 120),
          text: `frame text differs from transcript line ${r.line}`,
        });
      return;
    }
    for (const m of compareFrame(r.payload, a.payload, r.tag, settings, captures, 5)) {
      finding({
        rule: `transcript/${m.matcher === 'literal' ? 'field' : m.matcher}`,
        step: a.index,
        ...(a.tag !== null ? { message: a.tag } : {}),
        pointer: m.pointer,
        expected: m.expected,
        actual: m.actual,
        text: `differs from transcript line ${r.line} (matcher ${m.matcher})`,
      });
    }
  };
  const missing = (r: RecordedFrame, why = 'never sent') =>
    finding({
      rule: 'transcript/missing',
      ...(r.tag !== null ? { message: r.tag } : {}),
      expected: r.tag ?? '(untagged)',
      actual: '(nothing)',
      text: `recorded message ${why} (transcript line ${r.line})`,
    });

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
    const periodic = new Set(settings.periodic ?? []);
    for (const r of recorded) {
      const candidates = actual.filter((a) => !used.has(a.index) && a.tag === r.tag);
      const exact = candidates.find((a) => r.json && a.json && compareFrame(r.payload, a.payload, r.tag, settings, new Captures(), 1).length === 0);
      const pick = exact ?? candidates[0];
      if (!pick) {
        if (!(r.tag !== null && periodic.has(r.tag) && actual.some((a) => a.tag !== null && periodic.has(a.tag)))) missing(r);
        continue;
      }
      used.add(pick.index);
      if (!exact) compare(r, pick);
    }
    return out;
  }
  // order `key`: each correlation key's messages in order; keys may interleave.
  const keyOf = (payload: unknown) => correlationKey(settings, payload);
  for (const [rs, as] of pairKeyGroups(recorded, actual, settings)) {
    rs.forEach((r, i) => {
      const a = as[i];
      if (a) compare(r, a);
      else missing(r, `never sent for ${keyOf(r.payload) || 'frames without a key'}`);
    });
  }
  return out;
}

/**
 * The correlation key of a payload: the value at the first key pointer it has, whichever pointer
 * that is (a task's assignment names it at /task/taskId, its cancellation at /taskId: one key).
 */
function correlationKey(settings: MatcherSettings, payload: unknown): string {
  for (const k of settings.keys) {
    const v = valueAt(payload, k);
    if (v !== undefined && v !== null && typeof v !== 'object') return `key ${String(v)}`;
  }
  return '';
}

/**
 * Order `key`: the recorded messages of each correlation key, paired with the implementation's
 * messages of one key. Key values are ids that differ between runs, so groups are paired by
 * what they hold: the same key value if it recurs, else the first unpaired group whose tags
 * begin with the recorded group's tags, else one still on its way (its tags a prefix of the
 * recorded ones), else the next unpaired one. A live group the recording never saw (a new
 * task assigned meanwhile) is left unpaired instead of shifting every later pair.
 */
export function pairKeyGroups(
  recorded: readonly RecordedFrame[],
  actual: readonly ServerFrame[],
  settings: MatcherSettings,
): [RecordedFrame[], ServerFrame[]][] {
  const groups = <T extends { payload: unknown }>(list: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) {
      const k = correlationKey(settings, item.payload);
      map.set(k, [...(map.get(k) ?? []), item]);
    }
    return map;
  };
  const rGroups = groups(recorded);
  const aGroups = groups(actual);
  const pairs: [RecordedFrame[], ServerFrame[]][] = [[rGroups.get('') ?? [], aGroups.get('') ?? []]];
  const unpaired = [...aGroups.keys()].filter((k) => k !== '');
  const tagsOf = (list: readonly { tag: string | null }[]) => list.map((f) => f.tag);
  const startsWith = (whole: readonly (string | null)[], part: readonly (string | null)[]) => part.every((t, i) => whole[i] === t);
  for (const [k, rs] of rGroups) {
    if (k === '') continue;
    const want = tagsOf(rs);
    const pick =
      unpaired.find((a) => a === k) ??
      unpaired.find((a) => startsWith(tagsOf(aGroups.get(a)!), want)) ??
      unpaired.find((a) => startsWith(want, tagsOf(aGroups.get(a)!))) ??
      unpaired[0];
    if (pick !== undefined) unpaired.splice(unpaired.indexOf(pick), 1);
    pairs.push([rs, pick !== undefined ? aGroups.get(pick)! : []]);
  }
  return pairs;
}

/**
 * Whether every recorded message has arrived, as the order mode pairs them: what a replay waits
 * for before its next client frame. A frame the recording does not have (a live broadcast, a
 * task assigned meanwhile) never stands in for one it does.
 */
export function allArrived(recorded: readonly RecordedFrame[], actual: readonly ServerFrame[], settings: MatcherSettings): boolean {
  if (settings.order === 'strict') return actual.length >= recorded.length;
  if (settings.order === 'key') return pairKeyGroups(recorded, actual, settings).every(([rs, as]) => as.length >= rs.length);
  // Periodic messages of a live simulation: one of any of their tags stands for all of them.
  const periodic = new Set(settings.periodic ?? []);
  const isPeriodic = (tag: string | null) => tag !== null && periodic.has(tag);
  const want = new Map<string | null, number>();
  for (const r of recorded) if (!isPeriodic(r.tag)) want.set(r.tag, (want.get(r.tag) ?? 0) + 1);
  const got = new Map<string | null, number>();
  for (const a of actual) got.set(a.tag, (got.get(a.tag) ?? 0) + 1);
  if (recorded.some((r) => isPeriodic(r.tag)) && !actual.some((a) => isPeriodic(a.tag))) return false;
  return [...want].every(([tag, n]) => (got.get(tag) ?? 0) >= n);
}
