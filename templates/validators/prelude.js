// The fixed part of every validators.gen.js: format checks, the two helpers ajv's generated code
// calls, and the error shape. No imports, so the generated module loads anywhere ESM runs.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const DATE_TIME_SEPARATOR = /^(.{10})[Tt\s](.*)$/s;
const DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(s) {
  const m = DATE.exec(s);
  if (m === null) return false;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  if (month < 1 || month > 12 || day < 1 || day > DAYS[month]) return false;
  return month !== 2 || day < 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
}

function isTime(s, zoneRequired) {
  const m = TIME.exec(s);
  if (m === null) return false;
  const hour = +m[1];
  const minute = +m[2];
  const second = +m[3];
  const zoned = m[4] !== undefined || m[5] !== undefined;
  if (zoneRequired && !zoned) return false;
  const zoneHour = m[6] === undefined ? 0 : +m[6];
  const zoneMinute = m[7] === undefined ? 0 : +m[7];
  if (hour > 23 || minute > 59 || zoneHour > 23 || zoneMinute > 59) return false;
  if (second < 60) return true;
  if (second > 60) return false;
  // A leap second is 23:59:60 in UTC.
  const sign = m[5] === '-' ? -1 : 1;
  const utcMinutes = (((hour * 60 + minute - sign * (zoneHour * 60 + zoneMinute)) % 1440) + 1440) % 1440;
  return utcMinutes === 23 * 60 + 59;
}

function isDateTime(s) {
  const m = DATE_TIME_SEPARATOR.exec(s);
  return m !== null && isDate(m[1]) && isTime(m[2], true);
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
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
  uuid: (s) => UUID.test(s),
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

function fail(pointer, keyword, message) {
  return { ok: false, errors: [{ pointer, keyword, message }] };
}

function check(validate, data) {
  return validate(data) ? { ok: true, value: data } : { ok: false, errors: toErrors(validate.errors) };
}

function isObject(data) {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

function asEvent(event, result) {
  return result.ok ? { ok: true, value: { event, data: result.value } } : result;
}
