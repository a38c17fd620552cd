import { describe, expect, it } from 'vitest';
import { logRecord, redact } from '../../runtime/server/log.ts';
import { StreamwrightError } from '../../runtime/errors.ts';

const NOW = () => new Date('2026-01-02T03:04:05.000Z');

// [name, { given: a message, want: what a log may show }]
const cases: [string, { given: string; want: string }][] = [
  ['a bearer token', { given: 'rejected Authorization: Bearer abc.def.ghi', want: 'rejected Authorization: Bearer [redacted]' }],
  ['a cookie', { given: 'cookie session=s3cr3t; theme=dark', want: 'cookie session=[redacted]; theme=dark' }],
  ['a query token', { given: '/ws?token=abc&x=1', want: '/ws?token=[redacted]&x=1' }],
  ['a subprotocol key', { given: 'protocol x-api-key.agnt5_dev_1234 refused', want: 'protocol [redacted] refused' }],
  ['a JWT', { given: 'bad eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln here', want: 'bad [redacted] here' }],
  ['a long opaque token', { given: 'key 0123456789abcdef0123456789abcdef00 unknown', want: 'key [redacted] unknown' }],
  ['a known secret', { given: 'login as hunter2 failed', want: 'login as [redacted] failed' }],
  // Found by `npm run fuzz` (reliability/jwt.js): `\btoken=` never matched inside `access_token=`.
  ['an opaque query access_token', { given: 'nothing at GET /x?access_token=opaque1&y=2', want: 'nothing at GET /x?access_token=[redacted]&y=2' }],
  ['an opaque refresh_token and session_id', { given: '/x?refresh_token=r1&session_id=s1', want: '/x?refresh_token=[redacted]&session_id=[redacted]' }],
];

describe('runtime log records', () => {
  it.each(cases)('redact hides %s', (_, { given, want }) => expect(redact(given, ['hunter2'])).toBe(want));

  it('one record per event: stable code, level, where, no control characters', () => {
    expect(
      logRecord(
        new StreamwrightError('SW_AUTH_INVALID', 'token hunter2\\x1b[2J'.replace('\\x1b', '\u001b')),
        { api: 'a', channel: 'c', connection: 3 },
        { secrets: ['hunter2'], now: NOW },
      ),
    ).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'warn',
      code: 'SW_AUTH_INVALID',
      message: 'token [redacted] [2J',
      api: 'a',
      channel: 'c',
      connection: 3,
    });
    expect(logRecord(new Error('boom'), undefined, { now: NOW })).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'error',
      code: 'SW_INTERNAL',
      message: 'boom',
    });
  });

  // Found by `npm run fuzz`: a client asking for a path that is no channel, a full endpoint or a
  // peer that stopped answering logged at level error, as if the server had failed.
  it.each(['SW_NOT_FOUND', 'SW_TOO_MANY_CONNECTIONS', 'SW_PONG_TIMEOUT', 'SW_FRAME_PROTOCOL'] as const)('%s is what a client did: level warn', (code) => {
    expect(logRecord(new StreamwrightError(code), undefined, { now: NOW }).level).toBe('warn');
  });
  it('a server fault stays at level error', () => {
    expect(logRecord(new StreamwrightError('SW_HANDLER_FAILED'), undefined, { now: NOW }).level).toBe('error');
    expect(logRecord(new StreamwrightError('SW_OUTBOUND_INVALID'), undefined, { now: NOW }).level).toBe('error');
  });
});
