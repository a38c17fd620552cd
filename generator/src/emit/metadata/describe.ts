import type { ApiDescription, ChannelDescription } from '../../../../runtime/index.ts';
import type { ApiIR, ChannelDirectionIR, ChannelIR } from '../../ir/types.ts';

/**
 * The API as data, the runtime's `ApiDescription`: the IR without source pointers, messages by
 * type name. metadata.gen.ts is this, written out; the mock serves it from memory.
 */
export function describeApi(ir: ApiIR): ApiDescription {
  const typeNames = new Map(ir.messages.map((m) => [m.id, m.typeName]));
  const direction = (d: ChannelDirectionIR) => ({
    messages: d.messages.map((cm) => ({ key: cm.key, tag: cm.tag, type: typeNames.get(cm.message)! })),
    operations: d.operations.map(({ pointer: _pointer, ...op }) => op),
  });
  const channel = (c: ChannelIR): ChannelDescription => {
    const { send, receive, typeName: _t, pointer: _p, stubless: _s, ...rest } = c;
    return { ...rest, send: direction(send), receive: direction(receive) };
  };
  return {
    name: ir.name,
    title: ir.title,
    version: ir.version,
    servers: ir.servers.map(({ pointer: _p, ...s }) => s),
    securitySchemes: ir.securitySchemes.map(({ pointer: _p, authDerived: _d, ...s }) => s),
    ...(ir.reconnect ? { reconnect: ir.reconnect } : {}),
    // The runtime serves what it can speak; a Kafka or AMQP channel has models and validators only.
    channels: Object.fromEntries(ir.channels.filter((c) => c.stubless === undefined).map((c) => [c.id, channel(c)])),
  };
}
