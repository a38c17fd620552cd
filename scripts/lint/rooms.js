// The ESLint rule `streamwright/rooms`: the import rules of DESIGN.md (Layout) as code. Each room
// may import only the rooms below it, and another room only through its door (its index.ts), so
// a room's insides can move without breaking its neighbours. Imports are resolved to repository
// paths (static, dynamic, type-only, re-exports), so `../../generator/src/load/load.ts` and
// `./../generator/src/load/load.ts` are the same deep import.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The rooms, most specific folder first (a room may span folders). `below`: the rooms this one may
 * import. `doors`: the files (or patterns) another room may import; none listed: any file
 * (generated code, whose files are each an entry point). bench/ and reliability/ are rooms above
 * the others: they measure them through their doors. test/ is outside the rule (tests test insides).
 */
export const ROOMS = [
  // The suite's recording scripts are conformance's own tooling: they drive the reference servers.
  { room: 'conformance', dir: 'conformance/scripts/', below: ['reference-server', 'generated', 'generator', 'runtime'] },
  {
    room: 'conformance',
    dir: 'conformance/src/',
    below: ['generator', 'runtime'],
    doors: ['conformance/src/conform/index.ts', 'conformance/src/record/index.ts'],
  },
  { room: 'generator', dir: 'generator/src/', below: ['runtime'], doors: ['generator/src/index.ts', 'generator/src/contract/index.ts'] },
  { room: 'mock', dir: 'mock/', below: ['generator', 'runtime'], doors: ['mock/index.ts'] },
  {
    room: 'reference-server',
    dir: 'reference-server/',
    below: ['generator', 'generated', 'runtime'],
    doors: ['reference-server/index.ts', /^reference-server\/[^/]+\/index\.ts$/],
  },
  { room: 'generated', dir: 'generated/', below: ['runtime'] },
  {
    room: 'runtime',
    dir: 'runtime/',
    below: [],
    // The package's two entry points, and the sub-rooms the mock, conformance and reference servers share.
    doors: [
      'runtime/index.ts',
      'runtime/client/index.ts',
      'runtime/protocol/index.ts',
      'runtime/seeded/index.ts',
      'runtime/auth/index.ts',
      'runtime/bus/index.ts',
    ],
  },
  { room: 'cli', dir: 'cli/', below: ['conformance', 'generator', 'mock', 'reference-server', 'runtime'] },
  { room: 'package', dir: 'index.ts', below: ['conformance', 'generator', 'runtime'] },
  { room: 'bench', dir: 'bench/', below: ['cli', 'conformance', 'generated', 'generator', 'mock', 'reference-server', 'runtime'] },
  { room: 'reliability', dir: 'reliability/', below: ['cli', 'conformance', 'generated', 'generator', 'mock', 'reference-server', 'runtime'] },
];

function roomOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  return { rel, room: ROOMS.find((r) => (r.dir.endsWith('/') ? rel.startsWith(r.dir) : rel === r.dir)) };
}

const isDoor = (room, rel) => room.doors === undefined || room.doors.some((d) => (typeof d === 'string' ? d === rel : d.test(rel)));

/** @type {import('eslint').Rule.RuleModule} */
export const rooms = {
  meta: {
    type: 'problem',
    docs: { description: 'imports go down the layers, and into another room only through its door' },
    schema: [],
    messages: {
      layer: '{{from}} must not import {{to}} ({{target}}): {{from}} may import {{below}}',
      door: '{{target}} is inside {{to}}; import its door instead: {{doors}}',
    },
  },
  create(context) {
    const from = roomOf(context.filename).room;
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const { rel: target, room: to } = roomOf(path.resolve(path.dirname(context.filename), source));
      if (!to || to.room === from.room) return;
      const data = { from: from.room, to: to.room, target, below: from.below.join(', ') || 'no other room' };
      if (!from.below.includes(to.room)) context.report({ node, messageId: 'layer', data });
      else if (!isDoor(to, target))
        context.report({
          node,
          messageId: 'door',
          data: {
            ...data,
            doors: ROOMS.filter((r) => r.room === to.room && r.doors)
              .flatMap((r) => r.doors.map(String))
              .join(', '),
          },
        });
    };
    const literal = (node) =>
      node?.type === 'Literal' ? node.value : node?.type === 'TemplateLiteral' && node.expressions.length === 0 ? node.quasis[0].value.cooked : undefined;
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      // `import('../x.ts').T` in a type position.
      TSImportType: (node) => check(node, literal(node.source ?? node.argument?.literal)),
    };
  },
};
