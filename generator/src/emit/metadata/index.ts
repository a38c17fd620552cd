import type { ApiIR, ChannelDirectionIR, ChannelIR } from '../../ir/types.ts';
import { jsLiteral } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import { header } from '../header.ts';
import type { EmittedFile } from '../types.ts';

/**
 * `metadata.gen.ts`: the API as data for the runtime: servers, channels with their addresses,
 * parameters, tags and behaviours (heartbeat, limits, SSE, errors, reconnection), security.
 */
export function emitMetadata(api: ApiIR): EmittedFile {
  const typeNames = new Map(api.messages.map((m) => [m.id, m.typeName]));
  const direction = (d: ChannelDirectionIR) => ({
    messages: d.messages.map((cm) => ({ key: cm.key, tag: cm.tag, type: typeNames.get(cm.message)! })),
    operations: d.operations.map(({ pointer: _pointer, ...op }) => op),
  });
  const channel = (c: ChannelIR) => {
    const { send, receive, typeName: _t, pointer: _p, ...rest } = c;
    return { ...rest, send: direction(send), receive: direction(receive) };
  };
  const data = {
    name: api.name,
    title: api.title,
    version: api.version,
    servers: api.servers.map(({ pointer: _p, ...s }) => s),
    securitySchemes: api.securitySchemes.map(({ pointer: _p, ...s }) => s),
    ...(api.reconnect ? { reconnect: api.reconnect } : {}),
    channels: Object.fromEntries(api.channels.map((c) => [c.id, channel(c)])),
  };
  return {
    path: 'metadata.gen.ts',
    contents: render('metadata/metadata.hbs', {
      headerCode: header(api, 'The API as data: what the runtime reads to serve and to connect.'),
      dataCode: jsLiteral(data),
    }),
  };
}
