/**
 * Who may open which stream (x-sw-errors `not_found` and `forbidden` of each channel):
 *
 * - workflow run / deployment job stream: an unknown path id gets not_found (4404); an agent's
 *   token (sub = a registered agent id) may not read runs, jobs or the dashboard: forbidden (4403).
 * - agent task stream: an unknown agent id gets not_found (4404); a token whose `sub` is not the
 *   path id gets forbidden (4403).
 * - dashboard: agents get forbidden (4403 on WebSocket, HTTP 403 on SSE); it has no path id.
 */
import type { ErrorCode, StreamError } from '../../generated/release-orchestrator/models.gen.ts';

export interface Refusal {
  errorCode: ErrorCode;
  message: string;
  closeCode: number;
}

export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;
export const CLOSE_INTERNAL = 1011;

export interface AccessRules {
  isAgent(id: string): boolean;
}

const forbidden = (message: string): Refusal => ({ errorCode: 'forbidden', message, closeCode: CLOSE_FORBIDDEN });
const notFound = (message: string): Refusal => ({ errorCode: 'not_found', message, closeCode: CLOSE_NOT_FOUND });

export function refuseResource(
  kind: 'workflow run' | 'deployment job',
  id: string,
  exists: boolean,
  subject: string | undefined,
  rules: AccessRules,
): Refusal | undefined {
  if (!exists) return notFound(`No ${kind} has id ${id}`);
  if (subject === undefined || rules.isAgent(subject)) return forbidden(`Token subject ${subject ?? '(none)'} may not read ${kind} ${id}`);
  return undefined;
}

export function refuseAgentStream(agentId: string, subject: string | undefined, rules: AccessRules): Refusal | undefined {
  if (!rules.isAgent(agentId)) return notFound(`No agent has id ${agentId}`);
  if (subject !== agentId) return forbidden(`Agent ${agentId} is not the token subject ${subject ?? '(none)'}`);
  return undefined;
}

export function refuseDashboard(subject: string | undefined, rules: AccessRules): Refusal | undefined {
  if (subject === undefined || rules.isAgent(subject)) return forbidden(`Token subject ${subject ?? '(none)'} may not view the dashboard`);
  return undefined;
}

const CODES: ReadonlySet<string> = new Set<ErrorCode>(['unauthorized', 'forbidden', 'not_found', 'rate_limited', 'internal_error', 'invalid_message']);

/** The contract's `error` message (StreamError); an unknown code becomes internal_error. */
export function errorPayload(code: string, message: string, timestamp: string): StreamError {
  return { type: 'error', code: CODES.has(code) ? (code as ErrorCode) : 'internal_error', message, timestamp };
}
