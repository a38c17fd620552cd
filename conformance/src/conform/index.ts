export { conform, settingsFor, type ConformOptions } from './run.ts';
export { renderJson, renderJunit, renderText, type ConformReport, type CaseResult, type Finding } from './report.ts';
export { ConformError, CONFORM_ERROR_CODES, type ConformErrorCode } from './errors.ts';
export { parseCredentials, Credentials } from './credentials.ts';
export { PROBE_IDS, type ProbeId } from '../probes/index.ts';
