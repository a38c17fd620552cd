import type { Random } from '../../runtime/seeded/index.ts';

/**
 * Strings that match a JSON Schema `pattern`, for the subset of ECMAScript regular expressions
 * contracts use: literals, escapes (\d \w \s and their negations), classes and ranges, `.`,
 * groups, alternation, quantifiers and anchors. Lookarounds and backreferences are refused
 * (`UnsupportedPattern`): the caller falls back to something else rather than guess.
 */
export class UnsupportedPattern extends Error {
  override readonly name = 'UnsupportedPattern';
}

type Node =
  { kind: 'chars'; chars: string } | { kind: 'alt'; options: Node[][] } | { kind: 'repeat'; node: Node; min: number; max: number } | { kind: 'empty' };

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
const DIGITS = '0123456789';
const WORD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';
const SPACE = ' ';
/** How far past its minimum an unbounded quantifier (`*`, `+`, `{n,}`) may go. */
const UNBOUNDED_EXTRA = 8;

function complement(chars: string): string {
  return [...PRINTABLE].filter((c) => !chars.includes(c)).join('');
}

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new UnsupportedPattern(`unexpected "${this.src[this.i]}" at ${this.i}`);
    return node;
  }

  private alternation(): Node {
    const options: Node[][] = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return { kind: 'alt', options };
  }

  private sequence(): Node[] {
    const out: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const atom = this.atom();
      out.push(this.quantified(atom));
    }
    return out;
  }

  private quantified(node: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, UNBOUNDED_EXTRA];
    else if (c === '+') [min, max] = [1, 1 + UNBOUNDED_EXTRA];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return node; // a literal `{`, as ECMAScript reads it outside unicode mode
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? min + UNBOUNDED_EXTRA : Number(m[3]);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: same language
    return { kind: 'repeat', node, min, max };
  }

  private atom(): Node {
    const c = this.src[this.i++]!;
    switch (c) {
      case '^':
      case '$':
        return { kind: 'empty' };
      case '.':
        return { kind: 'chars', chars: PRINTABLE };
      case '[':
        return this.charClass();
      case '(': {
        if (this.src[this.i] === '?') {
          const next = this.src[this.i + 1];
          if (next === ':') this.i += 2;
          else if (next === '<' && /[A-Za-z]/.test(this.src[this.i + 2] ?? '')) this.i = this.src.indexOf('>', this.i) + 1;
          else throw new UnsupportedPattern('lookaround assertions are not supported');
        }
        const inner = this.alternation();
        if (this.src[this.i] !== ')') throw new UnsupportedPattern('unclosed group');
        this.i++;
        return inner;
      }
      case '\\':
        return { kind: 'chars', chars: this.escape(false) };
      default:
        return { kind: 'chars', chars: c };
    }
  }

  private escape(inClass: boolean): string {
    const c = this.src[this.i++];
    switch (c) {
      case undefined:
        throw new UnsupportedPattern('trailing backslash');
      case 'd':
        return DIGITS;
      case 'D':
        return complement(DIGITS);
      case 'w':
        return WORD;
      case 'W':
        return complement(WORD);
      case 's':
        return SPACE;
      case 'S':
        return complement(' \t\n\r\f\v');
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case 'b':
        if (inClass) return '\b';
        throw new UnsupportedPattern('word boundaries are not supported');
      case 'B':
        throw new UnsupportedPattern('word boundaries are not supported');
      case 'x': {
        const hex = this.src.slice(this.i, this.i + 2);
        this.i += 2;
        return String.fromCharCode(parseInt(hex, 16));
      }
      case 'u': {
        const m = /^\{([0-9a-fA-F]+)\}|^([0-9a-fA-F]{4})/.exec(this.src.slice(this.i));
        if (!m) throw new UnsupportedPattern('bad \\u escape');
        this.i += m[0].length;
        return String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16));
      }
      default:
        if (/[1-9]/.test(c)) throw new UnsupportedPattern('backreferences are not supported');
        return c;
    }
  }

  private charClass(): Node {
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let chars = '';
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      let from: string;
      if (this.src[this.i] === '\\') {
        this.i++;
        from = this.escape(true);
        if (from.length > 1) {
          chars += from;
          continue;
        }
      } else from = this.src[this.i++]!;
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && this.i + 1 < this.src.length) {
        this.i++;
        let to: string;
        if (this.src[this.i] === '\\') {
          this.i++;
          to = this.escape(true);
        } else to = this.src[this.i++]!;
        const a = from.codePointAt(0)!;
        const b = to.codePointAt(0)!;
        if (b < a || b - a > 0xffff) throw new UnsupportedPattern('bad range');
        for (let cp = a; cp <= b; cp++) chars += String.fromCodePoint(cp);
      } else chars += from;
    }
    if (this.src[this.i] !== ']') throw new UnsupportedPattern('unclosed character class');
    this.i++;
    const set = negate ? complement(chars) : chars;
    if (set.length === 0) throw new UnsupportedPattern('empty character class');
    return { kind: 'chars', chars: set };
  }
}

function emit(node: Node, random: Random): string {
  switch (node.kind) {
    case 'empty':
      return '';
    case 'chars': {
      const chars = [...node.chars];
      return random.pick(chars);
    }
    case 'alt':
      return random
        .pick(node.options)
        .map((n) => emit(n, random))
        .join('');
    case 'repeat': {
      const n = random.int(node.min, node.max);
      let out = '';
      for (let k = 0; k < n; k++) out += emit(node.node, random);
      return out;
    }
  }
}

const parsed = new Map<string, Node>();

/** One string that matches `pattern` (checked with the `u` flag, as ajv does); throws UnsupportedPattern. */
export function sampleRegex(pattern: string, random: Random, accept: (s: string) => boolean = () => true): string {
  let node = parsed.get(pattern);
  if (!node) {
    node = new Parser(pattern).parse();
    parsed.set(pattern, node);
  }
  const re = new RegExp(pattern, 'u');
  for (let attempt = 0; attempt < 50; attempt++) {
    const s = emit(node, random);
    if (re.test(s) && accept(s)) return s;
  }
  throw new UnsupportedPattern(`no match for /${pattern}/ within 50 attempts`);
}
