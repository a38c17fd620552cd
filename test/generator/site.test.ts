import { describe, expect, it } from 'vitest';
import { emitSite } from '../../generator/src/emit/site/index.ts';
import { escapeHtml, html } from '../../generator/src/emit/site/html.ts';
import { generate } from '../../generator/src/generate.ts';
import { APIS, specPath } from '../contracts/apis.ts';

const HOSTILE = 'test/fixtures/hostile/hostile.asyncapi.yaml';
const irOf = async (spec: string) => {
  const result = await generate(spec);
  if (!result.ir) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.ir;
};

describe('docs site', () => {
  it('escapes every interpolated value, and only those', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
    expect(html`<p>${'</p><script>'}</p>${html`<b>${'<i>'}</b>`}`.value).toBe('<p>&#60;/p&#62;&#60;script&#62;</p><b>&#60;i&#62;</b>');
  });

  it.each(APIS)('%s: a page per channel, the same on every run', async (api) => {
    const ir = await irOf(specPath(api));
    const first = emitSite(ir);
    expect(first.map((f) => f.path)).toEqual(['index.html', ...ir.channels.map(() => expect.stringMatching(/^channels\/[A-Za-z0-9_-]+\.html$/))]);
    expect(emitSite(await irOf(specPath(api)))).toEqual(first);
    for (const c of ir.channels) {
      const page = first.find((f) => f.path !== 'index.html' && f.contents.includes(`data-channel="${escapeHtml(c.id)}"`))!;
      expect(page.contents).toContain(escapeHtml(c.address));
      const messages = c.send.messages.length + c.receive.messages.length;
      expect(page.contents.match(/<section class="message"/g)?.length ?? 0).toBe(messages);
    }
  });

  it('renders the hostile document inert: no markup but its own, nothing loaded', async () => {
    const files = emitSite(await irOf(HOSTILE));
    for (const f of files) {
      expect(f.contents).not.toMatch(/<script|<!--|<\/script|javascript:|\son[a-z]+=/i);
      // Every tag in the page is one the emitter writes.
      const tags = new Set([...f.contents.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
      const ours = [
        'html',
        'head',
        'meta',
        'title',
        'style',
        'body',
        'header',
        'a',
        'span',
        'main',
        'h1',
        'h2',
        'h3',
        'h4',
        'p',
        'table',
        'thead',
        'tbody',
        'tr',
        'th',
        'td',
        'code',
        'ul',
        'li',
        'dl',
        'dt',
        'dd',
        'article',
        'section',
        'figure',
        'figcaption',
        'pre',
        'details',
        'summary',
      ];
      expect([...tags].filter((t) => !ours.includes(t))).toEqual([]);
      expect(f.contents).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    }
    expect(files[0]!.contents).toContain(escapeHtml('<!-- --> </script>'));
  });
});
