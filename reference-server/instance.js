// One instance of a reference server in its own process, for `serve --instances` (see
// cluster.ts): tsx compiles the TypeScript sources on load, as bin/streamwright.js does.
import { register } from 'tsx/esm/api';

register();
const { runInstance } = await import('./cluster.ts');
await runInstance(JSON.parse(process.env.STREAMWRIGHT_INSTANCE ?? '{}'));
