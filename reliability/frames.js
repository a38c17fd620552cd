// Seeded frame mutation: from a valid example frame, one of the ways a client (or an attacker)
// gets a frame wrong. What the server must answer is decided later from the bytes alone
// (fuzz.js `oracle`), never from the kind of mutation, so a mutation that happens to produce a
// valid frame is still judged correctly.

export const KINDS = [
  ['valid', 8],
  ['byte-flip', 12],
  ['truncate', 10],
  ['type-confusion', 12],
  ['missing-field', 6],
  ['extra-field', 6],
  ['huge-string', 3],
  ['deep-nesting', 5],
  ['unknown-tag', 8],
  ['invalid-utf8', 3],
  ['binary', 5],
  ['junk', 8],
  ['syntax', 6],
  ['oversize', 0.15],
];
const TOTAL = KINDS.reduce((s, [, w]) => s + w, 0);

function pickKind(rnd) {
  let r = rnd.next() * TOTAL;
  for (const [kind, w] of KINDS) {
    if ((r -= w) < 0) return kind;
  }
  return 'valid';
}

const enc = new TextEncoder();

function scalar(rnd) {
  return rnd.pick([null, true, false, 0, -1, 1.5, 1e308, -0, '', 'x', '\u0000', '💥', 'é', '\u2028', [], {}, [1, 'a'], { a: { b: [] } }, '1', 'true', 'null']);
}

function otherType(rnd, v) {
  const choices = [null, true, 42, -3.25, 'text', [], [v], {}, { value: v }, '', 0];
  const t = (x) => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
  const differing = choices.filter((c) => t(c) !== t(v));
  return rnd.pick(differing.length ? differing : choices);
}

/** A path to a random node of `value` (objects and arrays), at most `depth` deep. */
function randomPath(rnd, value, depth = 3) {
  const path = [];
  let node = value;
  while (depth-- > 0 && node && typeof node === 'object') {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = rnd.pick(keys);
    path.push(k);
    if (rnd.next() < 0.5) break;
    node = node[k];
  }
  return path;
}

function setAt(value, path, replacement) {
  if (path.length === 0) return replacement;
  let node = value;
  for (const k of path.slice(0, -1)) node = node[k];
  Object.defineProperty(node, path.at(-1), { value: replacement, enumerable: true, configurable: true, writable: true });
  return value;
}

function deleteAt(value, path) {
  if (path.length === 0) return value;
  let node = value;
  for (const k of path.slice(0, -1)) node = node[k];
  if (Array.isArray(node)) node.splice(Number(path.at(-1)), 1);
  else delete node[path.at(-1)];
  return value;
}

function nested(rnd, depth, leaf) {
  const array = rnd.next() < 0.5;
  let text = JSON.stringify(leaf);
  // Built as text: JSON.stringify cannot serialise what is deeper than its stack.
  text = array ? '['.repeat(depth) + text + ']'.repeat(depth) : '{"a":'.repeat(depth) + text + '}'.repeat(depth);
  return text;
}

const INVALID_UTF8 = [
  [0xc3, 0x28], // bad continuation
  [0xff],
  [0xfe, 0xfe],
  [0xc0, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // UTF-16 surrogate half
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xe2, 0x82], // truncated sequence
  [0x80],
];

const JUNK = [
  '',
  ' ',
  '\uFEFF{}',
  'NaN',
  'undefined',
  'Infinity',
  '{"a":1}{"b":2}',
  '{"a":1,}',
  "{'a':1}",
  '\u0000',
  '[]',
  '{}',
  '"x"',
  '0',
  'null',
  'true',
  '{"type":"pong","type":"error"}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '/*x*/{}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '1e99999',
  '-',
  '{"a":01}',
];

/**
 * One frame from `example` (a valid client message of the channel). `ctx`: { maxBytes, tagProperty,
 * tags (every tag of the API, both directions) }. Returns { kind, data: string | Buffer, binary }.
 */
export function mutate(rnd, example, ctx) {
  const kind = pickKind(rnd);
  const copy = () => structuredClone(example);
  const text = (v) => ({ kind, data: typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null'), binary: false });
  switch (kind) {
    case 'valid':
      return text(example);
    case 'byte-flip': {
      const bytes = [...JSON.stringify(example)];
      for (let n = rnd.int(1, 3); n > 0; n--)
        bytes[rnd.int(0, bytes.length - 1)] = String.fromCharCode(rnd.next() < 0.8 ? rnd.int(0x20, 0x7e) : rnd.int(0, 0x1f));
      return text(bytes.join(''));
    }
    case 'truncate': {
      const t = JSON.stringify(example);
      return text(t.slice(0, rnd.int(0, t.length - 1)));
    }
    case 'type-confusion': {
      const v = copy();
      const path = randomPath(rnd, v);
      let node = v;
      for (const k of path) node = node?.[k];
      return text(setAt(v, path, otherType(rnd, node)));
    }
    case 'missing-field':
      return text(deleteAt(copy(), randomPath(rnd, example)));
    case 'extra-field': {
      const v = copy();
      const path = randomPath(rnd, v).slice(0, -1);
      let node = v;
      for (const k of path) node = node[k];
      if (node && typeof node === 'object' && !Array.isArray(node)) {
        Object.defineProperty(node, rnd.pick(['extra', '__proto__', 'constructor', 'prototype', rnd.token(6), '', 'x'.repeat(300)]), {
          value: scalar(rnd),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      return text(v);
    }
    case 'huge-string': {
      // Near the limit on purpose, in bytes and in characters (a 2-byte character counts twice).
      const unit = rnd.pick(['x', 'é', '中', '💥', '\\"', ' ']);
      const bytes = enc.encode(unit).length;
      const roll = rnd.next();
      const target =
        roll < 0.75
          ? rnd.int(1000, Math.min(65536, Math.floor(ctx.maxBytes * 0.9)))
          : roll < 0.9
            ? rnd.int(1000, Math.floor(ctx.maxBytes * 0.9))
            : rnd.int(ctx.maxBytes - 200, ctx.maxBytes + 200);
      const s = unit.repeat(Math.max(1, Math.floor(target / bytes)));
      const v = copy();
      const path = randomPath(rnd, v);
      if (unit === '\\"') return text(JSON.stringify(setAt(v, path, 'HUGE')).replace('"HUGE"', `"${s}"`));
      return text(setAt(v, path, s));
    }
    case 'deep-nesting': {
      const depth = rnd.int(50, Math.min(20_000, Math.floor(ctx.maxBytes / 6) - 100));
      const v = copy();
      const path = randomPath(rnd, v);
      const whole = JSON.stringify(setAt(v, path, 'DEEP'));
      return text(path.length === 0 ? nested(rnd, depth, 1) : whole.replace('"DEEP"', nested(rnd, depth, scalar(rnd))));
    }
    case 'unknown-tag': {
      const v = copy();
      const own = typeof v === 'object' && v !== null && !Array.isArray(v) ? v[ctx.tagProperty] : undefined;
      const tag = rnd.pick([
        ...ctx.tags,
        '',
        rnd.token(rnd.int(1, 12)),
        typeof own === 'string' ? own.toUpperCase() : 'X',
        typeof own === 'string' ? ` ${own}` : 'y',
        typeof own === 'string' ? `${own}\u0000` : 'z',
        42,
        null,
        ['pong'],
        { type: own },
      ]);
      if (v && typeof v === 'object' && !Array.isArray(v)) v[ctx.tagProperty] = tag;
      return text(v);
    }
    case 'invalid-utf8': {
      const t = enc.encode(JSON.stringify(example));
      const at = rnd.int(0, t.length);
      const bad = rnd.pick(INVALID_UTF8);
      return { kind, data: Buffer.concat([t.subarray(0, at), Buffer.from(bad), t.subarray(at)]), binary: false };
    }
    case 'binary':
      return {
        kind,
        data: rnd.next() < 0.5 ? Buffer.from(JSON.stringify(example)) : Buffer.from(Array.from({ length: rnd.int(0, 200) }, () => rnd.int(0, 255))),
        binary: true,
      };
    case 'junk':
      return text(rnd.next() < 0.6 ? rnd.pick(JUNK) : (JSON.stringify(scalar(rnd)) ?? 'null'));
    case 'syntax': {
      const t = JSON.stringify(example);
      const at = rnd.int(0, t.length - 1);
      return text(t.slice(0, at) + rnd.pick(['', '"', '}', '{', ']', ',', ':', '\\', '\\u12', '\n', 'é', '\u2028']) + t.slice(at + rnd.int(0, 1)));
    }
    case 'oversize': {
      // Valid JSON, one to a thousand bytes past the limit.
      const v = copy();
      const pad = 'y'.repeat(ctx.maxBytes + rnd.int(1, 1000));
      if (v && typeof v === 'object' && !Array.isArray(v)) v.pad = pad;
      return text(v && typeof v === 'object' && !Array.isArray(v) ? v : { pad });
    }
  }
  return text(example);
}
