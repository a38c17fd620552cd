import { describe, expect, it } from 'vitest';
import {
  Redactor,
  credentialLocations,
  findPlaceholders,
  substituteCredentials,
  substituteCredentialsInUrl,
  type CredentialLocation,
} from '../../conformance/src/record/redact.ts';

const TOKEN = 'tok-0123456789';
const locations: CredentialLocation[] = [
  { scheme: 'bearer', in: 'header', name: 'authorization', prefix: 'Bearer ', failure: { httpStatus: 401 } },
  { scheme: 'ticket', in: 'query', name: 'ticket' },
  { scheme: 'session', in: 'cookie', name: 'sid' },
  { scheme: 'proto', in: 'subprotocol', prefix: 'token.' },
  { scheme: 'first', in: 'first-message', tag: 'auth', tagProperty: 'type', property: 'token', failure: { closeCode: 4401 } },
];

describe('Redactor', () => {
  it('replaces a header credential after its prefix, and scrubs the value from any other text', () => {
    const r = new Redactor(locations);
    expect(r.requestHeaders({ Authorization: `Bearer ${TOKEN}`, Host: 'h', Accept: 'x' })).toEqual({
      authorization: 'Bearer <credential:bearer>',
      accept: 'x',
    });
    expect(r.scrub(`echo ${TOKEN} and ${encodeURIComponent(TOKEN + '/')}`)).toBe('echo <credential:bearer> and <credential:bearer>%2F');
    expect(r.leaks(`x${TOKEN}`)).toBe(true);
    expect(r.leaks(r.scrub(`x${TOKEN}`))).toBe(false);
  });

  it('redacts secret headers no scheme names, keeping the auth scheme word', () => {
    const r = new Redactor([]);
    expect(r.requestHeaders({ authorization: 'Basic abc', 'x-api-key': 'k', cookie: 'a=b' })).toEqual({
      authorization: 'Basic <redacted>',
      'x-api-key': '<redacted>',
      cookie: 'a=b',
    });
    expect(r.responseHeaders({ 'set-cookie': ['a=1', 'b=2'], date: 'now', 'content-type': 'text/event-stream' })).toEqual({
      'set-cookie': '<redacted>',
      'content-type': 'text/event-stream',
    });
  });

  it('replaces query, cookie and subprotocol credentials, leaving the rest byte for byte', () => {
    const r = new Redactor(locations);
    expect(r.url(`/s?a=1&ticket=${TOKEN}&b=%20`)).toEqual({
      url: '/s?a=1&ticket=<credential:ticket>&b=%20',
      query: { a: '1', ticket: '<credential:ticket>', b: ' ' },
    });
    expect(r.requestHeaders({ cookie: `x=1; sid="${TOKEN}"` }).cookie).toBe('x=1; sid=<credential:session>');
    expect(r.subprotocols(['chat', `token.${TOKEN}`])).toEqual(['chat', 'token.<credential:proto>']);
  });

  it('replaces the first-message field of the tagged auth message only', () => {
    const r = new Redactor(locations);
    expect(r.clientText(`{"type":"auth","token":"${TOKEN}","n":1}`)).toBe('{"type":"auth","token":"<credential:first>","n":1}');
    expect(r.clientText(`{"type":"other","token":"x"}`)).toBe('{"type":"other","token":"x"}');
    expect(r.clientText('not json')).toBe('not json');
  });

  it('a credential the server refused its way is written as invalid', () => {
    const r = new Redactor(locations);
    r.requestHeaders({ authorization: `Bearer ${TOKEN}` });
    expect(r.outcome({ closeCode: 4401 })).toEqual([]);
    expect(r.outcome({ httpStatus: 401 })).toEqual(['bearer']);
    expect(r.scrub(`got ${TOKEN}`)).toBe('got <invalid-credential:bearer>');
  });

  it('short secrets are replaced where they stand but not scrubbed from free text', () => {
    const r = new Redactor(locations);
    expect(r.url('/s?ticket=abc').url).toBe('/s?ticket=<credential:ticket>');
    expect(r.scrub('abc everywhere')).toBe('abc everywhere');
  });
});

describe('placeholders', () => {
  it('findPlaceholders lists scheme ids once, in order', () => {
    expect(findPlaceholders('<credential:b> <credential:a> <credential:b>')).toEqual(['b', 'a']);
  });

  it('substitution fills known ids, reports missing ones, and writes invalid ones as a safe wrong value', () => {
    expect(substituteCredentials('<credential:a>/<credential:z>/<invalid-credential:a>', { a: 'A' })).toEqual({
      text: 'A/<credential:z>/invalid-credential-a',
      missing: ['z'],
    });
    expect(substituteCredentialsInUrl('/s?t=<credential:a>', { a: 'x y&' }).text).toBe('/s?t=x%20y%26');
    expect(substituteCredentials('<credential:constructor>', {}).missing).toEqual(['constructor']);
  });
});

describe('credentialLocations', () => {
  it('reads each scheme location from the contract, resolving a first-message key to its tag on the channel', () => {
    const onFailure = { action: 'error-and-close', closeCode: 4401 } as const;
    const api = {
      securitySchemes: [
        { id: 'h', auth: { credential: { in: 'header', name: 'Authorization', prefix: 'Bearer ' }, onFailure: { action: 'http-status', httpStatus: 401 } } },
        { id: 'f', auth: { credential: { in: 'first-message', message: 'authMsg' }, onFailure } },
        { id: 'none' },
      ],
    } as const;
    const channel = { tagProperty: 'op', receive: { messages: [{ key: 'authMsg', tag: 'authenticate' }] } };
    const out = credentialLocations(api as never, channel);
    expect(out.find((l) => l.scheme === 'h')).toMatchObject({ in: 'header', name: 'authorization', prefix: 'Bearer ' });
    expect(out.find((l) => l.scheme === 'f')).toMatchObject({ in: 'first-message', tag: 'authenticate', tagProperty: 'op', property: 'token' });
  });
});
