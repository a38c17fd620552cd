/**
 * Whether a regular expression can backtrack exponentially: a repeated group that itself holds a
 * repetition (`(a+)+`, `(\w*\s?)*`, `(x{1,9})+`), the "star height > 1" rule of safe-regex, with
 * one refinement so common delimited lists pass: a group whose every iteration starts with a
 * literal character nothing else in the group can match (`(-[a-z]+)*`, `(/[^/]*)+`) splits the
 * input one way only. A backreference is refused: no bound on its cost is known. Heuristic by
 * design, which is why example checks also run on a time budget. Returns why the pattern is
 * unsafe, or `undefined`.
 */
export function unsafePattern(source: string): string | undefined {
  interface Frame {
    repeats: boolean;
    /** Every atom's source text, nested groups' included, in order. */
    atoms: string[];
    /** Whether the first atom matches exactly once (no `?`, `*`, `+`, `{…}`). */
    firstRequired: boolean;
    alternation: boolean;
  }
  const frame = (): Frame => ({ repeats: false, atoms: [], firstRequired: false, alternation: false });
  const frames: Frame[] = [frame()];
  const lazy = (i: number) => (source[i] === '?' ? 1 : 0);
  // The quantifier at i: its length (0 when none), whether it repeats (max > 1), and its minimum.
  const quantifier = (i: number): { length: number; repeats: boolean; min: number } => {
    const c = source[i];
    if (c === '*') return { length: 1 + lazy(i + 1), repeats: true, min: 0 };
    if (c === '+') return { length: 1 + lazy(i + 1), repeats: true, min: 1 };
    if (c === '?') return { length: 1 + lazy(i + 1), repeats: false, min: 0 };
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) {
        const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
        return { length: m[0].length + lazy(i + m[0].length), repeats: max > 1, min: Number(m[1]) };
      }
    }
    return { length: 0, repeats: false, min: 1 };
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const top = frames[frames.length - 1]!;
    if (c === '(') {
      frames.push(frame());
      // (?: (?= (?! (?<= (?<! (?<name> are group syntax, not atoms.
      const m = /^\(\?(:|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
      i += m ? m[0].length : 1;
      continue;
    }
    if (c === '|') {
      top.alternation = true;
      i += 1;
      continue;
    }
    if (c === ')') {
      const inner = frames.length > 1 ? frames.pop()! : frame();
      const q = quantifier(i + 1);
      if (q.repeats && inner.repeats && !delimited(inner)) return `a repeated group holds a repetition (at ${i}): some input makes it backtrack exponentially`;
      const parent = frames[frames.length - 1]!;
      if (parent.atoms.length === 0) parent.firstRequired = false;
      parent.atoms.push(...inner.atoms);
      parent.repeats ||= inner.repeats || q.repeats;
      i += 1 + q.length;
      continue;
    }
    let atom = 1;
    if (c === '\\') {
      if (/[1-9k]/.test(source[i + 1] ?? '')) return `a backreference (at ${i}) has no known bound on its cost`;
      atom = 2;
    } else if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j += 1;
      if (source[j] === ']') j += 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      atom = j + 1 - i;
    }
    const q = quantifier(i + atom);
    if (top.atoms.length === 0) top.firstRequired = q.min >= 1 && !q.repeats;
    if (c !== '^' && c !== '$') top.atoms.push(source.slice(i, i + atom));
    top.repeats ||= q.repeats;
    i += atom + q.length;
  }
  return undefined;
}

/** Whether each iteration of the group starts with a literal character nothing else in it matches. */
function delimited(group: { atoms: string[]; firstRequired: boolean; alternation: boolean }): boolean {
  const [first, ...rest] = group.atoms;
  if (first === undefined || !group.firstRequired || group.alternation) return false;
  const literal = first.length === 1 ? first : /^\\[^\w]$/.test(first) ? first[1]! : undefined;
  if (literal === undefined || literal === '.' || literal === '[') return false;
  return rest.every((atom) => {
    try {
      return !new RegExp(`^(?:${atom})$`).test(literal);
    } catch {
      return false;
    }
  });
}
