import { preludeSource } from '../emit/validators/index.ts';
import type { LeanPlan } from '../emit/validators/lean.ts';

/** A lean validator's fast path: valid or not, no errors built. */
export type LeanVerdict = (data: unknown) => boolean;

/**
 * In-process verdicts of the lean validators the generated code will contain, for the given
 * covered definitions: one `new Function` over the prelude and their functions (the code the lean
 * emitter writes, through its escapers, into the validator modules), instead of an ajv compile per
 * payload. Only the verdict: whoever needs the errors of a rejected value asks ajv for them.
 */
export function leanVerdicts(plan: LeanPlan, ids: readonly string[]): Map<string, LeanVerdict> {
  const out = new Map<string, LeanVerdict>();
  const needed = [...new Set(ids.flatMap((id) => plan.closure(id)))];
  if (needed.length === 0) return out;
  const prelude = preludeSource().replace(/^export /gm, '');
  const names = ids.map((id) => plan.verdictName(id)).join(', ');
  const functions = new Function(`'use strict';\n${prelude}\n${plan.verdictCode(needed)}\nreturn [${names}];`)() as LeanVerdict[];
  ids.forEach((id, i) => out.set(id, functions[i]!));
  return out;
}
