/**
 * HTML built only through the `html` tag: every interpolated value is escaped as text unless it
 * is itself the result of `html` (or `raw`, for the few constant fragments). Spec strings cannot
 * become markup, whatever they contain.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

/** Escapes text for element content and for double-quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function piece(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(piece).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => (out += piece(p) + strings[i + 1]!));
  return new Html(out);
}

/** A constant fragment written in this module's source, never a spec string. */
export function raw(constant: string): Html {
  return new Html(constant);
}
