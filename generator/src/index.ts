// The generator library's one door: what the package exports and the CLI calls.
export { validate, generate, type ValidateOptions, type ValidateResult, type GenerateOptions, type GenerateOutput } from './api.ts';
export { defaultApiName, emitAll, type GenerateResult } from './generate.ts';
export { writeFiles, canonical, type WriteReport } from './write/write.ts';
export { loadSpec, hasErrors, type LoadOptions, type LoadResult } from './load/load.ts';
export { compareDiagnostics, DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode, type Severity } from './load/diagnostic.ts';
export type { EmittedFile } from './emit/types.ts';
export type { ApiIR } from './ir/types.ts';
