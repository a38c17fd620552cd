import { EXIT, type CliIO } from './io.ts';
import { conformCommand } from './conform.ts';
import { generateCommand } from './generate.ts';
import { serveCommand } from './serve.ts';
import { validateCommand } from './validate.ts';

const COMMANDS: Record<string, { summary: string; run: (argv: string[], io: CliIO) => Promise<number> }> = {
  validate: { summary: 'check AsyncAPI 3.0 documents, with precise diagnostics', run: validateCommand },
  generate: { summary: 'generate typed models, validators, metadata, server and client stubs and a README from a document', run: generateCommand },
  conform: { summary: 'replay transcripts and probe a running implementation against its contract', run: conformCommand },
  record: { summary: 'run a recording proxy for WebSocket and SSE that writes transcripts of real traffic', run: async (argv, io) => (await import('./record.ts')).recordCommand(argv, io) },
  serve: { summary: 'run the reference servers of the four seed APIs with dev credentials, or a mock of any document', run: (argv, io) => serveCommand(argv, io) },
};

const HELP = `Usage: streamwright <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run \`streamwright <command> --help\` for a command's options.
`;

/** The CLI entry point: argv in, exit code out. All output goes through `io`. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`streamwright: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
