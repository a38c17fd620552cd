import { stat } from 'node:fs/promises';
import { loadRecordingContract, RecordingProxy, recordingTarget, writeTranscript, type RecordedConnection } from '../conformance/src/record/index.ts';
import { formatDiagnostic } from './format.ts';
import { EXIT, parseCommandLine, stopSignal, type CliIO } from './io.ts';

export const RECORD_HELP = `Usage: streamwright record --spec <file> --upstream <url> --listen <port> --out <file|dir/> [options]

Runs a recording proxy on 127.0.0.1:<port> in front of the implementation at <url>. Point your
WebSocket or SSE client at the proxy instead of the server: traffic is relayed unchanged in both
directions (subprotocols, headers, refused upgrades, close codes and reasons, SSE bytes as they
arrive), and every connection on a channel of the contract is written as a transcript
(conformance/README.md describes the format). Credentials are never written: they become
<credential:SCHEME_ID> placeholders. Frames that break the contract are marked in the transcript
and listed when recording ends.

  --out <dir/>    one transcript per connection, <dir>/<seq>-<channel>.jsonl; runs until Ctrl-C
                  (a path ending in / or an existing directory is a directory)
  --out <file>    the first recorded connection only; the proxy stops when it ends

Options:
  --spec <file>        AsyncAPI 3 document of the API (required)
  --upstream <url>     origin of the implementation: http://host:port or ws://host:port (required)
  --listen <port>      port of the proxy on 127.0.0.1 (required; 0 picks a free one)
  --out <file|dir/>    where transcripts go (required)
  --channel <id>       record only this channel (others are still relayed)
  --name <name>        scenario name written in the transcript header (default <channel>-<seq>)
  --host <addr>        address to listen on (default 127.0.0.1)
  --json               print the report as one JSON object instead of text
Exit: 0 nothing broke the contract, 1 some frame did (or the spec has errors), 2 bad command line.
`;

export async function recordCommand(argv: string[], io: CliIO, signals: NodeJS.EventEmitter = process): Promise<number> {
  const line = parseCommandLine(
    'record',
    RECORD_HELP,
    argv,
    io,
    {
      spec: { type: 'string' },
      upstream: { type: 'string' },
      listen: { type: 'string' },
      out: { type: 'string' },
      channel: { type: 'string' },
      name: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (typeof line === 'number') return line;
  const { values, usage } = line;
  for (const required of ['spec', 'upstream', 'listen', 'out']) if (typeof values[required] !== 'string') return usage(`--${required} is required`);
  const port = Number(values.listen);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--listen must be a port number (got ${String(values.listen)})`);
  try {
    const u = new URL(values.upstream as string);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) throw new Error('bad scheme');
  } catch {
    return usage(`--upstream must be an http(s):// or ws(s):// URL (got ${String(values.upstream)})`);
  }
  const name = values.name as string | undefined;
  if (name !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return usage('--name may hold letters, digits, ".", "_" and "-" only');

  const loaded = await loadRecordingContract(values.spec as string);
  if ('diagnostics' in loaded) {
    for (const d of loaded.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    return EXIT.problems;
  }
  const { contract } = loaded;
  if (values.channel !== undefined && !contract.channels.some((c) => c.id === values.channel)) {
    return usage(`no WebSocket or SSE channel "${String(values.channel)}" in ${contract.spec} (channels: ${contract.channels.map((c) => c.id).join(', ')})`);
  }
  const out = values.out as string;
  const target = recordingTarget(
    out,
    await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    ),
  );

  const recorded: { connection: RecordedConnection; file: string }[] = [];
  const writes: Promise<unknown>[] = [];
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const proxy = new RecordingProxy({
    contract,
    upstream: values.upstream as string,
    ...(values.channel !== undefined ? { channel: values.channel as string } : {}),
    ...(name !== undefined ? { name: ({ seq }: { seq: number }) => (target.kind === 'file' ? name : `${name}-${String(seq).padStart(3, '0')}`) } : {}),
    onRecorded: (connection) => {
      if (target.kind === 'file' && recorded.length > 0) return;
      const w = writeTranscript(target, connection.seq, connection.transcript).then(
        (file) => {
          recorded.push({ connection, file });
          if (!values.json) io.stdout.write(`recorded ${file}  (${describe(connection)})\n`);
          if (target.kind === 'file') stop();
        },
        (e: unknown) => io.stderr.write(`streamwright record: cannot write transcript: ${(e as Error).message}\n`),
      );
      writes.push(w);
    },
  });
  const signal = stopSignal(signals);
  let listening: { port: number };
  try {
    listening = await proxy.listen(port, typeof values.host === 'string' ? values.host : '127.0.0.1');
  } catch (e) {
    signal.release();
    io.stderr.write(`streamwright record: cannot listen on port ${port}: ${(e as Error).message}\n`);
    return EXIT.problems;
  }
  if (!values.json) {
    io.stdout.write(`Recording ${contract.api} (${contract.spec}) through 127.0.0.1:${listening.port} → ${String(values.upstream)}\n`);
    io.stdout.write(
      target.kind === 'file'
        ? `The first connection goes to ${target.file}; the proxy stops when it ends.\n`
        : `Transcripts go to ${target.dir}; Ctrl-C stops.\n`,
    );
  }
  await Promise.race([stopped, signal.stopped]);
  signal.release();
  await proxy.close();
  await Promise.all(writes);

  const failures = proxy.relayFailures();
  const violations = recorded.flatMap(({ connection, file }) => connection.violations.map((v) => ({ file, ...v })));
  if (values.json) {
    io.stdout.write(
      JSON.stringify({
        port: listening.port,
        transcripts: recorded.map(({ connection, file }) => ({
          file,
          name: connection.transcript.header.name,
          channel: connection.transcript.header.channel,
          status: connection.transcript.handshake.status,
          frames: connection.transcript.events.filter((e) => e.kind === 'frame').length,
          truncated: connection.truncated,
        })),
        violations,
        relayFailures: failures,
      }) + '\n',
    );
  } else {
    for (const f of failures) io.stdout.write(`relay failed: ${f.url}: ${f.message}\n`);
    for (const v of violations) {
      io.stdout.write(`${v.file}:${v.line}  ${v.dir} ${v.tag ?? '(no tag)'}  ${v.rule}  ${v.pointer || '(root)'} ${v.message}\n`);
    }
    io.stdout.write(
      `${recorded.length} transcript${recorded.length === 1 ? '' : 's'}, ${violations.length} contract violation${violations.length === 1 ? '' : 's'}\n`,
    );
  }
  return violations.length > 0 ? EXIT.problems : EXIT.ok;
}

function describe(c: RecordedConnection): string {
  const frames = c.transcript.events.filter((e) => e.kind === 'frame').length;
  const close = c.transcript.close;
  const end = close ? `, closed by ${close.by}${close.code !== undefined ? ` ${close.code}` : ''}` : '';
  return `${c.transcript.header.channel}, status ${c.transcript.handshake.status}, ${frames} frame${frames === 1 ? '' : 's'}${end}${c.violations.length ? `, ${c.violations.length} violation${c.violations.length === 1 ? '' : 's'}` : ''}`;
}
