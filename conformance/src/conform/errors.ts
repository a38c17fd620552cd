/** Stable codes of what can stop a conformance run before it checks anything (conformance/README.md lists them). */
export const CONFORM_ERROR_CODES = {
  SW_CONFORM_SPEC_INVALID: 'the AsyncAPI document cannot be loaded',
  SW_CONFORM_TRANSCRIPTS_UNREADABLE: 'the transcript directory or a transcript file cannot be read',
  SW_CONFORM_CREDENTIALS_INVALID: 'the credentials file cannot be read or has an unknown shape',
  SW_CONFORM_MATCHERS_INVALID: 'a matcher file is not valid',
  SW_CONFORM_TARGET_INVALID: 'the target URL is not an http(s) or ws(s) URL',
} as const;

export type ConformErrorCode = keyof typeof CONFORM_ERROR_CODES;

export class ConformError extends Error {
  constructor(
    readonly code: ConformErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConformError';
  }
}
