import type { AuthSpec } from '../../../runtime/index.ts';
import { isJsonObject, messageTag, readJson } from '../../../runtime/protocol/index.ts';

/**
 * Credentials never reach a transcript. Where the contract says a credential travels (header,
 * query, cookie, subprotocol, first message), its value is replaced by the placeholder
 * `<credential:SCHEME_ID>`, SCHEME_ID being the AsyncAPI securityScheme id; a replayer puts real
 * credentials back with `substituteCredentials`. Every value seen that way is also scrubbed from
 * every other string of the transcript (a server echoing the token, a log line quoting it).
 */

/** Matches one placeholder; group 1 is the scheme id. */
export const CREDENTIAL_PLACEHOLDER = /<credential:([A-Za-z0-9_.-]+)>/g;

/** Header, cookie or query values the contract does not declare but that are secrets anyway. */
export const REDACTED = '<redacted>';

export function credentialPlaceholder(schemeId: string): string {
  return `<credential:${schemeId}>`;
}

/**
 * A credential the server rejected when it was recorded (the connection failed the way the
 * scheme's `onFailure` says). A replay must present a wrong credential there, not the real one,
 * or an "unauthorized" scenario would turn into an authorized one.
 */
export const INVALID_CREDENTIAL_PLACEHOLDER = /<invalid-credential:([A-Za-z0-9_.-]+)>/g;

export function invalidCredentialPlaceholder(schemeId: string): string {
  return `<invalid-credential:${schemeId}>`;
}

/** The wrong credential a replay presents for `<invalid-credential:ID>`: URL-, header-, cookie- and subprotocol-safe. */
export function invalidCredentialValue(schemeId: string): string {
  return `invalid-credential-${schemeId.replace(/[^A-Za-z0-9_.-]/g, '')}`;
}

/** How the server refuses a bad credential of the scheme (the contract's `onFailure`). */
export interface CredentialFailure {
  httpStatus?: number;
  closeCode?: number;
}

export type CredentialLocation = { scheme: string; failure?: CredentialFailure } & (
  | { in: 'header'; name: string; prefix: string }
  | { in: 'query'; name: string }
  | { in: 'cookie'; name: string }
  | { in: 'subprotocol'; prefix: string }
  /** `tag` is the tag of the message that carries the credential, `property` its field. */
  | { in: 'first-message'; tag: string | null; tagProperty: string | null; property: string }
);

/**
 * Where each security scheme of the API puts its credential. With a channel, first-message
 * schemes resolve the message key to its tag on that channel.
 */
export function credentialLocations(
  api: { readonly securitySchemes: readonly { readonly id: string; readonly auth?: AuthSpec }[] },
  channel?: { readonly tagProperty: string | null; readonly receive: { readonly messages: readonly { readonly key: string; readonly tag: string | null }[] } },
): CredentialLocation[] {
  const out: CredentialLocation[] = [];
  for (const s of api.securitySchemes) {
    const c = s.auth?.credential;
    if (!c) continue;
    const f = s.auth?.onFailure;
    const base: { scheme: string; failure?: CredentialFailure } = { scheme: s.id };
    if (f) {
      base.failure = {};
      if (f.httpStatus !== undefined) base.failure.httpStatus = f.httpStatus;
      if (f.closeCode !== undefined) base.failure.closeCode = f.closeCode;
    }
    switch (c.in) {
      case 'header':
        out.push({ ...base, in: 'header', name: (c.name ?? 'authorization').toLowerCase(), prefix: c.prefix ?? '' });
        break;
      case 'query':
        if (c.name) out.push({ ...base, in: 'query', name: c.name });
        break;
      case 'cookie':
        if (c.name) out.push({ ...base, in: 'cookie', name: c.name });
        break;
      case 'subprotocol':
        out.push({ ...base, in: 'subprotocol', prefix: c.prefix ?? '' });
        break;
      case 'first-message': {
        const key = c.message ?? '';
        const tag = channel?.receive.messages.find((m) => m.key === key)?.tag ?? key;
        out.push({ ...base, in: 'first-message', tag, tagProperty: channel?.tagProperty ?? null, property: c.property ?? 'token' });
        break;
      }
    }
  }
  return out;
}

/** The scheme ids of the placeholders in a string, in order of first appearance. */
export function findPlaceholders(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(CREDENTIAL_PLACEHOLDER)) seen.add(m[1] as string);
  return [...seen];
}

/**
 * Puts credentials back: every `<credential:ID>` with `credentials[ID]`. Placeholders without a
 * credential are left as they are and listed in `missing`.
 */
export function substituteCredentials(
  text: string,
  credentials: Readonly<Record<string, string>>,
  encode: (value: string) => string = (v) => v,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text
    .replace(INVALID_CREDENTIAL_PLACEHOLDER, (_whole, id: string) => encode(invalidCredentialValue(id)))
    .replace(CREDENTIAL_PLACEHOLDER, (whole, id: string) => {
      const value = Object.hasOwn(credentials, id) ? credentials[id] : undefined;
      if (value === undefined) {
        missing.add(id);
        return whole;
      }
      return encode(value);
    });
  return { text: out, missing: [...missing] };
}

/** Same, for `handshake.url`: placeholders there are literal, values are percent-encoded in. */
export function substituteCredentialsInUrl(url: string, credentials: Readonly<Record<string, string>>): { text: string; missing: string[] } {
  return substituteCredentials(url, credentials, encodeURIComponent);
}

/** Secrets shorter than this are not scrubbed from free text: replacing "a" everywhere would wreck a transcript. */
const MIN_SCRUB_LENGTH = 8;

/** Request headers left out of transcripts: they change on every connection and mean nothing to a replay. */
const VOLATILE_REQUEST = new Set(['host', 'sec-websocket-key', 'content-length', 'connection', 'upgrade', 'sec-websocket-extensions', 'sec-websocket-version']);
const VOLATILE_RESPONSE = new Set([
  'date',
  'sec-websocket-accept',
  'connection',
  'upgrade',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'sec-websocket-extensions',
]);
/** Secret-bearing headers: redacted even when no scheme of the contract names them. */
const ALWAYS_SECRET = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Redacts one connection's strings. Location rules first (they learn the secret values), then
 * `scrub` removes those values anywhere else.
 */
export class Redactor {
  private readonly secrets = new Map<string, string>();
  private readonly presented = new Set<string>();
  private readonly rejected = new Set<string>();

  constructor(private readonly locations: readonly CredentialLocation[]) {}

  /** Records a secret so `scrub` replaces it wherever it appears. */
  learn(scheme: string, value: string) {
    this.presented.add(scheme);
    if (value.length >= MIN_SCRUB_LENGTH && !value.includes('<credential:')) this.secrets.set(value, credentialPlaceholder(scheme));
  }

  /**
   * Tells how the connection ended; each presented credential whose scheme fails exactly that
   * way is taken as rejected, and `scrub` writes it as `<invalid-credential:ID>`.
   */
  outcome(o: { httpStatus?: number; closeCode?: number }): string[] {
    for (const l of this.locations) {
      if (!this.presented.has(l.scheme) || !l.failure) continue;
      const byStatus = o.httpStatus !== undefined && l.failure.httpStatus !== undefined && o.httpStatus === l.failure.httpStatus;
      const byClose = o.closeCode !== undefined && l.failure.closeCode !== undefined && o.closeCode === l.failure.closeCode;
      if (byStatus || byClose) this.rejected.add(l.scheme);
    }
    return [...this.rejected];
  }

  /** Path and query with query credentials replaced (the rest of the URL byte for byte). */
  url(pathAndQuery: string): { url: string; query: Record<string, string> } {
    const q = pathAndQuery.indexOf('?');
    const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
    const query: Record<string, string> = {};
    if (q < 0) return { url: path, query };
    const parts = pathAndQuery
      .slice(q + 1)
      .split('&')
      .map((part) => {
        if (part === '') return part;
        const eq = part.indexOf('=');
        const rawName = eq < 0 ? part : part.slice(0, eq);
        const rawValue = eq < 0 ? '' : part.slice(eq + 1);
        const name = decodeLenient(rawName);
        const value = decodeLenient(rawValue);
        const loc = this.locations.find((l) => l.in === 'query' && l.name === name);
        if (loc && value !== '') {
          this.learn(loc.scheme, value);
          query[name] = credentialPlaceholder(loc.scheme);
          return `${rawName}=${credentialPlaceholder(loc.scheme)}`;
        }
        query[name] = value;
        return part;
      });
    return { url: `${path}?${parts.join('&')}`, query };
  }

  requestHeaders(headers: HeaderBag): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [rawName, rawValue] of Object.entries(headers)) {
      const name = rawName.toLowerCase();
      if (rawValue === undefined || VOLATILE_REQUEST.has(name)) continue;
      const value = Array.isArray(rawValue) ? rawValue.join(', ') : rawValue;
      out[name] = this.requestHeader(name, value);
    }
    return out;
  }

  private requestHeader(name: string, value: string): string {
    if (name === 'sec-websocket-protocol') return this.subprotocols(splitList(value)).join(', ');
    if (name === 'cookie') return this.cookie(value);
    const loc = this.locations.find((l): l is Extract<CredentialLocation, { in: 'header' }> => l.in === 'header' && l.name === name);
    if (loc) {
      const hasPrefix = loc.prefix !== '' && value.slice(0, loc.prefix.length).toLowerCase() === loc.prefix.toLowerCase();
      const secret = hasPrefix ? value.slice(loc.prefix.length).trim() : value.trim();
      if (secret === '') return value;
      this.learn(loc.scheme, secret);
      return `${hasPrefix ? value.slice(0, loc.prefix.length) : ''}${credentialPlaceholder(loc.scheme)}`;
    }
    if (ALWAYS_SECRET.has(name)) {
      // Keep the auth scheme word (`Bearer`, `Basic`): it tells a reviewer what was sent.
      const m = /^([A-Za-z][A-Za-z0-9-]*) +\S/.exec(value);
      return m && (name === 'authorization' || name === 'proxy-authorization') ? `${m[1]} ${REDACTED}` : REDACTED;
    }
    return value;
  }

  private cookie(value: string): string {
    return value
      .split(';')
      .map((part) => {
        const eq = part.indexOf('=');
        if (eq <= 0) return part.trim();
        const name = part.slice(0, eq).trim();
        const raw = part.slice(eq + 1).trim();
        const loc = this.locations.find((l) => l.in === 'cookie' && l.name === name);
        if (loc) {
          const unquoted = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
          this.learn(loc.scheme, unquoted);
          this.learn(loc.scheme, decodeLenient(unquoted));
          return `${name}=${credentialPlaceholder(loc.scheme)}`;
        }
        return `${name}=${raw}`;
      })
      .join('; ');
  }

  /** Offered (or accepted) subprotocols with subprotocol credentials replaced. */
  subprotocols(list: readonly string[]): string[] {
    return list.map((p) => this.subprotocol(p));
  }

  subprotocol(protocol: string): string {
    for (const l of this.locations) {
      if (l.in !== 'subprotocol' || !protocol.startsWith(l.prefix) || protocol.length <= l.prefix.length) continue;
      this.learn(l.scheme, protocol.slice(l.prefix.length));
      return `${l.prefix}${credentialPlaceholder(l.scheme)}`;
    }
    return protocol;
  }

  responseHeaders(headers: HeaderBag): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [rawName, rawValue] of Object.entries(headers)) {
      const name = rawName.toLowerCase();
      if (rawValue === undefined || VOLATILE_RESPONSE.has(name)) continue;
      const value = Array.isArray(rawValue) ? rawValue.join(', ') : rawValue;
      if (name === 'sec-websocket-protocol') out[name] = this.subprotocol(value.trim());
      else if (ALWAYS_SECRET.has(name)) out[name] = REDACTED;
      else out[name] = value;
    }
    return out;
  }

  /**
   * A client frame's text: the first-message credential field replaced in place (the rest of the
   * text unchanged), learned for scrubbing.
   */
  clientText(text: string): string {
    const locs = this.locations.filter((l): l is Extract<CredentialLocation, { in: 'first-message' }> => l.in === 'first-message');
    if (locs.length === 0) return text;
    const read = readJson(text);
    if (!read.ok || !isJsonObject(read.value)) return text;
    const obj = read.value;
    let out = text;
    for (const l of locs) {
      if (l.tagProperty !== null && l.tag !== null && messageTag(obj, l.tagProperty) !== l.tag) continue;
      const secret = obj[l.property];
      if (typeof secret !== 'string' || secret === '') continue;
      this.learn(l.scheme, secret);
      // The JSON-escaped form is what appears in the raw text.
      out = out.split(JSON.stringify(secret)).join(JSON.stringify(credentialPlaceholder(l.scheme)));
    }
    return out;
  }

  /** Every learned secret (raw and percent-encoded) replaced by its placeholder; rejected ones marked invalid. */
  scrub(text: string): string {
    let out = text;
    for (const [secret, placeholder] of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(placeholder);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(placeholder);
    }
    for (const scheme of this.rejected) out = out.split(credentialPlaceholder(scheme)).join(invalidCredentialPlaceholder(scheme));
    return out;
  }

  /** Whether any learned secret still appears in `text` (a last check before writing). */
  leaks(text: string): boolean {
    for (const secret of this.secrets.keys()) if (text.includes(secret)) return true;
    return false;
  }
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

function decodeLenient(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
