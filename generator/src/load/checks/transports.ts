import { channelTransport } from '../transport.ts';
import type { Check } from './context.ts';

/** Says which channels get no server or client stub, and where the transport was a guess. */
export const checkTransports: Check = ({ doc, channels, report }) => {
  for (const view of channels) {
    const t = channelTransport(doc, view);
    if (t.kind === 'none') {
      report({
        code: 'sw/generate-skipped',
        severity: 'info',
        message: `channel "${view.id}" gets no server or client stub: ${t.why}. streamwright generates its models, validators and metadata (its runtime speaks WebSocket, SSE and HTTP at known addresses)`,
        at: view.at,
      });
    } else if (t.alsoPossible) {
      report({
        code: 'sw/transport-ambiguous',
        severity: 'warning',
        message: `channel "${view.id}" is on both ${t.kind} and ${t.alsoPossible} servers; it is generated as ${t.kind === 'ws' ? 'a WebSocket' : t.kind}. Add \`bindings: { ${t.kind}: {} }\` to the channel (or list its servers) to say so`,
        at: view.at,
      });
    }
  }
};
