import { consolePages } from '../generator/src/index.ts';
import { referenceConsolePage, startReferenceCluster, startReferenceServers, type RunningReference } from '../reference-server/index.ts';
import { EXIT, parseCommandLine, stopSignal, type CliIO } from './io.ts';
import { MOCK_OPTIONS, SERVE_MOCK_HELP, serveMock } from './serve-mock.ts';
import { logRecord, type RuntimeEventInfo } from '../runtime/index.ts';

export const SERVE_HELP = `Usage: streamwright serve [--port-base <n>] [--host <addr>] [--time-scale <x>] [--seed <n>] [--token-ttl <s>] [--cors <origin>]... [--json] [--no-console]

Starts the reference servers of the four seed APIs, each on its own port (port base + 0..3:
steadybase, release-orchestrator, agnt5, agent-workspace; default base 3000), and prints for each
its URLs and a ready-to-use development credential per auth scheme. Development secrets are
generated at start. Each server also serves a live console at /_console: connect to a channel
from the browser, watch frames validated against the contract, send examples, download a
transcript for \`conform\`. Stops on SIGINT / SIGTERM with a graceful shutdown.

With a document, \`streamwright serve <spec.yaml>\` runs a mock of it instead: see
\`streamwright serve <spec.yaml> --help\`.

Options:
  --port-base <n>    first port (default 3000; 0 picks free ports)
  --host <addr>      address to listen on (default 127.0.0.1)
  --time-scale <x>   multiply every timing (0.1 runs ten times faster)
  --seed <n>         seed of the simulations (default 1)
  --token-ttl <s>    lifetime of the printed development tokens in seconds (default 43200 = 12 h)
  --cors <origin>    let pages on <origin> (e.g. http://localhost:5173) read the SSE and HTTP
                     endpoints and present the session cookie; repeat for more origins
  --json             one JSON object per API per line: {api, origin, timeScale, urls, credentials, console};
                     each credential {scheme, value, usage, principal?, expiresAt?}: every
                     principal the recorded suite needs (release-orchestrator: the user and each
                     agent, per scheme), the first of a scheme being the default. Save it and
                     give it to \`streamwright conform --from-serve <file>\`.
  --no-console       do not serve the live console at /_console
  --instances <n>    run n processes per API behind a round-robin front on the API's port,
                     sharing broadcasts, SSE replay and connection limits through --redis
  --redis <url>      the Redis the instances share (redis://127.0.0.1:6379), required with --instances
`;

export async function serveCommand(argv: string[], io: CliIO, signals: NodeJS.EventEmitter = process): Promise<number> {
  const line = parseCommandLine('serve', (positionals) => (positionals.length === 1 ? SERVE_MOCK_HELP : SERVE_HELP), argv, io, {
    ...MOCK_OPTIONS,
    'port-base': { type: 'string' },
    host: { type: 'string' },
    'time-scale': { type: 'string' },
    seed: { type: 'string' },
    'token-ttl': { type: 'string' },
    cors: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    'no-console': { type: 'boolean' },
    instances: { type: 'string' },
    redis: { type: 'string' },
  });
  if (typeof line === 'number') return line;
  const { values, positionals, usage } = line;
  if (positionals.length > 1) return usage(`give one document (got ${positionals.length})`);
  const corsOrigins = Array.isArray(values.cors) ? values.cors : [];
  const badOrigin = corsOrigins.find((o) => !isOrigin(o));
  if (badOrigin !== undefined) return usage(`--cors takes an origin such as http://localhost:5173 (got ${badOrigin})`);
  if (positionals.length === 1) return serveMock(positionals[0]!, values, io, signals);
  const mockOnly = Object.keys(MOCK_OPTIONS).filter((name) => values[name] !== undefined);
  if (mockOnly.length > 0) return usage(`--${mockOnly[0]} applies to a mock (\`serve <spec.yaml>\`)`);
  const number = (name: string, fallback: number, valid: (n: number) => boolean) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || !valid(n)) throw new Error(`--${name} must be a valid number (got ${String(raw)})`);
    return n;
  };
  let portBase: number, timeScale: number, seed: number, ttlSeconds: number, instances: number;
  try {
    ttlSeconds = number('token-ttl', 12 * 3600, (n) => Number.isInteger(n) && n > 0);
    portBase = number('port-base', 3000, (n) => Number.isInteger(n) && n >= 0 && n <= 65532);
    timeScale = number('time-scale', 1, (n) => n > 0);
    seed = number('seed', 1, Number.isInteger);
    instances = number('instances', 0, (n) => Number.isInteger(n) && n >= 1 && n <= 64);
  } catch (e) {
    return usage((e as Error).message);
  }
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  if (instances > 0 || values.redis !== undefined) {
    if (typeof values.redis !== 'string' || !/^rediss?:\/\//.test(values.redis))
      return usage('--instances needs --redis redis://host:port (the bus the instances share)');
    return serveInstances(
      {
        instances: Math.max(instances, 1),
        redisUrl: values.redis,
        portBase,
        host,
        seed,
        timeScale,
        ...(corsOrigins.length ? { cors: { origins: corsOrigins } } : {}),
      },
      values.json === true,
      io,
      signals,
    );
  }

  const stop = stopSignal(signals);
  const secrets: string[] = [];
  let running: RunningReference[];
  try {
    const pages = values['no-console'] ? undefined : (api: string) => consolePages(() => referenceConsolePage(api));
    // One JSON line per runtime event on stderr; the dev credentials just printed are masked in it.
    const onError = (e: Error, info?: RuntimeEventInfo) => io.stderr.write(JSON.stringify(logRecord(e, info, { secrets })) + '\n');
    running = await startReferenceServers({
      portBase,
      host,
      ...(pages ? { pages } : {}),
      reference: { timeScale, seed, ...(corsOrigins.length ? { cors: { origins: corsOrigins } } : {}), onError },
    });
  } catch (e) {
    stop.release();
    io.stderr.write(`streamwright serve: cannot start: ${(e as Error).message}\n`);
    return EXIT.problems;
  }
  for (const r of running) {
    const urls = r.server.urls(r.origin);
    const credentials = await r.server.credentials({ ttlSeconds });
    secrets.push(...credentials.map((c) => c.value));
    if (values.json) {
      io.stdout.write(
        JSON.stringify({ api: r.api, origin: r.origin, timeScale, urls, credentials, ...(values['no-console'] ? {} : { console: `${r.origin}/_console` }) }) +
          '\n',
      );
    } else {
      io.stdout.write(`${r.api}  ${r.origin}\n`);
      for (const url of urls) io.stdout.write(`  ${url}\n`);
      if (!values['no-console']) io.stdout.write(`  console ${r.origin}/_console\n`);
      for (const c of credentials) io.stdout.write(`  credential ${c.scheme}: ${c.usage}${c.expiresAt ? ` (until ${c.expiresAt})` : ''}\n    ${c.value}\n`);
      io.stdout.write('\n');
    }
  }
  if (!values.json) io.stdout.write('Ready. Ctrl-C stops the servers.\n');
  await stop.stopped;
  stop.release();
  await Promise.all(running.map((r) => r.server.close()));
  return EXIT.ok;
}

/** `serve --instances`: N processes per API on one Redis bus, behind a round-robin front each. */
async function serveInstances(options: Parameters<typeof startReferenceCluster>[0], json: boolean, io: CliIO, signals: NodeJS.EventEmitter): Promise<number> {
  const stop = stopSignal(signals);
  let cluster;
  try {
    cluster = await startReferenceCluster(options);
  } catch (e) {
    stop.release();
    io.stderr.write(`streamwright serve: cannot start: ${(e as Error).message}\n`);
    return EXIT.problems;
  }
  for (const a of cluster.apis) {
    if (json) {
      io.stdout.write(
        JSON.stringify({ api: a.api, origin: a.origin, timeScale: options.timeScale, urls: a.urls, instances: a.instances, credentials: a.credentials }) + '\n',
      );
      continue;
    }
    io.stdout.write(`${a.api}  ${a.origin} (round robin over ${a.instances.join(' ')})\n`);
    for (const url of a.urls) io.stdout.write(`  ${url}\n`);
    for (const c of a.credentials) io.stdout.write(`  credential ${c.scheme}: ${c.usage}\n    ${c.value}\n`);
    io.stdout.write('\n');
  }
  if (!json) io.stdout.write(`Ready: ${options.instances} instance(s) per API on ${options.redisUrl}. Ctrl-C stops them.\n`);
  await stop.stopped;
  stop.release();
  await cluster.close();
  return EXIT.ok;
}

/** Scheme, host and port only, as browsers send it in Origin. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}
