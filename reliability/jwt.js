// Every JWT attack (and its like for API keys and session cookies) on every endpoint and auth
// scheme of the four reference servers, in their own process, through reliability/attacks.ts;
// then the servers' structured log (one JSON line per runtime event, as `serve` prints them) is
// searched for every credential presented: none may appear.
//
//   node --import tsx --conditions=streamwright-source reliability/jwt.js [--json]

import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { AGENT_IDS, DEPLOYMENT_JOB_IDS, WORKFLOW_RUN_IDS } from '../reference-server/release-orchestrator/index.ts';
import { leaks, runMatrix } from './attacks.ts';
import { WORK, isMain, startHost, settleRun } from './lib.js';

export async function jwtAttacks({ seed = 1 } = {}) {
  const log = path.join(WORK, 'jwt.log');
  const host = await startHost({ seed, log });
  const started = Date.now();
  const result = {};
  try {
    const ports = Object.fromEntries(host.servers.map((s) => [s.api, s.port]));
    const { rows, presented } = await runMatrix(
      { ports, jwtSecret: Buffer.from(host.secrets.jwtSecret, 'hex'), apiKey: host.secrets.apiKeys[0], session: Object.keys(host.secrets.sessions)[0] },
      { workflowRun: WORKFLOW_RUN_IDS[0], deploymentJob: DEPLOYMENT_JOB_IDS[0], agent: AGENT_IDS[0] },
    );
    // Credentials where they do not belong: in the URL of a path that is no channel (the 404 is
    // logged with its URL), as a WebSocket upgrade and as a plain GET.
    const valid = host.servers.flatMap((s) => s.credentials.map((c) => c.value));
    const strays = [
      ...valid.map((v, i) => [host.servers[i % host.servers.length].port, `/no-such-channel?token=${encodeURIComponent(v)}`]),
      [ports.agnt5, `/nope?x-api-key=${host.secrets.apiKeys[0]}&api_key=${host.secrets.apiKeys[1]}`],
      [ports['agent-workspace'], `/nope?session=${Object.keys(host.secrets.sessions)[0]}&access_token=${valid[0]}`],
    ];
    result.strayStatuses = {};
    for (const [port, url] of strays) {
      for (const upgrade of [false, true]) {
        const status = await new Promise((resolve) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: url,
              agent: false,
              headers: upgrade
                ? { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' }
                : {},
            },
            (res) => {
              res.resume();
              resolve(res.statusCode);
            },
          );
          req.on('upgrade', (res, socket) => {
            socket.destroy();
            resolve(res.statusCode);
          });
          req.on('error', () => resolve(-1));
          req.end();
        });
        result.strayStatuses[status] = (result.strayStatuses[status] ?? 0) + 1;
      }
    }
    result.rows = rows;
    result.cases = rows.length;
    result.refused = rows.filter((r) => r.want !== 'accepted' && r.ok).length;
    result.attacks = rows.filter((r) => r.want !== 'accepted').length;
    result.controlsAccepted = rows.filter((r) => r.want === 'accepted' && r.ok).length;
    result.controls = rows.filter((r) => r.want === 'accepted').length;
    result.failures = rows.filter((r) => !r.ok);
    result.endpoints = new Set(rows.map((r) => `${r.endpoint} ${r.scheme}`)).size;
    // Let the last events reach the log, then search it.
    await host.ask('stats');
    const text = readFileSync(log, 'utf8');
    const creds = [
      ...presented,
      ...host.servers.flatMap((s) => s.credentials.map((c) => c.value)),
      host.secrets.jwtSecret,
      ...host.secrets.apiKeys,
      ...Object.keys(host.secrets.sessions),
    ];
    result.logLines = text.split('\n').filter(Boolean).length;
    result.credentialsChecked = creds.length;
    result.leaks = leaks(text, creds);
  } catch (e) {
    result.failure = e.stack ?? String(e);
  }
  await settleRun(host, result, started);
  result.pass =
    !result.failure &&
    result.crashes === 0 &&
    result.failures.length === 0 &&
    Object.keys(result.strayStatuses).join() === '404' &&
    result.leaks.length === 0 &&
    result.logLines > 0;
  return result;
}

if (isMain(import.meta.url)) {
  const r = await jwtAttacks();
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  else {
    for (const f of r.failures ?? []) console.log(`FAIL ${f.endpoint} [${f.scheme}] ${f.attack}: want ${f.want}, got ${f.got}`);
    console.log(
      `${r.refused}/${r.attacks} attacks refused, ${r.controlsAccepted}/${r.controls} valid credentials accepted, on ${r.endpoints} endpoint × scheme pairs; ${r.leaks?.length} credentials in ${r.logLines} log lines; ${r.pass ? 'PASS' : `FAIL ${r.failure ?? ''}`}`,
    );
  }
  if (!r.pass) process.exitCode = 1;
}
