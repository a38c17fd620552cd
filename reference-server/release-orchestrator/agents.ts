/**
 * The agent side of the orchestrator: a queue of tasks, assigned to connected agents over their
 * task streams, some of them cancelled later, and the agents' reports checked against what was
 * assigned.
 *
 * - Every open connection of an agent is offered a task shortly after it opens and then every
 *   ASSIGN_EVERY_MS, while the agent has fewer than MAX_OPEN_TASKS open tasks.
 * - Every third task assigned to an agent is cancelled CANCEL_AFTER_MS later if still open; any
 *   task still open when its `timeout` (seconds) passes is cancelled too. A cancellation goes to
 *   the connection the task was assigned on, and only there: the contract's
 *   task-assigned-before-cancelled is per connection, so another connection of the agent must
 *   never hear of a task it was not assigned.
 * - When a connection closes, its open tasks are withdrawn (their timers stopped, recorded as
 *   cancelled so that a late report is accepted quietly) and go back to the front of the queue:
 *   the work is not lost, and they no longer count against the agent's MAX_OPEN_TASKS, so its
 *   next connection is offered work as promptly as the first.
 * - A report (task_progress, task_log, task_completed) naming a taskId that was never assigned to
 *   this agent is refused (the caller answers invalid_message, the connection stays). Reports for
 *   a task of this agent that is already completed or cancelled are accepted and ignored: they
 *   may cross the cancellation on the wire.
 */
import type {
  AgentTask,
  AgentTaskAssigned,
  AgentTaskCancelled,
  AgentTaskCompleted,
  AgentTaskLog,
  AgentTaskProgress,
  LogLevel,
} from '../../generated/release-orchestrator/models.gen.ts';
import type { Random } from '../../runtime/seeded/index.ts';
import { AGENT_IDS, AGENT_TASK_TYPES, CANCEL_REASONS } from './catalog.ts';
import { hex } from './runs.ts';
import type { Timers } from './timers.ts';

export const FIRST_ASSIGN_MS = 500;
export const ASSIGN_EVERY_MS = 4000;
export const MAX_OPEN_TASKS = 3;
export const CANCEL_EVERY_NTH = 3;
export const CANCEL_AFTER_MS = 2500;
export const QUEUE_TICK_MS = 3000;
export const MAX_QUEUE = 25;
/** Finished task records kept per agent (older ones are forgotten). */
export const KEEP_FINISHED = 200;
const KEEP_LOG_LINES = 50;

export type AgentReport = AgentTaskProgress | AgentTaskLog | AgentTaskCompleted;

/** One open task stream of an agent. */
export interface AgentConnection {
  readonly agentId: string;
  send(message: AgentTaskAssigned | AgentTaskCancelled): void;
}

export interface TaskRecord {
  readonly task: AgentTask;
  readonly agentId: string;
  /** The task stream it was assigned on. */
  readonly connection: AgentConnection;
  state: 'assigned' | 'running' | 'completed' | 'cancelled';
  progress: number;
  lastMessage?: string;
  readonly logs: { level: LogLevel; message: string }[];
  success?: boolean;
  result?: Record<string, unknown>;
  error?: string;
  timers: NodeJS.Timeout[];
}

interface AgentState {
  readonly tasks: Map<string, TaskRecord>;
  readonly connections: Map<AgentConnection, NodeJS.Timeout[]>;
  assigned: number;
}

export interface BrokerHooks {
  /** An agent reported a failed task. */
  taskFailed?(record: TaskRecord): void;
  /** An agent's first connection opened or its last one closed. */
  presenceChanged?(agentId: string, online: boolean): void;
}

export type ReportVerdict = { ok: true } | { ok: false; reason: string };

export class AgentTaskBroker {
  private readonly agents = new Map<string, AgentState>();
  private readonly queue: AgentTask[] = [];

  constructor(
    private readonly random: Random,
    private readonly timers: Timers,
    private readonly hooks: BrokerHooks = {},
  ) {
    for (const id of AGENT_IDS) this.agents.set(id, { tasks: new Map(), connections: new Map(), assigned: 0 });
    for (let i = 0; i < 5; i++) this.queue.push(this.newTask());
  }

  isAgent(id: string): boolean {
    return this.agents.has(id);
  }

  get agentsTotal(): number {
    return this.agents.size;
  }

  get agentsOnline(): number {
    let n = 0;
    for (const agent of this.agents.values()) if (agent.connections.size > 0) n++;
    return n;
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /** Records of an agent's tasks, oldest first. */
  tasksOf(agentId: string): TaskRecord[] {
    return [...(this.agents.get(agentId)?.tasks.values() ?? [])];
  }

  /** Starts refilling the queue (work keeps arriving whether agents are connected or not). */
  start(): void {
    this.timers.every(QUEUE_TICK_MS, () => {
      if (this.queue.length < MAX_QUEUE) this.queue.push(this.newTask());
    });
  }

  connect(connection: AgentConnection): void {
    const agent = this.agents.get(connection.agentId);
    if (!agent) return;
    const handles = [this.timers.after(FIRST_ASSIGN_MS, () => this.offer(connection)), this.timers.every(ASSIGN_EVERY_MS, () => this.offer(connection))].filter(
      (h): h is NodeJS.Timeout => h !== undefined,
    );
    agent.connections.set(connection, handles);
    if (agent.connections.size === 1) this.hooks.presenceChanged?.(connection.agentId, true);
  }

  disconnect(connection: AgentConnection): void {
    const agent = this.agents.get(connection.agentId);
    const handles = agent?.connections.get(connection);
    if (!agent || !handles) return;
    for (const h of handles) this.timers.cancel(h);
    agent.connections.delete(connection);
    const withdrawn: AgentTask[] = [];
    for (const r of agent.tasks.values()) {
      if (r.connection !== connection || (r.state !== 'assigned' && r.state !== 'running')) continue;
      r.state = 'cancelled';
      this.finish(r);
      withdrawn.push(r.task);
    }
    this.queue.unshift(...withdrawn);
    if (agent.connections.size === 0) this.hooks.presenceChanged?.(connection.agentId, false);
  }

  /** Checks and records an agent's report. */
  report(agentId: string, message: AgentReport): ReportVerdict {
    const record = this.agents.get(agentId)?.tasks.get(message.taskId);
    if (!record) return { ok: false, reason: `Task ${message.taskId} is not assigned to agent ${agentId}` };
    if (record.state === 'completed' || record.state === 'cancelled') return { ok: true };
    switch (message.type) {
      case 'task_progress':
        record.state = 'running';
        record.progress = message.progress;
        record.lastMessage = message.message;
        break;
      case 'task_log':
        record.state = 'running';
        record.logs.push({ level: message.level, message: message.message });
        if (record.logs.length > KEEP_LOG_LINES) record.logs.shift();
        break;
      case 'task_completed':
        record.state = 'completed';
        record.success = message.success;
        if (message.result !== undefined) record.result = message.result;
        if (message.error !== undefined) record.error = message.error;
        if (message.success) record.progress = 100;
        this.finish(record);
        if (!message.success) this.hooks.taskFailed?.(record);
        break;
    }
    return { ok: true };
  }

  /** Assigns the next task to `connection` if its agent has room. */
  private offer(connection: AgentConnection) {
    const agent = this.agents.get(connection.agentId);
    if (!agent || !agent.connections.has(connection)) return;
    let open = 0;
    for (const r of agent.tasks.values()) if (r.state === 'assigned' || r.state === 'running') open++;
    if (open >= MAX_OPEN_TASKS) return;
    const task = this.queue.shift() ?? this.newTask();
    const record: TaskRecord = { task, agentId: connection.agentId, connection, state: 'assigned', progress: 0, logs: [], timers: [] };
    agent.tasks.set(task.taskId, record);
    agent.assigned++;
    this.forget(agent);
    if (agent.assigned % CANCEL_EVERY_NTH === 0) this.cancelLater(record, CANCEL_AFTER_MS, this.random.pick(CANCEL_REASONS));
    this.cancelLater(record, task.timeout * 1000, `Timed out after ${task.timeout} s`);
    connection.send({ type: 'task_assigned', task });
  }

  private cancelLater(record: TaskRecord, afterMs: number, reason: string) {
    const handle = this.timers.after(afterMs, () => {
      if (record.state !== 'assigned' && record.state !== 'running') return;
      record.state = 'cancelled';
      this.finish(record);
      if (this.agents.get(record.agentId)?.connections.has(record.connection))
        record.connection.send({ type: 'task_cancelled', taskId: record.task.taskId, reason });
    });
    if (handle) record.timers.push(handle);
  }

  private finish(record: TaskRecord) {
    for (const h of record.timers.splice(0)) this.timers.cancel(h);
  }

  /** Keeps memory bounded on a long-running server: forgets the oldest finished tasks. */
  private forget(agent: AgentState) {
    let finished = 0;
    for (const r of agent.tasks.values()) if (r.state === 'completed' || r.state === 'cancelled') finished++;
    for (const [id, r] of agent.tasks) {
      if (finished <= KEEP_FINISHED) break;
      if (r.state === 'completed' || r.state === 'cancelled') {
        agent.tasks.delete(id);
        finished--;
      }
    }
  }

  private newTask(): AgentTask {
    const taskType = this.random.pick(AGENT_TASK_TYPES);
    const app = this.random.pick(['myapp', 'billing', 'search', 'gateway']);
    const payload: Record<string, unknown> =
      taskType === 'docker.pull'
        ? { image: app, digest: `sha256:${hex(this.random, 64)}` }
        : taskType === 'docker.run'
          ? { image: `${app}:latest`, ports: [8080], env: { NODE_ENV: 'production' } }
          : taskType === 'health.check'
            ? { url: `http://${app}.internal:8080/healthz`, expectStatus: 200 }
            : { template: `${app}/config.yaml.tmpl`, values: { replicas: this.random.int(2, 6) } };
    return {
      taskId: this.random.uuid(),
      taskType,
      payload,
      credentials: taskType.startsWith('docker.') ? { 'registry.username': 'deploy-bot', 'registry.password': this.random.token(24) } : {},
      timeout: this.random.pick([60, 120, 300, 600]),
    };
  }
}
