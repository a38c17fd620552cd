import { describe, expect, it } from 'vitest';
import { compileAddress } from '../../runtime/address.ts';

/** The pathname a request for `path` arrives with, as node's URL parser spells it. */
const arriving = (path: string) => new URL(path, 'http://127.0.0.1').pathname;

// [template, { given: a request path as a client may write it, want: the params, or undefined }]
const cases: [string, { given: string; want: Record<string, string> | undefined }][] = [
  ['/rooms/{room}', { given: '/rooms/blue', want: { room: 'blue' } }],
  ['/rooms/{room}', { given: '/rooms/a%2Fb', want: { room: 'a/b' } }],
  ['/rooms/{room}', { given: '/rooms/a/b', want: undefined }],
  ['/café/{id}', { given: '/café/1', want: { id: '1' } }],
  ['/café/{id}', { given: '/caf%C3%A9/1', want: { id: '1' } }],
  ['/café/{id}', { given: '/caf%c3%a9/1', want: { id: '1' } }],
  ['/a b/stream', { given: '/a%20b/stream', want: {} }],
  ['/a b/stream', { given: '/a b/stream', want: {} }],
  ['/v1:stream', { given: '/v1%3Astream', want: {} }],
  ['/api/{x}', { given: '/%61pi/1', want: { x: '1' } }],
  ['/api/{x}', { given: '/api/%E0%A4%A', want: undefined }],
];

describe('compileAddress', () => {
  it.each(cases)('%s matches %s', (template, { given, want }) => {
    const params = compileAddress(template).match(arriving(given));
    expect(params === undefined ? undefined : { ...params }).toEqual(want);
  });

  it.each(['/café/{id}', '/a b/stream', '/v1:stream/{id}', '/rooms/{room}'])('%s: a formatted path is reachable through a URL', (template) => {
    const address = compileAddress(template);
    const url = new URL(address.format({ id: 'x y', room: 'r/1' }), 'http://127.0.0.1');
    expect(address.match(url.pathname)).toBeDefined();
  });
});
