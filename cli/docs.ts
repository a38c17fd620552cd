import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emitSite, generate } from '../generator/src/index.ts';
import { formatDiagnostic } from './format.ts';
import { EXIT, parseCommandLine, type CliIO } from './io.ts';

export const DOCS_HELP = `Usage: streamwright docs <spec> --out <dir> [--allow-remote]

Writes a static HTML site for a document: index.html (channels, servers, authentication) and
channels/<channel>.html per channel (address, parameters, credentials, limits, heartbeat, stream
settings, sequence rules, error codes; per message the payload as a table, the examples and the
generated TypeScript type). The pages load nothing and run no script: open them from disk.
Output is deterministic. Only index.html and channels/*.html in <dir> are written.

Options:
  --out <dir>        the folder to write the site into (required)
  --allow-remote     follow http(s) $refs (never fetched otherwise)
`;

export async function docsCommand(argv: string[], io: CliIO): Promise<number> {
  const line = parseCommandLine('docs', DOCS_HELP, argv, io, { out: { type: 'string' }, 'allow-remote': { type: 'boolean' } });
  if (typeof line === 'number') return line;
  const { values, positionals, usage } = line;
  if (positionals.length !== 1) return usage(`give one document (got ${positionals.length})`);
  if (typeof values.out !== 'string') return usage('--out <dir> is required');
  const result = await generate(positionals[0]!, { allowRemote: values['allow-remote'] === true });
  for (const d of result.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.ir) return EXIT.problems;
  const files = emitSite(result.ir);
  for (const file of files) {
    const target = path.join(values.out, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  io.stdout.write(`wrote ${files.length} pages to ${values.out}\n`);
  return EXIT.ok;
}
