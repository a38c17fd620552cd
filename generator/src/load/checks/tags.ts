import { DIRECTIONS, tagOf } from '../channels.ts';
import type { Check } from './context.ts';

const ARROW = { send: 'server → client', receive: 'client → server' } as const;

/** Every message on a channel has a tag that is unique in its direction. */
export const checkTags: Check = ({ doc, channels, report }) => {
  for (const view of channels) {
    for (const direction of DIRECTIONS) {
      const ids = view.directions[direction];
      const messages = view.messages.filter((m) => ids.has(m.id));
      const byTag = new Map<string, string>();
      for (const m of messages) {
        const tag = tagOf(doc, view, m);
        if (tag.kind === 'missing') {
          report({ code: 'sw/tag-missing', severity: 'error', message: `message "${m.id}" on channel "${view.id}" has no tag: ${tag.why}`, at: m.at });
        } else if (tag.kind === 'external') {
          report({ code: 'sw/external-unchecked', severity: 'warning', message: `the payload of message "${m.id}" is ${tag.ref}; its tag is not checked`, at: m.at });
        } else if (tag.kind === 'untagged') {
          if (messages.length > 1) {
            report({
              code: 'sw/untagged-not-alone',
              severity: 'error',
              message: `message "${m.id}" is untagged but channel "${view.id}" has ${messages.length} messages ${ARROW[direction]}`,
              at: m.at,
            });
          }
        } else {
          const other = byTag.get(tag.value);
          if (other !== undefined) {
            report({
              code: 'sw/tag-duplicate',
              severity: 'error',
              message: `messages "${other}" and "${m.id}" on channel "${view.id}" (${ARROW[direction]}) share the tag "${tag.value}"`,
              at: m.at,
            });
          } else {
            byTag.set(tag.value, m.id);
          }
        }
      }
    }
  }
};
