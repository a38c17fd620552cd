import { describe, expect, it } from 'vitest';
import { leaks, runMatrix } from '../../reliability/attacks.ts';
import { startReferenceServers } from '../../reference-server/index.ts';
import { AGENT_IDS, DEPLOYMENT_JOB_IDS, WORKFLOW_RUN_IDS } from '../../reference-server/release-orchestrator/index.ts';
import { logRecord } from '../../runtime/server/log.ts';

// The credential attack matrix of `npm run fuzz` (reliability/attacks.ts), in-process: alg none,
// HS/RS confusion, unpinned algorithms, a foreign key, expired, not yet valid, tampered signature,
// payload and header, missing required claims, malformed and 1 MB tokens (and their like for the
// API key and the session cookie) on every endpoint and scheme of the four reference servers,
// each refused as its contract says while the valid credential gets through; then no credential
// in the structured log `serve` would print.

describe('every credential attack is refused on every endpoint and scheme', () => {
  it('refuses each attack as the contract says, accepts the controls, and logs no credential', { timeout: 120_000 }, async () => {
    const jwtSecret = new TextEncoder().encode('attack-matrix-secret-0123456789abcdef');
    const apiKey = 'agnt5_test_0123456789abcdef0123456789abcdef';
    const session = 'session-0123456789abcdef0123456789';
    const lines: string[] = [];
    const secrets: string[] = [];
    const running = await startReferenceServers({
      portBase: 0,
      host: '127.0.0.1',
      reference: {
        secrets: { jwtSecret, apiKeys: [apiKey], sessions: { [session]: 'dev-user' } },
        onError: (e, info) => lines.push(JSON.stringify(logRecord(e, info, { secrets }))),
      },
    });
    try {
      for (const r of running) secrets.push(...(await r.server.credentials()).map((c) => c.value));
      const ports = Object.fromEntries(running.map((r) => [r.api, r.port])) as Parameters<typeof runMatrix>[0]['ports'];
      const { rows, presented } = await runMatrix(
        { ports, jwtSecret, apiKey, session },
        { workflowRun: WORKFLOW_RUN_IDS[0]!, deploymentJob: DEPLOYMENT_JOB_IDS[0]!, agent: AGENT_IDS[0]! },
      );
      expect(rows.filter((r) => !r.ok)).toEqual([]);
      // Every endpoint × scheme, each with its control and its attacks.
      expect(new Set(rows.map((r) => `${r.endpoint} ${r.scheme}`)).size).toBe(14);
      expect(rows.filter((r) => r.want === 'accepted')).toHaveLength(14);
      expect(rows.filter((r) => r.want !== 'accepted').length).toBeGreaterThan(280);
      // The attacks were logged (so the search below searched something), never their credentials.
      expect(lines.some((l) => l.includes('SW_AUTH_INVALID'))).toBe(true);
      expect(leaks(lines.join('\n'), [...presented, ...secrets, apiKey, session])).toEqual([]);
    } finally {
      await Promise.all(running.map((r) => r.server.close()));
    }
  });
});
