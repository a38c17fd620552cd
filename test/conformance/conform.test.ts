import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { conform, Credentials, parseCredentials, renderJunit, renderText } from '../../conformance/src/conform/index.ts';
import { startSuiteServer, startSuiteServers, SUITE, type SuiteTarget } from './suite.ts';

// `conform` against the faithful reference servers: every transcript and every probe passes.
const SCALE = 0.01;
let running: SuiteTarget[];
const dir = mkdtempSync(path.join(tmpdir(), 'sw-conform-'));

beforeAll(async () => {
  running = await startSuiteServers(SCALE);
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.server.close()));
});

const io = () => {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } } };
};

describe('conform against the reference servers', () => {
  it.each(['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'])('%s passes every transcript and probe', async (api) => {
    const ref = running.find((r) => r.api === api)!;
    const report = await conform({
      spec: `spec/${api}.asyncapi.yaml`,
      target: ref.origin,
      transcripts: SUITE(api),
      credentials: ref.credentials,
      credentialsFor: ref.credentialsFor,
      timeScale: SCALE,
      timeoutMs: 2000,
    });
    expect(report.summary.failed, renderText(report)).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(0);
    expect(report.cases.some((c) => c.kind === 'transcript' && !c.skipped)).toBe(true);
    // Every probe the contract implies ran: the suite's transcripts give each channel an address.
    expect(report.cases.filter((c) => c.kind === 'probe' && c.skipped).map((c) => `${c.name}: ${c.skipped}`)).toEqual([]);
    expect(report.validators).toBe(`generated/${api}/validators.gen.js`);
    const junit = renderJunit(report);
    expect(junit).toMatch(/^<\?xml/);
    expect(junit).not.toContain('<failure');
  });

  it('probes open an address whose recorded connection stayed open, not one refused after the upgrade', async () => {
    // agent-task-forbidden (agent-02's stream with agent-01's token, closed 4403) sorts before
    // agent-task-stream: probes opening its address were refused and failed a correct server.
    const ref = running.find((r) => r.api === 'release-orchestrator')!;
    const only = mkdtempSync(path.join(tmpdir(), 'sw-conform-address-'));
    for (const name of ['agent-task-forbidden', 'agent-task-stream'])
      copyFileSync(`${SUITE('release-orchestrator')}/${name}.jsonl`, path.join(only, `${name}.jsonl`));
    const report = await conform({
      spec: 'spec/release-orchestrator.asyncapi.yaml',
      target: ref.origin,
      transcripts: only,
      credentials: ref.credentials,
      credentialsFor: ref.credentialsFor,
      timeScale: SCALE,
      timeoutMs: 2000,
      probes: ['heartbeat', 'malformed-frame'],
    });
    expect(report.summary.failed, renderText(report)).toBe(0);
    expect(report.cases.filter((c) => c.kind === 'probe' && c.channel === 'agentTaskStream' && !c.skipped).length).toBeGreaterThan(0);
  });

  it('the CLI reads `serve --json` credentials, writes JUnit and exits 0', async () => {
    const ref = running.find((r) => r.api === 'agnt5')!;
    const creds = path.join(dir, 'creds.jsonl');
    writeFileSync(
      creds,
      running.map((r) => JSON.stringify({ api: r.api, urls: [], credentials: [] })).join('\n') +
        '\n' +
        JSON.stringify({ api: 'agnt5', urls: [], credentials: await ref.server.credentials() }) +
        '\n',
    );
    const junit = path.join(dir, 'junit.xml');
    const { out, io: cli } = io();
    const code = await main(
      [
        'conform',
        '--spec',
        'spec/agnt5.asyncapi.yaml',
        '--target',
        ref.origin.replace('http', 'ws'),
        '--transcripts',
        SUITE('agnt5'),
        '--credentials',
        creds,
        '--time-scale',
        String(SCALE),
        '--report',
        junit,
      ],
      cli,
    );
    expect(code, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/passed, 0 failed/);
    expect(out.stdout).toMatch(/coverage: \d+\/17 server messages seen/);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite name="agnt5"');
  });

  it('the CLI exits 1 and names the rule when the implementation is wrong (no credentials: every auth probe fails)', async () => {
    const ref = running.find((r) => r.api === 'agnt5')!;
    const { out, io: cli } = io();
    const creds = path.join(dir, 'wrong.json');
    writeFileSync(creds, JSON.stringify({ apiKeySubprotocol: 'not-a-key' }));
    const code = await main(
      ['conform', '--spec', 'spec/agnt5.asyncapi.yaml', '--target', ref.origin, '--credentials', creds, '--probes', 'auth-accepted', '--json'],
      cli,
    );
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout) as { cases: { findings: { rule: string; actual?: string }[] }[] };
    expect(report.cases.flatMap((c) => c.findings.map((f) => `${f.rule} ${f.actual}`))).toContain('probe/auth-accepted:apiKeySubprotocol HTTP 401');
  });

  it('--help documents the command; bad command lines exit 2', async () => {
    const help = io();
    expect(await main(['conform', '--help'], help.io)).toBe(0);
    expect(help.out.stdout).toContain('--transcripts');
    expect(help.out.stdout).toContain('--slack <x>');
    const slack = io();
    expect(await main(['conform', '--spec', 'spec/agnt5.asyncapi.yaml', '--target', 'http://127.0.0.1:1', '--slack', '0.5'], slack.io)).toBe(2);
    expect(slack.out.stderr).toContain('--slack must be a number >= 1');
    const bad = io();
    expect(await main(['conform', '--spec', 'spec/agnt5.asyncapi.yaml', '--target', 'ftp://x'], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain('SW_CONFORM_TARGET_INVALID');
    expect(await main(['conform', '--spec', 'spec/agnt5.asyncapi.yaml'], io().io)).toBe(2);
    expect(await main(['conform', '--spec', 'spec/agnt5.asyncapi.yaml', '--target', 'http://127.0.0.1:1', '--probes', 'nope'], io().io)).toBe(2);
  });

  it('a broken transcript is reported with its code, and does not stop the run', async () => {
    const ref = running.find((r) => r.api === 'agnt5')!;
    const bad = path.join(dir, 'bad');
    await import('node:fs').then((fs) => fs.mkdirSync(bad, { recursive: true }));
    writeFileSync(path.join(bad, 'garbage.jsonl'), '{"kind":"header"\nnot json\n');
    const report = await conform({ spec: 'spec/agnt5.asyncapi.yaml', target: ref.origin, transcripts: bad, probes: false });
    expect(report.summary.failed).toBe(1);
    expect(report.cases[0]!.findings[0]!.rule).toMatch(/^replay\/SW_TRANSCRIPT_/);
  });

  it('awaits a recorded message until its recorded time (scaled) plus the timeout, not the timeout alone', async () => {
    // fleet-stream spans the stream's 300 s maximum duration (3 s at this scale), far more than
    // a 200 ms timeout; a replay that gave each wait only the timeout would give up early.
    // A fresh server: the recording was made on one, and the fleet it simulates moves on.
    const ref = await startSuiteServer('agent-workspace', SCALE);
    const one = path.join(dir, 'one');
    mkdirSync(one, { recursive: true });
    copyFileSync(path.join(SUITE('agent-workspace'), 'fleet-stream.jsonl'), path.join(one, 'fleet-stream.jsonl'));
    const report = await conform({
      spec: 'spec/agent-workspace.asyncapi.yaml',
      target: ref.origin,
      transcripts: one,
      credentials: ref.credentials,
      credentialsFor: ref.credentialsFor,
      timeScale: SCALE,
      timeoutMs: 200,
      probes: false,
    });
    await ref.server.close();
    expect(report.summary, renderText(report)).toMatchObject({ passed: 1, failed: 0 });
  });

  it('parses both credential shapes', () => {
    const a = parseCredentials(
      '{"api":"x","urls":[],"credentials":[{"scheme":"s","value":"v1","usage":"on /api/v1/agents/a1/task-stream"},{"scheme":"s","value":"v2","usage":"general"}]}\n{"api":"y","urls":[],"credentials":[{"scheme":"s","value":"other"}]}',
      'x',
    );
    expect(a.pick('/api/v1/agents/a1/task-stream')).toEqual({ s: 'v1' });
    expect(a.pick('/api/v1/workflow-runs/w/stream')).toEqual({ s: 'v2' });
    expect(parseCredentials('{"bearerJwt":"t"}').pick('/ws')).toEqual({ bearerJwt: 't' });
    const per = parseCredentials('{"bearerJwt":"t","transcripts":{"agent-run":{"bearerJwt":"agent"}}}');
    expect(per.forTranscript('agent-run').pick('/ws')).toEqual({ bearerJwt: 'agent' });
    expect(per.forTranscript('other').pick('/ws')).toEqual({ bearerJwt: 't' });
    expect(() => parseCredentials('{"transcripts":[1]}')).toThrow(/transcripts/);
    expect(() => parseCredentials('[1]')).toThrow(/SW_CONFORM|JSON objects/);
  });

  it('reads `npm start -- --json > serve.jsonl` (npm banner first) as serve output, never a credentials file with a stray line', () => {
    const saved =
      '\n> streamwright@0.1.0 start\n> node bin/streamwright.js serve --json\n\n{"api":"x","urls":[],"credentials":[{"scheme":"s","value":"v1"}]}\n';
    expect(parseCredentials(saved, 'x', { serveOutput: true }).pick('/ws')).toEqual({ s: 'v1' });
    expect(() => parseCredentials(saved, 'x')).toThrow(/not JSON/);
  });
});
