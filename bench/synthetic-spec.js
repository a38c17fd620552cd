// A seeded generator of a large AsyncAPI 3.0.0 document in streamwright's conventions, for the
// benchmarks: 50 WebSocket channels, 500 messages (5 client → server and 5 server → client per
// channel), each payload a closed object tagged by a `type` const that is unique per channel and
// direction, with required fields, enums, `date-time` and `uuid` formats, nested objects and
// arrays, `$ref`s to shared component schemas, and one example per message that validates.
//
// The same seed always gives the same bytes. Nothing here is committed output: bench/run.js
// writes the document under .tmp/ at bench time.
//
//   node bench/synthetic-spec.js [out.yaml] [--seed N] [--channels N] [--per-direction N]

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import YAML from 'yaml';

export const DEFAULT_SEED = 0x5eed_2024;

/** mulberry32: a small, fast, deterministic PRNG; returns floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeRandom(seed) {
  const next = mulberry32(seed);
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    /** `n` distinct elements of `xs`, in a random order. */
    sample: (xs, n) => {
      const pool = [...xs];
      const out = [];
      while (out.length < n && pool.length > 0) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      return out;
    },
    hex: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
      return s;
    },
  };
  r.uuid = () => `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`;
  r.dateTime = () => {
    const pad = (n, w = 2) => String(n).padStart(w, '0');
    return `${r.int(2021, 2026)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:${pad(r.int(0, 59))}.${pad(r.int(0, 999), 3)}Z`;
  };
  r.word = () => r.pick(WORDS);
  return r;
}

const DOMAINS = [
  'orders',
  'payments',
  'shipments',
  'inventory',
  'invoices',
  'tickets',
  'builds',
  'deploys',
  'alerts',
  'metrics',
  'sessions',
  'chats',
  'documents',
  'reviews',
  'tasks',
  'jobs',
  'devices',
  'sensors',
  'trips',
  'bookings',
  'auctions',
  'quotes',
  'trades',
  'accounts',
  'profiles',
  'teams',
  'projects',
  'releases',
  'incidents',
  'pipelines',
  'uploads',
  'streams',
  'rooms',
  'games',
  'matches',
  'leagues',
  'courses',
  'lessons',
  'exams',
  'patients',
  'visits',
  'claims',
  'policies',
  'vehicles',
  'routes',
  'parcels',
  'warehouses',
  'carts',
  'coupons',
  'feeds',
];
const VERBS_IN = ['create', 'update', 'cancel', 'subscribe', 'unsubscribe', 'query', 'ack', 'assign', 'comment', 'ping'];
const VERBS_OUT = ['created', 'updated', 'cancelled', 'snapshot', 'delta', 'progress', 'completed', 'failed', 'error', 'pong'];
const WORDS = [
  'name',
  'title',
  'note',
  'label',
  'region',
  'zone',
  'owner',
  'source',
  'target',
  'reason',
  'channel',
  'kind',
  'count',
  'total',
  'limit',
  'offset',
  'priority',
  'weight',
  'score',
  'rank',
  'level',
  'attempt',
  'retries',
  'size',
  'ratio',
  'price',
  'latency',
  'share',
  'enabled',
  'visible',
  'final',
  'urgent',
  'summary',
  'comment',
  'version',
  'locale',
  'currency',
  'mode',
  'phase',
  'state',
  'stage',
  'detail',
  'hint',
  'path',
  'slug',
  'code',
  'digest',
];
const ENUM_WORDS = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'low',
  'medium',
  'high',
  'critical',
  'open',
  'closed',
  'pending',
  'active',
  'paused',
  'archived',
  'draft',
  'final',
];

const pascal = (s) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c) => c.toUpperCase());
const camel = (s) => pascal(s).replace(/^./, (c) => c.toLowerCase());
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

/** Shared component schemas, each with a function giving a valid value. */
function sharedSchemas(r) {
  return {
    Uuid: { schema: { type: 'string', format: 'uuid', description: 'An identifier (RFC 4122 UUID).' }, value: () => r.uuid() },
    Timestamp: { schema: { type: 'string', format: 'date-time', description: 'An RFC 3339 timestamp.' }, value: () => r.dateTime() },
    Severity: {
      schema: { type: 'string', enum: ['debug', 'info', 'warning', 'error', 'fatal'] },
      value: () => r.pick(['debug', 'info', 'warning', 'error', 'fatal']),
    },
    Labels: {
      schema: { type: 'array', maxItems: 8, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 32 } },
      value: () => r.sample(WORDS, r.int(0, 3)),
    },
    Actor: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'role'],
        properties: {
          id: ref('Uuid'),
          role: { type: 'string', enum: ['user', 'admin', 'service', 'system'] },
          displayName: { type: 'string', minLength: 1, maxLength: 80 },
        },
      },
      value: () => ({
        id: r.uuid(),
        role: r.pick(['user', 'admin', 'service', 'system']),
        ...(r.chance(0.5) ? { displayName: `${r.word()} ${r.word()}` } : {}),
      }),
    },
    Money: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'currency'],
        properties: { amount: { type: 'number', minimum: 0 }, currency: { type: 'string', enum: ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] } },
      },
      value: () => ({ amount: r.int(0, 100000) / 100, currency: r.pick(['USD', 'EUR', 'GBP', 'JPY', 'CHF']) }),
    },
    GeoPoint: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['lat', 'lon'],
        properties: { lat: { type: 'number', minimum: -90, maximum: 90 }, lon: { type: 'number', minimum: -180, maximum: 180 } },
      },
      value: () => ({ lat: r.int(-9000, 9000) / 100, lon: r.int(-18000, 18000) / 100 }),
    },
    Progress: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['done', 'total'],
        properties: { done: { type: 'integer', minimum: 0 }, total: { type: 'integer', minimum: 0 }, eta: ref('Timestamp') },
      },
      value: () => ({ done: r.int(0, 50), total: r.int(50, 100), ...(r.chance(0.5) ? { eta: r.dateTime() } : {}) }),
    },
    Page: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['limit'],
        properties: { cursor: { type: ['string', 'null'] }, limit: { type: 'integer', minimum: 1, maximum: 500 } },
      },
      value: () => ({ cursor: r.chance(0.5) ? r.hex(16) : null, limit: r.int(1, 500) }),
    },
    Attachment: {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'mediaType', 'sizeBytes'],
        properties: {
          id: ref('Uuid'),
          mediaType: { type: 'string', enum: ['image/png', 'image/jpeg', 'application/pdf', 'text/plain'] },
          sizeBytes: { type: 'integer', minimum: 0 },
          uploadedAt: ref('Timestamp'),
        },
      },
      value: () => ({
        id: r.uuid(),
        mediaType: r.pick(['image/png', 'image/jpeg', 'application/pdf', 'text/plain']),
        sizeBytes: r.int(0, 1 << 20),
        ...(r.chance(0.5) ? { uploadedAt: r.dateTime() } : {}),
      }),
    },
    Metadata: {
      schema: { type: 'object', additionalProperties: true, description: 'An open map: any keys (the convention for `metadata`).' },
      value: () => (r.chance(0.5) ? { [r.word()]: r.word() } : {}),
    },
  };
}

/**
 * A random field: its schema and a function that gives a valid value. `depth` limits nesting;
 * `entity` is the channel's own shared schema.
 */
function field(r, shared, entity, depth) {
  const kinds = ['string', 'string', 'integer', 'number', 'boolean', 'enum', 'enum', 'uuid', 'dateTime', 'nullable', 'ref', 'ref', 'entity'];
  if (depth > 0) kinds.push('object', 'object', 'array', 'arrayOfRefs');
  const kind = r.pick(kinds);
  switch (kind) {
    case 'string': {
      const max = r.pick([32, 64, 256]);
      return { schema: { type: 'string', minLength: 1, maxLength: max }, value: () => `${r.word()}-${r.hex(r.int(2, 8))}` };
    }
    case 'integer': {
      const max = r.pick([100, 10000, 1000000]);
      return { schema: { type: 'integer', minimum: 0, maximum: max }, value: () => r.int(0, max) };
    }
    case 'number':
      return { schema: { type: 'number', minimum: 0 }, value: () => r.int(0, 100000) / 100 };
    case 'boolean':
      return { schema: { type: 'boolean' }, value: () => r.chance(0.5) };
    case 'enum': {
      const values = r.sample(ENUM_WORDS, r.int(2, 6)).sort();
      return { schema: { type: 'string', enum: values }, value: () => r.pick(values) };
    }
    case 'uuid':
      return { schema: ref('Uuid'), value: shared.Uuid.value };
    case 'dateTime':
      return { schema: ref('Timestamp'), value: shared.Timestamp.value };
    case 'nullable':
      return { schema: { type: ['string', 'null'], maxLength: 128 }, value: () => (r.chance(0.5) ? null : r.word()) };
    case 'ref': {
      const name = r.pick(['Actor', 'Money', 'GeoPoint', 'Progress', 'Page', 'Attachment', 'Labels', 'Severity', 'Metadata']);
      return { schema: ref(name), value: shared[name].value };
    }
    case 'entity':
      return { schema: ref(entity.name), value: entity.value };
    case 'object':
      return object(r, shared, entity, depth - 1, r.int(2, 4));
    case 'array': {
      const item = object(r, shared, entity, depth - 1, r.int(2, 3));
      return { schema: { type: 'array', maxItems: 50, items: item.schema }, value: () => Array.from({ length: r.int(0, 2) }, item.value) };
    }
    case 'arrayOfRefs': {
      const name = r.pick(['Attachment', 'Actor', 'GeoPoint', 'Uuid']);
      return { schema: { type: 'array', maxItems: 100, items: ref(name) }, value: () => Array.from({ length: r.int(0, 2) }, shared[name].value) };
    }
  }
  throw new Error(kind);
}

/** A closed object of `n` random fields, some required. */
function object(r, shared, entity, depth, n, fixed = {}) {
  const properties = {};
  const makers = {};
  const required = [];
  for (const [name, f] of Object.entries(fixed)) {
    properties[name] = f.schema;
    makers[name] = f.value;
    required.push(name);
  }
  for (const name of r.sample(WORDS, n)) {
    if (name in properties) continue;
    const f = field(r, shared, entity, depth);
    properties[name] = f.schema;
    makers[name] = f.value;
    if (r.chance(0.6)) required.push(name);
  }
  const schema = { type: 'object', additionalProperties: false, required, properties };
  const value = () => {
    const out = {};
    for (const [name, make] of Object.entries(makers)) if (required.includes(name) || r.chance(0.5)) out[name] = make();
    return out;
  };
  return { schema, value };
}

/**
 * The document as a plain object. `channels` × 2 directions × `perDirection` messages.
 * @returns {{ doc: object, stats: { channels: number, messages: number, schemas: number, operations: number } }}
 */
export function syntheticDocument({ seed = DEFAULT_SEED, channels = 50, perDirection = 5 } = {}) {
  const r = makeRandom(seed);
  const shared = sharedSchemas(r);
  const schemas = Object.fromEntries(Object.entries(shared).map(([k, v]) => [k, v.schema]));
  const messages = {};
  const channelMap = {};
  const operations = {};

  for (let c = 0; c < channels; c++) {
    const domain = DOMAINS[c % DOMAINS.length] + (c >= DOMAINS.length ? String(Math.floor(c / DOMAINS.length) + 1) : '');
    const channelId = camel(domain);
    const Domain = pascal(domain);
    // The channel's own resource schema, shared by its messages.
    const entityName = `${Domain}Resource`;
    const entity = object(r, shared, { name: 'Uuid', value: shared.Uuid.value }, 1, r.int(3, 6), {
      id: { schema: ref('Uuid'), value: shared.Uuid.value },
      updatedAt: { schema: ref('Timestamp'), value: shared.Timestamp.value },
    });
    schemas[entityName] = entity.schema;
    const entityRef = { name: entityName, value: entity.value };

    const channelMessages = {};
    for (const [action, verbs] of [
      ['receive', VERBS_IN],
      ['send', VERBS_OUT],
    ]) {
      const tags = verbs.slice(0, perDirection).map((v) => `${domain}.${v}`);
      const refs = [];
      for (const tag of tags) {
        const verb = tag.slice(domain.length + 1);
        const name = `${Domain}${pascal(verb)}${action === 'receive' ? 'Request' : 'Event'}`;
        const payload = object(r, shared, entityRef, 2, r.int(3, 9), {
          type: { schema: { type: 'string', const: tag }, value: () => tag },
          id: { schema: ref('Uuid'), value: shared.Uuid.value },
          at: { schema: ref('Timestamp'), value: shared.Timestamp.value },
        });
        messages[name] = {
          name: tag,
          title: `${Domain} ${verb}`,
          summary: `${action === 'receive' ? 'Client → server' : 'Server → client'}: ${tag}.`,
          contentType: 'application/json',
          payload: payload.schema,
          examples: [{ name: 'contract', payload: payload.value() }],
        };
        const key = camel(verb);
        channelMessages[key] = { $ref: `#/components/messages/${name}` };
        refs.push({ $ref: `#/channels/${channelId}/messages/${key}` });
      }
      operations[`${action}${Domain}${action === 'receive' ? 'Requests' : 'Events'}`] = {
        action,
        channel: { $ref: `#/channels/${channelId}` },
        summary: action === 'receive' ? `Requests from the client on ${domain}.` : `Events the server pushes on ${domain}.`,
        messages: refs,
      };
    }
    const withParam = c % 3 === 0;
    channelMap[channelId] = {
      address: withParam ? `/v1/${domain}/{tenantId}` : `/v1/${domain}`,
      title: `${Domain} stream`,
      description: `WebSocket for ${domain}: every frame is a JSON object tagged by \`type\`.`,
      servers: [{ $ref: '#/servers/production' }],
      ...(withParam ? { parameters: { tenantId: { description: 'The tenant whose events are streamed.' } } } : {}),
      messages: channelMessages,
    };
  }

  const doc = {
    asyncapi: '3.0.0',
    info: {
      title: 'Synthetic benchmark API',
      version: '1.0.0',
      description: `Generated by bench/synthetic-spec.js (seed ${seed}): ${channels} channels, ${channels * 2 * perDirection} messages. Not a real API.`,
    },
    defaultContentType: 'application/json',
    servers: { production: { host: 'bench.streamwright.invalid', protocol: 'wss', description: 'Nowhere: the document is only read.' } },
    channels: channelMap,
    operations,
    components: { schemas, messages },
  };
  return { doc, stats: { channels, messages: Object.keys(messages).length, schemas: Object.keys(schemas).length, operations: Object.keys(operations).length } };
}

/** Writes the document as YAML (no anchors or aliases) and returns its path and stats. */
export function writeSyntheticSpec(file, options = {}) {
  const { doc, stats } = syntheticDocument(options);
  const text = YAML.stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return { file, bytes: Buffer.byteLength(text), ...stats };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    if (i < 0) return dflt;
    const v = Number(args.splice(i, 2)[1]);
    if (!Number.isInteger(v)) throw new Error(`${name} needs an integer`);
    return v;
  };
  const seed = opt('--seed', DEFAULT_SEED);
  const channels = opt('--channels', 50);
  const perDirection = opt('--per-direction', 5);
  const out = args[0] ?? '.tmp/bench/synthetic.asyncapi.yaml';
  const info = writeSyntheticSpec(out, { seed, channels, perDirection });
  console.log(
    `${info.file}: ${info.channels} channels, ${info.messages} messages, ${info.schemas} component schemas, ${info.operations} operations, ${(info.bytes / 1024).toFixed(0)} KiB`,
  );
}
