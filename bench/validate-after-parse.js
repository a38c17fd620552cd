// What bounds validate throughput (BENCHMARKS.md, "Validate throughput: what bounds it"), on the
// synthetic document's typical message (the one bench/validate-throughput.js measures):
//   1. the generated dispatcher's cost per frame when frames are validated one after another,
//      when each follows its own JSON.parse, and when each follows a JSON.parse of another frame;
//      beside it, a plain arithmetic loop of similar cost, alone and after a parse;
//   2. a verdict for that message written by hand (every condition merged, nested objects
//      inlined, no error path), as a ratio to JSON.parse with its two format checks on and off.
// With --frames N it only runs N × dispatcher(JSON.parse(text)) and exits: the loop to profile,
// e.g. `perf record -g node --perf-basic-prof bench/validate-after-parse.js --frames 3000000`.
//
//   node bench/validate-after-parse.js [--rounds N] [--frames N]

import { isMain, median } from './lib.js';
import { interleave, parseLoop, syntheticMessage, validateLoop } from './validate-throughput.js';

/**
 * The hand-written verdict of the synthetic `AccountsUpdateRequest` (seed 0x5eed2024): the same
 * rules as its generated validator, as one function. `checkFormats` false skips the uuid and
 * date-time checks (the other bound).
 */
function handWritten(formats, checkFormats) {
  const isUuid = formats.uuid;
  const isDateTime = formats['date-time'];
  const isObject = (d) => d !== null && typeof d === 'object' && !Array.isArray(d);
  const isInteger = (x) => typeof x === 'number' && !(x % 1) && !isNaN(x);
  const short = (s, max) => typeof s === 'string' && s.length !== 0 && s.length <= max;
  return (d) => {
    if (!isObject(d)) return false;
    for (const k in d) {
      switch (k) {
        case 'type':
        case 'id':
        case 'at':
        case 'hint':
        case 'share':
        case 'weight':
        case 'version':
        case 'reason':
        case 'region':
        case 'detail':
        case 'code':
        case 'slug':
          break;
        default:
          return false;
      }
    }
    const { id, at, hint, share, weight, version, reason, region, detail, code, slug } = d;
    if (d.type !== 'accounts.update' || typeof id !== 'string' || typeof at !== 'string' || !short(version, 64) || !short(region, 32)) return false;
    if (!(reason === 'delta' || reason === 'medium' || reason === 'pending')) return false;
    if (!(code === undefined || code === 'critical' || code === 'delta' || code === 'paused')) return false;
    if (!(slug === 'debug' || slug === 'info' || slug === 'warning' || slug === 'error' || slug === 'fatal')) return false;
    if (!isObject(hint) || !Array.isArray(weight) || (detail !== undefined && !isObject(detail))) return false;
    for (const k in hint) if (k !== 'done' && k !== 'total' && k !== 'eta') return false;
    if (!isInteger(hint.done) || hint.done < 0 || !isInteger(hint.total) || hint.total < 0) return false;
    if (hint.eta !== undefined && !(typeof hint.eta === 'string' && (!checkFormats || isDateTime(hint.eta)))) return false;
    if (detail !== undefined) {
      for (const k in detail) if (k !== 'lat' && k !== 'lon') return false;
      const { lat, lon } = detail;
      if (!(typeof lat === 'number' && lat >= -90 && lat <= 90 && typeof lon === 'number' && lon >= -180 && lon <= 180)) return false;
    }
    if (weight.length > 8) return false;
    for (let i = 0; i < weight.length; i++) if (!short(weight[i], 32)) return false;
    for (let i = 0; i < weight.length; i++) for (let j = i + 1; j < weight.length; j++) if (weight[i] === weight[j] && weight[i] !== '__proto__') return false;
    if (share !== undefined) {
      if (!isObject(share)) return false;
      for (const k in share) if (k !== 'cursor' && k !== 'limit') return false;
      if (!(share.cursor === undefined || share.cursor === null || typeof share.cursor === 'string')) return false;
      if (!isInteger(share.limit) || share.limit < 1 || share.limit > 500) return false;
    }
    return !checkFormats || (isUuid(id) && isDateTime(at));
  };
}

/** ns per call of `fn(n)` over n calls, median of `rounds` after a warm-up. */
function nsPer(fn, rounds, n = 50_000) {
  for (let i = 0; i < 20; i++) fn(n);
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn(n);
    xs.push(((performance.now() - t0) * 1e6) / n);
  }
  return median(xs);
}

export async function afterParse({ rounds = 11, log = console.log } = {}) {
  const { msg, dispatcher, formats } = await syntheticMessage('typical');
  if (msg.name !== 'AccountsUpdateRequest') throw new Error(`the hand-written verdict is for AccountsUpdateRequest, the typical message is now ${msg.name}`);
  const text = msg.text;
  const parsed = Array.from({ length: 64 }, () => JSON.parse(text));
  let sink = 0;
  const work = (o) => {
    let x = o === null ? 1 : 0;
    for (let i = 0; i < 150; i++) x = (x * 31 + i) | 0;
    return x;
  };
  const parse = nsPer(parseLoop(text), rounds);
  const inRow = nsPer((n) => {
    for (let i = 0; i < n; i++) sink += dispatcher(parsed[i & 63]).ok ? 1 : 0;
  }, rounds);
  const afterOwn = nsPer(validateLoop(text, dispatcher), rounds) - parse;
  const afterOther =
    nsPer((n) => {
      for (let i = 0; i < n; i++) sink += (typeof JSON.parse(text) === 'object') + (dispatcher(parsed[i & 63]).ok ? 1 : 0);
    }, rounds) - parse;
  const workAlone = nsPer((n) => {
    for (let i = 0; i < n; i++) sink += work(parsed[i & 63]);
  }, rounds);
  const workAfter =
    nsPer((n) => {
      for (let i = 0; i < n; i++) sink += work(JSON.parse(text));
    }, rounds) - parse;
  log(`${msg.name} (${text.length} B): JSON.parse ${parse.toFixed(0)} ns`);
  log(
    `  generated dispatcher: ${inRow.toFixed(0)} ns a frame in a row; +${afterOwn.toFixed(0)} ns after its own JSON.parse; +${afterOther.toFixed(0)} ns after a JSON.parse of another frame`,
  );
  log(`  arithmetic loop: ${workAlone.toFixed(0)} ns alone; +${workAfter.toFixed(0)} ns after a JSON.parse`);
  const on = handWritten(formats, true);
  const off = handWritten(formats, false);
  // It must judge as the generated validator does, on the message and on a few changes of it.
  const changes = [
    {},
    { id: 'not-a-uuid' },
    { at: '2024-02-30T00:00:00Z' },
    { extra: 1 },
    { weight: ['a', 'a'] },
    { detail: { lat: 91, lon: 0 } },
    { hint: { done: -1, total: 1 } },
  ];
  for (const change of changes) {
    const value = { ...JSON.parse(text), ...change };
    if (on(value) !== dispatcher(value).ok) throw new Error(`the hand-written verdict and the generated one disagree on ${JSON.stringify(change)}`);
  }
  const hand = interleave(
    {
      'JSON.parse': parseLoop(text),
      streamwright: validateLoop(text, (d) => ({ ok: on(d) })),
      'formats off': validateLoop(text, (d) => ({ ok: off(d) })),
    },
    rounds,
  );
  log(
    `  hand-written verdict: ${hand.ratios.streamwright.toFixed(2)}× of JSON.parse with its format checks, ${hand.ratios['formats off'].toFixed(2)}× without`,
  );
  return { parse, inRow, afterOwn, afterOther, workAlone, workAfter, hand: hand.ratios, sink };
}

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : Number(process.argv[i + 1]);
};
if (isMain(import.meta.url)) {
  const frames = arg('--frames');
  if (frames !== undefined) {
    const { msg, dispatcher } = await syntheticMessage('typical');
    let ok = 0;
    for (let i = 0; i < frames; i++) ok += dispatcher(JSON.parse(msg.text)).ok ? 1 : 0;
    console.log(`${frames} frames of ${msg.name}, ${ok} valid`);
  } else {
    await afterParse({ rounds: arg('--rounds') ?? 11 });
  }
}
