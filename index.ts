/**
 * `import … from 'streamwright'`: the calls the CLI makes, as data. Nothing here prints or exits;
 * errors are returned as diagnostics or thrown with a stable `code`.
 */
export * from './generator/src/index.ts';
export {
  conform,
  ConformError,
  CONFORM_ERROR_CODES,
  parseCredentials,
  PROBE_IDS,
  renderJson,
  renderJunit,
  renderText,
  type CaseResult,
  type ConformErrorCode,
  type ConformOptions,
  type ConformReport,
  type Finding,
  type ProbeId,
} from './conformance/src/conform/index.ts';
