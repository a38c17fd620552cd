/**
 * A WebSocket channel's upgrade: the query checked against the contract, authentication, the
 * connection limit and the application's early refusal answered with HTTP statuses before the
 * upgrade; then a WsSession, whose own `authorize` step refuses with the contract's error and
 * close code when the credential comes in the first message.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Principal } from '../auth/authenticate.ts';
import type { ChannelDescription } from '../contract.ts';
import { StreamwrightError } from '../errors.ts';
import type { ConnectionLimits } from './connection-limits.ts';
import type { Fanout } from './fanout.ts';
import { rejectUpgrade } from './http-io.ts';
import type { OutboundCheck } from './outbound.ts';
import { malformedQuery, requiredQuery } from './query.ts';
import { authenticateRequest, schemesFor } from './security.ts';
import { CLOSE, type ConnectionInfo, type RuntimeServerOptions, type WsChannelHandlers } from './types.ts';
import { WsSession } from './ws-session.ts';

export interface UpgradeContext {
  options: RuntimeServerOptions;
  fanout: Fanout;
  outbound: OutboundCheck;
  limits: ConnectionLimits;
  report(error: Error, channel?: string, connection?: number): void;
  /** What handlers learn about the connection, with its one id. */
  info(req: IncomingMessage, url: URL, channel: ChannelDescription, params: Record<string, string>, principal: Principal | undefined): ConnectionInfo;
}

const ACCEPTED_PROTOCOL = Symbol('streamwright.acceptedProtocol');
type RequestWithProtocol = IncomingMessage & { [ACCEPTED_PROTOCOL]?: string };

/** The `ws` server of one channel (no server of its own: upgrades are routed to it). */
export function channelSocketServer(channel: ChannelDescription): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: channel.limits?.maxMessageBytes?.limit ?? 1 << 20,
    // The subprotocol authentication accepted (an API key sent as one), echoed back.
    handleProtocols: (_protocols, req) => (req as RequestWithProtocol)[ACCEPTED_PROTOCOL] ?? false,
    perMessageDeflate: false,
  });
}

export async function upgrade(
  ctx: UpgradeContext,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  channel: ChannelDescription,
  params: Record<string, string>,
  url: URL,
): Promise<void> {
  const missing = requiredQuery(channel).filter((name) => !url.searchParams.get(name));
  if (missing.length > 0) return rejectUpgrade(socket, 400, `missing query parameter ${missing.join(', ')}`);
  const schemes = schemesFor(ctx.options.api, channel);
  // A credential in the query is judged by authentication (401), not by its schema (400).
  const credentials = new Set(
    schemes.flatMap((s) => {
      const credential = s.auth?.credential;
      if (credential?.in === 'query' && credential.name) return [credential.name];
      return s.in === 'query' && s.name ? [s.name] : [];
    }),
  );
  const malformed = malformedQuery(channel, url.searchParams).filter((name) => !credentials.has(name));
  if (malformed.length > 0) return rejectUpgrade(socket, 400, `malformed query parameter ${malformed.join(', ')}`);

  const outcome = await authenticateRequest(req, url, schemes, ctx.options.auth);
  if (outcome.kind === 'rejected' && outcome.onFailure.action === 'http-status') {
    ctx.report(outcome.error, channel.id);
    return rejectUpgrade(socket, outcome.onFailure.httpStatus ?? 401, outcome.error.message);
  }
  const principal = outcome.kind === 'accepted' ? outcome.principal : undefined;
  const maxConnections = channel.limits?.maxConnections;
  const overLimit = maxConnections !== undefined && (await ctx.limits.full(ctx.limits.keyOf(channel, url, principal), maxConnections.limit));
  if (overLimit && maxConnections.onExceed.action === 'reject') {
    ctx.report(new StreamwrightError('SW_TOO_MANY_CONNECTIONS', undefined, { status: maxConnections.onExceed.httpStatus ?? 429 }), channel.id);
    return rejectUpgrade(socket, maxConnections.onExceed.httpStatus ?? 429, 'too many connections');
  }
  const handlers = (ctx.options.handlers[channel.id] ?? {}) as WsChannelHandlers;
  // One connection, one id: the early refusal and the session see the same.
  const info = ctx.info(req, url, channel, params, principal);
  // With the principal known now, the application can refuse before the upgrade (e.g. 404).
  const early = outcome.kind === 'accepted' ? await handlers.authorize?.(info) : undefined;
  if (early && 'httpStatus' in early) return rejectUpgrade(socket, early.httpStatus, 'refused');
  if (outcome.kind === 'accepted' && outcome.protocol) (req as RequestWithProtocol)[ACCEPTED_PROTOCOL] = outcome.protocol;
  // A lazy channel's first connection imports its validators here, before the upgrade: no frame
  // can arrive until then, and every frame after is validated synchronously, in order.
  try {
    await ctx.outbound.validators.load(channel.id);
  } catch (e) {
    ctx.report(e as Error, channel.id, info.id);
    return rejectUpgrade(socket, 500, 'internal error');
  }

  wss.handleUpgrade(req, socket, head, (ws) => {
    const session = new WsSession({
      id: info.id,
      ws,
      socket,
      channel,
      params,
      url,
      request: req,
      principal,
      pendingScheme: outcome.kind === 'pending' ? outcome.scheme : undefined,
      handlers,
      options: ctx.options,
      outbound: ctx.outbound,
      authorize: async (s) => {
        const refuse = (errorCode: string | undefined, closeCode: number, message: string) => {
          if (errorCode) s.sendError(errorCode, message);
          s.close(closeCode, message);
          return false;
        };
        if (outcome.kind === 'rejected') {
          ctx.report(outcome.error, channel.id);
          return refuse(outcome.onFailure.errorCode, outcome.onFailure.closeCode ?? CLOSE.policy, outcome.error.message);
        }
        const key = ctx.limits.keyOf(channel, url, s.principal);
        const tooMany = () => {
          ctx.report(new StreamwrightError('SW_TOO_MANY_CONNECTIONS'), channel.id);
          return refuse(maxConnections?.onExceed.errorCode, maxConnections?.onExceed.closeCode ?? CLOSE.policy, 'too many connections');
        };
        if (maxConnections && key !== undefined && (overLimit || (await ctx.limits.full(key, maxConnections.limit)))) return tooMany();
        const refusal = outcome.kind === 'accepted' ? early : await handlers.authorize?.(s);
        if (refusal) return 'errorCode' in refusal ? refuse(refusal.errorCode, refusal.closeCode, refusal.message) : refuse(undefined, CLOSE.policy, 'refused');
        // Only connections that got through count towards the limit (on every instance of the bus).
        if (maxConnections && key !== undefined) {
          if (!(await ctx.limits.take(s, key, maxConnections.limit))) return tooMany();
          // The socket may have closed while the count was taken (onClosed found nothing to release then).
          if (!ctx.fanout.sessions.has(s)) {
            ctx.limits.release(s);
            return false;
          }
        }
        return true;
      },
      onClosed: (s) => {
        ctx.fanout.sessions.delete(s);
        ctx.limits.release(s);
      },
    });
    ctx.fanout.sessions.add(session);
  });
}
