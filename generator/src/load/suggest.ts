import { getAt, isRecord, parsePointer, toPointer, type PathSegment } from './pointer.ts';

/**
 * "Did you mean" for names a person typed: the one candidate closest to `name`, if it is close
 * enough to be a slip (case, a swapped or missing letter) rather than another name. Ties are no
 * suggestion: guessing between two is worse than saying nothing.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0.5 : distance(name, candidate, limit);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return best !== undefined && bestDistance <= limit && !tie ? best : undefined;
}

/**
 * For a local `$ref` that points to nothing, the same pointer with its first missing segment
 * replaced by the closest existing key (`#/components/schemas/Usr` → `#/components/schemas/User`),
 * when there is one and the corrected pointer resolves.
 */
export function suggestPointer(root: unknown, pointer: string): string | undefined {
  let path: string[];
  try {
    path = parsePointer(pointer);
  } catch {
    return undefined;
  }
  for (let i = 0; i < path.length; i++) {
    const parent = getAt(root, path.slice(0, i));
    if (!isRecord(parent)) return undefined;
    if (Object.hasOwn(parent, path[i]!)) continue;
    const near = closest(path[i]!, Object.keys(parent));
    if (near === undefined) return undefined;
    const fixed: PathSegment[] = [...path.slice(0, i), near, ...path.slice(i + 1)];
    return getAt(root, fixed) === undefined ? undefined : '#' + toPointer(fixed);
  }
  return undefined;
}

/** `; did you mean X?`, or nothing. */
export function didYouMean(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean ${suggestion}?`;
}

/** Damerau–Levenshtein (optimal string alignment) distance, giving up past `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return Infinity;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return Infinity;
  }
  return rows[a.length]![b.length]!;
}
