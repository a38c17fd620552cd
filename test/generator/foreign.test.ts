/**
 * Documents in the style of public APIs (not ours): generated code must compile under strict
 * settings, be usable with an exhaustive `switch`, and validate exactly what the contract says.
 */
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Direction } from '../../generator/src/ir/types.ts';
import { loadSpec } from '../../generator/src/load/load.ts';
import { createContractValidator } from '../../generator/src/validate/contract-validator.ts';
import {
  cleanup,
  exampleCases,
  STRICT_OPTIONS,
  STUB_OPTIONS,
  GENERATED_FILES,
  generateInto,
  importGenerated,
  tempDir,
  typeCheckEach,
  usageModule,
  type Generated,
} from './harness.ts';

const FIXTURES = 'test/fixtures/foreign';
const SPECS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.asyncapi.yaml'))
  .sort();

type Verdict = { ok: true; value: unknown } | { ok: false; errors: { pointer: string; keyword: string; message: string }[] };
type Validator = (...args: unknown[]) => Verdict;

interface Broken {
  channel: string;
  direction: Direction;
  event?: string;
  payload: unknown;
  /** Errors the dispatcher must report (pointer + keyword), at least. */
  errors: { pointer?: string; keyword: string }[];
}

/** What `validate` says about each fixture beyond nothing: `severity code pointer`. */
const EXPECTED_DIAGNOSTICS: Record<string, string[]> = {
  'gemini-style': [
    'warning sw/dispatch-by-shape #/channels/marketData',
    'warning sw/dispatch-by-shape #/channels/marketData',
    'warning sw/auth-key-required #/components/securitySchemes/bearer',
  ],
  'kraken-style': ['warning sw/tag-inferred #/channels/feed', 'warning sw/tag-inferred #/channels/feed'],
  'mercure-hub': [
    'warning sw/dispatch-by-shape #/channels/books/messages/bookDeleted',
    'warning sw/auth-key-required #/components/securitySchemes/subscriberJwt',
  ],
  'rpc-reply': ['warning sw/tag-inferred #/channels/räume', 'info sw/generate-skipped #/channels/benachrichtigungen'],
  'streetlights-kafka': [
    'info sw/generate-skipped #/channels/lightingMeasured',
    'info sw/generate-skipped #/channels/lightTurnOn',
    'info sw/generate-skipped #/channels/lightsDim',
    'warning sw/schema-format-unsupported #/components/messages/dimLight/payload/schemaFormat',
    'warning sw/auth-unchecked #/components/securitySchemes/saslScram',
  ],
};

/** Hand-written wrong frames per fixture: `[name, { given, want }]`. */
const BROKEN: Record<string, [string, Broken][]> = {
  'market-data': [
    [
      'unknown tag',
      { channel: 'feed', direction: 'send', payload: { type: 'l2update', product_id: 'BTC-USD' }, errors: [{ pointer: '/type', keyword: 'tag' }] },
    ],
    [
      'no tag at all',
      { channel: 'feed', direction: 'receive', payload: { product_ids: ['BTC-USD'], channels: ['ticker'] }, errors: [{ pointer: '/type', keyword: 'tag' }] },
    ],
    [
      'a client message sent by the server',
      {
        channel: 'feed',
        direction: 'send',
        payload: { type: 'subscribe', product_ids: ['BTC-USD'], channels: ['ticker'] },
        errors: [{ pointer: '/type', keyword: 'tag' }],
      },
    ],
    [
      'price as a string',
      {
        channel: 'feed',
        direction: 'send',
        payload: { type: 'ticker', sequence: 1, product_id: 'BTC-USD', price: '64123.45', time: '2024-03-05T14:22:11Z' },
        errors: [{ pointer: '/price', keyword: 'type' }],
      },
    ],
    [
      'side neither enum nor null',
      {
        channel: 'feed',
        direction: 'send',
        payload: { type: 'ticker', sequence: 1, product_id: 'BTC-USD', price: 1, time: '2024-03-05T14:22:11Z', side: 'hold' },
        errors: [{ pointer: '/side', keyword: 'oneOf' }],
      },
    ],
    [
      'time without zone',
      {
        channel: 'feed',
        direction: 'send',
        payload: { type: 'ticker', sequence: 1, product_id: 'BTC-USD', price: 1, time: '2024-03-05T14:22:11' },
        errors: [{ pointer: '/time', keyword: 'format' }],
      },
    ],
    [
      'zero-size trade',
      {
        channel: 'feed',
        direction: 'send',
        payload: {
          type: 'match',
          trade_id: 1,
          sequence: 1,
          maker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
          taker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
          time: '2014-11-07T08:19:27Z',
          product_id: 'BTC-USD',
          size: 0,
          price: 1,
          side: 'buy',
        },
        errors: [{ pointer: '/size', keyword: 'exclusiveMinimum' }],
      },
    ],
    [
      'not a uuid',
      {
        channel: 'feed',
        direction: 'send',
        payload: {
          type: 'match',
          trade_id: 1,
          sequence: 1,
          maker_order_id: 'ac928c66',
          taker_order_id: 'ac928c66-ca53-498f-9c13-a110027a60e8',
          time: '2014-11-07T08:19:27Z',
          product_id: 'BTC-USD',
          size: 1,
          price: 1,
          side: 'buy',
        },
        errors: [{ pointer: '/maker_order_id', keyword: 'format' }],
      },
    ],
    [
      'price level of four',
      {
        channel: 'feed',
        direction: 'send',
        payload: { type: 'snapshot', product_id: 'BTC-USD', bids: [[1, 2, 3, 4]], asks: [] },
        errors: [{ pointer: '/bids/0', keyword: 'maxItems' }],
      },
    ],
    [
      'extra property',
      {
        channel: 'feed',
        direction: 'receive',
        payload: { type: 'unsubscribe', channels: ['ticker'], all: true },
        errors: [{ pointer: '/all', keyword: 'additionalProperties' }],
      },
    ],
    ['candle too short', { channel: 'candles', direction: 'send', payload: [1709648520, 1, 2, 3, 4], errors: [{ pointer: '', keyword: 'minItems' }] }],
    ['candle with a string', { channel: 'candles', direction: 'send', payload: [1709648520, 1, 2, 3, 4, '5'], errors: [{ pointer: '/5', keyword: 'type' }] }],
  ],
  'chat-rtm': [
    [
      'block of unknown kind',
      {
        channel: 'rtm',
        direction: 'send',
        payload: { type: 'message', channel: 'C024BE91L', ts: '1355517523.000005', text: 'x', blocks: [{ kind: 'video' }] },
        errors: [{ pointer: '/blocks/0', keyword: 'oneOf' }],
      },
    ],
    [
      'user id of the wrong shape (through A → B → C)',
      {
        channel: 'rtm',
        direction: 'send',
        payload: { type: 'user_typing', channel: 'C024BE91L', user: 'bob' },
        errors: [{ pointer: '/user', keyword: 'pattern' }],
      },
    ],
    [
      'deep reply without text',
      {
        channel: 'rtm',
        direction: 'send',
        payload: {
          type: 'thread_snapshot',
          channel: 'C024BE91L',
          root: {
            ts: '1.000001',
            user: 'U2147483697',
            text: 'a',
            replies: [{ ts: '2.000001', user: 'U2147483697', text: 'b', replies: [{ ts: '3.000001', user: 'U2147483697' }] }],
          },
        },
        errors: [{ pointer: '/root/replies/0/replies/0/text', keyword: 'required' }],
      },
    ],
    [
      'presence outside the enum',
      {
        channel: 'rtm',
        direction: 'send',
        payload: { type: 'presence_change', user: 'U2147483697', presence: 'busy' },
        errors: [{ pointer: '/presence', keyword: 'enum' }],
      },
    ],
    [
      'edited neither object nor null',
      {
        channel: 'rtm',
        direction: 'send',
        payload: { type: 'message', channel: 'C024BE91L', ts: '1355517523.000005', text: 'x', edited: 'yes' },
        errors: [{ pointer: '/edited', keyword: 'type' }],
      },
    ],
    [
      'allOf part missing',
      { channel: 'rtm', direction: 'send', payload: { type: 'message', channel: 'C024BE91L', text: 'x' }, errors: [{ pointer: '/ts', keyword: 'required' }] },
    ],
    ['id below minimum', { channel: 'rtm', direction: 'receive', payload: { id: 0, type: 'ping' }, errors: [{ pointer: '/id', keyword: 'minimum' }] }],
    [
      'text too long',
      {
        channel: 'rtm',
        direction: 'receive',
        payload: { id: 1, type: 'message', channel: 'C024BE91L', text: 'x'.repeat(4001) },
        errors: [{ pointer: '/text', keyword: 'maxLength' }],
      },
    ],
  ],
  'pubsub-channels': [
    [
      'tag in `type` instead of `event`',
      {
        channel: 'socket',
        direction: 'receive',
        payload: { type: 'relay:subscribe', data: { channel: 'orders' } },
        errors: [{ pointer: '/event', keyword: 'tag' }],
      },
    ],
    ['tag not a string', { channel: 'socket', direction: 'send', payload: { event: 7 }, errors: [{ pointer: '/event', keyword: 'tag' }] }],
    ['not an object', { channel: 'socket', direction: 'send', payload: ['relay:ping'], errors: [{ pointer: '/event', keyword: 'tag' }] }],
    [
      'error code out of range',
      {
        channel: 'socket',
        direction: 'send',
        payload: { event: 'relay:error', data: { message: 'x', code: 1000 } },
        errors: [{ pointer: '/data/code', keyword: 'minimum' }],
      },
    ],
    [
      'bad auth signature',
      {
        channel: 'socket',
        direction: 'receive',
        payload: { event: 'relay:subscribe', data: { channel: 'private-x', auth: 'key:zz' } },
        errors: [{ pointer: '/data/auth', keyword: 'pattern' }],
      },
    ],
    [
      'client event on a public channel',
      {
        channel: 'socket',
        direction: 'receive',
        payload: { event: 'client-typing', channel: 'orders', data: 1 },
        errors: [{ pointer: '/channel', keyword: 'pattern' }],
      },
    ],
    [
      'pong with data',
      { channel: 'socket', direction: 'receive', payload: { event: 'relay:pong', data: { a: 1 } }, errors: [{ pointer: '/data', keyword: 'maxProperties' }] },
    ],
  ],
  'kraken-style': [
    ['event unknown', { channel: 'feed', direction: 'receive', payload: { event: 'subscribed' }, errors: [{ pointer: '/event', keyword: 'tag' }] }],
    ['no event at all', { channel: 'feed', direction: 'send', payload: { status: 'online' }, errors: [{ pointer: '/event', keyword: 'tag' }] }],
    [
      'pair without slash',
      {
        channel: 'feed',
        direction: 'receive',
        payload: { event: 'subscribe', pair: ['XBTUSD'], subscription: { name: 'ticker' } },
        errors: [{ pointer: '/pair/0', keyword: 'pattern' }],
      },
    ],
    [
      'depth not offered',
      {
        channel: 'feed',
        direction: 'receive',
        payload: { event: 'unsubscribe', subscription: { name: 'book', depth: 11 } },
        errors: [{ pointer: '/subscription/depth', keyword: 'enum' }],
      },
    ],
    [
      'status outside the enum',
      {
        channel: 'feed',
        direction: 'send',
        payload: { event: 'systemStatus', connectionID: 1, status: 'down', version: '1' },
        errors: [{ pointer: '/status', keyword: 'enum' }],
      },
    ],
  ],
  'gemini-style': [
    ['matches no shape', { channel: 'marketData', direction: 'send', payload: { sequence: 1 }, errors: [{ pointer: '/events', keyword: 'required' }] }],
    [
      'negative sequence',
      { channel: 'marketData', direction: 'send', payload: { socket_sequence: -1 }, errors: [{ pointer: '/socket_sequence', keyword: 'minimum' }] },
    ],
    // Matching no message, the errors are those of the first in document order.
    [
      'sequence as a string',
      { channel: 'marketData', direction: 'send', payload: { socket_sequence: 'one', events: [] }, errors: [{ pointer: '/socket_sequence', keyword: 'type' }] },
    ],
    [
      'unknown feed name',
      {
        channel: 'marketData',
        direction: 'receive',
        payload: { subscriptions: [{ name: 'l3', symbols: ['BTCUSD'] }] },
        errors: [{ pointer: '/subscriptions/0/name', keyword: 'enum' }],
      },
    ],
    [
      'empty subscription list',
      { channel: 'marketData', direction: 'receive', payload: { subscriptions: [] }, errors: [{ pointer: '/subscriptions', keyword: 'minItems' }] },
    ],
  ],
  'mercure-hub': [
    ['unknown event', { channel: 'books', direction: 'send', event: 'update', payload: { '@id': '/books/1' }, errors: [{ pointer: '', keyword: 'tag' }] }],
    [
      'no title',
      {
        channel: 'books',
        direction: 'send',
        event: 'message',
        payload: { '@id': '/books/1', '@type': 'Book' },
        errors: [{ pointer: '/title', keyword: 'required' }],
      },
    ],
    [
      'isbn too short',
      {
        channel: 'books',
        direction: 'send',
        event: 'message',
        payload: { '@id': '/books/1', '@type': 'Book', title: 'x', isbn: '123' },
        errors: [{ pointer: '/isbn', keyword: 'pattern' }],
      },
    ],
    [
      'negative price',
      {
        channel: 'books',
        direction: 'send',
        event: 'message',
        payload: { '@id': '/books/1', '@type': 'Book', title: 'x', price: -1 },
        errors: [{ pointer: '/price', keyword: 'minimum' }],
      },
    ],
    ['not an object', { channel: 'books', direction: 'send', event: 'message', payload: '/books/1', errors: [{ pointer: '', keyword: 'type' }] }],
  ],
  'gitter-stream': [
    ['unknown event', { channel: 'roomMessages', direction: 'send', event: 'message', payload: { id: 'x' }, errors: [{ pointer: '', keyword: 'tag' }] }],
    [
      'sent not a date',
      {
        channel: 'roomMessages',
        direction: 'send',
        event: 'chatMessage',
        payload: { id: 'a', text: 't', sent: 'yesterday', fromUser: { id: 'u', username: 'n' } },
        errors: [{ pointer: '/sent', keyword: 'format' }],
      },
    ],
    [
      'user without name',
      {
        channel: 'roomMessages',
        direction: 'send',
        event: 'chatMessage',
        payload: { id: 'a', text: 't', sent: '2014-03-25T11:51:32.289Z', fromUser: { id: 'u' } },
        errors: [{ pointer: '/fromUser/username', keyword: 'required' }],
      },
    ],
    [
      'presence neither in nor out',
      {
        channel: 'roomMessages',
        direction: 'send',
        event: 'presence',
        payload: { userId: 'u', status: 'away' },
        errors: [{ pointer: '/status', keyword: 'enum' }],
      },
    ],
    [
      'negative readBy',
      {
        channel: 'roomMessages',
        direction: 'send',
        event: 'chatMessage',
        payload: { id: 'a', text: 't', sent: '2014-03-25T11:51:32.289Z', fromUser: { id: 'u', username: 'n' }, readBy: -1 },
        errors: [{ pointer: '/readBy', keyword: 'minimum' }],
      },
    ],
  ],
  'orders-discriminator': [
    [
      'unknown kind',
      { channel: 'orders', direction: 'send', payload: { kind: 'OrderLost', orderId: 'ORD-000001' }, errors: [{ pointer: '/kind', keyword: 'tag' }] },
    ],
    [
      'bad order id',
      {
        channel: 'orders',
        direction: 'send',
        payload: { kind: 'OrderShipped', orderId: '42', carrier: 'dhl' },
        errors: [{ pointer: '/orderId', keyword: 'pattern' }],
      },
    ],
    [
      'no lines',
      {
        channel: 'orders',
        direction: 'send',
        payload: { kind: 'OrderPlaced', orderId: 'ORD-000001', lines: [] },
        errors: [{ pointer: '/lines', keyword: 'minItems' }],
      },
    ],
    [
      'carrier unknown',
      {
        channel: 'orders',
        direction: 'send',
        payload: { kind: 'OrderShipped', orderId: 'ORD-000001', carrier: 'fedex' },
        errors: [{ pointer: '/carrier', keyword: 'enum' }],
      },
    ],
    [
      'command without action',
      { channel: 'orders', direction: 'receive', payload: { orderId: 'ORD-000001' }, errors: [{ pointer: '/action', keyword: 'tag' }] },
    ],
  ],
  'schema-zoo': [
    [
      'two temperature units',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'reading', at: '2024-05-01T10:00:00Z', temperature: { celsius: 1, fahrenheit: 2 } },
        errors: [{ pointer: '/temperature', keyword: 'oneOf' }],
      },
    ],
    [
      'below absolute zero',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'reading', at: '2024-05-01T10:00:00Z', temperature: { celsius: -300 } },
        errors: [{ pointer: '/temperature/celsius', keyword: 'minimum' }],
      },
    ],
    [
      'empty label (not)',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'reading', at: '2024-05-01T10:00:00Z', temperature: { celsius: 1 }, label: '' },
        errors: [{ pointer: '/label', keyword: 'not' }],
      },
    ],
    [
      'point of four',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'reading', at: '2024-05-01T10:00:00Z', temperature: { celsius: 1 }, path: [[1, 2, 3, 4]] },
        errors: [{ pointer: '/path/0', keyword: 'additionalItems' }],
      },
    ],
    [
      'threshold key outside the patterns',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'config', settings: {}, thresholds: { temp: 1 }, calibration: { offset: 0, scale: 1 } },
        errors: [{ pointer: '/thresholds/temp', keyword: 'additionalProperties' }],
      },
    ],
    [
      'calibration not the constant',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'config', settings: {}, calibration: { offset: 1, scale: 1 } },
        errors: [{ pointer: '/calibration', keyword: 'const' }],
      },
    ],
    [
      'setting of object type',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'config', settings: { a: {} }, calibration: { offset: 0, scale: 1 } },
        errors: [{ pointer: '/settings/a', keyword: 'type' }],
      },
    ],
    [
      'tree node without name',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'tree', root: { name: 'a', children: [{ children: [] }] } },
        errors: [{ pointer: '/root/children/0/name', keyword: 'required' }],
      },
    ],
    [
      'level not in the mixed enum',
      {
        channel: 'telemetry',
        direction: 'send',
        payload: { type: 'reading', at: '2024-05-01T10:00:00Z', temperature: { celsius: 1 }, level: 2 },
        errors: [{ pointer: '/level', keyword: 'enum' }],
      },
    ],
  ],
  'rpc-reply': [
    ['method unknown', { channel: 'räume', direction: 'receive', payload: { methode: 'zahlen', id: 1 }, errors: [{ pointer: '/methode', keyword: 'enum' }] }],
    ['id zero', { channel: 'räume', direction: 'receive', payload: { methode: 'löschen', id: 0 }, errors: [{ pointer: '/id', keyword: 'minimum' }] }],
    ['reply of unknown kind', { channel: 'räume', direction: 'send', payload: { art: 'Ergebnisse', id: 1 }, errors: [{ pointer: '/art', keyword: 'tag' }] }],
    [
      'error reply without text',
      { channel: 'räume', direction: 'send', payload: { art: 'Fehler', id: 1 }, errors: [{ pointer: '/fehler', keyword: 'required' }] },
    ],
    [
      'default not a boolean',
      { channel: 'räume', direction: 'send', payload: { art: 'Klasse', default: 'ja' }, errors: [{ pointer: '/default', keyword: 'type' }] },
    ],
  ],
  'streetlights-kafka': [
    ['negative lumens', { channel: 'lightingMeasured', direction: 'receive', payload: { lumens: -1 }, errors: [{ pointer: '/lumens', keyword: 'minimum' }] }],
    [
      'lumens missing',
      {
        channel: 'lightingMeasured',
        direction: 'receive',
        payload: { sentAt: '2017-06-07T12:34:32.000Z' },
        errors: [{ pointer: '/lumens', keyword: 'required' }],
      },
    ],
    [
      'command neither on nor off',
      { channel: 'lightTurnOn', direction: 'send', payload: { command: 'toggle' }, errors: [{ pointer: '/command', keyword: 'enum' }] },
    ],
    [
      'sentAt not a date',
      { channel: 'lightTurnOn', direction: 'send', payload: { command: 'on', sentAt: 'now' }, errors: [{ pointer: '/sentAt', keyword: 'format' }] },
    ],
    ['nothing comes back on a send-only channel', { channel: 'lightTurnOn', direction: 'receive', payload: { command: 'on' }, errors: [{ keyword: 'tag' }] }],
  ],
  // Multi-file: every schema below lives in another file than the document.
  'parcel-tracking': [
    [
      'parcel id of the wrong shape (root component, via messages/ → schemas/)',
      { channel: 'tracking', direction: 'receive', payload: { type: 'watch', parcels: ['12345'] }, errors: [{ pointer: '/parcels/0', keyword: 'pattern' }] },
    ],
    [
      'parcels list via a pointer into another file',
      { channel: 'tracking', direction: 'receive', payload: { type: 'unwatch', parcels: [] }, errors: [{ pointer: '/parcels', keyword: 'minItems' }] },
    ],
    [
      'country from common.yaml',
      {
        channel: 'tracking',
        direction: 'send',
        payload: { type: 'scanned', parcel: 'PX-00012345', at: '2024-06-01T08:15:00Z', location: { facility: 'x', country: 'de' } },
        errors: [{ pointer: '/location/country', keyword: 'pattern' }],
      },
    ],
    [
      'coordinates out of range (a ref inside common.yaml)',
      {
        channel: 'tracking',
        direction: 'send',
        payload: { type: 'delivered', parcel: 'PX-00012345', at: '2024-06-01T08:15:00Z', location: { facility: 'x', country: 'DE', coordinates: [91, 0] } },
        errors: [{ pointer: '/location/coordinates/0', keyword: 'maximum' }],
      },
    ],
    [
      'problem code outside the enum',
      { channel: 'tracking', direction: 'send', payload: { type: 'problem', code: 'oops', message: 'x' }, errors: [{ pointer: '/code', keyword: 'enum' }] },
    ],
    [
      'a server message sent by the client',
      {
        channel: 'tracking',
        direction: 'receive',
        payload: { type: 'delivered', parcel: 'PX-00012345', at: '2024-06-01T08:15:00Z' },
        errors: [{ pointer: '/type', keyword: 'tag' }],
      },
    ],
  ],
  // `discriminator: petType`, values by schema name only (no const anywhere).
  'pet-shelter': [
    [
      'a pet type with no schema of that name',
      { channel: 'arrivals', direction: 'send', payload: { petType: 'Lizard', name: 'Liz' }, errors: [{ pointer: '/petType', keyword: 'tag' }] },
    ],
    [
      'the lower-case name is another name',
      {
        channel: 'arrivals',
        direction: 'send',
        payload: { petType: 'cat', name: 'Mittens', huntingSkill: 'lazy' },
        errors: [{ pointer: '/petType', keyword: 'tag' }],
      },
    ],
    [
      'a cat without its hunting skill',
      { channel: 'arrivals', direction: 'send', payload: { petType: 'Cat', name: 'Mittens' }, errors: [{ pointer: '/huntingSkill', keyword: 'required' }] },
    ],
    [
      "a cat's fields under the dog's name",
      {
        channel: 'arrivals',
        direction: 'send',
        payload: { petType: 'Dog', name: 'Rex', huntingSkill: 'lazy' },
        errors: [{ pointer: '/packSize', keyword: 'required' }],
      },
    ],
    [
      'an empty name (from Pet, through allOf)',
      {
        channel: 'arrivals',
        direction: 'send',
        payload: { petType: 'StickInsect', name: '', lengthMm: 80 },
        errors: [{ pointer: '/name', keyword: 'minLength' }],
      },
    ],
    [
      'an adoption with extra fields',
      {
        channel: 'arrivals',
        direction: 'receive',
        payload: { name: 'Rex', petType: 'Dog' },
        errors: [{ pointer: '/petType', keyword: 'additionalProperties' }],
      },
    ],
  ],
  'status-feed': [
    [
      'unknown event',
      { channel: 'incidents', direction: 'send', event: 'incident.deleted', payload: { id: 'inc_1' }, errors: [{ pointer: '', keyword: 'tag' }] },
    ],
    [
      'event name in the payload instead',
      { channel: 'incidents', direction: 'send', event: 'message', payload: { event: 'heartbeat', time: 1 }, errors: [{ pointer: '', keyword: 'tag' }] },
    ],
    [
      'impact outside the enum',
      {
        channel: 'incidents',
        direction: 'send',
        event: 'incident.created',
        payload: {
          id: 'inc_1',
          name: 'x',
          status: 'investigating',
          impact: 'huge',
          created_at: '2024-05-01T09:12:44Z',
          updated_at: '2024-05-01T09:12:44Z',
          resolved_at: null,
          components: [],
          updates: [{ id: 'u', status: 's', body: 'b', created_at: '2024-05-01T09:12:44Z' }],
        },
        errors: [{ pointer: '/impact', keyword: 'enum' }],
      },
    ],
    [
      'no updates',
      {
        channel: 'incidents',
        direction: 'send',
        event: 'incident.updated',
        payload: {
          id: 'inc_1',
          name: 'x',
          status: 'identified',
          impact: 'minor',
          created_at: '2024-05-01T09:12:44Z',
          updated_at: '2024-05-01T09:12:44Z',
          resolved_at: null,
          components: [],
          updates: [],
        },
        errors: [{ pointer: '/updates', keyword: 'minItems' }],
      },
    ],
    [
      'February 30th',
      {
        channel: 'incidents',
        direction: 'send',
        event: 'incident.resolved',
        payload: { id: 'inc_1', resolved_at: '2024-02-30T10:00:00Z' },
        errors: [{ pointer: '/resolved_at', keyword: 'format' }],
      },
    ],
    [
      'uptime over 100',
      {
        channel: 'componentStatus',
        direction: 'send',
        event: 'status',
        payload: { component: 'api', status: 'operational', since: '2024-04-28T00:00:00Z', uptime_90d: 100.5 },
        errors: [{ pointer: '/uptime_90d', keyword: 'maximum' }],
      },
    ],
  ],
};

/** Small, systematic damage to an example; the in-memory ajv reference decides what is right. */
function* mutations(payload: unknown): Generator<[string, unknown]> {
  yield ['null', null];
  yield ['array of it', [payload]];
  yield ['string', 'x'];
  if (typeof payload !== 'object' || payload === null) return;
  if (Array.isArray(payload)) {
    if (payload.length > 0) yield ['last item dropped', payload.slice(0, -1)];
    yield ['item appended', [...payload, { x: 1 }]];
    return;
  }
  const record = payload as Record<string, unknown>;
  yield ['unknown property', { ...record, swUnknownProperty: true }];
  for (const key of Object.keys(record)) {
    const { [key]: _dropped, ...rest } = record;
    yield [`without ${key}`, rest];
    for (const [label, value] of [
      ['null', null],
      ['object', {}],
      ['number', 12.5],
      ['string', 'x'],
      ['array', []],
    ] as const) {
      yield [`${key} as ${label}`, { ...record, [key]: value }];
    }
  }
}

/** The server and client under `tsc --strict` (unused names are style, not soundness: a contract with no client messages leaves some). */
const LOOSE_STUB_OPTIONS = { ...STUB_OPTIONS, noUnusedLocals: false, noUnusedParameters: false };
const STUBS = ['server.gen.ts', 'client.gen.ts'];
const MODELS = ['models.gen.ts', 'validators.gen.d.ts', 'metadata.gen.ts', 'usage.ts'];

// Every fixture is generated first, so each set of settings type-checks all of them in one
// TypeScript program (see typeCheckEach); a fixture that fails to generate fails its own tests.
const generated = new Map<string, Generated | Error>();
let root: string;
beforeAll(async () => {
  root = await tempDir('foreign');
  for (const file of SPECS) {
    const name = file.replace(/\.asyncapi\.yaml$/, '');
    try {
      const gen = await generateInto(path.join(FIXTURES, file), path.join(root, name));
      await writeFile(path.join(gen.dir, 'usage.ts'), usageModule(gen.ir));
      generated.set(name, gen);
    } catch (e) {
      generated.set(name, e as Error);
    }
  }
}, 180_000);
afterAll(() => cleanup(root));

function fixture(name: string): Generated {
  const gen = generated.get(name);
  if (gen === undefined || gen instanceof Error) throw gen ?? new Error(`${name} was not generated`);
  return gen;
}

const typeChecked = new Map<string[], Map<string, string[]>>();
/** The diagnostics of `names` in every generated fixture under `options`, from one program. */
function typeCheckAll(names: string[], options: typeof STRICT_OPTIONS): Map<string, string[]> {
  let all = typeChecked.get(names);
  if (all === undefined) {
    const ok = [...generated].filter((entry): entry is [string, Generated] => !(entry[1] instanceof Error));
    const diagnostics = typeCheckEach(
      ok.map(([, gen]) => ({ dir: gen.dir, names })),
      options,
    );
    all = new Map(ok.map(([name], i) => [name, diagnostics[i]!]));
    typeChecked.set(names, all);
  }
  return all;
}

describe.each(SPECS)('foreign document %s', (file) => {
  const spec = path.join(FIXTURES, file);
  const name = file.replace(/\.asyncapi\.yaml$/, '');
  let gen: Generated;
  let v: Record<string, Validator>;
  let reference: ReturnType<typeof createContractValidator>;

  beforeAll(async () => {
    gen = fixture(name);
    v = await importGenerated<Record<string, Validator>>(gen.dir, 'validators.gen.js');
    const loaded = await loadSpec(spec, { rules: 'schema' });
    reference = createContractValidator(loaded.document);
  });

  const dispatch = (channel: string, direction: Direction, payload: unknown, event?: string): Verdict => {
    const c = gen.ir.channels.find((x) => x.id === channel);
    if (!c) throw new Error(`no channel ${channel}`);
    const fn = v[c[direction].validatorName]!;
    return c.transport === 'sse' ? fn(event, payload) : fn(payload);
  };

  it('passes `streamwright validate` with no errors, and only the warnings its style calls for', async () => {
    const loaded = await loadSpec(spec);
    expect(loaded.diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual(EXPECTED_DIAGNOSTICS[name] ?? []);
  });

  // Strict but for unused names: a contract with no client messages leaves some (style, not soundness).
  it('type-checks the generated server and client under strict settings, unused names allowed', () => {
    expect(typeCheckAll(STUBS, LOOSE_STUB_OPTIONS).get(name)).toEqual([]);
  }, 120_000);

  it('type-checks under strict NodeNext settings, with an exhaustive switch over every channel union', () => {
    expect(typeCheckAll(MODELS, STRICT_OPTIONS).get(name)).toEqual([]);
  }, 120_000);

  it('accepts every example with its message validator and with its channel-direction dispatcher', () => {
    const cases = exampleCases(gen.ir);
    expect(cases.length).toBeGreaterThanOrEqual(gen.ir.messages.length);
    for (const c of cases) {
      const own = v[c.message.validatorName]!(c.payload);
      expect([c.name, own]).toEqual([c.name, { ok: true, value: c.payload }]);
      if (c.channel.transport === 'sse') {
        const event = c.tag ?? c.message.name ?? 'message';
        const verdict = dispatch(c.channel.id, c.direction, c.payload, event);
        expect([c.name, verdict.ok]).toEqual([c.name, true]);
        if (c.tag !== null) expect([c.name, verdict]).toEqual([c.name, { ok: true, value: { event, data: c.payload } }]);
      } else {
        // A shape-dispatched frame that fits several messages also lists them (`ambiguous`).
        const { ambiguous: _ambiguous, ...verdict } = dispatch(c.channel.id, c.direction, c.payload) as Verdict & { ambiguous?: string[] };
        expect([c.name, verdict]).toEqual([c.name, { ok: true, value: c.payload }]);
      }
    }
  });

  it.each(BROKEN[name] ?? [])('rejects a broken frame: %s', (_label, c) => {
    const verdict = dispatch(c.channel, c.direction, c.payload, c.event);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) for (const want of c.errors) expect(verdict.errors).toContainEqual(expect.objectContaining(want));
  });

  it('has hand-written broken frames', () => {
    expect((BROKEN[name] ?? []).length).toBeGreaterThanOrEqual(5);
  });

  it('agrees with in-memory ajv on damaged examples, errors included', () => {
    let rejected = 0;
    let total = 0;
    for (const c of exampleCases(gen.ir)) {
      const event = c.channel.transport === 'sse' ? (c.tag ?? c.message.name ?? 'message') : undefined;
      for (const [label, payload] of mutations(c.payload)) {
        total++;
        const mine = dispatch(c.channel.id, c.direction, payload, event);
        const theirs = reference.validate(c.channel.id, c.direction, event === undefined ? { payload } : { payload, event });
        const what = `${c.name}: ${label}`;
        expect([what, mine.ok]).toEqual([what, theirs.ok]);
        if (!mine.ok && !theirs.ok) {
          rejected++;
          const key = (e: { pointer: string; keyword: string }) => `${e.pointer} ${e.keyword}`;
          expect([what, mine.errors.map(key).sort()]).toEqual([what, theirs.errors.map(key).sort()]);
        }
      }
    }
    expect(rejected).toBeGreaterThan(total / 2);
  });

  it('matches the golden files', async () => {
    for (const f of Object.keys(gen.files)) await expect(gen.files[f]).toMatchFileSnapshot(`./__golden__/${name}/${f}`);
  });
});

describe('foreign documents, specific shapes', () => {
  let chat: Generated;
  let market: Generated;
  beforeAll(() => {
    chat = fixture('chat-rtm');
    market = fixture('market-data');
  });

  it('writes a recursive schema as a self-referencing interface', () => {
    expect(chat.files['models.gen.ts']).toMatch(/export interface Reply \{[^]*?\n  replies\?: Reply\[\];\n\}/);
  });

  it('writes a nullable object schema as a type alias, not an invalid interface', () => {
    expect(chat.files['models.gen.ts']).toMatch(/export type EditInfo = \{[^]*?\n\} \| null;/);
  });

  it('writes allOf as an intersection and oneOf as a union', () => {
    expect(chat.files['models.gen.ts']).toContain('export type MessageEvent = EventBase & {');
    expect(chat.files['models.gen.ts']).toContain('export type Block = SectionBlock | ImageBlock | DividerBlock | ContextBlock;');
  });

  it('writes positional items as a tuple whose optional tail follows minItems and maxItems', () => {
    expect(market.files['models.gen.ts']).toContain('export type PriceLevel = [number, number, number?];');
    expect(market.files['models.gen.ts']).toContain('export type Candle = [number, number, number, number, number, number];');
  });

  it('does not tell to narrow a union that has no tag', () => {
    const doc = /\/\*\*\n(?: \*.*\n)* \*\/\nexport type CandlesServerMessage = Candle;/.exec(market.files['models.gen.ts']!)?.[0] ?? '';
    expect(doc).not.toBe('');
    expect(doc).not.toContain('Narrow');
  });

  // Known bug, reported (generator/src/ir/build/schemas.ts): a component schema that is only a
  // `$ref` to another one (UserRef → UserId → Identifier) is merged into its target, so `UserId`
  // and `Identifier` get no type and the chain's type is named after whichever name came first.
  it('gives every component schema of a $ref chain its own type', () => {
    for (const t of ['UserRef', 'UserId', 'Identifier']) expect(chat.files['models.gen.ts']).toMatch(new RegExp(`export (type|interface) ${t}\\b`));
  });
});

describe('untagged SSE channel', () => {
  let gen: Generated;
  let v: Record<string, Validator>;
  beforeAll(async () => {
    gen = fixture('status-feed');
    v = await importGenerated<Record<string, Validator>>(gen.dir, 'validators.gen.js');
  });

  it('types its events with any event name', () => {
    const c = gen.ir.channels.find((x) => x.id === 'componentStatus')!;
    expect(gen.files['models.gen.ts']).toContain(`export type ${c.send.unionName} = { event: string; data: ComponentStatus };`);
  });

  // Known bug, reported (generator/src/emit/validators/index.ts): the dispatcher of an untagged
  // SSE channel returns the bare payload, while its declared type (and every tagged SSE
  // dispatcher) gives `{ event, data }`.
  it('dispatches to `{ event, data }` like tagged SSE channels', () => {
    const c = gen.ir.channels.find((x) => x.id === 'componentStatus')!;
    const payload = gen.ir.messages.find((m) => m.id === 'ComponentStatus')!.examples[0]!.payload;
    expect(v[c.send.validatorName]!('status', payload)).toEqual({ ok: true, value: { event: 'status', data: payload } });
  });
});
