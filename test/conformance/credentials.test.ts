import { describe, expect, it } from 'vitest';
import { Credentials, parseCredentials, servedApi } from '../../conformance/src/conform/credentials.ts';

describe('parseCredentials', () => {
  it('reads a plain object of scheme → value or values', () => {
    const c = parseCredentials('{"bearer":"t","apiKey":["k1","k2"]}');
    expect(c.all).toEqual([
      { scheme: 'bearer', value: 't' },
      { scheme: 'apiKey', value: 'k1' },
      { scheme: 'apiKey', value: 'k2' },
    ]);
  });

  it('reads `serve --json` lines, only the asked API, keeping usage, principal and expiry', () => {
    const text = [
      'banner of npm start',
      JSON.stringify({ api: 'a', credentials: [{ scheme: 's', value: 'A', principal: 'p', usage: 'u', expiresAt: '2026-01-01T00:00:00Z', extra: 1 }] }),
      JSON.stringify({ api: 'b', credentials: [{ scheme: 's', value: 'B' }] }),
    ].join('\n');
    expect(parseCredentials(text, 'a', { serveOutput: true }).all).toEqual([
      { scheme: 's', value: 'A', principal: 'p', usage: 'u', expiresAt: '2026-01-01T00:00:00Z' },
    ]);
    expect(() => parseCredentials(text, 'a')).toThrow(expect.objectContaining({ code: 'SW_CONFORM_CREDENTIALS_INVALID' }));
  });

  it('refuses malformed entries with a stable code', () => {
    for (const bad of ['[1]', '{"s":5}', '{"credentials":[{"scheme":"s"}]}', '{"transcripts":{"t":{"s":1}}}']) {
      expect(() => parseCredentials(bad), bad).toThrow(expect.objectContaining({ code: 'SW_CONFORM_CREDENTIALS_INVALID' }));
    }
    expect(parseCredentials('  ').all).toEqual([]);
  });

  it('per-transcript values replace the general ones for that transcript only', () => {
    const c = parseCredentials('{"s":"general","t":"other","transcripts":{"rec-1":{"s":"own"}}}');
    expect(c.forTranscript('rec-1').pick('/x')).toEqual({ s: 'own', t: 'other' });
    expect(c.forTranscript('rec-2').pick('/x')).toEqual({ s: 'general', t: 'other' });
  });
});

describe('Credentials', () => {
  const c = new Credentials([
    { scheme: 's', value: 'user', principal: 'user' },
    { scheme: 's', value: 'agent', principal: 'agent-02' },
    { scheme: 's', value: 'run', usage: 'for /runs/r1/logs only' },
    { scheme: 'k', value: 'key', expiresAt: '2026-01-01T00:00:00Z' },
  ]);

  it('pick: the credential whose usage names the path, else the default principal', () => {
    expect(c.pick('/runs/r1/logs')).toEqual({ s: 'run', k: 'key' });
    expect(c.pick('/runs/r2/logs')).toEqual({ s: 'user', k: 'key' });
  });

  it('forPrincipal keeps that principal for its schemes and the general ones elsewhere', () => {
    expect(c.forPrincipal('agent-02').pick('/x')).toEqual({ s: 'agent', k: 'key' });
    expect(c.principals()).toEqual(['user', 'agent-02']);
  });

  it('expiredBy lists the credentials expired at an instant', () => {
    expect(c.expiredBy(Date.parse('2025-12-31T00:00:00Z'))).toEqual([]);
    expect(c.expiredBy(Date.parse('2026-01-01T00:00:00Z')).map((x) => x.value)).toEqual(['key']);
  });
});

describe('servedApi', () => {
  it('finds the API line of serve output, skipping other lines', () => {
    const text = `hello\n${JSON.stringify({ api: 'b', origin: 'http://127.0.0.1:1' })}\n${JSON.stringify({ api: 'a', origin: 'http://127.0.0.1:2', timeScale: 0.1 })}`;
    expect(servedApi(text, 'a')).toMatchObject({ api: 'a', origin: 'http://127.0.0.1:2', timeScale: 0.1 });
    expect(servedApi(text, 'zzz')).toBeUndefined();
  });
});
