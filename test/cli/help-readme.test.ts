// The README's command table and each command's --help name the same flags: a flag added to a
// command but not to the README (or left in the README after it is gone) fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../../cli/main.ts';

const FLAG = /--[a-z][a-z-]*/g;

/** The first cell of each `streamwright …` row of the README's command table, by command. */
function readmeRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of readFileSync('README.md', 'utf8').split('\n')) {
    const cell = /^\| `streamwright ([^`]*)` \|/.exec(line)?.[1];
    if (cell === undefined) continue;
    const [first = '', second] = cell.split(' ');
    // `serve <spec>` (the mock) is a command of its own; `docs <spec>` is just `docs`.
    const command = first.startsWith('--') ? '' : first === 'serve' && second === '<spec>' ? 'serve <spec>' : first;
    rows.set(command, cell);
  }
  return rows;
}

async function help(command: string): Promise<string> {
  let out = '';
  const argv = command === '' ? [] : command.endsWith(' <spec>') ? [command.split(' ')[0]!, 'api.asyncapi.yaml'] : [command];
  const code = await main([...argv, '--help'], { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true } });
  expect(code).toBe(0);
  return out;
}

/** The flags a help text documents: the lines of its Options section that start with one. */
function optionsOf(text: string): string[] {
  const options = text.slice(text.indexOf('\nOptions:\n'));
  return [...options.matchAll(/^\s+(--[a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((f) => f !== '--help');
}

const rows = readmeRows();

describe('README command table', () => {
  it('has a row for every command, and for --version', () => {
    expect([...rows.keys()].sort()).toEqual(['', ...Object.keys(COMMANDS), 'serve <spec>'].sort());
  });

  it.each([...rows.keys()].map((c) => [c || '(no command)', c]))('%s: the same flags as --help', async (_, command) => {
    const documented = optionsOf(await help(command));
    expect(documented.length).toBeGreaterThan(0);
    const listed = [...new Set(rows.get(command)!.match(FLAG) ?? [])].filter((f) => f !== '--help');
    expect(listed.sort()).toEqual([...new Set(documented)].sort());
  });
});
