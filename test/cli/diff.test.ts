import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { specPath, type ApiName } from '../contracts/apis.ts';

import { runBin, runCli as run } from '../support/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'streamwright-diff-test-'));
type Doc = Record<string, any>;
/** An edited copy of a seed contract, written next to nothing else (the seeds use local refs only). */
function edited(api: ApiName, label: string, edit: (d: Doc) => void): string {
  const doc = yaml.load(readFileSync(specPath(api), 'utf8')) as Doc;
  edit(doc);
  const file = path.join(dir, `${api}-${label}.asyncapi.yaml`);
  writeFileSync(file, yaml.dump(doc));
  return file;
}
type Json = { changes: { rule: string; severity: string; channel?: string; flow?: string }[]; counts: Record<string, number> };
const diffJson = async (before: string, after: string, ...flags: string[]) => {
  const r = await run(['diff', before, after, '--format', 'json', ...flags]);
  return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as Json };
};
/** Worker states as a closed set (the contract keeps them open with x-sw-known-values), plus `extra`. */
const closedStates = (extra: string[]) => (d: Doc) => {
  const state = d.components.schemas.WorkerState;
  state.enum = [...state['x-sw-known-values'], ...extra];
  delete state['x-sw-known-values'];
};
const rules = (j: Json) => [...new Set(j.changes.map((c) => `${c.channel} ${c.rule} ${c.severity}`))].sort();

// In this process, but for the exit statuses of a bad revision and a bad command line, which go
// through bin/streamwright.js. Each case diffs whole contracts a few times: seconds under load.
describe('streamwright diff on the seed contracts', { timeout: 120_000 }, () => {
  it('steadybase: a new value in a closed set the server sends breaks clients that switch on it', async () => {
    const before = edited('steadybase', 'state-closed', closedStates([]));
    const after = edited('steadybase', 'state', closedStates(['paused']));
    const { code, json } = await diffJson(before, after, '--fail-on', 'breaking');
    expect(rules(json)).toEqual(['events schema.enum-value-added breaking']);
    expect(json.changes.every((c) => c.flow === 'server-sends')).toBe(true);
    expect(code).toBe(1);
  });

  it('release-orchestrator: a later heartbeat breaks old clients, on that channel only', async () => {
    const after = edited('release-orchestrator', 'heartbeat', (d) => (d.channels.workflowRunStream['x-sw-heartbeat'].intervalMs = 20000));
    const { code, json } = await diffJson(specPath('release-orchestrator'), after, '--fail-on', 'breaking');
    expect(rules(json)).toEqual(['workflowRunStream heartbeat.slower breaking']);
    expect(code).toBe(1);
  });

  it('agnt5: an optional invocation field passes --fail-on breaking, not --fail-on any; a lower size limit fails', async () => {
    const optional = edited('agnt5', 'optional', (d) => (d.components.schemas.InvokeWorkflowRequest.properties.priority = { type: 'integer' }));
    const harmless = await diffJson(specPath('agnt5'), optional, '--fail-on', 'breaking');
    expect(rules(harmless.json)).toEqual(['workflow schema.optional-property-added non-breaking']);
    expect(harmless.code).toBe(0);
    expect((await run(['diff', specPath('agnt5'), optional, '--fail-on', 'any'])).code).toBe(1);
    const smaller = edited('agnt5', 'limit', (d) => (d.channels.workflow['x-sw-limits'].maxMessageBytes.limit = 1024));
    const { code, json } = await diffJson(specPath('agnt5'), smaller, '--fail-on', 'breaking');
    expect(rules(json)).toEqual(['workflow limit.lowered breaking']);
    expect(code).toBe(1);
  });

  it('agent-workspace: a longer stream is harmless, dropping the snapshot-first promise is not', async () => {
    const after = edited('agent-workspace', 'stream', (d) => {
      d.channels.fleetStream['x-sw-limits'].maxStreamDurationMs.limit = 600000;
      d.channels.fleetStream['x-sw-sequence'].rules = d.channels.fleetStream['x-sw-sequence'].rules.filter((r: { id: string }) => r.id !== 'snapshot-first');
    });
    const { code, json } = await diffJson(specPath('agent-workspace'), after);
    expect(rules(json)).toEqual(['fleetStream limit.raised non-breaking', 'fleetStream sequence.rule-removed breaking']);
    expect(code).toBe(0);
  });

  it('reads git:<rev>:<path>, and an unchanged document has no changes', async () => {
    const r = await run(['diff', 'git:HEAD:spec/steadybase.asyncapi.yaml', specPath('steadybase'), '--fail-on', 'any']);
    // The working copy may be edited by hand while this runs; what matters is that the revision was read.
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    const same = await run(['diff', specPath('agnt5'), specPath('agnt5'), '--fail-on', 'any']);
    expect(same).toEqual({ code: 0, stdout: 'No changes.\n', stderr: '' });
  });

  it('names an unreadable revision and exits 1; refuses a bad command line with 2', async () => {
    const r = await runBin(['diff', 'git:no-such-rev:spec/agnt5.asyncapi.yaml', specPath('agnt5')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('git:no-such-rev:spec/agnt5.asyncapi.yaml');
    expect((await runBin(['diff', specPath('agnt5')])).code).toBe(2);
    expect((await run(['diff', specPath('agnt5'), specPath('agnt5'), '--fail-on', 'maybe'])).code).toBe(2);
  });

  it('writes a Markdown table whose cells cannot break out of it', async () => {
    const before = edited('steadybase', 'md-closed', closedStates([]));
    const after = edited('steadybase', 'md', closedStates(['<b>|x`']));
    const r = await run(['diff', before, after, '--format', 'markdown']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ❌'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).not.toContain('<b>');
      expect(row.split(/(?<!\\)\|/).length).toBe(9);
    }
  });
});
