import { diffApis, failsOn, formatDiffJson, formatDiffMarkdown, formatDiffText, loadIRForDiff } from '../generator/src/index.ts';
import { formatDiagnostic } from './format.ts';
import { EXIT, parseCommandLine, type CliIO } from './io.ts';

export const DIFF_HELP = `Usage: streamwright diff <old> <new> [--format text|json|markdown] [--fail-on breaking|any]

Compares two AsyncAPI documents (files, or git:<rev>:<path> for a committed version) and classifies
every change per channel, message and JSON pointer as breaking, non-breaking or unknown, judged
from the side that reads it: removing a field the server sends breaks clients, removing one the
client sends does not; a lower limit breaks senders, a later heartbeat breaks clients' timeouts.

Exit status: 0, or 1 when --fail-on is met (or a document has errors), 2 usage.

Options:
  --format text       one line per change (default)
  --format json       {"changes": [{rule, severity, channel, message, flow, pointer, summary, before, after}], "counts"}
  --format markdown   a table for a pull-request comment
  --fail-on breaking  exit 1 when any change is breaking
  --fail-on any       exit 1 when anything changed
`;

export async function diffCommand(argv: string[], io: CliIO): Promise<number> {
  const line = parseCommandLine('diff', DIFF_HELP, argv, io, { format: { type: 'string', default: 'text' }, 'fail-on': { type: 'string' } });
  if (typeof line === 'number') return line;
  const { values, positionals, usage } = line;
  if (positionals.length !== 2) return usage(`give two documents (got ${positionals.length})`);
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'markdown') return usage(`unknown format "${String(format)}"`);
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'breaking' && failOn !== 'any') return usage(`--fail-on takes breaking or any (got ${String(failOn)})`);
  const [before, after] = await Promise.all(positionals.map((p) => loadIRForDiff(p)));
  if (!before!.ir || !after!.ir) {
    for (const d of [...before!.diagnostics, ...after!.diagnostics].filter((d) => d.severity === 'error')) io.stderr.write(formatDiagnostic(d) + '\n');
    return EXIT.problems;
  }
  const result = diffApis(before!.ir, after!.ir);
  io.stdout.write(format === 'json' ? formatDiffJson(result) : format === 'markdown' ? formatDiffMarkdown(result) : formatDiffText(result));
  return failOn !== undefined && failsOn(result, failOn) ? EXIT.problems : EXIT.ok;
}
