import { validate } from '../generator/src/index.ts';
import { formatDiagnostic, summarize } from './format.ts';
import { EXIT, parseCommandLine, type CliIO } from './io.ts';

export const VALIDATE_HELP = `Usage: streamwright validate <file...> [--format text|json] [--allow-remote]

Checks AsyncAPI 3.0 documents: the AsyncAPI schema and rules (@asyncapi/parser), and
streamwright's own checks: every message example validates against its payload, every message
has a tag unique on its channel and direction, x-sw-* extensions validate against
spec/extensions/, operations reference existing channels and messages, unused components.

Prints one line per problem, file:line:col  severity  code  message  (at #/json/pointer),
then a summary. Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage.

Options:
  --format json     one JSON object: {"diagnostics": [...], "errors": n, "warnings": n}
  --allow-remote    follow http(s) $refs (off by default: a document must not make
                    streamwright fetch URLs; files outside the document's folder are never read)
`;

export async function validateCommand(argv: string[], io: CliIO): Promise<number> {
  const line = parseCommandLine('validate', VALIDATE_HELP, argv, io, { format: { type: 'string', default: 'text' }, 'allow-remote': { type: 'boolean' } });
  if (typeof line === 'number') return line;
  const { values, positionals: files } = line;
  if (files.length === 0) return line.usage('no file given');
  if (values.format !== 'text' && values.format !== 'json') return line.usage(`unknown format "${String(values.format)}"`);
  const { diagnostics, errors, warnings, ok } = await validate(files, { allowRemote: values['allow-remote'] === true });
  if (values.format === 'json') {
    io.stdout.write(JSON.stringify({ diagnostics, errors, warnings }, null, 2) + '\n');
  } else {
    for (const d of diagnostics) io.stdout.write(formatDiagnostic(d) + '\n');
    io.stdout.write(summarize(diagnostics, files.length) + '\n');
  }
  return ok ? EXIT.ok : EXIT.problems;
}
