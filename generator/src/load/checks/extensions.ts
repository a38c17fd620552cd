import type { Ajv, ValidateFunction } from 'ajv';
import { createAjv, normalizeAjvErrors } from '../../validate/ajv.ts';
import type { ChannelView, Direction } from '../channels.ts';
import { directionDispatch } from '../discriminator.ts';
import { EXTENSIONS, siteOf } from '../extensions.ts';
import { BUNDLE_KEY } from '../bundle.ts';
import { isRecord, parsePointer, type PathSegment } from '../pointer.ts';
import type { Check, Finding } from './context.ts';

// Compiled on first use: most documents use few extensions or none, and compiling all of them
// (with ajv's meta-schema) at import cost every command ~0.3 s of start-up.
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

function validatorOf(definition: { name: string; schema: object }): ValidateFunction {
  let validate = validators.get(definition.name);
  if (!validate) validators.set(definition.name, (validate = (ajv ??= createAjv()).compile(definition.schema)));
  return validate;
}

/** `x-sw-*` extensions are known, in a place where they mean something, and valid. */
export const checkExtensions: Check = (ctx) => {
  const { doc, report } = ctx;
  const walk = (node: unknown, at: PathSegment[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i]));
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const here = [...at, key];
      // Files the document refers to are not a root extension; x-sw-* keys inside them go unchecked for now.
      if (at.length === 0 && key === BUNDLE_KEY) continue;
      if (key.startsWith('x-sw-')) checkOne(key, value, at, here, report);
      if (key === 'payload' || key === 'headers' || key === 'schemas') walkSchemas(value, here, report);
      // Inside a schema or example, other x-sw-* keys are user data, not extensions.
      if (key === 'examples' || key === 'payload' || key === 'headers' || key === 'schemas') continue;
      walk(value, here);
    }
  };
  walk(doc, []);
  for (const view of ctx.channels) checkChannelReferences(doc, view, report);
};

/** The one schema-level extension, x-sw-known-values, wherever a schema may sit (not in example data). */
function walkSchemas(node: unknown, at: PathSegment[], report: (f: Finding) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkSchemas(item, [...at, i], report));
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'x-sw-known-values') checkOne(key, value, at, [...at, key], report, 'schema');
    if (key === 'examples' || key === 'example' || key === 'default' || key === 'const' || key === 'enum') continue;
    walkSchemas(value, [...at, key], report);
  }
}

function checkOne(name: string, value: unknown, owner: PathSegment[], at: PathSegment[], report: (f: Finding) => void, knownSite?: 'schema') {
  const definition = EXTENSIONS.get(name);
  if (!definition) {
    report({
      code: 'sw/extension-unknown',
      severity: 'error',
      message: `${name} is not a streamwright extension (known: ${[...EXTENSIONS.keys()].join(', ')})`,
      at,
    });
    return;
  }
  const site = knownSite ?? siteOf(owner);
  if (site === undefined || !definition.sites.includes(site)) {
    report({ code: 'sw/extension-misplaced', severity: 'error', message: `${name} belongs on ${definition.sites.join(' or ')}, not here`, at });
    return;
  }
  const validate = validatorOf(definition);
  if (validate(value)) return;
  for (const error of normalizeAjvErrors(validate.errors)) {
    // `if`/`oneOf` wrappers repeat what the concrete errors say.
    if (error.keyword === 'if' || error.keyword === 'oneOf') continue;
    report({
      code: 'sw/extension-invalid',
      severity: 'error',
      message: `${name}${error.pointer}: ${error.message}`,
      at: [...at, ...parsePointer(error.pointer)],
    });
  }
}

/** Tags and error codes named inside a channel's extensions exist on that channel. */
function checkChannelReferences(doc: unknown, view: ChannelView, report: (f: Finding) => void) {
  const tags = (direction: Direction) => new Set([...directionDispatch(doc, view, direction).tags.values()].flatMap((t) => (t === null ? [] : [t])));
  const expectTag = (tag: unknown, direction: Direction, at: PathSegment[]) => {
    if (typeof tag === 'string' && !tags(direction).has(tag)) {
      const arrow = direction === 'send' ? 'server → client' : 'client → server';
      report({ code: 'sw/extension-ref-unknown', severity: 'error', message: `channel "${view.id}" has no ${arrow} message tagged "${tag}"`, at });
    }
  };
  const base = view.at;
  const heartbeat = view.channel['x-sw-heartbeat'];
  if (isRecord(heartbeat)) {
    expectTag(heartbeat.message, 'send', [...base, 'x-sw-heartbeat', 'message']);
    if (isRecord(heartbeat.pong)) expectTag(heartbeat.pong.message, 'receive', [...base, 'x-sw-heartbeat', 'pong', 'message']);
  }
  const sequence = view.channel['x-sw-sequence'];
  if (isRecord(sequence) && Array.isArray(sequence.rules)) {
    sequence.rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      for (const field of ['messages', 'first', 'then', 'ignore'] as const) {
        const list = rule[field];
        if (Array.isArray(list)) list.forEach((tag, j) => expectTag(tag, 'send', [...base, 'x-sw-sequence', 'rules', i, field, j]));
      }
      if (isRecord(rule.keyByMessage))
        for (const tag of Object.keys(rule.keyByMessage)) expectTag(tag, 'send', [...base, 'x-sw-sequence', 'rules', i, 'keyByMessage', tag]);
    });
  }
  const errors = view.channel['x-sw-errors'];
  const codes = isRecord(errors) && isRecord(errors.codes) ? new Set(Object.keys(errors.codes)) : new Set<string>();
  if (isRecord(errors)) expectTag(errors.message, 'send', [...base, 'x-sw-errors', 'message']);
  const limits = view.channel['x-sw-limits'];
  if (isRecord(limits)) {
    for (const [limit, spec] of Object.entries(limits)) {
      const code = isRecord(spec) && isRecord(spec.onExceed) ? spec.onExceed.errorCode : undefined;
      if (typeof code === 'string' && !codes.has(code)) {
        report({
          code: 'sw/extension-ref-unknown',
          severity: 'error',
          message: `x-sw-limits.${limit} answers with error code "${code}", which channel "${view.id}" does not declare in x-sw-errors`,
          at: [...base, 'x-sw-limits', limit, 'onExceed', 'errorCode'],
        });
      }
    }
  }
}
