import { describe, expect, it } from 'vitest';
import type { SequenceRule } from '../../runtime/contract.ts';
import { checkSequence, type SequenceFrame } from '../../conformance/src/sequence/check.ts';
import { api as ro } from '../../generated/release-orchestrator/metadata.gen.ts';
import { api as agnt5 } from '../../generated/agnt5/metadata.gen.ts';
import { api as aw } from '../../generated/agent-workspace/metadata.gen.ts';

// x-sw-sequence rules on frame lists: each case must pass or fail for the rule it names.
const f = (tag: string, payload: Record<string, unknown> = {}, t = 0): SequenceFrame => ({ tag, payload: { type: tag, ...payload }, t });
const step = (tag: string, nodeId: string, t = 0) => f(tag, { nodeId }, t);
const exec = (tag: string, id: string) => f(tag, { data: { execution_id: id } });

const runRules = ro.channels.workflowRunStream.sequence!.rules;
const agentRules = ro.channels.agentTaskStream.sequence!.rules;
const execRules = agnt5.channels.workflow.sequence!.rules;
const fleetRules = aw.channels.fleetStream.sequence!.rules;
const exactlyOnce: SequenceRule = { id: 'welcome-exactly-once', kind: 'once', count: 'exactly-once', messages: ['welcome'] };
const exactlyOncePerKey: SequenceRule = {
  id: 'assigned-exactly-once',
  kind: 'once',
  count: 'exactly-once',
  messages: ['task_assigned'],
  key: '/task/taskId',
  keyByMessage: { task_cancelled: '/taskId' },
};

const cases: [string, { rules: readonly SequenceRule[]; frames: SequenceFrame[]; endT?: number; want: string[] }][] = [
  [
    'a well-ordered run passes',
    {
      rules: runRules,
      frames: [
        step('step_started', 'a'),
        step('step_log', 'a'),
        step('step_started', 'b'),
        step('step_progress', 'a'),
        step('step_completed', 'a'),
        step('step_completed', 'b'),
        f('heartbeat'),
        f('workflow_completed'),
        f('heartbeat'),
      ],
      want: [],
    },
  ],
  [
    'step_progress before its step_started',
    {
      rules: runRules,
      frames: [step('step_progress', 'a'), step('step_started', 'a'), step('step_completed', 'a'), f('workflow_completed')],
      want: ['step-started-first'],
    },
  ],
  ['keys are independent', { rules: runRules, frames: [step('step_started', 'a'), step('step_log', 'b')], want: ['step-started-first'] }],
  [
    'a step started twice',
    {
      rules: runRules,
      frames: [step('step_started', 'a'), step('step_started', 'a'), step('step_completed', 'a')],
      want: ['step-started-once'],
    },
  ],
  [
    'a message after the step completed',
    { rules: runRules, frames: [step('step_started', 'a'), step('step_completed', 'a'), step('step_log', 'a')], want: ['step-completed-last'] },
  ],
  [
    'a step message after workflow_completed',
    {
      rules: runRules,
      frames: [step('step_started', 'a'), step('step_completed', 'a'), f('workflow_completed'), step('step_started', 'b')],
      want: ['workflow-completed-last'],
    },
  ],
  [
    'heartbeat gap over interval + tolerance',
    {
      rules: runRules,
      frames: [f('heartbeat', {}, 15_000), f('heartbeat', {}, 36_000)],
      endT: 40_000,
      want: ['heartbeat-interval'],
    },
  ],
  ['no heartbeat at all in a long window', { rules: runRules, frames: [], endT: 20_001, want: ['heartbeat-interval'] }],
  ['a short window without heartbeat is fine', { rules: runRules, frames: [], endT: 19_999, want: [] }],
  [
    'task_cancelled of an assigned task (different key pointers)',
    {
      rules: agentRules,
      frames: [f('task_assigned', { task: { taskId: 't1' } }), f('task_cancelled', { taskId: 't1' })],
      want: [],
    },
  ],
  [
    'task_cancelled of a task never assigned',
    {
      rules: agentRules,
      frames: [f('task_assigned', { task: { taskId: 't1' } }), f('task_cancelled', { taskId: 't2' })],
      want: ['task-assigned-before-cancelled'],
    },
  ],
  [
    'an execution with its events in order',
    {
      rules: execRules,
      frames: [
        exec('execution_started', 'e1'),
        exec('execution_started', 'e2'),
        exec('workflow_start', 'e1'),
        exec('execution_completed', 'e1'),
        exec('execution_failed', 'e2'),
        f('error', { data: { code: 'x' } }),
      ],
      want: [],
    },
  ],
  [
    'a duplicate execution_started',
    {
      rules: execRules,
      frames: [exec('execution_started', 'e1'), exec('execution_started', 'e1'), exec('execution_completed', 'e1')],
      want: ['execution-started-once'],
    },
  ],
  [
    'an event before execution_started',
    { rules: execRules, frames: [exec('workflow_start', 'e1'), exec('execution_started', 'e1')], want: ['execution-started-first'] },
  ],
  [
    'an event after the terminal one',
    {
      rules: execRules,
      frames: [exec('execution_started', 'e1'), exec('execution_completed', 'e1'), exec('tool_end', 'e1')],
      want: ['execution-terminal-last'],
    },
  ],
  [
    'two terminal events',
    {
      rules: execRules,
      frames: [exec('execution_started', 'e1'), exec('execution_completed', 'e1'), exec('execution_failed', 'e1')],
      want: ['execution-terminal-once', 'execution-terminal-last'],
    },
  ],
  ['one fleet_snapshot, then updates', { rules: fleetRules, frames: [f('fleet_snapshot'), f('fleet_logs'), f('fleet_update'), f('fleet_update')], want: [] }],
  [
    'a second fleet_snapshot on one connection',
    { rules: fleetRules, frames: [f('fleet_snapshot'), f('fleet_update'), f('fleet_snapshot')], want: ['snapshot-once'] },
  ],
  ['an error stream has no snapshot (at most once, not exactly)', { rules: fleetRules, frames: [f('error')], want: [] }],
  ['exactly once: one', { rules: [exactlyOnce], frames: [f('welcome'), f('other')], want: [] }],
  ['exactly once: none by the end', { rules: [exactlyOnce], frames: [f('other')], want: ['welcome-exactly-once'] }],
  ['exactly once: two', { rules: [exactlyOnce], frames: [f('welcome'), f('welcome')], want: ['welcome-exactly-once'] }],
  [
    'exactly once per key: every key a frame of the rule carries',
    {
      rules: [exactlyOncePerKey],
      frames: [f('task_assigned', { task: { taskId: 't1' } }), f('task_cancelled', { taskId: 't1' }), f('task_cancelled', { taskId: 't2' })],
      want: ['assigned-exactly-once'],
    },
  ],
];

describe('checkSequence', () => {
  it.each(cases)('%s', (_name, { rules, frames, endT, want }) => {
    const result = checkSequence(rules, frames, endT === undefined ? {} : { endT });
    expect([...new Set(result.violations.map((v) => v.rule))].sort()).toEqual([...want].sort());
  });

  it('scales timing rules with timeScale', () => {
    const rule: SequenceRule = { id: 'hb', kind: 'every', messages: ['heartbeat'], intervalMs: 15_000, toleranceMs: 5_000 };
    expect(checkSequence([rule], [f('heartbeat', {}, 150)], { endT: 300, timeScale: 0.01 }).violations).toEqual([]);
    expect(checkSequence([rule], [f('heartbeat', {}, 150)], { endT: 400, timeScale: 0.01 }).violations.map((v) => v.index)).toEqual([-1]);
  });

  it('does not apply `first` rules to a resumed stream', () => {
    const rule: SequenceRule = { id: 'snap', kind: 'first', messages: ['fleet_snapshot'] };
    expect(checkSequence([rule], [f('fleet_update')]).violations).toHaveLength(1);
    expect(checkSequence([rule], [f('fleet_update')], { resumed: true }).violations).toHaveLength(0);
  });

  it('reports which rules were exercised', () => {
    const { exercised } = checkSequence(runRules, [step('step_started', 'a')], { endT: 10 });
    expect(exercised).toContain('step-started-first');
    expect(exercised).not.toContain('heartbeat-interval');
  });

  it('survives frames that are not objects', () => {
    expect(() =>
      checkSequence(execRules, [
        { tag: null, payload: 'x', t: 0 },
        { tag: 'execution_started', payload: null, t: 1 },
      ]),
    ).not.toThrow();
  });
});
