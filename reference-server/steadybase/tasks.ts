/**
 * Tasks as POST /api/tasks/status reports them: the last known status of each task (bounded, the
 * oldest forgotten first), and the task-update each accepted request becomes.
 */
import type { TaskStatus, TaskStatusRequest, TaskUpdate } from '../../generated/steadybase/models.gen.ts';

export interface TaskRecord {
  status: TaskStatus;
  message: string;
  updatedAt: string;
  /** How many updates the task received. */
  updates: number;
}

export class TaskStore {
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(private readonly capacity = 1000) {}

  /** Records an accepted update (stamped `timestamp`) and returns the task-update to broadcast. */
  accept(body: TaskStatusRequest, timestamp: string): TaskUpdate {
    const previous = this.tasks.get(body.taskId);
    // Re-inserting keeps the map in least-recently-updated order.
    this.tasks.delete(body.taskId);
    this.tasks.set(body.taskId, { status: body.status, message: body.message, updatedAt: timestamp, updates: (previous?.updates ?? 0) + 1 });
    while (this.tasks.size > this.capacity) this.tasks.delete(this.tasks.keys().next().value!);
    return { type: 'task-update', taskId: body.taskId, status: body.status, message: body.message, timestamp };
  }

  get(taskId: string): TaskRecord | undefined {
    return this.tasks.get(taskId);
  }

  get size(): number {
    return this.tasks.size;
  }
}
