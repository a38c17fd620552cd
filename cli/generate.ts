import path from 'node:path';
import { generate } from '../generator/src/index.ts';
import { readConfig, CONFIG_FILE, type ApiConfig } from './config.ts';
import { formatDiagnostic } from './format.ts';
import { EXIT, parseCommandLine, type CliIO } from './io.ts';

export const GENERATE_HELP = `Usage: streamwright generate [<spec> --out <dir>] [--name <api>] [--check] [--dump-ir] [--allow-remote]

Generates code from an AsyncAPI 3.0 document: models.gen.ts (types, tagged unions, guards),
validators.gen.js + .d.ts (precompiled, standalone ESM), metadata.gen.ts (the API as data),
server.gen.ts (typed create<Api>Server on streamwright/runtime), client.gen.ts (typed
create<Api>Client on streamwright/runtime/client, for Node and browsers) and README.md (how to
connect, subscribe and send, from the contract's own examples).

With no <spec>, regenerates every API listed in ${CONFIG_FILE}.

Options:
  --out <dir>       where to write (required with <spec>)
  --name <api>      the API's name (default: the spec's file name)
  --check           write nothing; exit 1 and name every file that differs
  --dump-ir         print the intermediate representation as JSON and write nothing
  --allow-remote    follow http(s) $refs (off by default)
`;

export async function generateCommand(argv: string[], io: CliIO, cwd = process.cwd()): Promise<number> {
  const line = parseCommandLine('generate', GENERATE_HELP, argv, io, {
    out: { type: 'string' },
    name: { type: 'string' },
    check: { type: 'boolean' },
    'dump-ir': { type: 'boolean' },
    'allow-remote': { type: 'boolean' },
  });
  if (typeof line === 'number') return line;
  const { values, positionals } = line;
  let apis: ApiConfig[];
  if (positionals.length > 1) {
    io.stderr.write(`streamwright generate: one spec at a time (or none, to use ${CONFIG_FILE})\n`);
    return EXIT.usage;
  } else if (positionals.length === 1) {
    const spec = positionals[0]!;
    if (typeof values.out !== 'string' && !values['dump-ir']) return line.usage('--out <dir> is required with a spec');
    apis = [{ name: typeof values.name === 'string' ? values.name : '', spec, out: typeof values.out === 'string' ? values.out : '' }];
  } else {
    try {
      apis = await readConfig(cwd);
    } catch (e) {
      io.stderr.write(`streamwright generate: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
  }

  let failed = false;
  for (const api of apis) {
    const rel = (p: string) => path.relative(cwd, p) || '.';
    const dumpIr = values['dump-ir'] === true;
    const result = await generate(rel(api.spec), {
      allowRemote: values['allow-remote'] === true,
      ...(api.name ? { name: api.name } : {}),
      ...(dumpIr ? {} : { out: rel(api.out), check: values.check === true }),
    });
    for (const d of result.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    if (!result.files || !result.ir) {
      failed = true;
      continue;
    }
    if (dumpIr) {
      io.stdout.write(JSON.stringify(result.ir, null, 2) + '\n');
      continue;
    }
    const report = result.written!;
    if (report.refused.length > 0) {
      for (const r of report.refused)
        io.stderr.write(`${r.file}  error  ${r.code}  ${r.message}
`);
      io.stderr.write(`${api.name || result.ir.name}: nothing written in ${rel(api.out)}
`);
      failed = true;
      continue;
    }
    if (values.check) {
      for (const f of report.changed) io.stdout.write(`differs: ${f}\n`);
      for (const f of report.stale) io.stdout.write(`stale: ${f}\n`);
      if (report.changed.length + report.stale.length > 0) failed = true;
    } else {
      io.stdout.write(
        `${api.name || result.ir.name}: ${report.changed.length} written, ${result.files.length - report.changed.length} unchanged${report.stale.length ? `, ${report.stale.length} removed` : ''} in ${rel(api.out)}\n`,
      );
    }
  }
  if (values.check && !failed) io.stdout.write(`generated code is up to date (${apis.length} API${apis.length === 1 ? '' : 's'})\n`);
  return failed ? EXIT.problems : EXIT.ok;
}
