// Validation throughput of the generated validators against bare JSON.parse, on one ~300-byte
// message of the synthetic document that carries `uuid` and `date-time` fields:
//   baseline:  JSON.parse(text)
//   measured:  dispatcher(JSON.parse(text))   (the channel-direction validator of
//              validators.gen.js: reads the `type` tag, then validates that message)
//   reference: the same dispatch with in-memory ajv (same options as streamwright) and
//              ajv-formats in full mode
// All three run on the same string, in interleaved rounds (the order rotates each round) after a
// warm-up; each round is ~ROUND_MS of each. The ratio is the median over rounds of
// (measured ops/s ÷ JSON.parse ops/s in the same round). Target: ≥ 0.85, on that typical
// message and on one real message per seed API (its largest example, through the committed
// generated/<api>/validators.gen.js).
//
// Beside each figure, what bounds it (the `bound` rows): the ratio when the loop does nothing
// after JSON.parse but read every character of the message's uuid and date-time strings once (no
// check can do less), and the ratio with the generated format checks switched off (everything
// but the formats). The first is what reading the format strings alone costs after a parse; it is
// a loop of its own, so it can land a few hundredths above or below a validator whose checks
// are cheap (agnt5's one uuid: 0.88–0.91 read only, 0.93 validated), not an exact ceiling.
//
//   node bench/validate-throughput.js [--rounds N] [--json]

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { ROOT, SPEC, ensureGenerated, fmtOps, isMain, median } from './lib.js';

export const TARGET = 0.85;
const ROUND_MS = 60;
const WARMUP_MS = 1500;

const UUID = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Counts the uuid and date-time strings in a value. */
function formatted(v) {
  if (typeof v === 'string') return UUID.test(v) || DATE_TIME.test(v) ? 1 : 0;
  if (Array.isArray(v)) return v.reduce((n, x) => n + formatted(x), 0);
  if (v !== null && typeof v === 'object') return Object.values(v).reduce((n, x) => n + formatted(x), 0);
  return 0;
}

/**
 * The message to validate: among the examples whose JSON is 250–350 bytes and carries uuid and
 * date-time strings, the one with the fewest (`typical`: what the target describes, one or two
 * such fields) or the most (`worst`), then the closest to 300 bytes, then by name. Deterministic.
 */
function pickMessage(doc, which) {
  const candidates = Object.entries(doc.components.messages)
    .map(([name, m]) => {
      const text = JSON.stringify(m.examples[0].payload);
      return { name, tag: m.examples[0].payload.type, text, formats: formatted(m.examples[0].payload) };
    })
    .filter((c) => c.text.length >= 250 && c.text.length <= 350 && c.formats >= 2);
  const order = which === 'worst' ? -1 : 1;
  candidates.sort((a, b) => order * (a.formats - b.formats) || Math.abs(a.text.length - 300) - Math.abs(b.text.length - 300) || a.name.localeCompare(b.name));
  if (candidates.length === 0) throw new Error('no ~300-byte example with uuid and date-time fields in the synthetic document');
  return candidates[0];
}

/** The channel and direction of a message component, from the raw document. */
function channelDirectionOf(doc, name) {
  for (const [channelId, ch] of Object.entries(doc.channels)) {
    for (const [key, entry] of Object.entries(ch.messages)) {
      if (entry.$ref !== `#/components/messages/${name}`) continue;
      const op = Object.values(doc.operations).find(
        (o) => o.channel.$ref === `#/channels/${channelId}` && o.messages.some((m) => m.$ref === `#/channels/${channelId}/messages/${key}`),
      );
      return { channelId, action: op.action, keys: op.messages.map((m) => m.$ref.split('/').pop()) };
    }
  }
  throw new Error(`message ${name} is on no channel`);
}

export async function benchThroughput({ rounds = 15, log = console.log } = {}) {
  const typical = await benchOne({ rounds, log, which: 'typical' });
  const worst = await benchOne({ rounds, log, which: 'worst' });
  worst[0].name = '  worst case: most format fields';
  worst[0].target = '—';
  worst[0].pass = null;
  const seeds = [];
  for (const api of SEED_APIS) seeds.push(...(await benchSeed({ api, rounds, log })));
  return [...typical, worst[0], ...seeds];
}

const SEED_APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'];

/**
 * One real message of a seed API through its committed `generated/<api>/validators.gen.js`: the
 * largest payload example of the contract (the most work per frame), through its channel
 * direction's dispatcher (`(event, data)` on SSE channels). Same loop and target as above.
 */
async function benchSeed({ api, rounds, log }) {
  await registerTsx();
  // The contract's IR only: the validators measured are the committed generated ones.
  const { loadContract } = await import('../generator/src/contract/index.ts');
  const loaded = await loadContract(path.join(ROOT, 'spec', `${api}.asyncapi.yaml`), { name: api });
  if (!loaded.ok) throw new Error(`the ${api} contract does not load`);
  const ir = loaded.contract.ir;
  const byId = new Map(ir.messages.map((m) => [m.id, m]));
  let best;
  for (const c of ir.channels) {
    for (const d of ['send', 'receive']) {
      for (const cm of c[d].messages) {
        for (const ex of byId.get(cm.message).examples) {
          const text = JSON.stringify(ex.payload);
          if (best === undefined || text.length > best.text.length) best = { text, channel: c, direction: d, tag: cm.tag, message: byId.get(cm.message) };
        }
      }
    }
  }
  const validators = await import(pathToFileURL(path.join(ROOT, 'generated', api, 'validators.gen.js')).href);
  const dispatch = validators[best.channel[best.direction].validatorName];
  const text = best.text;
  const event = best.tag;
  const validate = best.channel.transport === 'sse' ? (data) => dispatch(event, data) : dispatch;
  if (!validate(JSON.parse(text)).ok) throw new Error(`${api}: the example of ${best.message.typeName} does not validate`);
  const { med, ratio, sink } = interleave({ 'JSON.parse': parseLoop(text), streamwright: validateLoop(text, validate) }, rounds);
  log(
    `validate throughput: ${api} ${best.message.typeName} (${text.length} bytes) through ${best.channel[best.direction].validatorName}: ${ratio.toFixed(2)}× of JSON.parse`,
  );
  const shared = await import(pathToFileURL(path.join(ROOT, 'generated', api, 'validators', 'shared.gen.js')).href);
  const limit = bounds({ text, validate, formats: shared.formats, rounds, log });
  return [
    ratioRow(`  seed message: ${api} ${best.message.typeName} (${text.length} B)`, med, 'streamwright', ratio, TARGET, {
      api,
      message: best.message.typeName,
      bytes: text.length,
      sink,
    }),
    limit,
  ];
}

async function registerTsx() {
  if (!globalThis.__swTsx) {
    const { register } = await import('tsx/esm/api');
    register();
    globalThis.__swTsx = true;
  }
}

/** A loop of `n` bare `JSON.parse(text)` (the baseline), consuming each result. */
export function parseLoop(text) {
  return (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += typeof JSON.parse(text) === 'object' ? 1 : 0;
    return s;
  };
}

/** A loop of `n` `validate(JSON.parse(text))`, consuming each verdict. */
export function validateLoop(text, validate) {
  return (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += validate(JSON.parse(text)).ok ? 1 : 0;
    return s;
  };
}

/** One result row: `variant`'s median ops/s against JSON.parse's, and its ratio (PASS/MISS when it has a target). */
function ratioRow(name, med, variant, ratio, target, raw) {
  return {
    name,
    figure: fmtOps(med[variant]),
    baseline: `${fmtOps(med['JSON.parse'])} JSON.parse`,
    ratio,
    ratioText: `${ratio.toFixed(2)}× of JSON.parse`,
    target: target === undefined ? '—' : `≥ ${target}`,
    pass: target === undefined ? null : ratio >= target,
    ...(raw ? { raw } : {}),
  };
}

/**
 * Warm-up, then `rounds` interleaved rounds (order rotating) of ~ROUND_MS per loop. `ratio` is the
 * median of `streamwright`'s per-round ratios to JSON.parse, `ratios` the same for every loop.
 */
export function interleave(loops, rounds) {
  const names = Object.keys(loops);
  let sink = 0;
  const time = (name, n) => {
    const t0 = performance.now();
    sink += loops[name](n);
    return (n / (performance.now() - t0)) * 1000;
  };
  const iterations = {};
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) for (const name of names) iterations[name] = Math.max(1000, Math.round((time(name, 5000) * ROUND_MS) / 1000));
  const ops = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      ops[name].push(time(name, iterations[name]));
    }
  }
  const med = Object.fromEntries(names.map((n) => [n, median(ops[n])]));
  const ratios = Object.fromEntries(names.map((n) => [n, median(ops[n].map((x, r) => x / ops['JSON.parse'][r]))]));
  return { med, ratio: ratios.streamwright, ratios, ops, sink };
}

/**
 * The synthetic document's `typical` (or `worst`) message and its channel dispatcher in the
 * generated validators (found by behaviour, not by name: the export that accepts this message and
 * rejects a tagless object with a `tag` error), with the generated `formats` object.
 */
export async function syntheticMessage(which = 'typical') {
  const validatorsFile = ensureGenerated();
  const doc = YAML.parse(readFileSync(SPEC, 'utf8'));
  const msg = pickMessage(doc, which);
  const generated = await import(pathToFileURL(validatorsFile).href);
  const dispatcherName = Object.keys(generated).find((k) => {
    const f = generated[k];
    if (typeof f !== 'function' || f.length !== 1) return false;
    const none = f({});
    return !none.ok && none.errors[0]?.keyword === 'tag' && f(JSON.parse(msg.text)).ok;
  });
  if (!dispatcherName) throw new Error(`no channel dispatcher in ${validatorsFile} accepts ${msg.name}`);
  const shared = await import(pathToFileURL(path.join(path.dirname(validatorsFile), 'validators', 'shared.gen.js')).href);
  return { doc, msg, dispatcherName, dispatcher: generated[dispatcherName], formats: shared.formats };
}

async function benchOne({ rounds, log, which }) {
  const { doc, msg, dispatcherName, dispatcher, formats } = await syntheticMessage(which);
  const text = msg.text;
  const where = channelDirectionOf(doc, msg.name);

  // Reference: in-memory ajv with ajv-formats (full mode), the same options streamwright uses,
  // and a tag → validator map for the channel direction.
  await registerTsx();
  const { AJV_OPTIONS } = await import('../generator/src/contract/index.ts');
  const { Ajv } = await import('ajv');
  const addFormats = (await import('ajv-formats')).default;
  const ajv = new Ajv({ ...AJV_OPTIONS });
  addFormats(ajv, { mode: 'full' });
  ajv.addSchema(doc, 'https://bench.invalid/doc.json', undefined, false);
  const byTag = new Map();
  for (const key of where.keys) {
    const name = doc.channels[where.channelId].messages[key].$ref.split('/').pop();
    byTag.set(
      doc.components.messages[name].payload.properties.type.const,
      ajv.compile({ $ref: `https://bench.invalid/doc.json#/components/messages/${name}/payload` }),
    );
  }
  const ajvDispatch = (data) => {
    if (typeof data !== 'object' || data === null || typeof data.type !== 'string') return false;
    const v = byTag.get(data.type);
    return v !== undefined && v(data);
  };
  if (!dispatcher(JSON.parse(text)).ok || !ajvDispatch(JSON.parse(text))) throw new Error(`the chosen example ${msg.name} does not validate`);

  // One loop per variant, so each call site stays monomorphic; each consumes its result.
  const { med, ratios, ops, sink } = interleave(
    {
      'JSON.parse': parseLoop(text),
      streamwright: validateLoop(text, dispatcher),
      'ajv+formats': (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += ajvDispatch(JSON.parse(text)) ? 1 : 0;
        return s;
      },
    },
    rounds,
  );
  log(`validate throughput: ${msg.name} (${text.length} bytes, ${msg.formats} uuid/date-time values) through ${dispatcherName}, ${rounds} rounds`);
  log(`  JSON.parse ${fmtOps(med['JSON.parse'])}, streamwright ${fmtOps(med.streamwright)}, ajv+formats ${fmtOps(med['ajv+formats'])}`);
  const limit = bounds({ text, validate: dispatcher, formats, rounds, log });
  return [
    ratioRow('validate throughput', med, 'streamwright', ratios.streamwright, TARGET, {
      message: msg.name,
      bytes: text.length,
      text,
      dispatcher: dispatcherName,
      opsPerSecond: ops,
      sink,
    }),
    ratioRow('  reference: ajv + ajv-formats (full)', med, 'ajv+formats', ratios['ajv+formats']),
    limit,
  ];
}

/**
 * The two bounds of one message's ratio (see the top of this file), measured after its figure:
 * switching the format checks off deoptimizes the validator, so it must come last. The reader is
 * compiled for the message's own paths (property names as JSON string literals), as a validator
 * would read them: one load per step, one pass over each string.
 */
function bounds({ text, validate, formats, rounds, log }) {
  const paths = [];
  const walk = (v, at) => {
    if (typeof v === 'string') {
      if (formatted(v)) paths.push(at);
    } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(JSON.parse(text), []);
  const chars = paths.reduce((n, at) => n + at.reduce((v, k) => v[k], JSON.parse(text)).length, 0);
  const read = new Function(
    'o',
    `let s = 0, v;\n${paths.map((at) => `v = o${at.map((k) => `[${JSON.stringify(k)}]`).join('')};\nfor (let j = 0; j < v.length; j++) s += v.charCodeAt(j);`).join('\n')}\nreturn s;`,
  );
  const parse = parseLoop(text);
  const readOnly = interleave(
    {
      'JSON.parse': parse,
      streamwright: (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += read(JSON.parse(text)) > 0 ? 1 : 0;
        return s;
      },
    },
    rounds,
  ).ratio;
  const saved = { ...formats };
  for (const name of Object.keys(formats)) formats[name] = () => true;
  let checksOff;
  try {
    checksOff = interleave({ 'JSON.parse': parse, streamwright: validateLoop(text, validate) }, rounds).ratio;
  } finally {
    Object.assign(formats, saved);
  }
  log(
    `  bound: reading its ${paths.length} uuid/date-time strings (${chars} chars) only: ${readOnly.toFixed(2)}×; validating with format checks off: ${checksOff.toFixed(2)}×`,
  );
  return {
    name: '    bound: read the format strings only / format checks off',
    figure: `${paths.length} strings, ${chars} chars`,
    baseline: 'JSON.parse',
    ratio: readOnly,
    ratioText: `${readOnly.toFixed(2)}× / ${checksOff.toFixed(2)}×`,
    target: '—',
    pass: null,
    raw: { strings: paths.length, chars, readOnly, checksOff },
  };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--rounds');
  const rows = await benchThroughput({ rounds: i > 0 ? Number(process.argv[i + 1]) : 15, log: process.argv.includes('--json') ? console.error : console.log });
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
  else
    for (const r of rows)
      console.log(`${r.name.trim()}: ${r.figure} vs ${r.baseline}: ${r.ratioText} (target ${r.target}) ${r.pass === null ? '' : r.pass ? 'PASS' : 'MISS'}`);
}
