import type { ApiDescription, ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import { planAuth } from './auth.ts';
import { resolveEnvironment } from './environment.ts';
import type { ClientAuth, ClientOptions, FetchLike, ValidationResult } from './types.ts';
import { channelUrl, type Target } from './url.ts';

export interface HttpResponse<Body = unknown> {
  status: number;
  /** The JSON body, or undefined when there was none or it was not JSON. */
  body: Body | undefined;
}

/**
 * One request to a plain HTTP endpoint of the contract (e.g. one that feeds a stream): the body is
 * validated first (SW_OUTBOUND_INVALID, nothing sent), the credential goes as the contract says.
 */
export async function httpRequest(
  api: ApiDescription,
  channel: ChannelDescription,
  config: { target: Target; auth: ClientAuth | undefined; options: ClientOptions; validate?: (data: unknown) => ValidationResult },
  body: unknown,
): Promise<HttpResponse> {
  if (config.validate && config.options.validateOutbound !== false) {
    const verdict = config.validate(body);
    if (!verdict.ok)
      throw new StreamwrightError(
        'SW_OUTBOUND_INVALID',
        `request body breaks the contract of ${channel.id}: ${(verdict.errors ?? []).map((e) => `${e.pointer || '(root)'} ${e.message}`).join('; ')}`,
        { details: verdict.errors ?? [] },
      );
  }
  const browser = resolveEnvironment(config.options.environment) === 'browser';
  const plan = await planAuth(api, channel, config.auth, browser, 'http');
  const url = channelUrl(api, channel, 'http', config.target, {}, plan.query);
  const fetchFn: FetchLike | undefined = config.options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
  if (!fetchFn) throw new StreamwrightError('SW_TRANSPORT_UNAVAILABLE', 'no fetch implementation; pass options.fetch');
  const method = channel.receive.operations[0]?.httpMethod ?? 'POST';
  const response = await fetchFn(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(browser ? {} : (config.options.headers ?? {})), ...plan.headers },
    body: JSON.stringify(body),
    credentials: plan.withCredentials ? 'include' : 'same-origin',
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.status === 401 || response.status === 403)
    throw new StreamwrightError('SW_AUTH_REJECTED', `the server refused the credential (HTTP ${response.status})`, { status: response.status });
  return { status: response.status, body: parsed };
}
