export { loadRecordingContract, toolVersion, type RecordingContract, type FrameCheck, type FrameToCheck } from './contract.ts';
export { RecordingProxy, type RecordingProxyOptions, type RelayFailure } from './proxy.ts';
export type { RecordedConnection, RecordedViolation } from './session.ts';
export { SseParser, type SseItem } from '../../../runtime/protocol/index.ts';
export { recordingTarget, transcriptFileName, writeTranscript, type RecordingTarget } from './write.ts';
export * from './redact.ts';
