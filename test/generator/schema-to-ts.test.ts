/** JSON Schema → TypeScript, table-driven; every result is also compiled and checked against sample values. */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { isObjectLiteral, tsType } from '../../generator/src/emit/models/schema-to-ts.ts';
import { docInline, docJson } from '../../generator/src/render/escape.ts';
import type { JsonSchema } from '../../generator/src/ir/types.ts';
import { STRICT_OPTIONS } from './harness.ts';

const typeName = (id: string) => id;

interface Case {
  given: JsonSchema;
  want: string;
  /** Values the schema accepts: each must be assignable to the type. */
  fits?: unknown[];
  /** Values the type must refuse. */
  misfits?: unknown[];
}

const CASES: [string, Case][] = [
  ['true schema', { given: true, want: 'unknown' }],
  ['false schema', { given: false, want: 'never' }],
  ['$ref', { given: { $ref: '#/definitions/Other' }, want: 'Other' }],
  ['nullable primitive', { given: { type: ['string', 'null'] }, want: 'string | null', fits: ['a', null], misfits: [1] }],
  ['integer and number collapse', { given: { type: ['integer', 'number'] }, want: 'number' }],
  ['const string with quotes', { given: { const: 'a"b' }, want: '"a\\"b"', fits: ['a"b'], misfits: ['ab'] }],
  ['enum with null and numbers', { given: { enum: ['a', 1, null, true] }, want: '"a" | 1 | null | true' }],
  ['empty enum', { given: { enum: [] }, want: 'never' }],
  ['oneOf alone, no parentheses', { given: { oneOf: [{ type: 'string' }, { type: 'number' }] }, want: 'string | number' }],
  ['oneOf with an open member is unknown', { given: { oneOf: [{ type: 'string' }, {}] }, want: 'unknown' }],
  ['allOf of two', { given: { allOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/B' }] }, want: 'A & B' }],
  [
    'allOf of a union and a ref',
    { given: { allOf: [{ oneOf: [{ $ref: '#/definitions/A' }, { type: 'null' }] }, { $ref: '#/definitions/B' }] }, want: '(A | null) & B' },
  ],
  ['allOf with an empty schema', { given: { allOf: [{}, { $ref: '#/definitions/A' }] }, want: 'A' }],
  [
    'base type and oneOf',
    {
      given: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], oneOf: [{ $ref: '#/definitions/A' }, { $ref: '#/definitions/B' }] },
      want: '{\n  a: string;\n  [key: string]: unknown;\n} & (A | B)',
    },
  ],
  [
    'closed object',
    {
      given: { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'integer' }, 'b-c': { type: 'string' } } },
      want: '{\n  a: number;\n  "b-c"?: string;\n}',
      fits: [{ a: 1 }, { a: 1, 'b-c': 'x' }],
      misfits: [{}, { a: 1, d: 1 }],
    },
  ],
  ['closed empty object', { given: { type: 'object', additionalProperties: false }, want: 'Record<string, never>', fits: [{}] }],
  [
    'map of integers',
    { given: { type: 'object', additionalProperties: { type: 'integer' } }, want: '{\n  [key: string]: number;\n}', fits: [{ a: 1 }], misfits: [{ a: 'x' }] },
  ],
  [
    'map with declared properties of another type',
    {
      given: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'integer' } },
      want: '{\n  a?: string;\n  [key: string]: unknown;\n}',
      fits: [{ a: 'x', b: 1 }],
    },
  ],
  ['required but not declared, closed', { given: { type: 'object', additionalProperties: false, required: ['a'] }, want: 'Record<string, never>' }],
  [
    'required but not declared, open',
    {
      given: { type: 'object', required: ['a'], additionalProperties: { type: 'string' } },
      want: '{\n  a: string;\n  [key: string]: string;\n}',
      fits: [{ a: 'x' }],
      misfits: [{}],
    },
  ],
  [
    'patternProperties on a closed object',
    {
      given: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } }, patternProperties: { '^x-': { type: 'number' } } },
      want: '{\n  a?: string;\n  [key: string]: unknown;\n}',
      fits: [{ 'x-a': 1 }],
    },
  ],
  [
    'nullable object',
    {
      given: { type: ['object', 'null'], additionalProperties: false, required: ['a'], properties: { a: { type: 'string' } } },
      want: '{\n  a: string;\n} | null',
      fits: [null, { a: 'x' }],
    },
  ],
  ['array of a union', { given: { type: 'array', items: { type: ['string', 'null'] } }, want: 'Array<string | null>', fits: [['a', null]] }],
  [
    'closed tuple',
    {
      given: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], minItems: 2, additionalItems: false },
      want: '[string, number]',
      fits: [['a', 1]],
      misfits: [['a'], ['a', 1, 2]],
    },
  ],
  [
    'tuple, all optional, open',
    { given: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }] }, want: '[string?, number?, ...unknown[]]', fits: [[], ['a'], ['a', 1, true]] },
  ],
  [
    'tuple with typed rest',
    {
      given: { type: 'array', items: [{ type: 'string' }], minItems: 1, additionalItems: { type: 'number' } },
      want: '[string, ...number[]]',
      fits: [['a', 1, 2]],
      misfits: [['a', 'b']],
    },
  ],
  [
    'tuple cut by maxItems, optional tail',
    {
      given: { type: 'array', items: [{ type: 'number' }, { type: 'number' }, { type: ['integer', 'null'] }], minItems: 2, maxItems: 3 },
      want: '[number, number, (number | null)?]',
      fits: [
        [1, 2],
        [1, 2, null],
      ],
      misfits: [[1, 2, 3, 4]],
    },
  ],
  ['properties without type', { given: { properties: { a: { const: 1 } }, required: ['a'] }, want: '{\n  a: 1;\n  [key: string]: unknown;\n}' }],
  ['items without type', { given: { items: { type: 'boolean' } }, want: 'boolean[]' }],
];

describe('tsType', () => {
  it.each(CASES)('%s', (_name, c) => {
    expect(tsType(c.given, typeName)).toBe(c.want);
  });

  it('gives types that compile, accept what the schema accepts and refuse what it refuses', () => {
    const lines = ['type A = { a: string }; type B = { b: number }; type Other = string;', 'export {};'];
    const bad = new Map<number, string>();
    CASES.forEach(([name, c], i) => {
      lines.push(`type T${i} = ${tsType(c.given, typeName)};`);
      for (const v of c.fits ?? []) lines.push(`export const fit${i}_${lines.length}: T${i} = ${JSON.stringify(v)};`);
      for (const v of c.misfits ?? []) {
        lines.push('// @ts-expect-error');
        bad.set(lines.length, name);
        lines.push(`export const misfit${i}_${lines.length}: T${i} = ${JSON.stringify(v)};`);
      }
      lines.push(`export type Use${i} = T${i};`);
    });
    const source = lines.join('\n');
    const file = 'cases.ts';
    const host = ts.createCompilerHost(STRICT_OPTIONS);
    const original = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, onError) =>
      name === file ? ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true) : original(name, version, onError);
    host.fileExists = (
      (exists) => (name: string) =>
        name === file || exists(name)
    )(host.fileExists.bind(host));
    const program = ts.createProgram({ rootNames: [file], options: STRICT_OPTIONS, host });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      return `${line + 1}: ${source.split('\n')[line] ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(diagnostics).toEqual([]);
  });
});

describe('isObjectLiteral', () => {
  it.each([
    ['{\n  a: string;\n}', true],
    ['{\n  a: "}";\n}', true],
    ['{\n  a: string;\n} | null', false],
    ['{\n  a: string;\n} & {\n  b: string;\n}', false],
    ['Record<string, never>', false],
    ['string', false],
  ])('%j → %s', (type, want) => expect(isObjectLiteral(type)).toBe(want));
});

describe('doc helpers', () => {
  it('docJson writes the line separators as escapes', () => {
    expect(docJson({ a: 'x\u2028y\u2029' })).toBe('{"a":"x\\u2028y\\u2029"}');
    expect(JSON.parse(docJson({ a: 'x\u2028y\u2029' }))).toEqual({ a: 'x\u2028y\u2029' });
  });

  it('docInline keeps text on one line', () => {
    expect(docInline('a\nb\r\u2028\u2029')).toBe('a\\nb\\r\\u2028\\u2029');
  });
});
