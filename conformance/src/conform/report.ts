/**
 * What a conformance run found, and its three renderings: text for people, JSON and JUnit XML
 * for CI. Pure: data in, strings out.
 */

export type CheckKind = 'schema' | 'transcript' | 'sequence' | 'probe' | 'replay';

export interface Finding {
  /** The case: a transcript name, or `probe <id> <channel>`. */
  case: string;
  check: CheckKind;
  /** Which rule: `schema`, `transcript/field`, `sequence/<rule id>`, `probe/<id>`, … */
  rule: string;
  /** `warning`: reported, but the case still passes (an unknown property or value the contract allows). */
  severity?: 'warning';
  channel: string;
  /** Index of the step (frame) in the transcript or probe, when there is one. */
  step?: number;
  /** Message tag concerned. */
  message?: string;
  pointer?: string;
  expected?: string;
  actual?: string;
  text: string;
}

export interface CaseResult {
  name: string;
  kind: 'transcript' | 'probe';
  channel: string;
  durationMs: number;
  findings: Finding[];
  /** Set when the case could not run at all (no credential, not applicable). */
  skipped?: string;
}

export interface Coverage {
  /** `channel → tag` of every server message the contract has, with how often it was seen. */
  messages: { channel: string; tag: string; seen: number }[];
  /** Sequence rules and probes, exercised or not. */
  rules: { channel: string; rule: string; exercised: boolean }[];
}

export interface ConformReport {
  api: string;
  spec: string;
  target: string;
  validators: string;
  cases: CaseResult[];
  coverage: Coverage;
  summary: { cases: number; passed: number; failed: number; skipped: number; findings: number; warnings: number; byCheck: Record<string, number> };
}

/** Whether a case failed: a finding that is not a warning. */
export const hasFailures = (c: CaseResult): boolean => c.findings.some((f) => f.severity !== 'warning');

export function summarize(cases: CaseResult[]): ConformReport['summary'] {
  const byCheck: Record<string, number> = {};
  for (const c of cases) for (const f of c.findings) if (f.severity !== 'warning') byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
  return {
    cases: cases.length,
    passed: cases.filter((c) => !c.skipped && !hasFailures(c)).length,
    failed: cases.filter(hasFailures).length,
    skipped: cases.filter((c) => c.skipped && !hasFailures(c)).length,
    findings: cases.reduce((n, c) => n + c.findings.filter((f) => f.severity !== 'warning').length, 0),
    warnings: cases.reduce((n, c) => n + c.findings.filter((f) => f.severity === 'warning').length, 0),
    byCheck,
  };
}

export function renderText(report: ConformReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`streamwright conform: ${report.api} (${report.spec}) against ${report.target}`);
  lines.push(`validators: ${report.validators}`);
  lines.push('');
  for (const c of report.cases) {
    const status = hasFailures(c) ? 'FAIL' : c.skipped ? 'SKIP' : 'PASS';
    lines.push(`${status}  ${c.kind} ${c.name}  [${c.channel}]  ${c.durationMs} ms${c.skipped ? `  (${c.skipped})` : ''}`);
    for (const f of c.findings) {
      const where = [f.step !== undefined ? `step ${f.step}` : undefined, f.message, f.pointer !== undefined ? `at ${f.pointer || '(root)'}` : undefined]
        .filter(Boolean)
        .join(', ');
      lines.push(`      ${f.severity === 'warning' ? '⚠' : '✗'} [${f.rule}] ${where ? `${where}: ` : ''}${f.text}`);
      if (f.expected !== undefined || f.actual !== undefined) lines.push(`        expected ${f.expected ?? '-'}`, `        actual   ${f.actual ?? '-'}`);
    }
  }
  const s = report.summary;
  lines.push('');
  lines.push(
    `${s.cases} cases: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped; ${s.findings} findings${s.warnings ? `, ${s.warnings} warnings` : ''}${
      Object.keys(s.byCheck).length
        ? ` (${Object.entries(s.byCheck)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }`,
  );
  const seen = report.coverage.messages.filter((m) => m.seen > 0).length;
  lines.push(
    `coverage: ${seen}/${report.coverage.messages.length} server messages seen, ${report.coverage.rules.filter((r) => r.exercised).length}/${report.coverage.rules.length} rules and probes exercised`,
  );
  const missing = report.coverage.messages.filter((m) => m.seen === 0).map((m) => `${m.channel}:${m.tag}`);
  if (missing.length > 0)
    lines.push(
      `  never seen: ${options.verbose ? missing.join(', ') : missing.slice(0, 12).join(', ') + (missing.length > 12 ? `, … (${missing.length - 12} more)` : '')}`,
    );
  const idle = report.coverage.rules.filter((r) => !r.exercised).map((r) => `${r.channel}:${r.rule}`);
  if (idle.length > 0)
    lines.push(
      `  not exercised: ${options.verbose ? idle.join(', ') : idle.slice(0, 12).join(', ') + (idle.length > 12 ? `, … (${idle.length - 12} more)` : '')}`,
    );
  return lines.map(printable).join('\n') + '\n';
}

/**
 * Frames, transcripts and a target's answers are untrusted: a control character (an ANSI escape
 * that rewrites the terminal, a carriage return that hides a verdict) is shown as an escape.
 */
export function printable(line: string): string {
  return line.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export function renderJson(report: ConformReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function renderJunit(report: ConformReport): string {
  const s = report.summary;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="streamwright conform" tests="${s.cases}" failures="${s.failed}" skipped="${s.skipped}">`);
  out.push(
    `  <testsuite name="${xml(report.api)}" tests="${s.cases}" failures="${s.failed}" skipped="${s.skipped}" time="${(report.cases.reduce((n, c) => n + c.durationMs, 0) / 1000).toFixed(3)}">`,
  );
  for (const c of report.cases) {
    out.push(`    <testcase classname="${xml(`${report.api}.${c.kind}.${c.channel}`)}" name="${xml(c.name)}" time="${(c.durationMs / 1000).toFixed(3)}">`);
    const failures = c.findings.filter((f) => f.severity !== 'warning');
    if (failures.length > 0) {
      const body = failures
        .map(
          (f) =>
            `[${f.rule}]${f.step !== undefined ? ` step ${f.step}` : ''}${f.message ? ` ${f.message}` : ''}${f.pointer !== undefined ? ` at ${f.pointer || '(root)'}` : ''}: ${f.text}${f.expected !== undefined ? `\n  expected ${f.expected}` : ''}${f.actual !== undefined ? `\n  actual   ${f.actual}` : ''}`,
        )
        .join('\n');
      out.push(
        `      <failure message="${xml(`${failures.length} finding(s): ${failures[0]!.rule}`)}" type="${xml(failures[0]!.check)}">${xml(body)}</failure>`,
      );
    } else if (c.skipped) out.push(`      <skipped message="${xml(c.skipped)}"/>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>');
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
