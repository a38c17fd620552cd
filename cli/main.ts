import { createRequire } from 'node:module';
import { EXIT, type CliIO } from './io.ts';

type Command = (argv: string[], io: CliIO) => Promise<number>;

// Each command is imported when it runs: `validate` should not pay for loading ws, the runtime
// and the reference servers, and every command starts faster for it.
export const COMMANDS: Record<string, { summary: string; run: Command }> = {
  validate: {
    summary: 'check AsyncAPI 3.0 documents, with precise diagnostics',
    run: async (argv, io) => (await import('./validate.ts')).validateCommand(argv, io),
  },
  generate: {
    summary: 'generate typed models, validators, metadata, server and client stubs and a README from a document',
    run: async (argv, io) => (await import('./generate.ts')).generateCommand(argv, io),
  },
  conform: {
    summary: 'replay transcripts and probe a running implementation against its contract',
    run: async (argv, io) => (await import('./conform.ts')).conformCommand(argv, io),
  },
  record: {
    summary: 'run a recording proxy for WebSocket and SSE that writes transcripts of real traffic',
    run: async (argv, io) => (await import('./record.ts')).recordCommand(argv, io),
  },
  diff: {
    summary: 'classify the changes between two documents as breaking or not, by direction',
    run: async (argv, io) => (await import('./diff.ts')).diffCommand(argv, io),
  },
  docs: {
    summary: 'write a static HTML site documenting a document, channel by channel',
    run: async (argv, io) => (await import('./docs.ts')).docsCommand(argv, io),
  },
  serve: {
    summary: 'run the reference servers of the four seed APIs with dev credentials, or a mock of any document',
    run: async (argv, io) => (await import('./serve.ts')).serveCommand(argv, io),
  },
};

const HELP = `Usage: streamwright <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Options:
  --version  print streamwright's version
  --help     print this help

Run \`streamwright <command> --help\` for a command's options.
`;

/** The installed package's version; the self-reference finds the same package.json from cli/ and dist/cli/. */
function version(): string {
  return (createRequire(import.meta.url)('streamwright/package.json') as { version: string }).version;
}

/** The CLI entry point: argv in, exit code out. All output goes through `io`. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`streamwright: unknown command "${name}"\n\n${HELP}`);
    return EXIT.usage;
  }
  return command.run(rest, io);
}
