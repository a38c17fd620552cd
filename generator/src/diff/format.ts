import type { Change, DiffResult } from './types.ts';

/** One line per change: `severity  rule  channel/message  summary  (at pointer)`. */
export function formatDiffText(result: DiffResult): string {
  const lines = result.changes.map((c) => `${c.severity.padEnd(12)} ${c.rule}  ${where(c)}${c.summary}  (at ${c.pointer})`);
  lines.push(summaryLine(result));
  return lines.join('\n') + '\n';
}

/** `{changes, counts}` with stable rule ids; what CI scripts read. */
export function formatDiffJson(result: DiffResult): string {
  return JSON.stringify(result, null, 2) + '\n';
}

/** A table for a pull-request comment. Every cell is escaped: summaries quote spec strings. */
export function formatDiffMarkdown(result: DiffResult): string {
  const out = ['### streamwright diff', '', summaryLine(result), ''];
  if (result.changes.length === 0) return out.join('\n') + '\n';
  out.push('| | severity | rule | channel | message | change | pointer |', '|---|---|---|---|---|---|---|');
  const icon = { breaking: '❌', unknown: '❔', 'non-breaking': '✅' } as const;
  for (const c of result.changes) {
    out.push(
      `| ${icon[c.severity]} | ${c.severity} | \`${code(c.rule)}\` | ${cell(c.channel ?? '')} | ${cell(c.message ?? '')} | ${cell(c.summary)} | \`${code(c.pointer)}\` |`,
    );
  }
  return out.join('\n') + '\n';
}

function where(c: Change): string {
  const parts = [c.channel, c.message].filter((p): p is string => p !== undefined);
  return parts.length ? `${parts.join(' ')}: ` : '';
}

function summaryLine(r: DiffResult): string {
  const n = r.changes.length;
  return n === 0
    ? 'No changes.'
    : `${n} change${n === 1 ? '' : 's'}: ${r.counts.breaking} breaking, ${r.counts.unknown} unknown, ${r.counts['non-breaking']} non-breaking.`;
}

/** Markdown text in a table cell: no HTML, no table breaks, no emphasis or links from spec strings. */
function cell(s: string): string {
  return s.replace(/[\\`*_[\]<>|&#!~]/g, (ch) => `&#${ch.charCodeAt(0)};`).replace(/\r?\n/g, ' ');
}

/** Inside a code span: backticks cannot be escaped, so they are replaced; pipes still end a cell. */
function code(s: string): string {
  return s.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
