import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { diffApis, failsOn } from '../../../generator/src/diff/index.ts';
import { buildIR } from '../../../generator/src/ir/build/index.ts';

/**
 * The direction table: the same edit judged for what the server sends (`said`, `error`, `item`)
 * and for what the client sends (`say`, `auth`, parameters, query, credentials). Each case lists
 * exactly the changes it must produce, as `rule severity`.
 */
type Doc = Record<string, any>;
const BASE = yaml.load(readFileSync('test/fixtures/runtime/echo.asyncapi.yaml', 'utf8')) as Doc;
const msg = (d: Doc, name: string) => d.components.messages[name].payload;
const room = (d: Doc) => d.channels.room;

/** `setup` edits the base into the old document, `edit` the old one into the new. */
const CASES: [string, { setup?: (d: Doc) => void; edit: (d: Doc) => void; want: string[] }][] = [
  // Server-sent payloads: an old client reads what a new server writes.
  [
    'server-sent: required field removed',
    {
      edit: (d) => {
        delete msg(d, 'Said').properties.from;
        msg(d, 'Said').required = ['type', 'text'];
      },
      want: ['schema.property-removed breaking'],
    },
  ],
  [
    'server-sent: required field added',
    {
      edit: (d) => {
        msg(d, 'Said').properties.at = { type: 'string' };
        msg(d, 'Said').required.push('at');
      },
      want: ['schema.required-property-added breaking'],
    },
  ],
  [
    'server-sent: required field added to an open object',
    {
      setup: (d) => {
        delete msg(d, 'Said').additionalProperties;
      },
      edit: (d) => {
        msg(d, 'Said').properties.at = { type: 'string' };
        msg(d, 'Said').required.push('at');
      },
      want: ['schema.required-property-added non-breaking'],
    },
  ],
  [
    'server-sent: optional field added to a closed object',
    {
      edit: (d) => {
        msg(d, 'Said').properties.at = { type: 'string' };
      },
      want: ['schema.optional-property-added breaking'],
    },
  ],
  [
    'server-sent: optional field added to an open object',
    {
      setup: (d) => {
        msg(d, 'Item').additionalProperties = true;
      },
      edit: (d) => {
        msg(d, 'Item').properties.m = { type: 'string' };
      },
      want: ['schema.optional-property-added non-breaking'],
    },
  ],
  [
    'server-sent: closed object opened',
    {
      edit: (d) => {
        msg(d, 'Item').additionalProperties = true;
      },
      want: ['schema.additional-properties-allowed breaking'],
    },
  ],
  [
    'client-sent: closed object opened',
    {
      edit: (d) => {
        msg(d, 'Say').additionalProperties = true;
      },
      want: ['schema.additional-properties-allowed non-breaking'],
    },
  ],
  [
    'server-sent: field made optional',
    {
      edit: (d) => {
        msg(d, 'Said').required = ['type', 'text'];
      },
      want: ['schema.property-now-optional breaking'],
    },
  ],
  [
    'server-sent: field made required',
    {
      setup: (d) => {
        msg(d, 'Error').properties.detail = { type: 'string' };
      },
      edit: (d) => {
        msg(d, 'Error').required.push('detail');
      },
      want: ['schema.property-now-required non-breaking'],
    },
  ],
  [
    'client-sent: field made required',
    {
      setup: (d) => {
        msg(d, 'Say').properties.lang = { type: 'string' };
      },
      edit: (d) => {
        msg(d, 'Say').required.push('lang');
      },
      want: ['schema.property-now-required breaking'],
    },
  ],
  [
    'server-sent: enum value added',
    {
      edit: (d) => {
        msg(d, 'Error').properties.code.enum.push('gone');
      },
      want: ['schema.enum-value-added breaking'],
    },
  ],
  [
    'server-sent: enum value removed',
    {
      edit: (d) => {
        msg(d, 'Error').properties.code.enum = msg(d, 'Error').properties.code.enum.filter((c: string) => c !== 'not_found');
      },
      want: ['schema.enum-value-removed non-breaking'],
    },
  ],
  [
    'server-sent: type narrowed number → integer',
    {
      edit: (d) => {
        msg(d, 'Item').properties.n = { type: 'number' };
      },
      want: ['schema.type-widened breaking'],
    },
  ],
  [
    'server-sent: type widened with null',
    {
      edit: (d) => {
        msg(d, 'Said').properties.from = { type: ['string', 'null'] };
      },
      want: ['schema.type-widened breaking'],
    },
  ],
  [
    'server-sent: type changed',
    {
      edit: (d) => {
        msg(d, 'Said').properties.from = { type: 'integer' };
      },
      want: ['schema.type-changed breaking'],
    },
  ],
  [
    'server-sent: maxLength added',
    {
      edit: (d) => {
        msg(d, 'Said').properties.text.maxLength = 50;
      },
      want: ['schema.bound-tightened non-breaking'],
    },
  ],
  [
    'server-sent: minimum lowered',
    {
      edit: (d) => {
        msg(d, 'Item').properties.n.minimum = 0;
      },
      want: ['schema.bound-tightened non-breaking'],
    },
  ],
  [
    'server-sent: format removed',
    {
      edit: (d) => {
        delete msg(d, 'Heartbeat').properties.timestamp.format;
      },
      want: ['schema.format-removed breaking'],
    },
  ],
  [
    'server-sent: format changed',
    {
      edit: (d) => {
        msg(d, 'Heartbeat').properties.timestamp.format = 'date';
      },
      want: ['schema.format-changed unknown'],
    },
  ],
  [
    'server-sent: message removed',
    {
      edit: (d) => {
        delete room(d).messages.said;
        delete d.operations.sendSaid;
        delete d.components.messages.Said;
      },
      want: ['message.removed breaking', 'operation.removed breaking'],
    },
  ],
  [
    'server-sent: message added',
    {
      edit: (d) => {
        d.components.messages.Left = { name: 'left', payload: { type: 'object', required: ['type'], properties: { type: { const: 'left' } } } };
        room(d).messages.left = { $ref: '#/components/messages/Left' };
        d.operations.sendSaid.messages.push({ $ref: '#/channels/room/messages/left' });
      },
      want: ['message.added non-breaking'],
    },
  ],
  [
    'server-sent: tag renamed',
    {
      edit: (d) => {
        msg(d, 'Said').properties.type.const = 'spoken';
        d.components.messages.Said.examples[0].payload.type = 'spoken';
      },
      want: ['message.tag-changed breaking', 'schema.const-changed breaking'],
    },
  ],
  [
    'server-sent: SSE event field removed',
    {
      edit: (d) => {
        msg(d, 'Tick').required = [];
      },
      want: ['schema.property-now-optional breaking'],
    },
  ],
  // Client-sent payloads: a new server reads what an old client writes.
  [
    'client-sent: required field added',
    {
      edit: (d) => {
        msg(d, 'Say').properties.lang = { type: 'string' };
        msg(d, 'Say').required.push('lang');
      },
      want: ['schema.required-property-added breaking'],
    },
  ],
  [
    'client-sent: optional field added',
    {
      edit: (d) => {
        msg(d, 'Say').properties.lang = { type: 'string' };
      },
      want: ['schema.optional-property-added non-breaking'],
    },
  ],
  [
    'client-sent: field removed from a closed object',
    {
      edit: (d) => {
        delete msg(d, 'Say').properties.text;
        msg(d, 'Say').required = ['type'];
      },
      want: ['schema.property-removed breaking'],
    },
  ],
  [
    'client-sent: field removed from an open object',
    {
      edit: (d) => {
        msg(d, 'Say').additionalProperties = true;
        delete msg(d, 'Say').properties.text;
        msg(d, 'Say').required = ['type'];
      },
      want: ['schema.additional-properties-allowed non-breaking', 'schema.property-removed non-breaking'],
    },
  ],
  [
    'client-sent: field made optional',
    {
      edit: (d) => {
        msg(d, 'Say').required = ['type'];
      },
      want: ['schema.property-now-optional non-breaking'],
    },
  ],
  [
    'client-sent: maxLength lowered',
    {
      edit: (d) => {
        msg(d, 'Say').properties.text.maxLength = 100;
      },
      want: ['schema.bound-tightened breaking'],
    },
  ],
  [
    'client-sent: maxLength raised',
    {
      edit: (d) => {
        msg(d, 'Say').properties.text.maxLength = 500;
      },
      want: ['schema.bound-relaxed non-breaking'],
    },
  ],
  [
    'client-sent: enum added where any string was taken',
    {
      edit: (d) => {
        msg(d, 'Say').properties.text.enum = ['hi', 'bye'];
      },
      want: ['schema.enum-added breaking'],
    },
  ],
  [
    'client-sent: type widened',
    {
      edit: (d) => {
        msg(d, 'Say').properties.text.type = ['string', 'number'];
      },
      want: ['schema.type-widened non-breaking'],
    },
  ],
  [
    'client-sent: pattern added',
    {
      edit: (d) => {
        msg(d, 'Auth').properties.token.pattern = '^[a-z]+$';
      },
      want: ['schema.pattern-added breaking'],
    },
  ],
  [
    'client-sent: message removed',
    {
      edit: (d) => {
        delete room(d).messages.say;
        delete d.operations.receiveSay;
        delete d.components.messages.Say;
      },
      want: ['message.removed breaking', 'operation.removed breaking'],
    },
  ],
  [
    'client-sent: message added',
    {
      edit: (d) => {
        d.components.messages.Leave = { name: 'leave', payload: { type: 'object', required: ['type'], properties: { type: { const: 'leave' } } } };
        room(d).messages.leave = { $ref: '#/components/messages/Leave' };
        d.operations.receiveSay.messages.push({ $ref: '#/channels/room/messages/leave' });
      },
      want: ['message.added non-breaking'],
    },
  ],
  [
    'client-sent: tag renamed',
    {
      edit: (d) => {
        msg(d, 'Say').properties.type.const = 'speak';
        d.components.messages.Say.examples[0].payload.type = 'speak';
      },
      want: ['message.tag-changed breaking', 'schema.const-changed breaking'],
    },
  ],
  // Addresses, parameters, query.
  [
    'address changed',
    {
      edit: (d) => {
        room(d).address = '/room/{room}';
      },
      want: ['channel.address-changed breaking'],
    },
  ],
  [
    'parameter added',
    {
      edit: (d) => {
        room(d).address = '/rooms/{room}/{lang}';
        room(d).parameters.lang = {};
      },
      want: ['channel.address-changed breaking', 'parameter.added breaking'],
    },
  ],
  [
    'parameter enum narrowed',
    {
      edit: (d) => {
        room(d).parameters.room.enum = ['a', 'b'];
      },
      want: ['parameter.enum-changed breaking'],
    },
  ],
  [
    'parameter enum widened',
    {
      setup: (d) => {
        room(d).parameters.room.enum = ['a'];
      },
      edit: (d) => {
        room(d).parameters.room.enum = ['a', 'b'];
      },
      want: ['parameter.enum-changed non-breaking'],
    },
  ],
  [
    'query parameter made required',
    {
      edit: (d) => {
        room(d).bindings.ws.query.required = ['token'];
      },
      want: ['query.property-now-required breaking'],
    },
  ],
  [
    'channel removed',
    {
      edit: (d) => {
        delete d.channels.feed;
        delete d.operations.sendItem;
        delete d.operations.sendTick;
        delete d.components.messages.Item;
        delete d.components.messages.Tick;
      },
      want: ['channel.removed breaking'],
    },
  ],
  [
    'channel added',
    {
      edit: (d) => {
        d.channels.feed2 = { ...d.channels.feed, address: '/feed2', messages: { item: { $ref: '#/components/messages/Item' } } };
      },
      want: ['channel.added non-breaking'],
    },
  ],
  // Auth.
  [
    'auth scheme dropped from a server',
    {
      edit: (d) => {
        d.servers.ws.security.pop();
      },
      want: ['auth.scheme-removed breaking'],
    },
  ],
  [
    'auth scheme added as an alternative',
    {
      edit: (d) => {
        d.servers.ws.security.push({ $ref: '#/components/securitySchemes/session' });
      },
      want: ['auth.scheme-added non-breaking'],
    },
  ],
  [
    'auth credential moved from query to header',
    {
      edit: (d) => {
        const s = d.components.securitySchemes.queryToken;
        s.in = 'header';
        s.name = 'X-Token';
        s['x-sw-auth'].credential = { in: 'header', name: 'X-Token' };
      },
      want: ['auth.credential-moved breaking'],
    },
  ],
  [
    'auth JWT algorithm added',
    {
      edit: (d) => {
        d.components.securitySchemes.queryToken['x-sw-auth'].jwt.algorithms.push('RS256');
      },
      want: ['auth.jwt-algorithms-changed non-breaking'],
    },
  ],
  [
    'auth required claim added',
    {
      edit: (d) => {
        d.components.securitySchemes.queryToken['x-sw-auth'].jwt.requiredClaims = ['sub'];
      },
      want: ['auth.jwt-claims-changed breaking'],
    },
  ],
  [
    'auth first-message deadline shortened',
    {
      edit: (d) => {
        d.components.securitySchemes.firstMessage['x-sw-auth'].credential.deadlineMs = 500;
      },
      want: ['auth.deadline-changed breaking'],
    },
  ],
  // Limits bind senders.
  [
    'limit lowered',
    {
      edit: (d) => {
        room(d)['x-sw-limits'].maxMessageBytes.limit = 512;
      },
      want: ['limit.lowered breaking'],
    },
  ],
  [
    'limit raised',
    {
      edit: (d) => {
        room(d)['x-sw-limits'].maxMessagesPerSecond.limit = 50;
      },
      want: ['limit.raised non-breaking'],
    },
  ],
  [
    'limit added',
    {
      edit: (d) => {
        d.channels.feed['x-sw-limits'].maxConnections = { limit: 2, onExceed: { action: 'reject', httpStatus: 429 } };
      },
      want: ['limit.lowered breaking'],
    },
  ],
  [
    'limit removed',
    {
      edit: (d) => {
        delete room(d)['x-sw-limits'].maxConnections;
      },
      want: ['limit.raised non-breaking'],
    },
  ],
  [
    'limit reaction changed',
    {
      edit: (d) => {
        room(d)['x-sw-limits'].maxMessageBytes.onExceed = { action: 'error', errorCode: 'too_big' };
      },
      want: ['limit.on-exceed-changed unknown'],
    },
  ],
  [
    'stream duration shortened',
    {
      edit: (d) => {
        d.channels.feed['x-sw-limits'].maxStreamDurationMs.limit = 1000;
      },
      want: ['limit.lowered breaking'],
    },
  ],
  // Heartbeats: an old client's dead-connection timer.
  [
    'heartbeat interval raised',
    {
      edit: (d) => {
        room(d)['x-sw-heartbeat'].intervalMs = 5000;
      },
      want: ['heartbeat.slower breaking'],
    },
  ],
  [
    'heartbeat interval lowered',
    {
      edit: (d) => {
        d.channels.feed['x-sw-heartbeat'].intervalMs = 500;
      },
      want: ['heartbeat.faster non-breaking'],
    },
  ],
  [
    'pong timeout shortened',
    {
      edit: (d) => {
        room(d)['x-sw-heartbeat'].pong.timeoutMs = 1000;
      },
      want: ['heartbeat.pong-timeout-shorter breaking'],
    },
  ],
  [
    'pong timeout lengthened',
    {
      edit: (d) => {
        room(d)['x-sw-heartbeat'].pong.timeoutMs = 5000;
      },
      want: ['heartbeat.pong-timeout-longer non-breaking'],
    },
  ],
  [
    'heartbeat removed',
    {
      edit: (d) => {
        room(d)['x-sw-heartbeat'] = { mode: 'none' };
      },
      want: ['heartbeat.mode-changed breaking'],
    },
  ],
  // Sequences: a promise about server-sent messages, a demand on client-sent ones.
  [
    'server-sent sequence rule added',
    {
      edit: (d) => {
        d.channels.feed['x-sw-sequence'] = { rules: [{ id: 'tick-every', kind: 'every', messages: ['tick'], intervalMs: 1000 }] };
      },
      want: ['sequence.rule-added non-breaking'],
    },
  ],
  [
    'server-sent sequence rule removed',
    {
      setup: (d) => {
        d.channels.feed['x-sw-sequence'] = { rules: [{ id: 'tick-every', kind: 'every', messages: ['tick'], intervalMs: 1000 }] };
      },
      edit: (d) => {
        delete d.channels.feed['x-sw-sequence'];
      },
      want: ['sequence.rule-removed breaking'],
    },
  ],
  [
    'client-sent sequence rule added',
    {
      edit: (d) => {
        room(d)['x-sw-sequence'] = { rules: [{ id: 'auth-first', kind: 'first', messages: ['auth'] }] };
      },
      want: ['sequence.rule-added breaking'],
    },
  ],
  [
    'sequence rule changed',
    {
      setup: (d) => {
        d.channels.feed['x-sw-sequence'] = { rules: [{ id: 'tick-every', kind: 'every', messages: ['tick'], intervalMs: 1000 }] };
      },
      edit: (d) => {
        d.channels.feed['x-sw-sequence'].rules[0].intervalMs = 2000;
      },
      want: ['sequence.rule-changed unknown'],
    },
  ],
  // SSE stream capabilities clients rely on.
  [
    'SSE resume removed',
    {
      edit: (d) => {
        delete d.channels.feed['x-sw-sse'].resume;
      },
      want: ['sse.resume-removed breaking'],
    },
  ],
  [
    'SSE retry changed',
    {
      edit: (d) => {
        d.channels.feed['x-sw-sse'].retryMs = 3000;
      },
      want: ['sse.stream-settings-changed non-breaking'],
    },
  ],
  [
    'server moved',
    {
      edit: (d) => {
        d.servers.http.host = 'example.com';
      },
      want: ['server.address-changed breaking'],
    },
  ],
  [
    'descriptions only',
    {
      edit: (d) => {
        room(d).description = 'rooms';
        msg(d, 'Said').properties.text.description = 'what was said';
      },
      want: [],
    },
  ],
];

const clone = (d: Doc): Doc => structuredClone(d);

describe('diff: the direction table', () => {
  it('has at least 40 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES)('%s', (_, { setup, edit, want }) => {
    const before = clone(BASE);
    setup?.(before);
    const after = clone(before);
    edit(after);
    const result = diffApis(buildIR(before, 'echo'), buildIR(after, 'echo'));
    expect(result.changes.map((c) => `${c.rule} ${c.severity}`).sort()).toEqual([...want].sort());
  });

  it('names the channel, message, flow and pointer of a payload change', () => {
    const after = clone(BASE);
    msg(after, 'Say').properties.text.maxLength = 100;
    const [change] = diffApis(buildIR(BASE, 'echo'), buildIR(after, 'echo')).changes;
    expect(change).toEqual({
      rule: 'schema.bound-tightened',
      severity: 'breaking',
      channel: 'room',
      message: 'Say',
      flow: 'client-sends',
      pointer: '#/components/messages/Say/payload/properties/text/maxLength',
      summary: 'maxLength 200 → 100',
      before: 200,
      after: 100,
    });
  });

  it('meets --fail-on breaking only with a breaking change, --fail-on any with any', () => {
    const harmless = clone(BASE);
    msg(harmless, 'Say').properties.lang = { type: 'string' };
    const result = diffApis(buildIR(BASE, 'echo'), buildIR(harmless, 'echo'));
    expect(failsOn(result, 'breaking')).toBe(false);
    expect(failsOn(result, 'any')).toBe(true);
    expect(failsOn(diffApis(buildIR(BASE, 'echo'), buildIR(BASE, 'echo')), 'any')).toBe(false);
  });

  it('terminates on recursive schemas', () => {
    const tree = (max: number) => {
      const d = clone(BASE);
      d.components.schemas = {
        Node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } }, name: { type: 'string', maxLength: max } },
        },
      };
      msg(d, 'Item').properties.tree = { $ref: '#/components/schemas/Node' };
      return d;
    };
    const changes = diffApis(buildIR(tree(10), 'echo'), buildIR(tree(5), 'echo')).changes;
    expect(changes.map((c) => `${c.rule} ${c.severity}`)).toEqual(['schema.bound-tightened non-breaking']);
  });
});
