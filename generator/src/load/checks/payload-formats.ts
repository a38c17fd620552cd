import { getAt, isRecord, toPointer, type PathSegment } from '../pointer.ts';
import { payloadLocation } from '../payload.ts';
import type { Check } from './context.ts';

/** A payload in a schema format that is not JSON Schema (Avro, Protobuf…) is generated as `unknown`. */
export const checkPayloadFormats: Check = ({ doc, channels, report }) => {
  const targets = new Map<string, PathSegment[]>();
  const components = getAt(doc, ['components', 'messages']);
  if (isRecord(components)) for (const id of Object.keys(components)) targets.set(toPointer(['components', 'messages', id]), ['components', 'messages', id]);
  for (const view of channels) for (const m of view.messages) targets.set(toPointer(m.target), m.target);
  for (const target of targets.values()) {
    const where = payloadLocation(doc, target);
    if (where.kind !== 'unsupported') continue;
    report({
      code: 'sw/schema-format-unsupported',
      severity: 'warning',
      message: `the payload of message "${String(target[target.length - 1])}" is ${where.format}, not JSON Schema: it is typed \`unknown\` and not validated. Add a JSON Schema (\`application/schema+json\`) payload to get types and validation`,
      at: where.at,
    });
  }
};
