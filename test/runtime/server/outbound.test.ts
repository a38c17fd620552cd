import { describe, expect, it } from 'vitest';
import { StreamwrightError } from '../../../runtime/errors.ts';
import { OutboundCheck } from '../../../runtime/server/outbound.ts';
import type { ValidationResult } from '../../../runtime/server/types.ts';

const verdict = (ok: boolean): ValidationResult => (ok ? { ok } : { ok, errors: [{ pointer: '/n', keyword: 'type', message: 'must be number' }] });

describe('OutboundCheck', () => {
  const validators = {
    ws: { send: (data: unknown) => verdict(typeof (data as { n?: unknown }).n === 'number') },
    sse: { send: (event: string, data: unknown) => verdict(event === 'tick' && typeof (data as { n?: unknown }).n === 'number') },
  };

  it('lets a valid message and event through', () => {
    const check = new OutboundCheck({ validators });
    expect(() => check.message('ws', { n: 1 }, 'send')).not.toThrow();
    expect(() => check.event('sse', 'tick', { n: 1 }, 'publish')).not.toThrow();
    expect(() => check.message('no-such-channel', 'anything', 'send')).not.toThrow();
  });

  it('refuses an invalid one with SW_OUTBOUND_INVALID, the errors and what was attempted', () => {
    const check = new OutboundCheck({ validators });
    let error: unknown;
    try {
      check.event('sse', 'tick', { n: 'x' }, 'publish');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamwrightError);
    expect(error).toMatchObject({
      code: 'SW_OUTBOUND_INVALID',
      message: 'refusing to publish an invalid tick on sse: /n must be number',
      details: [{ pointer: '/n' }],
    });
    expect(() => check.message('ws', { n: 'x' }, 'broadcast')).toThrow(/refusing to broadcast an invalid message on ws/);
  });

  it('checks nothing when outbound validation is off', () => {
    const check = new OutboundCheck({ validators, validateOutbound: false });
    expect(() => check.message('ws', { n: 'x' }, 'send')).not.toThrow();
  });
});
