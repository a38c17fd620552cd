import type { OwnCode, Severity } from '../diagnostic.ts';
import type { PathSegment } from '../pointer.ts';
import type { ChannelView } from '../channels.ts';

export interface Finding {
  code: OwnCode;
  severity: Severity;
  message: string;
  at: PathSegment[];
}

export interface CheckContext {
  /** The raw document (not dereferenced), exactly as written. */
  readonly doc: unknown;
  readonly channels: readonly ChannelView[];
  report(finding: Finding): void;
}

export type Check = (ctx: CheckContext) => void;
