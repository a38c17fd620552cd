import { channelIdOf, messageIdOf } from '../channels.ts';
import { getAt, isRecord } from '../pointer.ts';
import { derefLocal } from '../refs.ts';
import type { Check } from './context.ts';

/** Every operation's channel exists, and its messages are messages of that channel. */
export const checkOperations: Check = ({ doc, channels, report }) => {
  const operations = getAt(doc, ['operations']);
  if (!isRecord(operations)) return;
  for (const opId of Object.keys(operations)) {
    const op = derefLocal(doc, ['operations', opId]);
    if (!op.ok || !isRecord(op.value)) continue;
    const channelId = channelIdOf(op.value.channel);
    const view = channels.find((c) => c.id === channelId);
    if (!view) {
      report({
        code: 'sw/operation-channel-missing',
        severity: 'error',
        message: `operation "${opId}" must reference a channel as {$ref: '#/channels/<id>'} that exists`,
        at: [...op.at, 'channel'],
      });
      continue;
    }
    if (!Array.isArray(op.value.messages)) continue;
    op.value.messages.forEach((ref, i) => {
      const msgId = messageIdOf(ref, view.id);
      if (msgId === undefined || !view.messageIds.has(msgId)) {
        const written = isRecord(ref) && typeof ref.$ref === 'string' ? ref.$ref : JSON.stringify(ref);
        report({
          code: 'sw/operation-message-missing',
          severity: 'error',
          message: `operation "${opId}" lists ${written}, which is not a message of channel "${view.id}" (use '#/channels/${view.id}/messages/<id>')`,
          at: [...op.at, 'messages', i],
        });
      }
    });
  }
  for (const view of channels) {
    for (const m of view.messages) {
      if (!view.directions.send.has(m.id) && !view.directions.receive.has(m.id)) {
        report({
          code: 'sw/message-without-operation',
          severity: 'warning',
          message: `message "${m.id}" of channel "${view.id}" is used by no operation, so nobody sends it`,
          at: m.at,
        });
      }
    }
  }
};
