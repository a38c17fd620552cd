// The fixed part of every validators.gen.js: format checks, the two helpers ajv's generated code
// calls, and the error shape. No imports, so the generated module loads anywhere ESM runs.

// Formats are checked character by character: a date-time check runs on every timestamp of
// every frame, and three regular expressions per value cost more than parsing the frame.
const DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Value of the two digits at s[i], or -1 (also past the end of the string, where charCodeAt is NaN). */
function d2(s, i) {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** `YYYY-MM-DD` at s[i..i+10), with the day valid for the month and year. */
function dateAt(s, i) {
  if (s.charCodeAt(i + 4) !== 45 || s.charCodeAt(i + 7) !== 45) return false;
  const century = d2(s, i);
  const yy = d2(s, i + 2);
  const month = d2(s, i + 5);
  const day = d2(s, i + 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > DAYS[month]) return false;
  const year = century * 100 + yy;
  return month !== 2 || day < 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
}

function isDate(s) {
  return s.length === 10 && dateAt(s, 0);
}

/**
 * `HH:MM:SS[.frac][zone]` from s[i] to the end; zone `Z`, `z`, `±HH`, `±HHMM` or `±HH:MM`,
 * required when `zoneRequired`. A leap second (:60) must fall on 23:59 UTC.
 */
function timeAt(s, i, zoneRequired) {
  const n = s.length;
  if (n - i < 8 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return false;
  const hour = d2(s, i);
  const minute = d2(s, i + 3);
  const second = d2(s, i + 6);
  if (hour < 0 || minute < 0 || second < 0) return false;
  let j = i + 8;
  if (j < n && s.charCodeAt(j) === 46) {
    const start = ++j;
    while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    if (j === start) return false;
  }
  let sign = 0;
  let zoneHour = 0;
  let zoneMinute = 0;
  if (j === n) {
    if (zoneRequired) return false;
  } else {
    const c = s.charCodeAt(j);
    if (c === 90 || c === 122) {
      if (j + 1 !== n) return false;
    } else if (c === 43 || c === 45) {
      sign = c === 45 ? -1 : 1;
      zoneHour = d2(s, j + 1);
      if (zoneHour < 0 || j + 3 > n) return false;
      let k = j + 3;
      if (k < n) {
        if (s.charCodeAt(k) === 58) k++;
        zoneMinute = d2(s, k);
        if (zoneMinute < 0 || k + 2 !== n) return false;
      }
    } else {
      return false;
    }
  }
  if (hour > 23 || minute > 59 || zoneHour > 23 || zoneMinute > 59) return false;
  if (second < 60) return true;
  if (second > 60) return false;
  const utcMinutes = (((hour * 60 + minute - sign * (zoneHour * 60 + zoneMinute)) % 1440) + 1440) % 1440;
  return utcMinutes === 23 * 60 + 59;
}

function isTime(s, zoneRequired) {
  return timeAt(s, 0, zoneRequired);
}

function isDateTime(s) {
  if (s.length < 19) return false;
  const sep = s.charCodeAt(10);
  // T, t, or any whitespace character (as `\s` matches).
  if (sep !== 84 && sep !== 116 && !/\s/.test(s[10])) return false;
  return dateAt(s, 0) && timeAt(s, 11, true);
}

// A uuid is checked by a table-driven loop with no branch inside: in a server a check runs right
// after JSON.parse has evicted the branch history, and there the regular expression's entry costs
// more than the loop (bench/validate-throughput.js: 0.80 → 0.86 of JSON.parse for a frame with one
// uuid), though alone, warm, the two are even. `-1` marks a character that may not stand there.
const HEX_DIGIT = new Int32Array(256).fill(-1);
for (const c of '0123456789abcdefABCDEF') HEX_DIGIT[c.charCodeAt(0)] = 0;
/** Per position of `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`: -1 where a hex digit goes, 0 for a dash. */
const UUID_HEX = new Int32Array(36).fill(-1);
for (const i of [8, 13, 18, 23]) UUID_HEX[i] = 0;

function isUuid(s) {
  let i = 0;
  if (s.length !== 36) {
    // ajv-formats' `/^(?:urn:uuid:)?…$/i`: the prefix in any case.
    if (s.length !== 45 || s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return false;
    i = 9;
  }
  let bad = 0;
  for (let j = 0; j < 36; j++) {
    const c = s.charCodeAt(i + j);
    const hex = UUID_HEX[j];
    // A hex digit: the table says 0 and the code is below 256. A dash: the code is 45. `0 - x`,
    // not `-x`, so that no -0 turns the arithmetic into floats.
    bad |= ((HEX_DIGIT[c & 255] | (0 - (c >> 8))) & hex) | ((0 - (c ^ 45)) & ~hex);
  }
  return bad === 0;
}
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
// RFC 3986 absolute URI, checked for its character set: scheme, then unreserved, reserved and
// well-formed percent-encoded characters only.
const URI = /^[a-z][a-z0-9+.-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#[\]]|%[0-9A-Fa-f]{2})*$/;

export const formats = {
  date: isDate,
  time: (s) => isTime(s, true),
  'date-time': isDateTime,
  uuid: isUuid,
  email: (s) => EMAIL.test(s),
  hostname: (s) => HOSTNAME.test(s),
  ipv4: (s) => IPV4.test(s),
  uri: (s) => URI.test(s),
};

/** Length in Unicode code points, as JSON Schema counts it. */
function ucs2length(s) {
  let length = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** Deep equality of JSON values (for `const`, `enum` and `uniqueItems` on objects). */
function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a !== a && b !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(b, k) || !equal(a[k], b[k])) return false;
  return true;
}

function escapeSegment(s) {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** ajv errors → `{ pointer, keyword, message }`; `required` / `additionalProperties` point at the property. */
function toErrors(errors) {
  const out = [];
  for (const e of errors ?? []) {
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += '/' + escapeSegment(e.params.missingProperty);
    else if (e.keyword === 'additionalProperties') pointer += '/' + escapeSegment(e.params.additionalProperty);
    out.push({ pointer, keyword: e.keyword, message: e.message ?? e.keyword });
  }
  return out;
}

/** Records one error of a lean validator; returns `false` (the verdict so far). */
function fail$(errors, pointer, keyword, message) {
  errors.push({ pointer, keyword, message });
  return false;
}

/** A lean validator's `type` error; `types` as ajv lists them (`string,null`). */
function type$(errors, pointer, types) {
  errors.push({ pointer, keyword: 'type', message: 'must be ' + types });
  return false;
}

/** A lean validator's `required` error: the pointer names the missing property. */
function required$(errors, pointer, name) {
  errors.push({ pointer: pointer + '/' + escapeSegment(name), keyword: 'required', message: `must have required property '${name}'` });
  return false;
}

function fail(pointer, keyword, message) {
  return { ok: false, errors: [{ pointer, keyword, message }] };
}

/**
 * Validates, then (for a valid value) lists what the contract does not know: properties of an
 * object that declares no `additionalProperties`, and strings outside `x-sw-known-values`. Those
 * are `warnings`, never errors: a server may add fields and values (spec/README.md, "Reading").
 */
function check(validate, data, shape) {
  if (!validate(data)) return { ok: false, errors: toErrors(validate.errors) };
  return warn(data, shape);
}

/**
 * The same for a lean validator: its verdict (`(data) => boolean`) builds nothing; only a value it
 * rejects is explained (`(data, errors, pointer)`, which collects every error).
 */
function checkLean(valid, explain, data, shape) {
  warned$.n = 0;
  if (!valid(data)) {
    const errors = [];
    explain(data, errors, '');
    return { ok: false, errors };
  }
  // The verdicts raise `warned$.n` as they validate when they meet an unknown property or
  // value (never missing one that `drift` would name): a valid frame without any is done in one
  // pass and allocates only its result; the walk that words the warnings runs for the others.
  return warned$.n === 0 ? { ok: true, value: data } : warn(data, shape);
}

/**
 * Set by a lean validator that met something its contract does not know (an undeclared property of
 * an object that leaves extra ones unstated, a string outside `x-sw-known-values`). An object, so
 * the channel modules that import it can write to it.
 */
const warned$ = { n: 0 };

function warn(data, shape) {
  if (shape === undefined) return { ok: true, value: data };
  const warnings = [];
  drift(shape, data, '', warnings);
  return warnings.length === 0 ? { ok: true, value: data } : { ok: true, value: data, warnings };
}

// A frame with thousands of unknown parts needs only the first few named.
const MAX_WARNINGS = 20;

/**
 * Walks a value along its shape (built by `shapes()` below): `p` known properties (a Map, so a
 * property named `__proto__` is an ordinary key), `x` extra properties expected (an open map),
 * `k` the known values of an open string set, `i` the shape of array items.
 */
function drift(shape, value, pointer, out) {
  if (out.length >= MAX_WARNINGS) return;
  if (typeof value === 'string') {
    if (shape.k !== undefined && !shape.k.includes(value)) {
      out.push({ pointer, keyword: 'x-sw-known-values', message: `unknown value ${JSON.stringify(value.length > 64 ? value.slice(0, 64) + '…' : value)} (known: ${shape.k.join(', ')})` });
    }
    return;
  }
  if (Array.isArray(value)) {
    if (shape.i !== undefined) for (let n = 0; n < value.length; n++) drift(shape.i, value[n], pointer + '/' + n, out);
    return;
  }
  if (typeof value !== 'object' || value === null || shape.p === undefined) return;
  for (const key of Object.keys(value)) {
    const inner = shape.p.get(key);
    if (inner !== undefined) drift(inner, value[key], pointer + '/' + escapeSegment(key), out);
    else if (!shape.x) out.push({ pointer: pointer + '/' + escapeSegment(key), keyword: 'additionalProperties', message: 'unknown property' });
    if (out.length >= MAX_WARNINGS) return;
  }
}

/**
 * Links the emitted shape table: `p` is a list of [name, index] pairs, `i` an index, so that
 * shapes may refer to each other (and to themselves) without a cycle in the literal.
 */
function shapes(table) {
  const linked = table.map(() => ({}));
  table.forEach((s, n) => {
    const l = linked[n];
    if (s.p !== undefined) l.p = new Map(s.p.map(([name, index]) => [name, linked[index]]));
    if (s.x) l.x = true;
    if (s.k !== undefined) l.k = s.k;
    if (s.i !== undefined) l.i = linked[s.i];
  });
  return linked;
}

function isObject(data) {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function asEvent(event, result) {
  if (!result.ok) return result;
  return result.warnings === undefined ? { ok: true, value: { event, data: result.value } } : { ok: true, value: { event, data: result.value }, warnings: result.warnings };
}
