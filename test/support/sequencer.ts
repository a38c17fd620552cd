// Vitest's file order on a clean clone. Once vitest has run every file here it starts the
// slowest first (its results cache in node_modules/.vite); with no cache it starts the largest
// files first, and the slowest files here are small ones that wait on servers and simulations,
// so they started last and one worker ran on alone at the end. Until every file has a cached
// duration, the files below start first, slowest first (measured with `vitest run
// --reporter=json`, 2 workers); the rest keep vitest's order.
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SLOWEST_FIRST = [
  'test/conformance/broken.test.ts',
  'test/cli/readme-commands.test.ts',
  'test/reference-server/release-orchestrator.test.ts',
  'test/reference-server/agnt5.test.ts',
  'test/conformance/stress.test.ts',
  'test/cli/validate.test.ts',
  'test/mock/sampler.test.ts',
  'test/unit/load/invalid-documents.test.ts',
  'test/conformance/conform.test.ts',
  'test/generator/determinism.test.ts',
  'test/client/readme.test.ts',
  'test/reference-server/agent-workspace.test.ts',
  'test/generator/foreign.test.ts',
  'test/mock/cli.test.ts',
  'test/reference-server/steadybase.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const relative = (f: TestSpecification) => path.relative(root, f.moduleId).split(path.sep).join('/');
    if (sorted.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${path.relative(root, f.moduleId)}`) !== undefined)) return sorted;
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(relative(f));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}
