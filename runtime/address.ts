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
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const pattern = new RegExp(`^${source}/?$`);
  return {
    template,
    match(pathname) {
      const m = pattern.exec(pathname);
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
      return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`missing parameter ${name} for ${template}`);
        return encodeURIComponent(value);
      });
    },
  };
}
