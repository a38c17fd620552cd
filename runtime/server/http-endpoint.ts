/** An HTTP channel: `application/json`, a bounded body, validated before the handler sees it. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelDescription } from '../contract.ts';
import { readJson } from '../protocol/frame.ts';
import { json, readBody } from './http-io.ts';
import type { ConnectionInfo, HttpChannelHandlers, RuntimeServerOptions } from './types.ts';
import type { ChannelValidatorCache } from './validators.ts';

const MAX_HTTP_BODY = 1 << 20;

export async function serveHttp(
  options: RuntimeServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  channel: ChannelDescription,
  info: ConnectionInfo,
  validators: ChannelValidatorCache,
  report: (error: Error) => void,
): Promise<void> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/json') return json(res, 415, { error: 'send application/json' });
  let text: string;
  try {
    text = await readBody(req, MAX_HTTP_BODY);
  } catch {
    // The client is told why, then the connection closes: the rest of the body is not read.
    res.shouldKeepAlive = false;
    res.once('finish', () => req.socket.destroySoon?.());
    return json(res, 413, { error: `body over ${MAX_HTTP_BODY} bytes` });
  }
  const body = readJson(text);
  if (!body.ok) return json(res, 400, { error: 'invalid_json', details: [{ pointer: '', keyword: 'json', message: 'the body is not JSON' }] });
  let loaded;
  try {
    loaded = await validators.load(channel.id);
  } catch (e) {
    report(e as Error);
    return json(res, 500, { error: 'internal_error' });
  }
  const verdict = loaded?.receive?.(body.value);
  if (verdict && !verdict.ok) return json(res, 400, { error: 'invalid_body', details: verdict.errors });
  const handler = options.handlers[channel.id] as HttpChannelHandlers | undefined;
  if (!handler?.request) return json(res, 501, { error: 'not implemented' });
  const result = await handler.request(body.value, info);
  return json(res, result.status, result.body);
}
