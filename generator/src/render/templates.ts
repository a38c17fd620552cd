import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { ident, jsDoc, jsLiteral, propertyKey, tsString } from './escape.ts';

/**
 * One Handlebars instance for all artifacts. Templates are compiled once, in strict mode (a
 * missing variable fails generation), and checked when loaded: every interpolation is either a
 * helper call (`{{tsString x}}`) or a triple-stash of a fragment whose name ends in `Code`,
 * which TypeScript code produced through the same escapers. A plain `{{x}}` would apply HTML
 * escaping, which is no protection for code, so it is refused.
 */
const hb = Handlebars.create();

const HELPERS: Record<string, (...args: never[]) => string> = {
  tsString: (value: string) => tsString(String(value)),
  ident: (value: string) => ident(String(value)),
  propertyKey: (value: string) => propertyKey(String(value)),
  jsLiteral: (value: unknown) => jsLiteral(value),
  jsDoc: (text: string, indent?: unknown) => jsDoc([text], typeof indent === 'string' ? indent : '').trimEnd(),
};
for (const [name, fn] of Object.entries(HELPERS)) {
  hb.registerHelper(name, (...args: unknown[]) => {
    const params = args.slice(0, -1);
    // Strict mode does not cover helper arguments; a missing variable must still fail.
    if (params.some((p) => p === undefined)) {
      const { loc } = args[args.length - 1] as { loc?: { start: { line: number } } };
      throw new Error(`template helper ${name} got a missing variable (line ${loc?.start.line ?? '?'})`);
    }
    return new hb.SafeString((fn as (...a: unknown[]) => string)(...params));
  });
}

const TEMPLATE_ROOT = new URL('../../../templates/', import.meta.url);
const cache = new Map<string, Handlebars.TemplateDelegate>();

export function template(path: string): Handlebars.TemplateDelegate {
  let compiled = cache.get(path);
  if (!compiled) {
    const source = readFileSync(new URL(path, TEMPLATE_ROOT), 'utf8');
    assertSafe(path, source);
    compiled = hb.compile(source, { strict: true, noEscape: true, preventIndent: true });
    cache.set(path, compiled);
  }
  return compiled;
}

export function render(path: string, context: object): string {
  return template(path)(context);
}

function assertSafe(path: string, source: string) {
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement;
      const name = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
      const helperCall = m.params.length > 0 && name in HELPERS;
      const rawCode = !m.escaped && m.params.length === 0 && /Code$/.test(name);
      if (!helperCall && !rawCode) {
        throw new Error(
          `templates/${path}:${m.loc.start.line}: {{${name}}} must go through an escaping helper (${Object.keys(HELPERS).join(', ')}) or be a {{{…Code}}} fragment`,
        );
      }
    }
    for (const key of ['body', 'program', 'inverse'] as const) {
      const child = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) child.forEach(visit);
      else if (child && typeof child === 'object') visit(child as hbs.AST.Node);
    }
  };
  visit(hb.parse(source));
}
