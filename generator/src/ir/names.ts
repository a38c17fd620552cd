/**
 * The one naming function for every identifier the generator emits. Whatever a spec calls a
 * thing (`worker-status`, `2fa`, `class`, `__proto__`, ``, `ä`), the result is a valid,
 * readable TypeScript identifier; within one scope, names are unique, and the same inputs in the
 * same order always give the same names.
 */

export type NameCase = 'pascal' | 'camel';

// Reserved in TypeScript/JavaScript as identifiers in some position, or names whose use as a
// binding breaks or confuses generated code.
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield await async of ' +
    'any boolean never number object string symbol undefined unknown bigint type declare module namespace require ' +
    'arguments eval constructor prototype __proto__ toString valueOf hasOwnProperty Object Array Function Error ' +
    'Promise Record Partial Readonly Date JSON Map Set String Number Boolean Symbol globalThis'
  ).split(' '),
);

/** Splits on anything that is not a letter or digit, and on lower→upper case boundaries. */
function words(raw: string): string[] {
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w, i, all) => w.length > 0 && !sameWord(w, previousWord(all, i)));
}

/** The nearest non-empty word before `i`. */
function previousWord(all: readonly string[], i: number): string | undefined {
  for (let j = i - 1; j >= 0; j--) if (all[j]!.length > 0) return all[j];
  return undefined;
}

// A name built from a name that already ends in its kind (`TaskStatusChannel` + `channel`) says
// the word once.
function sameWord(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}

function cased(parts: string[], nameCase: NameCase): string {
  return parts
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (i === 0 && nameCase === 'camel') return lower;
      return lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

export function toIdentifier(raw: string, nameCase: NameCase, fallback = 'Unnamed'): string {
  let name = cased(words(raw), nameCase);
  if (name === '') name = cased(words(fallback), nameCase);
  if (/^[0-9]/.test(name)) name = (nameCase === 'pascal' ? 'N' : 'n') + name;
  if (RESERVED.has(name)) name = name + (nameCase === 'pascal' ? 'Type' : 'Value');
  return name;
}

/**
 * What a named thing is: when its own name is taken, the word for its kind tells it apart
 * (`TaskStatusChannel` for the channel `taskStatus` beside the schema `TaskStatus`), so a
 * collision never leaks into the public API as a meaningless number.
 */
export type NameMeaning = 'channel' | 'message' | 'schema' | 'event' | 'payload' | 'value';

/** A scope in which every name handed out is unique. */
export class NameScope {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.used.add(name);
  }

  /**
   * `raw` made into an identifier; if that is taken, with the word for its `meaning` added. Only
   * when that is taken too (two things of one kind whose names differ only in punctuation or
   * case, `worker-status` and `worker_status`) does a number follow, `2`, `3`, …
   */
  claim(raw: string, nameCase: NameCase, fallback?: string, meaning?: NameMeaning): string {
    const base = toIdentifier(raw, nameCase, fallback);
    const candidates = [base];
    if (meaning !== undefined) {
      const word = meaning.charAt(0).toUpperCase() + meaning.slice(1);
      if (!base.endsWith(word)) candidates.push(base + word);
    }
    let name = candidates.find((c) => !this.used.has(c));
    if (name === undefined) {
      const last = candidates[candidates.length - 1]!;
      for (let n = 2; name === undefined || this.used.has(name); n++) name = `${last}${n}`;
    }
    this.used.add(name);
    return name;
  }
}
