/** The site's only stylesheet, inlined in every page (the CSP allows nothing else). */
export const STYLE = `
:root { color-scheme: light dark; --muted: #6a737d; --line: #d0d7de; --code: rgba(127,127,127,.12); }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; }
header { padding: .6em 1.5em; border-bottom: 1px solid var(--line); }
header a { font-weight: 600; text-decoration: none; }
main { max-width: 72em; padding: 1em 1.5em 4em; }
code, pre { font: 13px/1.45 ui-monospace, monospace; }
code { background: var(--code); padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--code); padding: .75em 1em; overflow: auto; border-radius: 4px; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: .5em 0 1em; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3em .5em; text-align: left; vertical-align: top; }
th { font-weight: 600; }
.text { white-space: pre-wrap; }
.muted, .version { color: var(--muted); }
.badge { font-size: 12px; font-weight: 600; border: 1px solid var(--line); border-radius: 3px; padding: 0 .4em; }
.message { border-top: 1px solid var(--line); margin-top: 1.5em; }
figure { margin: .5em 0; }
figcaption { color: var(--muted); font-size: 13px; }
`;
