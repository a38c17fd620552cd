/**
 * Credentials for replay and probes, per security scheme id. Two shapes are read:
 * - the JSON lines `streamwright serve --json` prints: `{api, origin, timeScale, urls,
 *   credentials: [{scheme, value, usage, principal?, expiresAt?}]}`;
 * - a plain object `{ "<schemeId>": "<value>" }` (or `"<schemeId>": ["<value>", …]`).
 * A scheme may have several values (a per-agent token beside the user's): `forPrincipal` keeps
 * one principal's, and `pick` chooses the one whose usage names the address being opened, else
 * the scheme's first (default) one.
 */
import { ConformError } from './errors.ts';

export interface Credential {
  scheme: string;
  value: string;
  usage?: string;
  /** Whom it authenticates; the first credential of a scheme is its default. */
  principal?: string;
  /** ISO 8601 instant after which it is refused. */
  expiresAt?: string;
}

export class Credentials {
  /**
   * `perTranscript`: values that replace the general ones for one transcript (by name), since a
   * recording may have been made with another principal (an agent's own token, say).
   */
  constructor(
    readonly all: readonly Credential[],
    readonly perTranscript: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
  ) {}

  /** The credentials a replay of transcript `name` presents: its own values first, then the general ones. */
  forTranscript(name: string): Credentials {
    const own = this.perTranscript[name];
    if (!own) return this;
    const schemes = new Set(Object.keys(own));
    return new Credentials([...Object.entries(own).map(([scheme, value]) => ({ scheme, value })), ...this.all.filter((c) => !schemes.has(c.scheme))]);
  }

  /**
   * The credentials of one principal (a transcript recorded as agent-02 replays as agent-02):
   * its own value of each scheme it has one for, the general ones of the other schemes.
   */
  forPrincipal(principal: string): Credentials {
    const own = this.all.filter((c) => c.principal === principal);
    const schemes = new Set(own.map((c) => c.scheme));
    return new Credentials([...own, ...this.all.filter((c) => !schemes.has(c.scheme))], this.perTranscript);
  }

  /** Principals named by the credentials, in order. */
  principals(): string[] {
    return [...new Set(this.all.flatMap((c) => (c.principal !== undefined ? [c.principal] : [])))];
  }

  /** Credentials that expire before `at` (ms since the epoch). */
  expiredBy(at: number): Credential[] {
    return this.all.filter((c) => c.expiresAt !== undefined && Date.parse(c.expiresAt) <= at);
  }

  schemes(): string[] {
    return [...new Set(this.all.map((c) => c.scheme))];
  }

  /** One value per scheme for a connection to `path` (the concrete request path). */
  pick(path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const scheme of this.schemes()) {
      const candidates = this.all.filter((c) => c.scheme === scheme);
      const named = candidates.find((c) => c.usage !== undefined && mentionsPath(c.usage, path));
      // Without a usage naming this path, the scheme's default principal: another principal's
      // credential is for the scenarios that ask for it (`forPrincipal`).
      const general = candidates.filter((c) => c.principal === undefined || c.principal === candidates[0]!.principal);
      out[scheme] = (named ?? general.find((c) => !c.usage || !/\/\S+\/\S+/.test(c.usage) || !namesOtherPath(c.usage, path)) ?? general[0]!).value;
    }
    return out;
  }
}

function mentionsPath(usage: string, path: string): boolean {
  return path.length > 1 && usage.includes(path);
}

/** Whether the usage text names a concrete path that is not this one (so it is for another resource). */
function namesOtherPath(usage: string, path: string): boolean {
  const paths = usage.match(/\/[A-Za-z0-9._~%/-]+\/[A-Za-z0-9._~%-]+\/[A-Za-z0-9._~%/-]*/g) ?? [];
  return paths.length > 0 && !paths.some((p) => path.startsWith(p) || p.startsWith(path));
}

/** Parses a credentials file for one API (`api` selects its line of `serve --json` output). */
export function parseCredentials(text: string, api?: string, options: { serveOutput?: boolean } = {}): Credentials {
  const trimmed = text.trim();
  if (trimmed === '') return new Credentials([]);
  const values: unknown[] = [];
  try {
    values.push(JSON.parse(trimmed));
  } catch {
    for (const [i, line] of trimmed.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        // Saved `serve --json` output may hold lines of whatever ran it (`npm start` prints its
        // own banner first): only a credentials file must be JSON throughout.
        if (options.serveOutput) continue;
        throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', `credentials line ${i + 1} is not JSON`);
      }
    }
  }
  const out: Credential[] = [];
  const perTranscript: Record<string, Record<string, string>> = {};
  for (const v of values) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', 'credentials must be JSON objects');
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.credentials)) {
      if (api !== undefined && typeof o.api === 'string' && o.api !== api) continue;
      for (const c of o.credentials) {
        if (typeof c !== 'object' || c === null || typeof (c as Credential).scheme !== 'string' || typeof (c as Credential).value !== 'string') {
          throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', 'each entry of `credentials` needs string `scheme` and `value`');
        }
        const { scheme, value, usage, principal, expiresAt } = c as Credential;
        out.push({
          scheme,
          value,
          ...(typeof usage === 'string' ? { usage } : {}),
          ...(typeof principal === 'string' ? { principal } : {}),
          ...(typeof expiresAt === 'string' ? { expiresAt } : {}),
        });
      }
      continue;
    }
    for (const [scheme, value] of Object.entries(o)) {
      if (scheme === 'transcripts') {
        if (typeof value !== 'object' || value === null || Array.isArray(value))
          throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', '`transcripts` must map transcript names to {"<schemeId>": "<value>"}');
        for (const [name, own] of Object.entries(value as Record<string, unknown>)) {
          if (typeof own !== 'object' || own === null || Array.isArray(own) || !Object.values(own).every((x) => typeof x === 'string')) {
            throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', `transcripts.${name} must be {"<schemeId>": "<value>"}`);
          }
          perTranscript[name] = { ...(perTranscript[name] ?? {}), ...(own as Record<string, string>) };
        }
        continue;
      }
      const list = Array.isArray(value) ? value : [value];
      for (const item of list) {
        if (typeof item !== 'string')
          throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', `credential "${scheme}" must be a string or an array of strings`);
        out.push({ scheme, value: item });
      }
    }
  }
  return new Credentials(out, perTranscript);
}

/** What a `serve --json` line says about one API's server besides its credentials. */
export interface ServedApi {
  api: string;
  /** `http://host:port` of the server. */
  origin?: string;
  /** The time scale it runs at (contract timings multiplied by it). */
  timeScale?: number;
}

/** The line of `serve --json` output for `api`, if there is one (lines that are not JSON are skipped). */
export function servedApi(text: string, api: string): ServedApi | undefined {
  for (const line of text.split('\n')) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof v !== 'object' || v === null || (v as { api?: unknown }).api !== api) continue;
    const o = v as Record<string, unknown>;
    return {
      api,
      ...(typeof o.origin === 'string' ? { origin: o.origin } : {}),
      ...(typeof o.timeScale === 'number' && o.timeScale > 0 ? { timeScale: o.timeScale } : {}),
    };
  }
  return undefined;
}
