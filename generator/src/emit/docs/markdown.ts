/**
 * The only ways a spec string reaches the generated README: prose with Markdown and HTML
 * syntax neutralised, inline code and fenced blocks that the text cannot close.
 */

/** Prose: Markdown punctuation and HTML escaped; line breaks kept as spaces when `inline`. */
export function mdText(text: string, inline = false): string {
  let out = text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\\`*_{}[\]()#+!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
  // A line starting with `-` or `1.` would become a list; with `=`, a heading underline.
  out = out.replace(/^(\s*)([-=]|\d+\.)/gm, (_m, space: string, mark: string) => `${space}\\${mark}`);
  return inline ? out.replace(/\s*\n\s*/g, ' ').trim() : out.trim();
}

/** Inline code: a backtick fence longer than any run in the text, padded when it starts or ends with a backtick. */
export function mdCode(text: string): string {
  const clean = text.replace(/\r\n?|\n|[\u2028\u2029]/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') || clean === '' ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** A fenced block the content cannot close. */
export function mdFence(language: string, content: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language.replace(/[^a-z0-9]/gi, '')}\n${content.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'))}\n${fence}`;
}
