import { readFileSync } from 'node:fs';
import { _, type ValidateFunction } from 'ajv';
import type { ApiIR, ChannelIR, Direction, MessageIR } from '../../ir/types.ts';
import { docInline, ident, jsDoc, tsString } from '../../render/escape.ts';
import { createAjv, standaloneCode } from '../../validate/ajv.ts';
import { protoSafeSchema } from '../../validate/proto-safe.ts';
import { render } from '../../render/templates.ts';
import { header } from '../header.ts';
import type { EmittedFile } from '../types.ts';
import { buildShapes } from './shapes.ts';
import { planLean, type LeanPlan } from './lean.ts';
// The same format checks are inlined into every generated module and used here to compile.
import { formats } from '../../../../templates/validators/prelude.js';

const PRELUDE_URL = new URL('../../../../templates/validators/prelude.js', import.meta.url);
let preludeText: string | undefined;

/** The prelude's source text, read once per process (every generated module starts with it, and `generate` runs it). */
export function preludeSource(): string {
  return (preludeText ??= readFileSync(PRELUDE_URL, 'utf8'));
}
const SCHEMA_ID = 'https://streamwright.invalid/api.json';

// ajv's standalone code `require`s these helpers; the prelude defines them under these names.
const RUNTIME_REQUIRES: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': 'ucs2length',
  'require("ajv/dist/runtime/equal").default': 'equal',
};

/** The payload validators of an API, compiled once: usable in process and as standalone code. */
export interface CompiledPayloads {
  /** The compiled validator of a message's payload. */
  validatorOf(message: MessageIR): ValidateFunction;
  /** ajv's standalone code for the given messages' payload validators, made private to the module. */
  code(messages?: readonly MessageIR[]): string;
  /** The lean emitter's plan: which definitions it validates (the rest is ajv's). */
  readonly lean: LeanPlan;
}

export function compilePayloads(api: ApiIR): CompiledPayloads {
  const schemaById = new Map(api.schemas.map((s) => [s.id, s]));
  // Checking own properties costs ~10% of throughput and only changes a verdict for property
  // names that Object.prototype also has (`constructor`, `valueOf`…): pay for it only then.
  const ownProperties = api.schemas.some((d) => namesPrototypeProperty(d.schema));
  const ajv = createAjv({ ownProperties, code: { source: true, esm: true, lines: true, optimize: true, formats: _`formats` } });
  ajv.addSchema({ $id: SCHEMA_ID, definitions: Object.fromEntries(api.schemas.map((s) => [s.id, protoSafeSchema(s.schema)])) }, undefined, undefined, false);
  const refOf = (m: MessageIR) => `${SCHEMA_ID}#/definitions/${encodeURIComponent(m.payload)}`;
  const lean = planLean(schemaById, { ajvKeywords: new Set(Object.keys(ajv.RULES.all)), formats: new Set(Object.keys(formats)), ownProperties });
  // ajv numbers its functions in compile order and the standalone code keeps the numbers: what the
  // lean emitter leaves to ajv is compiled first, in document order, so that the output is the
  // same whoever asks for code or validators first (generate, emitAll, the console page).
  for (const m of api.messages) if (!lean.covers(m.payload)) ajv.getSchema(refOf(m));
  return {
    lean,
    validatorOf(m) {
      const fn = ajv.getSchema(refOf(m));
      if (!fn) throw new Error(`no payload schema for ${m.id}`);
      return fn;
    },
    code(messages = api.messages) {
      const exported: Record<string, string> = {};
      for (const m of messages) exported[payloadFunctionName(m, schemaById)] = refOf(m);
      if (Object.keys(exported).length === 0) return '';
      return privatise(standaloneCode(ajv, exported));
    },
  };
}

function payloadFunctionName(m: MessageIR, schemaById: Map<string, { typeName: string }>): string {
  return `_payload${ident(schemaById.get(m.payload)!.typeName)}`;
}

export interface EmitValidatorsOptions {
  /**
   * One self-contained `validators.gen.js` (the console page inlines it) instead of the default:
   * `validators/shared.gen.js` plus one module per channel, and `validators.gen.js` re-exporting them.
   */
  bundle?: boolean;
  /** Only lean or only ajv code where both could do (the differential test compares the two). */
  engine?: 'auto' | 'ajv';
}

/** The exported names of prelude helpers that channel modules use. */
const PRELUDE_EXPORTS = [
  'check',
  'checkLean',
  'fail',
  'fail$',
  'type$',
  'required$',
  'warned$',
  'isObject',
  'asEvent',
  'formats',
  'ucs2length',
  'equal',
  'escapeSegment',
];

/**
 * The validators of an API (ESM, no imports outside the generated folder) and their `.d.ts`:
 * one module per channel, so that an application imports only the channels it uses (the
 * generated server and client import each channel's on first use), a shared module with what
 * several channels use (each shared schema is emitted once and called), and `validators.gen.js`
 * re-exporting all of them. Takes the compiled payloads when the caller already has them
 * (generate has them: it checks examples with their lean plan and, for what lean leaves, ajv).
 */
export function emitValidators(api: ApiIR, compiled: CompiledPayloads = compilePayloads(api), options: EmitValidatorsOptions = {}): EmittedFile[] {
  const messageById = new Map(api.messages.map((m) => [m.id, m]));
  const schemaById = new Map(api.schemas.map((s) => [s.id, s]));
  const lean = options.engine === 'ajv' ? undefined : compiled.lean;
  const isLean = (m: MessageIR) => lean !== undefined && lean.covers(m.payload);
  const shapes = buildShapes(api);
  const headerCode = header(api, 'Precompiled validators: one per message, and per channel direction one that reads the tag first.');
  const preludeCode = preludeSource();

  const messageEntry = (m: MessageIR) => ({
    docCode: jsDoc([`Validates a \`${m.typeName}\` payload.`], ''),
    nameCode: ident(m.validatorName),
    checkCode: isLean(m) ? `checkLean(${lean!.verdictName(m.payload)}, ${lean!.functionName(m.payload)}` : `check(${payloadFunctionName(m, schemaById)}`,
    shapeCode: shapes.quiet(shapes.indexOf(m.payload)) ? 'undefined' : `SHAPES[${shapes.indexOf(m.payload)}]`,
    typeCode: ident(m.typeName),
  });
  const channelMessages = (c: ChannelIR) => [...new Set([...c.send.messages, ...c.receive.messages].map((cm) => cm.message))].map((id) => messageById.get(id)!);
  const leanCode = (ms: readonly MessageIR[], exclude: ReadonlySet<string> = new Set()) => {
    if (!lean) return { ids: [] as string[], code: '' };
    const ids = [...new Set(ms.filter(isLean).flatMap((m) => lean.closure(m.payload)))].filter((id) => !exclude.has(id));
    return { ids, code: lean.code(ids) };
  };
  const ajvCode = (ms: readonly MessageIR[]) => compiled.code(ms.filter((m) => !isLean(m)));

  if (options.bundle) {
    const context = {
      headerCode,
      preludeCode: preludeCode.replace(/^export /gm, ''),
      importsCode: '',
      ajvCode: ajvCode(api.messages),
      leanCode: leanCode(api.messages).code,
      shapesCode: `const SHAPES = shapes(${shapes.code()});`,
      messages: api.messages.map(messageEntry),
      dispatchers: api.channels.flatMap((c) => (['send', 'receive'] as const).map((d) => dispatcher(c, d, messageById))),
      runtimeCode: '',
    };
    return [
      { path: 'validators.gen.js', contents: render('validators/validators.js.hbs', context) },
      { path: 'validators.gen.d.ts', contents: render('validators/validators.d.ts.hbs', context) },
    ];
  }

  // A message used by one channel lives in that channel's module; one several channels use (or
  // none) in the shared module, as does a lean schema function more than one module needs.
  const homeOf = new Map<string, string>();
  for (const c of api.channels) for (const m of channelMessages(c)) homeOf.set(m.id, homeOf.has(m.id) && homeOf.get(m.id) !== c.id ? '' : c.id);
  const sharedMessages = api.messages.filter((m) => !homeOf.get(m.id));
  const ownMessages = (c: ChannelIR) => channelMessages(c).filter((m) => homeOf.get(m.id) === c.id);
  const users = new Map<string, Set<string>>();
  if (lean) {
    const use = (ms: readonly MessageIR[], module: string) => {
      for (const m of ms) if (isLean(m)) for (const id of lean.closure(m.payload)) users.set(id, (users.get(id) ?? new Set()).add(module));
    };
    use(sharedMessages, '');
    for (const c of api.channels) use(ownMessages(c), c.id);
  }
  const sharedLean = new Set([...users].filter(([, u]) => u.size > 1 || u.has('')).map(([id]) => id));
  const sharedLeanCode = lean ? lean.code([...sharedLean].sort()) : '';

  const files: EmittedFile[] = [];
  const sharedContext = {
    headerCode: header(api, 'Precompiled validators: what several channels share (the helpers, the schemas several channels use, their messages).'),
    preludeCode: `${preludeCode}\nexport { ${[...PRELUDE_EXPORTS.filter((n) => n !== 'formats'), ...[...sharedLean].sort().flatMap((id) => [lean!.verdictName(id), lean!.functionName(id)])].join(', ')} };\n`,
    importsCode: '',
    ajvCode: ajvCode(sharedMessages),
    leanCode: sharedLeanCode,
    shapesCode: `export const SHAPES = shapes(${shapes.code()});`,
    messages: sharedMessages.map(messageEntry),
    dispatchers: [],
    typesImportCode: "import type { Validation } from '../validators.gen.js';",
    runtimeCode: '',
    runtimeTypesCode: '',
  };
  files.push({ path: 'validators/shared.gen.js', contents: render('validators/validators.js.hbs', sharedContext) });
  files.push({ path: 'validators/shared.gen.d.ts', contents: render('validators/channel.d.ts.hbs', sharedContext) });

  const barrel: { pathCode: string; namesCode: string }[] = [
    { pathCode: tsString('./validators/shared.gen.js'), namesCode: sharedMessages.map((m) => ident(m.validatorName)).join(', ') },
  ];
  for (const c of api.channels) {
    const own = ownMessages(c);
    const local = leanCode(own, sharedLean);
    const dispatchers = (['send', 'receive'] as const).map((d) => dispatcher(c, d, messageById));
    // Every message validator of the channel is importable from the channel's module, its shared
    // ones too: a lazy loader or a type guard then needs this one module (and what it imports).
    const sharedOfChannel = channelMessages(c)
      .filter((m) => !homeOf.get(m.id))
      .map((m) => ident(m.validatorName));
    const imports = [
      ...PRELUDE_EXPORTS,
      'SHAPES',
      ...[...sharedLean].sort().flatMap((id) => [lean!.verdictName(id), lean!.functionName(id)]),
      ...sharedOfChannel,
    ];
    const reexportCode = sharedOfChannel.length
      ? `\n/** The validators of this channel's messages that other channels share. */\nexport { ${sharedOfChannel.join(', ')} };\n`
      : '';
    const reexportTypesCode = sharedOfChannel.length ? `\nexport { ${sharedOfChannel.join(', ')} } from './shared.gen.js';\n` : '';
    const context = {
      headerCode: header(
        api,
        `Precompiled validators of channel \`${docInline(c.address)}\`: its messages, and per direction the dispatcher that reads the tag first.`,
      ),
      preludeCode: '',
      importsCode: `import { ${imports.join(', ')} } from './shared.gen.js';\n`,
      ajvCode: ajvCode(own),
      leanCode: local.code,
      shapesCode: '',
      messages: own.map(messageEntry),
      dispatchers,
      typesImportCode: "import type { Validation } from '../validators.gen.js';",
      runtimeCode: `\n/** This channel's validators by direction, as the runtime takes them. */\nexport const send = ${ident(c.send.validatorName)};\nexport const receive = ${ident(c.receive.validatorName)};\n${reexportCode}`,
      runtimeTypesCode: `\nexport declare const send: typeof ${ident(c.send.validatorName)};\nexport declare const receive: typeof ${ident(c.receive.validatorName)};\n${reexportTypesCode}`,
    };
    const file = channelModule(c);
    files.push({ path: `validators/${file}.js`, contents: render('validators/validators.js.hbs', context) });
    files.push({ path: `validators/${file}.d.ts`, contents: render('validators/channel.d.ts.hbs', context) });
    barrel.push({
      pathCode: tsString(`./validators/${file}.js`),
      namesCode: [...own.map((m) => ident(m.validatorName)), ...dispatchers.map((d) => d.nameCode)].join(', '),
    });
  }
  const barrelContext = {
    headerCode,
    exports: barrel.filter((b) => b.namesCode !== ''),
    channels: api.channels.map((c) => ({ idCode: tsString(c.id), pathCode: tsString(`./validators/${channelModule(c)}.js`) })),
    messages: api.messages.map(messageEntry),
    dispatchers: api.channels.flatMap((c) => (['send', 'receive'] as const).map((d) => dispatcher(c, d, messageById))),
  };
  files.unshift(
    { path: 'validators.gen.js', contents: render('validators/index.js.hbs', barrelContext) },
    { path: 'validators.gen.d.ts', contents: render('validators/validators.d.ts.hbs', barrelContext) },
  );
  return files;
}

/** The module name (without `.js`) of a channel's validators, under `validators/`. */
export function channelModule(c: ChannelIR): string {
  return `${ident(c.typeName)}.gen`;
}

/**
 * The import specifier, from the generated folder, of a channel's validator module: it exports
 * `send` and `receive` (the runtime's validators of the channel) and the validator of every
 * message the channel carries.
 */
export function channelModuleSpecifier(c: ChannelIR): string {
  return `./validators/${channelModule(c)}.js`;
}

function dispatcher(c: ChannelIR, d: Direction, messages: Map<string, MessageIR>) {
  const dir = c[d];
  const arrow = d === 'send' ? 'server → client' : 'client → server';
  const entries = dir.messages.map((cm) => ({ tag: cm.tag, m: messages.get(cm.message)! }));
  const sse = c.transport === 'sse';
  const wrap = (code: string) => (sse ? `asEvent(event, ${code})` : code);
  // Tag → messages, in document order; several share a tag only on a shared SSE event.
  const groups = new Map<string, MessageIR[]>();
  for (const e of entries) if (e.tag !== null) groups.set(e.tag, [...(groups.get(e.tag) ?? []), e.m]);
  const cases = [...groups]
    .map(([tag, ms]) =>
      ms.length === 1
        ? `    case ${tsString(tag)}:\n      return ${wrap(`${ident(ms[0]!.validatorName)}(data)`)};`
        : `    case ${tsString(tag)}: {\n${byShape(ms, '      ', wrap)}\n    }`,
    )
    .join('\n');
  const tags = [...groups.keys()];
  const known = tags.length ? `expected one of ${tags.join(', ')}` : `no ${sse ? 'event' : 'message'} is allowed ${arrow}`;
  let bodyCode: string;
  let doc: string;
  if (dir.dispatch === 'single') {
    bodyCode = `  return ${wrap(`${ident(entries[0]!.m.validatorName)}(data)`)};`;
    doc = 'reads the tag, then validates that message only';
  } else if (dir.dispatch === 'shape') {
    bodyCode = byShape(
      entries.map((e) => e.m),
      '  ',
      wrap,
    );
    doc = 'no discriminator: tries each message in document order, the first that matches wins (`ambiguous` lists every match when more than one does)';
  } else if (sse) {
    bodyCode = `  switch (event) {\n${cases}\n    default:\n      return fail('', 'tag', ${tsString(`unknown event (${known})`)});\n  }`;
    doc = 'reads the tag, then validates that message only';
  } else {
    const property = dir.tagProperty ?? c.tagProperty ?? 'type';
    const pointer = '/' + property.replace(/~/g, '~0').replace(/\//g, '~1');
    bodyCode = [
      `  if (!isObject(data) || typeof data[${tsString(property)}] !== 'string') return fail(${tsString(pointer)}, 'tag', ${tsString(`must be an object with a string "${property}"`)});`,
      `  switch (data[${tsString(property)}]) {`,
      cases,
      '    default:',
      `      return fail(${tsString(pointer)}, 'tag', ${tsString(`unknown ${property} (${known})`)});`,
      '  }',
    ].join('\n');
    doc = 'reads the tag, then validates that message only';
  }
  const shaped = dir.dispatch === 'shape' || [...groups.values()].some((ms) => ms.length > 1);
  return {
    docCode: jsDoc([`Validates ${sse ? 'an event' : 'a message'} of channel \`${docInline(c.address)}\` (${arrow}): ${doc}.`]),
    nameCode: ident(dir.validatorName),
    paramsCode: sse ? 'event, data' : 'data',
    paramsTypeCode: sse ? 'event: string, data: unknown' : 'data: unknown',
    typeCode: ident(dir.unionName),
    // The type names of every message that matched, when a shape-dispatched frame matched several.
    resultCode: shaped ? `Validation<models.${ident(dir.unionName)}> & { ambiguous?: string[] }` : `Validation<models.${ident(dir.unionName)}>`,
    bodyCode,
    sse,
  };
}

/** Statements that return the first message whose validator accepts `data` (and every match, when several do). */
function byShape(ms: MessageIR[], indent: string, wrap: (code: string) => string): string {
  return [
    `const names = [${ms.map((m) => tsString(m.typeName)).join(', ')}];`,
    `const verdicts = [${ms.map((m) => `${ident(m.validatorName)}(data)`).join(', ')}];`,
    'const first = verdicts.find((v) => v.ok);',
    `if (!first) return ${wrap('verdicts[0]')};`,
    'const ambiguous = names.filter((_, i) => verdicts[i].ok);',
    `const result = ${wrap('first')};`,
    'return ambiguous.length > 1 ? { ...result, ambiguous } : result;',
  ]
    .map((line) => indent + line)
    .join('\n');
}

const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Whether a schema (at any depth) declares or requires a property named like one of Object.prototype's. */
function namesPrototypeProperty(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(namesPrototypeProperty);
  if (schema === null || typeof schema !== 'object') return false;
  const s = schema as Record<string, unknown>;
  if (s.properties && typeof s.properties === 'object' && Object.keys(s.properties).some((k) => PROTOTYPE_NAMES.has(k))) return true;
  if (Array.isArray(s.required) && s.required.some((k) => PROTOTYPE_NAMES.has(String(k)))) return true;
  return Object.values(s).some(namesPrototypeProperty);
}

/**
 * Makes ajv's standalone module private to the generated file: its exports become consts, the
 * CommonJS helpers it would `require` are the prelude's, and `__proto__` keys in its schema
 * literals are computed keys so they stay own properties.
 */
function privatise(code: string): string {
  let out = code.replace(/^"use strict";\n?/, '').replace(/^export const (_payload[A-Za-z0-9_$]*) = /gm, 'const $1 = ');
  for (const [from, to] of Object.entries(RUNTIME_REQUIRES)) out = out.split(from).join(to);
  out = out.replace(/([{,])"__proto__":/g, '$1["__proto__"]:');
  if (/\brequire\(/.test(out)) throw new Error(`ajv standalone code needs a helper the prelude lacks: ${/require\([^)]*\)/.exec(out)![0]}`);
  if (/^\s*(export|import)\b/m.test(out)) throw new Error('ajv standalone code has an unexpected import or export');
  return out;
}
