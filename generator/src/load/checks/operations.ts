import { channelIdOf, messageIdOf } from '../channels.ts';
import type { ChannelView } from '../channels.ts';
import { getAt, isRecord, parsePointer } from '../pointer.ts';
import { closest, didYouMean } from '../suggest.ts';
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
    // A local `$ref` to nothing is reported (with a suggestion) by checkRefs; saying it again here is noise.
    if (!view && danglingRef(doc, op.value.channel)) continue;
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
        if (danglingRef(doc, ref)) return;
        const written = isRecord(ref) && typeof ref.$ref === 'string' ? ref.$ref : JSON.stringify(ref);
        report({
          code: 'sw/operation-message-missing',
          severity: 'error',
          message: `operation "${opId}" lists ${written}, which is not a message of channel "${view.id}" (use '#/channels/${view.id}/messages/<id>')${messageHint(view, written)}`,
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

/** Whether `ref` is `{ $ref: '#/…' }` pointing to nothing (checkRefs' finding, not ours). */
function danglingRef(doc: unknown, ref: unknown): boolean {
  if (!isRecord(ref) || typeof ref.$ref !== 'string' || !ref.$ref.startsWith('#')) return false;
  try {
    return getAt(doc, parsePointer(ref.$ref)) === undefined;
  } catch {
    return true;
  }
}

/** A message written by the wrong path (a component's, another channel's): the channel's entry of that name, or a close one. */
function messageHint(view: ChannelView, written: string): string {
  const last = written.split('/').pop() ?? '';
  const ids = [...view.messageIds];
  const id = ids.includes(last) ? last : closest(last, ids);
  return didYouMean(id === undefined ? undefined : `#/channels/${view.id}/messages/${id}`);
}
