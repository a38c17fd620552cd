/**
 * Credentials for replay and probes, per security scheme id. Two shapes are read:
 * - the JSON lines `streamwright serve --json` prints: `{api, urls, credentials: [{scheme, value, usage}]}`;
 * - a plain object `{ "<schemeId>": "<value>" }` (or `"<schemeId>": ["<value>", …]`).
 * A scheme may have several values (a per-agent token beside the user's); `pick` chooses the one
 * whose usage names the address being opened.
 */
import { ConformError } from './errors.ts';

export interface Credential {
  scheme: string;
  value: string;
  usage?: string;
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

  schemes(): string[] {
    return [...new Set(this.all.map((c) => c.scheme))];
  }

  /** One value per scheme for a connection to `path` (the concrete request path). */
  pick(path: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const scheme of this.schemes()) {
      const candidates = this.all.filter((c) => c.scheme === scheme);
      const named = candidates.find((c) => c.usage !== undefined && mentionsPath(c.usage, path));
      out[scheme] = (named ?? candidates.find((c) => !c.usage || !/\/\S+\/\S+/.test(c.usage) || !namesOtherPath(c.usage, path)) ?? candidates[0]!).value;
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
export function parseCredentials(text: string, api?: string): Credentials {
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
        const { scheme, value, usage } = c as Credential;
        out.push({ scheme, value, ...(typeof usage === 'string' ? { usage } : {}) });
      }
      continue;
    }
    for (const [scheme, value] of Object.entries(o)) {
      if (scheme === 'transcripts') {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', '`transcripts` must map transcript names to {"<schemeId>": "<value>"}');
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
        if (typeof item !== 'string') throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', `credential "${scheme}" must be a string or an array of strings`);
        out.push({ scheme, value: item });
      }
    }
  }
  return new Credentials(out, perTranscript);
}
