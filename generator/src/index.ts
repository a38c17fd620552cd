// The generator library's one door: what the package exports and the CLI calls.
export { validate, generate, type ValidateOptions, type ValidateResult, type GenerateOptions, type GenerateOutput } from './api.ts';
export { emitAll, type GenerateResult } from './generate.ts';
export { defaultApiName } from './contract/index.ts';
export { writeFiles, canonical, type WriteReport } from './write/write.ts';
export { loadSpec, hasErrors, type LoadOptions, type LoadResult } from './load/load.ts';
export { compareDiagnostics, DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Severity } from './load/diagnostic.ts';
export { emitSite } from './emit/site/index.ts';
export { consolePageForIR, consolePages } from './console-page.ts';
export {
  diffApis,
  diffSchemas,
  failsOn,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
  loadIRForDiff,
  type LoadedIR,
  type SchemaFinding,
} from './diff/index.ts';
export type { Change, DiffResult, Effect, Flow, Severity as DiffSeverity } from './diff/index.ts';
export type { EmittedFile } from './emit/types.ts';
export type { ApiIR } from './ir/types.ts';
