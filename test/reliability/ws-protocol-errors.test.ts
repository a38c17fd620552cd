import { afterEach, describe, expect, it } from 'vitest';
import { signJwt } from '../../runtime/auth/jwt.ts';
import { logRecord } from '../../runtime/server/log.ts';
import { createSteadybaseReference, type SteadybaseReference } from '../../reference-server/steadybase/index.ts';
import { RawWs } from '../support/ws.ts';

// Found by `npm run fuzz` (reliability/fuzz.js): a text frame that is not UTF-8 was reported as
// ws's own error (`WS_ERR_INVALID_UTF8`, no SW code), which `serve` logs at level `error`, as if
// the server had failed. It is the client's frame that broke the protocol: a warning with our code.

const SECRET = new TextEncoder().encode('ws-protocol-errors-secret-0123456789');
let ref: SteadybaseReference | undefined;
afterEach(async () => {
  await ref?.close();
  ref = undefined;
});

async function start() {
  const errors: (Error & { code?: string; status?: number })[] = [];
  ref = createSteadybaseReference({ secrets: { jwtSecret: SECRET }, onError: (e) => errors.push(e) });
  const { port } = await ref.listen(0, '127.0.0.1');
  const token = await signJwt({ sub: 'fuzz' }, SECRET);
  return { errors, connect: () => new RawWs(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` } }) };
}

describe('a frame that breaks the WebSocket protocol', () => {
  it.each([
    ['bad continuation byte', [0xc3, 0x28]],
    ['UTF-16 surrogate half', [0xed, 0xa0, 0x80]],
    ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('text that is not UTF-8 (%s): close 1007, reported as SW_FRAME_PROTOCOL at level warn, the server stays up', async (_name, bytes) => {
    const { errors, connect } = await start();
    const c = connect();
    await c.opened();
    c.ws.send(Buffer.concat([Buffer.from('{"type":"'), Buffer.from(bytes), Buffer.from('"}')]), { binary: false });
    await c.until(() => c.closed !== undefined);
    expect(c.closed!.code).toBe(1007);
    const reported = errors.find((e) => e.code === 'SW_FRAME_PROTOCOL');
    expect(reported?.status).toBe(1007);
    expect(errors.map((e) => e.code)).not.toContain('WS_ERR_INVALID_UTF8');
    expect(logRecord(reported!).level).toBe('warn');
    // Still serving: the next client's frame is answered as the contract says.
    const d = connect();
    await d.opened();
    d.ws.send('{}');
    await d.until(() => d.ofType('error').length === 1);
    expect(d.ofType('error')[0]!.code).toBe('unsupported_message');
  });
});
