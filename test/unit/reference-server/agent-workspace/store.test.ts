import { describe, expect, it } from 'vitest';
import {
  ACTIVE_STATUSES,
  FleetStore,
  isActive,
  STAGES,
  StoreUnavailableError,
  toSnapshot,
  type RunRecord,
} from '../../../../reference-server/agent-workspace/store.ts';

type NewRun = Omit<RunRecord, 'order'>;
const run = (id: string, status: RunRecord['status'], extra: Partial<NewRun> = {}): NewRun => ({
  id,
  projectId: 'p',
  projectName: 'P',
  status,
  startedAt: null,
  trigger: 'push',
  triggerData: { ref: 'main' },
  jobs: [],
  interventions: [],
  ...extra,
});
const log = (runId: string, id: string) => ({ id, pipelineRunId: runId, jobId: 'j', agentType: 'a', level: 'info', message: id });

describe('statuses', () => {
  it('active = queued then the stages; ended runs are not active', () => {
    expect(ACTIVE_STATUSES).toEqual(['queued', ...STAGES]);
    expect(['queued', 'testing', 'completed', 'failed', 'cancelled'].map((s) => isActive(s as RunRecord['status']))).toEqual([true, true, false, false, false]);
  });
});

describe('FleetStore', () => {
  it('loads active runs newest first, up to the limit', () => {
    const s = new FleetStore();
    s.addRun(run('r1', 'testing'));
    s.addRun(run('r2', 'completed'));
    s.addRun(run('r3', 'queued'));
    s.addRun(run('r4', 'releasing'));
    expect(s.loadActiveRuns(10).map((r) => r.id)).toEqual(['r4', 'r3', 'r1']);
    expect(s.loadActiveRuns(2).map((r) => r.id)).toEqual(['r4', 'r3']);
    expect(s.activeRunIds()).toEqual(['r4', 'r3', 'r1']);
  });

  it('log lines get strictly increasing times and positions, per run', () => {
    const s = new FleetStore();
    const a = s.appendLog(log('r1', 'l1'), 1000);
    const b = s.appendLog(log('r2', 'l2'), 1000);
    const c = s.appendLog(log('r1', 'l3'), 500);
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect([a.entry.createdAt, b.entry.createdAt, c.entry.createdAt].map(Date.parse)).toEqual([1000, 1001, 1002]);
    expect(s.loadLogsAfter('r1', 0, 10).map((l) => l.entry.id)).toEqual(['l1', 'l3']);
    expect(s.loadLogsAfter('r1', 1, 10).map((l) => l.entry.id)).toEqual(['l3']);
    expect(s.loadLogsAfter('r1', 0, 1).map((l) => l.entry.id)).toEqual(['l1']);
    expect(s.latestLogSeq('r1')).toBe(3);
    expect(s.latestLogSeq('nope')).toBe(0);
    expect(s.loadRecentLogs(2, () => true).map((l) => l.entry.id)).toEqual(['l2', 'l3']);
  });

  it('keeps at most maxLogs lines; forget drops a run and its lines', () => {
    const s = new FleetStore(2);
    s.addRun(run('r1', 'testing'));
    for (const id of ['a', 'b', 'c']) s.appendLog(log('r1', id), 0);
    expect(s.loadRecentLogs(10, () => true).map((l) => l.entry.id)).toEqual(['b', 'c']);
    s.forget('r1');
    expect(s.run('r1')).toBeUndefined();
    expect(s.loadRecentLogs(10, () => true)).toEqual([]);
  });

  it('loads throw while failing; introspection does not', () => {
    const s = new FleetStore();
    s.addRun(run('r1', 'testing'));
    s.failing = true;
    expect(() => s.loadActiveRuns(1)).toThrow(StoreUnavailableError);
    expect(() => s.loadLogsAfter('r1', 0, 1)).toThrow(StoreUnavailableError);
    expect(() => s.loadRecentLogs(1, () => true)).toThrow(StoreUnavailableError);
    expect(s.activeRunIds()).toEqual(['r1']);
  });
});

describe('toSnapshot', () => {
  it('a deep copy with only the pending interventions; an ended run has none', () => {
    const record = new FleetStore().addRun(
      run('r1', 'awaiting_approval', {
        interventions: [
          { id: 'i1', status: 'pending' },
          { id: 'i2', status: 'approved' },
        ] as RunRecord['interventions'],
      }),
    );
    const snap = toSnapshot(record);
    expect(snap.pendingInterventions.map((i) => i.id)).toEqual(['i1']);
    (snap.triggerData as { ref: string }).ref = 'changed';
    expect((record.triggerData as { ref: string }).ref).toBe('main');
    expect(() => toSnapshot({ ...record, status: 'completed' })).toThrow(/not active/);
  });
});
