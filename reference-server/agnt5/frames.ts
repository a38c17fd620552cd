/**
 * The agnt5 messages, built exactly to the contract's schemas: events ({type, data: {timestamp,
 * details, execution_id}}) and the `error` message ({type: 'error', data: {timestamp, code,
 * message}}). Timestamps come from the server's clock.
 */
import type { ServerError, ServerErrorData, WorkflowServerMessage } from '../../generated/agnt5/models.gen.ts';
import type { Clock } from '../../runtime/seeded/index.ts';
import type { PlannedEvent } from './plan.ts';

export type ErrorCode = ServerErrorData['code'];

export const ERROR_CODES: readonly ErrorCode[] = ['invalid_message', 'rate_limited', 'unknown_workflow', 'internal_error'];

export function eventMessage(event: PlannedEvent, executionId: string, clock: Clock): WorkflowServerMessage {
  // The plan pairs each type with details of the right shape; the union cannot be narrowed here.
  return { type: event.type, data: { timestamp: clock.iso(), details: event.details, execution_id: executionId } } as WorkflowServerMessage;
}

export function errorMessage(code: ErrorCode, message: string, clock: Clock): ServerError {
  return { type: 'error', data: { timestamp: clock.iso(), code, message: message || code } };
}

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
