/**
 * A document whose every string tries to break out of the generated code (quotes, backticks,
 * `${`, `*\/`, U+2028/U+2029, newlines, `__proto__`, reserved words, code that sets
 * `globalThis.__swCanary`). The output must compile, run none of it, and keep every string
 * verbatim at run time.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadSpec } from '../../generator/src/load/load.ts';
import {
  cleanup,
  compilerHost,
  exampleCases,
  GENERATED_FILES,
  generateInto,
  importGenerated,
  STRICT_OPTIONS,
  STUB_OPTIONS,
  tempDir,
  typeCheck,
  typeCheckEach,
  usageModule,
  type Generated,
} from './harness.ts';

const HOSTILE = 'test/fixtures/hostile/hostile.asyncapi.yaml';
/** `__proto__` and `hasOwnProperty` as keys; @asyncapi/parser's full rule set cannot read it, generation can. */
const PROTO_KEYS = 'test/fixtures/hostile/proto-keys.asyncapi.yaml';

const CANARY = '__swCanary';
const canary = () => (globalThis as Record<string, unknown>)[CANARY];
const TAG_PROPERTY = '"); globalThis.__swCanary = 1; ("';
const EVIL_ID = '*/ globalThis.__swCanary = 1; /*';

type Verdict = { ok: true; value: unknown } | { ok: false; errors: { pointer: string; keyword: string; message: string }[] };
type Validator = (...args: unknown[]) => Verdict;
type Json = Record<string, unknown>;
interface Loaded {
  gen: Generated;
  doc: Json;
  validators: Record<string, Validator>;
  metadata: { api: Json };
  models: Record<string, unknown>;
}

const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const get = (value: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Json)[k] : undefined), value);

let dir: string;
const loaded: Record<string, Loaded> = {};
let prototypeBefore: string[];

async function load(spec: string, label: string): Promise<Loaded> {
  const out = path.join(dir, label);
  const gen = await generateInto(spec, out);
  await writeFile(path.join(out, 'usage.ts'), usageModule(gen.ir));
  const doc = (await loadSpec(spec, { rules: 'schema' })).document as Json;
  return {
    gen,
    doc,
    validators: await importGenerated<Record<string, Validator>>(out, 'validators.gen.js'),
    metadata: await importGenerated<{ api: Json }>(out, 'metadata.gen.ts'),
    models: await importGenerated(out, 'models.gen.ts'),
  };
}

beforeAll(async () => {
  delete (globalThis as Record<string, unknown>)[CANARY];
  prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  dir = await tempDir('hostile');
  loaded.hostile = await load(HOSTILE, 'hostile');
  loaded['proto-keys'] = await load(PROTO_KEYS, 'proto-keys');
});
afterAll(() => cleanup(dir));

describe('the hostile documents', () => {
  it('hostile.asyncapi.yaml passes `streamwright validate` with no errors and no warnings', async () => {
    const { diagnostics } = await loadSpec(HOSTILE);
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.message}`)).toEqual([]);
  });

  it('proto-keys.asyncapi.yaml passes the checks `generate` runs', async () => {
    const { diagnostics } = await loadSpec(PROTO_KEYS, { rules: 'schema' });
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer} ${d.message}`)).toEqual([]);
  });
});

// Both documents type-check in one TypeScript program (see typeCheckEach).
const LABELS = ['hostile', 'proto-keys'];
let typeChecked: string[][] | undefined;
const diagnosticsOf = (label: string) =>
  (typeChecked ??= typeCheckEach(
    LABELS.filter((l) => loaded[l] !== undefined).map((l) => ({
      dir: loaded[l]!.gen.dir,
      names: ['models.gen.ts', 'validators.gen.d.ts', 'metadata.gen.ts', 'usage.ts'],
    })),
  ))[LABELS.indexOf(label)];

describe.each(LABELS)('generated from %s', (label) => {
  const at = () => loaded[label]!;

  it('type-checks under strict NodeNext settings, with an exhaustive switch over every channel union', () => {
    expect(diagnosticsOf(label)).toEqual([]);
  });

  it('ran nothing on import: no canary, no prototype pollution', () => {
    expect(canary()).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('has no raw U+2028 or U+2029 in any file', () => {
    for (const f of Object.keys(at().gen.files)) expect([f, /[\u2028\u2029]/.test(at().gen.files[f]!)]).toEqual([f, false]);
  });

  it.each(GENERATED_FILES)('%s parses, names no spec identifier as code, and has only closed comments', (f) => safeFile(f));

  it('every validators/ module parses, names no spec identifier as code, and has only closed comments', () => {
    const modules = Object.keys(at().gen.files).filter((f) => f.startsWith('validators/'));
    expect(modules).toContain('validators/shared.gen.js');
    for (const f of modules) safeFile(f);
  });

  function safeFile(f: string) {
    const text = at().gen.files[f]!;
    const kind = f.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true, kind);
    const program = ts.createProgram({ rootNames: [f], options: { ...STRICT_OPTIONS, allowJs: true }, host: singleFileHost(sf) });
    expect(program.getSyntacticDiagnostics(sf).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);

    const identifiers = new Set<string>();
    const literals: [number, number][] = [];
    const comments = new Map<number, ts.CommentRange>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) identifiers.add(node.text);
      if (ts.isStringLiteralLike(node) || ts.isRegularExpressionLiteral(node) || ts.isTemplateLiteralToken(node))
        literals.push([node.getStart(sf), node.getEnd()]);
      for (const r of [...(ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []), ...(ts.getTrailingCommentRanges(text, node.getEnd()) ?? [])])
        comments.set(r.pos, r);
      for (const child of node.getChildren(sf)) visit(child);
    };
    visit(sf);
    // Code the spec tried to inject would show up as identifiers.
    expect([...identifiers].filter((name) => name === CANARY || name === 'globalThis')).toEqual([]);

    // Every comment block is whole: `/**`, lines starting with `*`, then `*/` on a line of its own.
    const commentEnds = new Set<number>();
    for (const r of comments.values()) {
      const body = text.slice(r.pos, r.end);
      commentEnds.add(r.end - 2);
      if (r.kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
      if (body.includes('\n')) expect(body).toMatch(/^\/\*\*?\n(?:[ \t]*\*(?:[ \t].*)?\n)*[ \t]*\*\/$/);
      else expect(body).not.toMatch(/globalThis|__swCanary/);
    }
    // …and every other `*/` in the file is inside a string or regular expression literal.
    for (let i = text.indexOf('*/'); i !== -1; i = text.indexOf('*/', i + 1)) {
      const ok = commentEnds.has(i) || literals.some(([start, end]) => i > start && i + 2 < end);
      expect([i, text.slice(Math.max(0, i - 40), i + 2), ok]).toEqual([i, text.slice(Math.max(0, i - 40), i + 2), true]);
    }
  }

  it('accepts every example, with the message validator and the channel dispatcher, value unchanged', () => {
    const { gen, validators } = at();
    const cases = exampleCases(gen.ir);
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const c of cases) {
      expect([c.name, validators[c.message.validatorName]!(c.payload)]).toEqual([c.name, { ok: true, value: c.payload }]);
      const dispatch = validators[c.channel[c.direction].validatorName]!;
      if (c.channel.transport === 'sse') {
        const verdict = dispatch(c.tag ?? 'message', c.payload);
        expect([c.name, verdict.ok]).toEqual([c.name, true]);
        if (c.tag !== null) expect([c.name, verdict]).toEqual([c.name, { ok: true, value: { event: c.tag, data: c.payload } }]);
      } else {
        expect([c.name, dispatch(c.payload)]).toEqual([c.name, { ok: true, value: c.payload }]);
      }
    }
    expect(canary()).toBeUndefined();
  });

  it('keeps the metadata verbatim: title, version, servers, security, channel ids, addresses, parameters, tags, SSE headers', () => {
    const { doc, metadata, gen } = at();
    const api = metadata.api;
    expect(api.title).toBe(get(doc, 'info', 'title'));
    expect(api.version).toBe(get(doc, 'info', 'version'));
    expect((api.servers as Json[]).map((s) => s.id)).toEqual(Object.keys(doc.servers as Json));
    for (const s of api.servers as Json[]) {
      expect(s.host).toBe(get(doc, 'servers', s.id as string, 'host'));
      expect(s.description).toBe(get(doc, 'servers', s.id as string, 'description'));
    }
    for (const s of api.securitySchemes as Json[]) {
      for (const k of ['name', 'description', 'in', 'type']) expect(s[k]).toBe(get(doc, 'components', 'securitySchemes', s.id as string, k));
    }
    const channels = api.channels as Json;
    expect(Object.getPrototypeOf(channels)).toBe(Object.prototype);
    expect(Object.keys(channels)).toEqual(Object.keys(doc.channels as Json));
    for (const id of Object.keys(doc.channels as Json)) {
      const raw = get(doc, 'channels', id) as Json;
      const c = channels[id] as Json;
      expect(Object.hasOwn(channels, id)).toBe(true);
      expect(c.id).toBe(id);
      for (const k of ['address', 'title', 'description']) expect([id, k, c[k]]).toEqual([id, k, raw[k]]);
      const params = c.parameters as Json[];
      expect(params.map((p) => p.name)).toEqual([...String(raw.address).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
      for (const p of params) {
        for (const k of ['description', 'enum', 'default']) expect([id, p.name, k, p[k]]).toEqual([id, p.name, k, get(raw, 'parameters', p.name as string, k)]);
      }
      if (raw['x-sw-sse'] !== undefined) expect(c.sse).toEqual(raw['x-sw-sse']);
      expect(c.tagProperty).toBe(raw['x-sw-sse'] !== undefined ? null : (get(raw, 'x-sw-tag', 'property') ?? 'type'));
      // Every tag of the channel is the message name (SSE) or the payload's `const`, verbatim.
      const ir = gen.ir.channels.find((x) => x.id === id)!;
      for (const d of ['send', 'receive'] as const) {
        const tags = ((c[d] as Json).messages as Json[]).map((m) => m.tag);
        expect(tags).toEqual(ir[d].messages.map((cm) => cm.tag));
        for (const cm of ir[d].messages) {
          if (cm.tag === null) continue;
          const m = gen.ir.messages.find((x) => x.id === cm.message)!;
          if (ir.transport === 'sse') expect(cm.tag).toBe(m.name);
          else expect(m.examples.some((e) => get(e.payload, ir.tagProperty!) === cm.tag)).toBe(true);
        }
      }
    }
  });

  it('keeps property names and literal types verbatim in the models', () => {
    const { gen, doc } = at();
    const program = ts.createProgram({ rootNames: [path.join(gen.dir, 'models.gen.ts')], options: STRICT_OPTIONS, host: compilerHost(STRICT_OPTIONS) });
    const checker = program.getTypeChecker();
    const sf = program.getSourceFile(path.join(gen.dir, 'models.gen.ts'))!;
    const declared = new Map<string, ts.Type>();
    sf.forEachChild((n) => {
      if (ts.isInterfaceDeclaration(n)) declared.set(n.name.text, checker.getTypeAtLocation(n.name));
      if (ts.isTypeAliasDeclaration(n)) declared.set(n.name.text, checker.getTypeFromTypeNode(n.type));
    });
    const literals = (t: ts.Type) => (t.isUnion() ? t.types : [t]).map((x) => (x.isStringLiteral() || x.isNumberLiteral() ? x.value : checker.typeToString(x)));
    let checked = 0;
    for (const s of gen.ir.schemas) {
      const raw = get(
        doc,
        ...s.pointer
          .slice(2)
          .split('/')
          .map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~')),
      ) as Json | undefined;
      if (raw === undefined || typeof raw !== 'object') continue;
      const type = declared.get(s.typeName);
      expect([s.typeName, type !== undefined]).toEqual([s.typeName, true]);
      if (Array.isArray(raw.enum)) {
        expect(new Set(literals(type!))).toEqual(new Set(raw.enum));
        checked++;
      }
      if (raw.properties !== undefined && raw.additionalProperties === false) {
        const names = checker.getPropertiesOfType(type!).map((p) => p.name);
        expect(new Set(names)).toEqual(new Set(Object.keys(raw.properties as Json)));
        for (const [name, prop] of Object.entries(raw.properties as Json)) {
          const e = (prop as Json).enum ?? ((prop as Json).const !== undefined ? [(prop as Json).const] : undefined);
          if (!Array.isArray(e)) continue;
          const symbol = checker.getPropertyOfType(type!, name)!;
          const propType = checker.getNonNullableType(checker.getTypeOfSymbol(symbol));
          expect([s.typeName, name, new Set(literals(propType))]).toEqual([s.typeName, name, new Set(e)]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });

  it('matches the golden files', async () => {
    for (const f of Object.keys(at().gen.files)) await expect(at().gen.files[f]).toMatchFileSnapshot(`./__golden__/${label}/${f}`);
  });
});

describe('hostile validators at run time', () => {
  const h = () => loaded.hostile!;
  const validator = (typeName: string): Validator => {
    const m = h().gen.ir.messages.find((x) => x.typeName === typeName);
    if (!m) throw new Error(`no message type ${typeName}`);
    return h().validators[m.validatorName]!;
  };
  const channel = (id: string) => h().gen.ir.channels.find((c) => c.id === id)!;
  const enumValues = () => get(h().doc, 'components', 'schemas', 'enum', 'enum') as string[];

  it('accepts each hostile enum value and rejects it changed', () => {
    const validate = validator('Enum');
    expect(enumValues().length).toBeGreaterThan(8);
    for (const value of enumValues()) {
      const payload = { [TAG_PROPERTY]: 'enum', value };
      expect([value, validate(payload)]).toEqual([value, { ok: true, value: payload }]);
      for (const changed of [value + ' ', ` ${value}`, value.toUpperCase() === value ? value + 'x' : value.toUpperCase(), value.slice(1)]) {
        if (enumValues().includes(changed)) continue;
        const verdict = validate({ [TAG_PROPERTY]: 'enum', value: changed });
        expect([changed, verdict.ok]).toEqual([changed, false]);
        if (!verdict.ok) expect(verdict.errors).toContainEqual(expect.objectContaining({ pointer: '/value', keyword: 'enum' }));
      }
    }
  });

  it('accepts each hostile `const` and enum of a property, and rejects others', () => {
    const validate = validator('Constructor');
    for (const value of get(h().doc, 'components', 'messages', 'constructor', 'payload', 'properties', 'toString', 'enum') as string[]) {
      expect([value, validate({ type: 'constructor', toString: value, valueOf: 1, toLocaleString: true }).ok]).toEqual([value, true]);
    }
    const verdict = validate({ type: 'constructor', toString: '*/ ', valueOf: 1, toLocaleString: true });
    expect(verdict).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/toString', keyword: 'enum' })] });
  });

  it('requires each hostile property name, and names it in the error pointer', () => {
    const validate = validator('Prototype');
    const example = h().gen.ir.messages.find((m) => m.typeName === 'Prototype')!.examples[0]!.payload as Json;
    const required = get(h().doc, 'components', 'schemas', 'Object', 'required') as string[];
    expect(required).toEqual(expect.arrayContaining(['', 'constructor', '`${globalThis.__swCanary = 1}`']));
    // (`constructor`, inherited by every object, is a known bug below.)
    for (const name of required.filter((n) => !(n in Object.prototype))) {
      const { [name]: _gone, ...rest } = example;
      const verdict = validate(rest);
      expect([name, verdict.ok]).toEqual([name, false]);
      if (!verdict.ok) expect(verdict.errors).toContainEqual(expect.objectContaining({ pointer: '/' + escapeSegment(name), keyword: 'required' }));
    }
    const verdict = validate({ ...example, 'line\u2028break': 'x' });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.errors).toContainEqual(expect.objectContaining({ pointer: '/line\u2028break', keyword: 'additionalProperties' }));
  });

  it('dispatches on a tag property whose name is code', () => {
    const dispatch = h().validators[channel('prototype').send.validatorName]!;
    const payload = { [TAG_PROPERTY]: 'enum', value: '' };
    expect(dispatch(payload)).toEqual({ ok: true, value: payload });
    const unknown = dispatch({ [TAG_PROPERTY]: '__proto__', value: '' });
    expect(unknown).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/' + escapeSegment(TAG_PROPERTY), keyword: 'tag' })] });
    expect(dispatch({ type: 'enum', value: '' }).ok).toBe(false);
  });

  it('dispatches on tags and SSE event names that are code, `__proto__` and `constructor`', () => {
    const ws = h().validators[channel(EVIL_ID).send.validatorName]!;
    expect(ws({ type: 'constructor', toString: '', valueOf: 0, toLocaleString: false }).ok).toBe(true);
    expect(ws({ type: 'toString' }).ok).toBe(false);
    expect(ws({ type: 'hasOwnProperty' }).ok).toBe(false);
    const sse = h().validators[channel('constructor').send.validatorName]!;
    expect(sse(EVIL_ID, { implements: '' })).toEqual({ ok: true, value: { event: EVIL_ID, data: { implements: '' } } });
    expect(sse('`${globalThis.__swCanary = 1}`', '`${globalThis.__swCanary = 1}`')).toEqual({
      ok: true,
      value: { event: '`${globalThis.__swCanary = 1}`', data: '`${globalThis.__swCanary = 1}`' },
    });
    expect(sse('__proto__', ['', 1]).ok).toBe(true);
    for (const event of ['constructor', 'toString', '', 'message']) expect([event, sse(event, { implements: '' }).ok]).toEqual([event, false]);
    expect(canary()).toBeUndefined();
  });

  it('ran nothing after all this', () => {
    expect(canary()).toBeUndefined();
    expect(({} as Json).polluted).toBeUndefined();
  });
});

describe('`__proto__` keys', () => {
  const p = () => loaded['proto-keys']!;

  it('stay own properties of the metadata, never the prototype', () => {
    const api = p().metadata.api;
    const channels = api.channels as Json;
    expect(Object.hasOwn(channels, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(channels)).toBe(Object.prototype);
    expect(get(channels, '__proto__', 'address')).toBe('/__proto__');
    const headers = get(channels, 'constructor', 'sse', 'headers') as Json;
    expect(Object.hasOwn(headers, '__proto__')).toBe(true);
    expect(headers.__proto__ === Object.prototype).toBe(false);
    expect(get(headers, '__proto__')).toBe('{"polluted": true}');
  });

  it('pass through validators as data', () => {
    const { gen, validators } = p();
    const example = gen.ir.messages.find((m) => m.id === '__proto__')!.examples[0]!.payload as Json;
    expect(Object.hasOwn(get(example, 'open') as Json, '__proto__')).toBe(true);
    const dispatch = validators[gen.ir.channels.find((c) => c.id === '__proto__')!.send.validatorName]!;
    const verdict = dispatch(JSON.parse(JSON.stringify(example)));
    expect(verdict).toEqual({ ok: true, value: example });
    const event = validators[gen.ir.channels.find((c) => c.id === 'constructor')!.send.validatorName]!;
    expect(event('__proto__', JSON.parse('{"__proto__": 1, "constructor": 2}')).ok).toBe(true);
    expect(event('__proto__', JSON.parse('{"__proto__": "x"}')).ok).toBe(false);
    expect(({} as Json).polluted).toBeUndefined();
  });
});

describe('a channel whose id is `__proto__`', () => {
  // An object literal's `__proto__:` key (bare or quoted) sets the prototype instead of making a
  // property: the generated server must write it as a computed key or it loses the channel.
  it('its server type-checks with no `auth` option (the contract has no security scheme)', async () => {
    const out = path.join(dir, 'proto-keys');
    await writeFile(
      path.join(out, 'no-auth.ts'),
      "import { createProtoKeysServer } from './server.gen.ts';\nexport const server = createProtoKeysServer({ handlers: {} });\n",
    );
    const diagnostics = typeCheck(out, ['no-auth.ts'], STUB_OPTIONS);
    expect(diagnostics).toEqual([]);
  });

  it('is a computed key in the generated server, never one that sets a prototype', () => {
    const server = loaded['proto-keys']!.gen.files['server.gen.ts']!;
    expect(server).toMatch(/^\s*\["__proto__"\]: /m);
    expect(server).not.toMatch(/^\s*"?__proto__"?: /m);
  });

  it('is served by the generated server, to an independent ws client', async () => {
    const out = path.join(dir, 'proto-keys');
    type Server = { listen(port: number, host?: string): Promise<{ port: number }>; close(): Promise<void>; proto: { broadcast(m: unknown): number } };
    const { createProtoKeysServer } = await importGenerated<{ createProtoKeysServer: (o: unknown) => Server }>(out, 'server.gen.ts');
    let markOpen!: () => void;
    const opened = new Promise<void>((resolve) => (markOpen = resolve));
    // No security scheme: no `auth` option.
    const server = createProtoKeysServer({ handlers: { proto: { open: () => markOpen() } } });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/__proto__`);
      const failed = new Promise<never>((_, reject) => {
        ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
        ws.on('error', reject);
      });
      const received = new Promise<unknown>((resolve) => ws.on('message', (d) => resolve(JSON.parse(d.toString()))));
      await Promise.race([opened, failed]);
      const example = { type: 'hasOwnProperty', hasOwnProperty: '__proto__', toString: 'constructor' };
      expect(server.proto.broadcast(example)).toBe(1);
      expect(await Promise.race([received, failed])).toEqual(example);
      ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('known bugs (reported; each test fails until the bug is fixed)', () => {
  const h = () => loaded.hostile!;
  const channels = () => h().metadata.api.channels as Json;

  // generator/src/emit/validators/index.ts and generator/src/validate/ajv.ts: without ajv's
  // `ownProperties: true`, `data.valueOf !== undefined` sees Object.prototype.valueOf, so a payload
  // that omits an optional property named like an Object.prototype member is rejected.
  it('accepts a payload that omits an optional property named `valueOf`', () => {
    const m = h().gen.ir.messages.find((x) => x.typeName === 'Constructor')!;
    expect(h().validators[m.validatorName]!({ type: 'constructor', toString: '' })).toEqual({ ok: true, value: { type: 'constructor', toString: '' } });
  });

  it('reports a missing required property named `constructor` as missing', () => {
    const m = h().gen.ir.messages.find((x) => x.typeName === 'Prototype')!;
    const { constructor: _gone, ...rest } = m.examples[0]!.payload as Json;
    expect(h().validators[m.validatorName]!(rest)).toEqual({ ok: false, errors: [expect.objectContaining({ pointer: '/constructor', keyword: 'required' })] });
  });

  // generator/src/ir/build/channels.ts `eachOperation`: compares the operation's raw `$ref` with
  // an unencoded pointer, so a channel whose `$ref` is percent-encoded loses its operations.
  it('lists the operations of a channel whose $ref is percent-encoded', () => {
    const ops = (get(channels(), EVIL_ID, 'send', 'operations') as Json[]).map((o) => o.id);
    expect(ops).toEqual([EVIL_ID]);
  });

  // generator/src/ir/build/channels.ts `serversOf`: takes the raw text after `#/servers/`
  // without decoding the pointer (`~1`, `%20`).
  it('names a channel server by its id, not by its encoded $ref', () => {
    expect(get(channels(), '1st', 'servers')).toEqual([EVIL_ID]);
  });
});

/** A compiler host that serves one in-memory file (for syntax checks) and the default libs (parsed once, see compilerHost). */
function singleFileHost(sf: ts.SourceFile): ts.CompilerHost {
  const host = compilerHost(STRICT_OPTIONS);
  return {
    ...host,
    getSourceFile: (name, version, onError, shouldCreate) => (name === sf.fileName ? sf : host.getSourceFile(name, version, onError, shouldCreate)),
    fileExists: (name) => name === sf.fileName || host.fileExists(name),
  };
}
