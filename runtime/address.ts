import { StreamwrightError } from './errors.ts';

/**
 * Matches request paths against channel address templates (`/api/v1/workflow-runs/{id}/stream`).
 * A parameter matches one non-empty path segment; its value is percent-decoded.
 */
export interface AddressMatcher {
  readonly template: string;
  match(pathname: string): Record<string, string> | undefined;
  /** The path for given parameter values, each percent-encoded. */
  format(params: Readonly<Record<string, string>>): string;
}

export function compileAddress(template: string): AddressMatcher {
  const names: string[] = [];
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (m) {
        names.push(m[1]!);
        return '([^/]+)';
      }
      return canonical(part).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const pattern = new RegExp(`^${source}/?$`);
  return {
    template,
    match(pathname) {
      const path = canonicalPath(pathname);
      if (path === undefined) return undefined;
      const m = pattern.exec(path);
      if (!m) return undefined;
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      for (let i = 0; i < names.length; i++) {
        try {
          params[names[i]!] = decodeURIComponent(m[i + 1]!);
        } catch {
          return undefined;
        }
      }
      return params;
    },
    format(params) {
      return template
        .split(/(\{[^}]+\})/)
        .map((part) => {
          const m = /^\{([^}]+)\}$/.exec(part);
          if (!m) return canonical(part);
          const value = params[m[1]!];
          if (value === undefined) throw new StreamwrightError('SW_CONFIG_INVALID', `missing parameter ${m[1]} for ${template}`);
          return encodeURIComponent(value);
        })
        .join('');
    },
  };
}

/**
 * One spelling per path, so an address with characters that need percent-encoding (`/café`,
 * `/a b`) matches however a client encoded it: each segment decoded, then encoded again.
 */
function canonical(literal: string): string {
  return literal
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function canonicalPath(pathname: string): string | undefined {
  try {
    return pathname
      .split('/')
      .map((segment) => encodeURIComponent(decodeURIComponent(segment)))
      .join('/');
  } catch {
    return undefined;
  }
}
