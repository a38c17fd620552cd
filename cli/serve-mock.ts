import { consolePageForIR, consolePages } from '../generator/src/index.ts';
import { createMockServer, loadContract, type FaultOptions, type MockOptions } from '../mock/index.ts';
import { formatDiagnostic } from './format.ts';
import { EXIT, stopSignal, type CliIO, type ParsedValues } from './io.ts';
import { logRecord } from '../runtime/index.ts';

export const SERVE_MOCK_HELP = `Usage: streamwright serve <spec.yaml> [--port <n>] [--host <addr>] [--rate <n>] [--count <n>]
                         [--data examples|generated] [--seed <n>] [--time-scale <x>] [--jwt-secret <s>]
                         [--delay <ms>|<min>-<max>] [--drop <p>] [--duplicate <p>] [--reorder <p>]
                         [--disconnect-after <frames>|<ms>ms] [--cors <origin>]... [--json] [--no-console]

Runs a mock of any AsyncAPI 3 document: every channel served as the document says (WebSocket,
SSE, HTTP; auth, limits, heartbeats), each connection streamed the server's messages (examples,
or data generated from the schema) at --rate, client frames validated and invalid ones answered
with the contract's error message (or a {"$streamwright": "error", code, message} frame), and
seeded faults injected on the way out. Prints each channel's URL and a credential per scheme.

Auth: any credential of the right shape is accepted (JWT schemes: a JWT-shaped token, signature
not checked) unless --jwt-secret is given, which makes JWT schemes verify tokens for real.

Options:
  --port <n>              port (default 4000; 0 picks a free one)
  --host <addr>           address to listen on (default 127.0.0.1)
  --rate <n>              messages per second per connection (default 1; 0: none)
  --count <n>             stop each connection's stream after n messages (default: never)
  --data <mode>           examples (default; generated where a message has none) | generated
  --seed <n>              seed of generated data and faults (default 1)
  --time-scale <x>        multiply the contract's timings (heartbeats, deadlines, durations)
  --jwt-secret <s>        verify JWTs with this HS secret (UTF-8)
  --delay <ms>            delay each message by ms, or uniformly in <min>-<max> (order kept)
  --drop <p>              drop each message with probability p
  --duplicate <p>         send each message twice with probability p
  --reorder <p>           hold a message back behind the next one with probability p
  --disconnect-after <n>  cut each connection (no close frame) after n frames, or after <n>ms
  --cors <origin>         let pages on <origin> read the SSE and HTTP endpoints (CORS); repeatable
  --json                  one JSON line: {api, mock, origin, port, channels, credentials, console}
  --no-console            do not serve the live console at /_console
`;

/** Flags only the mock takes (the shared ones, --host --seed --time-scale --cors --json --help, are serve's). */
export const MOCK_OPTIONS = {
  port: { type: 'string' },
  rate: { type: 'string' },
  count: { type: 'string' },
  data: { type: 'string' },
  'jwt-secret': { type: 'string' },
  delay: { type: 'string' },
  drop: { type: 'string' },
  duplicate: { type: 'string' },
  reorder: { type: 'string' },
  'disconnect-after': { type: 'string' },
} as const;

class UsageError extends Error {}

function parseMockOptions(values: ParsedValues): MockOptions & { port: number; host: string } {
  const str = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const num = (name: string, fallback: number, valid: (n: number) => boolean, what: string) => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || !valid(n)) throw new UsageError(`--${name} must be ${what} (got ${raw})`);
    return n;
  };
  const probability = (name: string) => num(name, 0, (n) => n >= 0 && n <= 1, 'a probability between 0 and 1');
  const faults: FaultOptions = {};
  const delay = str('delay');
  if (delay !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(delay.trim());
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) throw new UsageError(`--delay must be <ms> or <min>-<max> (got ${delay})`);
    faults.delayMs = { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
  }
  for (const name of ['drop', 'duplicate', 'reorder'] as const) if (str(name) !== undefined) faults[name] = probability(name);
  const disconnect = str('disconnect-after');
  if (disconnect !== undefined) {
    const m = /^(\d+)(ms|s)?$/.exec(disconnect.trim());
    if (!m || Number(m[1]) < 1) throw new UsageError(`--disconnect-after must be <frames> or <n>ms (got ${disconnect})`);
    faults.disconnectAfter = m[2] === undefined ? { frames: Number(m[1]) } : { ms: Number(m[1]) * (m[2] === 's' ? 1000 : 1) };
  }
  const data = str('data') ?? 'examples';
  if (data !== 'examples' && data !== 'generated') throw new UsageError(`--data must be examples or generated (got ${data})`);
  const secret = str('jwt-secret');
  if (secret !== undefined && secret.length === 0) throw new UsageError('--jwt-secret must not be empty');
  const count = str('count') === undefined ? undefined : num('count', 0, (n) => Number.isInteger(n) && n >= 0, 'a whole number');
  return {
    port: num('port', 4000, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number'),
    host: str('host') ?? '127.0.0.1',
    rate: num('rate', 1, (n) => n >= 0 && n <= 100_000, 'a number of messages per second (0 to 100000)'),
    ...(count !== undefined ? { count } : {}),
    data,
    seed: num('seed', 1, Number.isInteger, 'a whole number'),
    timeScale: num('time-scale', 1, (n) => n > 0, 'a positive number'),
    faults,
    ...(secret !== undefined ? { jwtSecret: new TextEncoder().encode(secret) } : {}),
    // Checked by `serve` (shared with the reference servers).
    ...(Array.isArray(values.cors) && values.cors.length > 0 ? { cors: { origins: values.cors } } : {}),
    onError: () => undefined,
  };
}

/** `serve <spec>`: load the document, start the mock, print its channels, run until a signal. */
export async function serveMock(spec: string, values: ParsedValues, io: CliIO, signals: NodeJS.EventEmitter): Promise<number> {
  if (values['port-base'] !== undefined) {
    io.stderr.write('streamwright serve: --port-base is for the reference servers; use --port with a document\n');
    return EXIT.usage;
  }
  let options: ReturnType<typeof parseMockOptions>;
  try {
    options = parseMockOptions(values);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`streamwright serve: ${e.message}\n`);
    return EXIT.usage;
  }
  const loaded = await loadContract(spec);
  if (!loaded.ok) {
    for (const d of loaded.diagnostics.filter((x) => x.severity === 'error')) io.stderr.write(formatDiagnostic(d) + '\n');
    io.stderr.write(`streamwright serve: cannot mock ${spec}: the document has errors\n`);
    return EXIT.problems;
  }
  const contract = loaded.contract;
  // One JSON line per runtime event on stderr, as `serve` does for the reference servers.
  const onError: MockOptions['onError'] = (e, info) => io.stderr.write(JSON.stringify(logRecord(e, { api: contract.ir.name, ...info })) + '\n');
  const mock = createMockServer(
    contract,
    values['no-console'] ? { ...options, onError } : { ...options, onError, pages: consolePages(() => consolePageForIR(contract.ir, spec)) },
  );
  const stop = stopSignal(signals);
  let port: number;
  try {
    ({ port } = await mock.listen(options.port, options.host));
  } catch (e) {
    stop.release();
    io.stderr.write(`streamwright serve: cannot listen on ${options.host}:${options.port}: ${(e as Error).message}\n`);
    return EXIT.problems;
  }
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `http://${host}:${port}`;
  const channels = await mock.channels(origin);
  const credentials = await mock.credentials();
  const api = loaded.contract.ir.name;
  if (values.json) {
    io.stdout.write(
      JSON.stringify({ api, mock: true, origin, port, channels, credentials, ...(values['no-console'] ? {} : { console: `${origin}/_console` }) }) + '\n',
    );
  } else {
    io.stdout.write(`${api} (mock of ${spec})  ${origin}\n`);
    for (const c of channels)
      io.stdout.write(`  ${(c.method ?? 'WS').padEnd(4)} ${c.url}\n       sends ${c.sends.join(', ') || '-'}; accepts ${c.receives.join(', ') || '-'}\n`);
    for (const c of credentials) io.stdout.write(`  credential ${c.scheme}: ${c.usage}\n    ${c.value}\n`);
    if (!values['no-console']) io.stdout.write(`  console ${origin}/_console\n`);
    io.stdout.write('\nReady. Ctrl-C stops the mock.\n');
  }
  await stop.stopped;
  stop.release();
  await mock.close();
  return EXIT.ok;
}
