import { readFile, writeFile } from 'node:fs/promises';
import { conform, ConformError, PROBE_IDS, renderJson, renderJunit, renderText, type ProbeId } from '../conformance/src/conform/index.ts';
import { EXIT, parseCommandLine, type CliIO } from './io.ts';

export const CONFORM_HELP = `Usage: streamwright conform --spec <file> (--target <url> | --from-serve <file>) [--transcripts <dir>] [options]

Checks a running implementation against its AsyncAPI contract. Replays the client side of every
recorded transcript (*.jsonl, searched recursively; record them with \`streamwright record\`) as
fast as the server answers, and checks:
  schema      every server frame is a message of that channel and direction, and validates
  transcript  the server side matches the recording under the matchers (conformance/matchers/<api>.json;
              timestamps, uuids, durations are compared by type, ids as captured values)
  sequence    the channel's x-sw-sequence rules (order, once, first/last, heartbeat interval)
  probes      what the contract implies without a transcript: no credential is refused, each
              scheme's credential is accepted, an oversize frame and a malformed frame get the
              contract's answer, heartbeats come in time, a silent client is closed (pong
              timeout), an SSE response has the contract's headers and retry: field, SSE
              resumes with Last-Event-ID without repeating or skipping, the
              rate limit answers a burst past it, the connection limit admits exactly its
              number and refuses the next, each as the contract says

Options:
  --spec <file>          the AsyncAPI document (its file name is the API name, e.g. agnt5)
  --target <url>         base URL of the implementation: http(s)://host:port or ws(s)://host:port
  --transcripts <dir>    directory or file of transcripts (none: probes only)
  --from-serve <file>    the saved output of \`streamwright serve --json\`: the API's credentials
                         (each transcript presented as the principal its directory's
                         principals.json names), and unless given, --target and --time-scale
  --credentials <file>   \`streamwright serve --json\` output, or {"<securitySchemeId>": "<value>"}
                         (+ "transcripts": {"<name>": {"<schemeId>": "<value>"}} for transcripts
                         recorded as another principal, e.g. an agent's own token)
  --time-scale <x>       the implementation's time scale (0.01 = timings 100x shorter); default
                         the --from-serve output's, else 1
  --timeout <ms>         how long past its recorded time (scaled) an expected message or
                         close is awaited (default 5000)
  --slack <x>            how much longer than recorded (scaled) a gap between expected messages
                         may take before --timeout starts counting (default 2); each message's
                         wait runs from the last one that arrived
  --jitter <ms>          unscaled slack on timing rules (default 100): network and event-loop delay
  --probes <list>        comma-separated probes to run (${PROBE_IDS.join(', ')}), or "none"
  --matchers <dir>       directory of <api>.json matcher files (default conformance/matchers)
  --api <name>           API name when it differs from the spec file name
  --report <file>        also write a JUnit XML report
  --json                 print the report as JSON instead of text
  --verbose              list every unseen message and unexercised rule

Exit status: 0 conformant, 1 a check failed, 2 bad command line or unreadable input.
`;

export async function conformCommand(argv: string[], io: CliIO): Promise<number> {
  const line = parseCommandLine(
    'conform',
    CONFORM_HELP,
    argv,
    io,
    {
      spec: { type: 'string' },
      target: { type: 'string' },
      transcripts: { type: 'string' },
      credentials: { type: 'string' },
      'from-serve': { type: 'string' },
      'time-scale': { type: 'string' },
      timeout: { type: 'string' },
      jitter: { type: 'string' },
      slack: { type: 'string' },
      probes: { type: 'string' },
      matchers: { type: 'string' },
      api: { type: 'string' },
      report: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
    false,
  );
  if (typeof line === 'number') return line;
  const { values, usage } = line;
  if (typeof values.spec !== 'string') return usage('--spec is required');
  if (typeof values.target !== 'string' && typeof values['from-serve'] !== 'string') return usage('--target (or --from-serve) is required');
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
  if (timeScale !== undefined && (!Number.isFinite(timeScale) || timeScale <= 0)) return usage('--time-scale must be a number > 0');
  const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return usage('--timeout must be a number of ms > 0');
  const jitterMs = values.jitter === undefined ? 100 : Number(values.jitter);
  if (!Number.isFinite(jitterMs) || jitterMs < 0) return usage('--jitter must be a number of ms >= 0');
  const slack = values.slack === undefined ? undefined : Number(values.slack);
  if (slack !== undefined && (!Number.isFinite(slack) || slack < 1)) return usage('--slack must be a number >= 1');
  let probes: boolean | ProbeId[] = true;
  if (typeof values.probes === 'string') {
    if (values.probes === 'none') probes = false;
    else {
      const list = values.probes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = list.filter((p) => !(PROBE_IDS as readonly string[]).includes(p));
      if (unknown.length > 0) return usage(`unknown probe ${unknown.join(', ')} (known: ${PROBE_IDS.join(', ')})`);
      probes = list as ProbeId[];
    }
  }
  const read = async (file: string): Promise<string | undefined> => {
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      io.stderr.write(`streamwright conform: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return undefined;
    }
  };
  let credentials = '';
  if (typeof values.credentials === 'string') {
    const text = await read(values.credentials);
    if (text === undefined) return EXIT.usage;
    credentials = text;
  }
  let fromServe: string | undefined;
  if (typeof values['from-serve'] === 'string') {
    fromServe = await read(values['from-serve']);
    if (fromServe === undefined) return EXIT.usage;
  }
  let report;
  try {
    report = await conform({
      spec: values.spec,
      ...(typeof values.target === 'string' ? { target: values.target } : {}),
      ...(fromServe !== undefined ? { fromServe } : {}),
      ...(typeof values.transcripts === 'string' ? { transcripts: values.transcripts } : {}),
      credentials,
      ...(typeof values.matchers === 'string' ? { matchersDir: values.matchers } : {}),
      ...(typeof values.api === 'string' ? { api: values.api } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      timeoutMs,
      jitterMs,
      ...(slack !== undefined ? { slack } : {}),
      probes,
    });
  } catch (e) {
    if (e instanceof ConformError) {
      io.stderr.write(`streamwright conform: ${e.code}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  io.stdout.write(values.json ? renderJson(report) : renderText(report, { verbose: values.verbose === true }));
  if (typeof values.report === 'string') {
    try {
      await writeFile(values.report, renderJunit(report));
    } catch (e) {
      io.stderr.write(`streamwright conform: cannot write ${values.report}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
  }
  return report.summary.failed > 0 ? EXIT.problems : EXIT.ok;
}
