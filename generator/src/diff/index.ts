export { diffApis, failsOn } from './diff.ts';
export { diffSchemas, type SchemaFinding } from './schema.ts';
export { formatDiffJson, formatDiffMarkdown, formatDiffText } from './format.ts';
export { loadIRForDiff, type LoadedIR } from './source.ts';
export type { Change, DiffResult, Effect, Flow, Severity } from './types.ts';
