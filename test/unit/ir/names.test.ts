import { describe, expect, it } from 'vitest';
import { NameScope, toIdentifier } from '../../../generator/src/ir/names.ts';

describe('toIdentifier', () => {
  it.each([
    ['worker-status', 'pascal', 'WorkerStatus'],
    ['worker-status', 'camel', 'workerStatus'],
    ['step_started', 'pascal', 'StepStarted'],
    ['HTTPServer', 'pascal', 'HttpServer'],
    ['x-wf-endpoint', 'camel', 'xWfEndpoint'],
    ['2fa', 'pascal', 'N2fa'],
    ['2fa', 'camel', 'n2fa'],
    ['', 'pascal', 'Unnamed'],
    ['*/ ${x}', 'pascal', 'X'],
    ['class', 'camel', 'classValue'],
    ['delete', 'camel', 'deleteValue'],
    ['string', 'camel', 'stringValue'],
    ['Promise', 'pascal', 'PromiseType'],
    ['__proto__', 'camel', 'proto'],
    ['constructor', 'camel', 'constructorValue'],
    ['Ärger über', 'pascal', 'ArgerUber'],
    ['\u2028', 'pascal', 'Unnamed'],
  ] as const)('%j (%s) → %s', (raw, nameCase, want) => {
    expect(toIdentifier(raw, nameCase)).toBe(want);
  });

  it('always produces a valid identifier', () => {
    const nasty = ['', ' ', '0', '$', '-', '`${}`', 'a.b', '日本', 'if', 'let', 'await', '__proto__', '\n\t'];
    for (const raw of nasty) expect(toIdentifier(raw, 'pascal')).toMatch(/^[A-Za-z_$][A-Za-z0-9_$]*$/);
  });
});

describe('NameScope', () => {
  it('keeps names unique and stable in claim order', () => {
    const scope = new NameScope(['Reserved']);
    expect(['worker-status', 'worker_status', 'WorkerStatus', 'reserved'].map((n) => scope.claim(n, 'pascal'))).toEqual([
      'WorkerStatus',
      'WorkerStatus2',
      'WorkerStatus3',
      'Reserved2',
    ]);
  });

  it('tells a collision apart by what the thing is, not by a number', () => {
    const scope = new NameScope(['ValidationError']);
    expect([
      scope.claim('TaskStatus', 'pascal', 'Schema', 'schema'),
      scope.claim('taskStatus', 'pascal', 'Channel', 'channel'),
      scope.claim('ValidationError', 'pascal', 'Schema', 'schema'),
      scope.claim('task status', 'pascal', 'Message', 'message'),
    ]).toEqual(['TaskStatus', 'TaskStatusChannel', 'ValidationErrorSchema', 'TaskStatusMessage']);
  });

  it('numbers only two things of one kind whose names differ in punctuation alone', () => {
    const scope = new NameScope(['AB']);
    expect(['a-b', 'a_b', 'a.b'].map((n) => scope.claim(n, 'pascal', 'Channel', 'channel'))).toEqual(['ABChannel', 'ABChannel2', 'ABChannel3']);
  });

  it('a name built on a name that already says its kind says it once', () => {
    expect(toIdentifier('TaskStatusChannel channel', 'pascal')).toBe('TaskStatusChannel');
    expect(toIdentifier('is is-ready', 'camel')).toBe('isReady');
  });
});
