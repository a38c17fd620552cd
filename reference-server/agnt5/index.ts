import type { RuntimeEventInfo } from '../../runtime/index.ts';
/**
 * The agnt5 reference server (spec/agnt5.asyncapi.yaml), on the generated stub.
 *
 * - Handshake: API key as the subprotocol `x-api-key.<key>` (echoed; 401 without a valid one,
 *   enforced by the runtime); `x-wf-endpoint` missing or malformed → 400, unknown → 404 (the
 *   `authorize` hook), more than 50 connections on one endpoint → 429 (runtime, from the contract).
 * - Each valid InvokeWorkflow frame is answered, in order, with execution_started (then the events
 *   of that execution, see plan.ts) or an `error`: unknown_workflow when the endpoint has no such
 *   workflow, internal_error when the server cannot start it (too many running executions server-wide
 *   or for this API key, or the server is shutting down). Bad frames (invalid_message), oversized frames (1009) and rate
 *   limiting (rate_limited) are the runtime's, from the contract.
 * - Outcomes are deterministic: by workflow name or by `parameters.simulate` (catalog.ts).
 */
import { randomBytes } from 'node:crypto';
import { createAgnt5Server, type WorkflowPeer } from '../../generated/agnt5/server.gen.ts';
import type { InvokeWorkflow, WorkflowServerMessage } from '../../generated/agnt5/models.gen.ts';
import { createClock, Random } from '../../runtime/seeded/index.ts';
import type { DevCredential, ReferenceOptions, ReferenceServer } from '../shared/types.ts';
import { ENDPOINT_PATTERN, ENDPOINTS, findEndpoint, findWorkflow, requestedSimulation } from './catalog.ts';
export { ENDPOINTS } from './catalog.ts';
import { ExecutionRunner } from './executions.ts';
import { errorMessage, isErrorCode } from './frames.ts';
import { planExecution, resolveOutcome } from './plan.ts';

export const API = 'agnt5';
export const CHANNEL = 'workflow';
/** The subprotocol prefix of the API key (the contract's x-sw-auth credential). */
export const KEY_PREFIX = 'x-api-key.';
/** Executions running at once, server-wide, before new invocations get internal_error. */
export const DEFAULT_MAX_RUNNING = 2000;
/**
 * The share of DEFAULT_MAX_RUNNING one API key may hold (the contract's `execution-share`
 * decision): one busy key cannot take every slot and starve the others.
 */
export const KEY_SHARE = 0.25;

export interface Agnt5ReferenceOptions extends ReferenceOptions {
  /** Executions running at once before invocations are answered with internal_error. */
  maxRunningExecutions?: number;
  /** Executions one API key may have running at once (default a quarter of maxRunningExecutions). */
  maxRunningPerKey?: number;
}

export interface Agnt5Reference extends ReferenceServer {
  /** Executions running now and started so far (for tests and diagnostics). */
  stats(): { running: number; started: number };
}

export function createAgnt5Reference(options: Agnt5ReferenceOptions = {}): Agnt5Reference {
  const timeScale = options.timeScale ?? 1;
  const random = new Random(options.seed ?? 1);
  const clock = options.clock ?? createClock({ timeScale });
  const apiKeys = new Set(options.secrets?.apiKeys ?? [`agnt5_dev_${randomBytes(16).toString('hex')}`]);
  const maxRunning = options.maxRunningExecutions ?? DEFAULT_MAX_RUNNING;
  const maxPerKey = options.maxRunningPerKey ?? Math.max(1, Math.floor(maxRunning * KEY_SHARE));
  // The principal of a connection is a label of its key, never the key itself (it reaches logs).
  const keyLabels = new Map([...apiKeys].map((key, i) => [key, `key-${i + 1}`]));
  const report = (error: Error, info?: RuntimeEventInfo) => {
    try {
      options.onError?.(error, info);
    } catch {
      // A failing hook must not break the server.
    }
  };
  const runner = new ExecutionRunner({ random, clock, timeScale, onError: report });
  /** Connections that closed: their executions go on, their events are dropped. */
  const gone = new WeakSet<WorkflowPeer>();

  const deliver = (peer: WorkflowPeer, message: WorkflowServerMessage) => {
    if (gone.has(peer)) return;
    peer.send(message);
  };

  const invoke = (peer: WorkflowPeer, message: InvokeWorkflow) => {
    const endpoint = findEndpoint(peer.query.get('x-wf-endpoint') ?? '');
    if (!endpoint) return deliver(peer, errorMessage('internal_error', 'This connection has no workflow endpoint.', clock));
    const workflow = findWorkflow(endpoint, message.name);
    if (!workflow) {
      return deliver(peer, errorMessage('unknown_workflow', `Workflow "${message.name}" does not exist on endpoint ${endpoint.id}.`, clock));
    }
    if (runner.isStopped) return deliver(peer, errorMessage('internal_error', 'The server is shutting down; the execution was not started.', clock));
    if (runner.size >= maxRunning) {
      return deliver(peer, errorMessage('internal_error', `The server is running ${runner.size} executions, its maximum; try again later.`, clock));
    }
    const owner = peer.principal?.subject ?? '';
    if (runner.sizeOf(owner) >= maxPerKey) {
      return deliver(
        peer,
        errorMessage(
          'internal_error',
          `This API key has ${runner.sizeOf(owner)} executions running, its share of the server's ${maxRunning}; try again later.`,
          clock,
        ),
      );
    }
    const parameters = message.parameters ?? {};
    const outcome = resolveOutcome(workflow, requestedSimulation(parameters), random);
    const id = runner.newId();
    const events = planExecution(workflow, outcome, random, { endpoint: endpoint.id, parameters: echoable(parameters) });
    runner.start(id, events, (m) => deliver(peer, m), owner);
  };

  const server = createAgnt5Server({
    handlers: {
      workflow: {
        authorize: (peer) => {
          const endpoint = peer.query.get('x-wf-endpoint') ?? '';
          if (!ENDPOINT_PATTERN.test(endpoint)) return { httpStatus: 400 };
          if (!findEndpoint(endpoint)) return { httpStatus: 404 };
          return undefined;
        },
        close: (peer) => {
          gone.add(peer);
        },
        onInvokeWorkflow: (peer, message) => {
          try {
            invoke(peer, message);
          } catch (e) {
            report(e as Error);
            try {
              deliver(peer, errorMessage('internal_error', 'The server could not start the execution.', clock));
            } catch (e2) {
              report(e2 as Error);
            }
          }
        },
      },
    },
    auth: { apiKey: (key) => keyLabels.get(key) },
    errorMessage: (_channel, code, message) => (isErrorCode(code) ? errorMessage(code, message, clock) : errorMessage('internal_error', message, clock)),
    heartbeatMessage: () => undefined,
    invalidFrameErrorCode: () => 'invalid_message',
    timeScale,
    ...(options.pages ? { pages: options.pages } : {}),
    onError: (error, info) => report(error, info),
    bus: options.bus,
  });

  return {
    api: API,
    listen: (port, host) => server.listen(port, host),
    async close() {
      runner.stop();
      await server.close();
    },
    urls(origin) {
      const base = origin.replace(/^http(s?):/i, 'ws$1:').replace(/\/+$/, '');
      return ENDPOINTS.map((e) => `${base}/ws?x-wf-endpoint=${e.id}`);
    },
    async credentials(): Promise<DevCredential[]> {
      const key = [...apiKeys][0] ?? '';
      return [
        {
          scheme: 'apiKeySubprotocol',
          usage: `WebSocket subprotocol "${KEY_PREFIX}<value>" (header Sec-WebSocket-Protocol: ${KEY_PREFIX}<value>); e.g. new WebSocket(url, ['${KEY_PREFIX}<value>'])`,
          value: key,
        },
      ];
    },
    stats: () => ({ running: runner.size, started: runner.total }),
  };
}

/**
 * The parameters as execution_started echoes them: as given, unless they nest deeper than
 * MAX_ECHO_DEPTH, then omitted. JSON.parse accepts any depth, but JSON.stringify recurses, and
 * how deep it gets depends on the stack it is called from: a trial stringify here passed where
 * the send, a few frames deeper, overflowed (found by `npm run fuzz`).
 */
function echoable(parameters: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  return depthWithin(parameters, MAX_ECHO_DEPTH) ? parameters : undefined;
}

/** Far deeper than any workflow's parameters, far shallower than any stack. */
export const MAX_ECHO_DEPTH = 256;

/** Whether `value` nests at most `max` objects or arrays deep; iterative, so any depth is safe. */
function depthWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}
