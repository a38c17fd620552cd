import { parseArgs } from 'node:util';
import { hasErrors, loadSpec } from '../load/load.ts';
import { compareDiagnostics, type Diagnostic } from '../load/diagnostic.ts';
import { formatDiagnostic, summarize } from './format.ts';
import { EXIT, type CliIO } from './io.ts';

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
  let values: { format?: string; 'allow-remote'?: boolean; help?: boolean };
  let files: string[];
  try {
    ({ values, positionals: files } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, 'allow-remote': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    io.stderr.write(`streamwright validate: ${(e as Error).message}\n\n${VALIDATE_HELP}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT.ok;
  }
  if (files.length === 0 || (values.format !== 'text' && values.format !== 'json')) {
    io.stderr.write(`streamwright validate: ${files.length === 0 ? 'no file given' : `unknown format "${values.format}"`}\n\n${VALIDATE_HELP}`);
    return EXIT.usage;
  }
  const diagnostics: Diagnostic[] = [];
  for (const file of files) diagnostics.push(...(await loadSpec(file, { allowRemote: values['allow-remote'] ?? false })).diagnostics);
  diagnostics.sort(compareDiagnostics);
  if (values.format === 'json') {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    io.stdout.write(JSON.stringify({ diagnostics, errors, warnings: diagnostics.length - errors }, null, 2) + '\n');
  } else {
    for (const d of diagnostics) io.stdout.write(formatDiagnostic(d) + '\n');
    io.stdout.write(summarize(diagnostics, files.length) + '\n');
  }
  return hasErrors(diagnostics) ? EXIT.problems : EXIT.ok;
}
