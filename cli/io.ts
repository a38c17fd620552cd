import { parseArgs } from 'node:util';

/** The streams a command writes to; tests pass their own. */
export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Exit codes: 0 success, 1 the input has problems, 2 the command line is wrong. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

/**
 * Resolves on the first SIGINT or SIGTERM. A command calls it before it starts listening, so a
 * signal that arrives while servers start up still ends in a graceful stop instead of the
 * default action killing the process. `release()` removes both listeners.
 */
export function stopSignal(signals: NodeJS.EventEmitter): { stopped: Promise<void>; release(): void } {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  signals.on('SIGINT', stop);
  signals.on('SIGTERM', stop);
  return {
    stopped,
    release: () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
    },
  };
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean };
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** A parsed command line, and how to refuse it: `usage(message)` prints the message and the help (exit 2). */
export interface CommandLine {
  values: ParsedValues;
  positionals: string[];
  usage(message: string): number;
}

/**
 * `parseArgs` with the conventions every command shares: `--help` / `-h` prints the help (exit
 * 0); a flag that does not parse prints why and the help on stderr (exit 2). Returns the parsed
 * line, or the exit code when the command is done. `help` may depend on the positionals (`serve`
 * and `serve <spec>` have different options).
 */
export function parseCommandLine(
  command: string,
  help: string | ((positionals: string[]) => string),
  argv: string[],
  io: CliIO,
  options: Record<string, OptionSpec>,
  allowPositionals = true,
): CommandLine | number {
  const helpFor = (positionals: string[]) => (typeof help === 'string' ? help : help(positionals));
  const refuse = (message: string, positionals: string[]) => {
    io.stderr.write(`streamwright ${command}: ${message}\n\n${helpFor(positionals)}`);
    return EXIT.usage;
  };
  let parsed: { values: ParsedValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, allowPositionals, options: { ...options, help: { type: 'boolean', short: 'h' } } }) as {
      values: ParsedValues;
      positionals: string[];
    };
  } catch (e) {
    return refuse((e as Error).message, []);
  }
  if (parsed.values.help) {
    io.stdout.write(helpFor(parsed.positionals));
    return EXIT.ok;
  }
  return { ...parsed, usage: (message) => refuse(message, parsed.positionals) };
}
