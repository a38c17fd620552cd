/**
 * The contract as `conform` needs it: channels with their tags and behaviours, security schemes,
 * payload schemas (for matcher defaults) and one frame validator per channel direction, the
 * precompiled one of generated/<api>/ when it exists, the in-memory one otherwise.
 */
import path from 'node:path';
import {
  frameTag,
  frameValidators,
  importGeneratedValidators,
  loadContract as loadDocument,
  type ApiIR,
  type ChannelIR,
  type JsonSchema,
} from '../../../generator/src/contract/index.ts';
import { ConformError } from './errors.ts';

export interface FrameCheck {
  ok: boolean;
  /** The tag the frame was dispatched on, when it had a known one. */
  tag: string | null;
  errors: { pointer: string; keyword: string; message: string }[];
  /** On a valid frame: properties and values the contract does not know (generated validators only). */
  warnings?: { pointer: string; keyword: string; message: string }[];
}

export type FrameValidator = (payload: unknown, event?: string) => FrameCheck;

export interface Contract {
  api: string;
  spec: string;
  ir: ApiIR;
  channel(id: string): ChannelIR | undefined;
  /** Validates a payload received (`send`, server → client) or sent (`receive`) on a channel. */
  validator(channel: ChannelIR, direction: 'send' | 'receive'): FrameValidator;
  /** The payload schema of a message tag on a channel direction, with `#/definitions/` refs. */
  payloadSchema(channel: ChannelIR, direction: 'send' | 'receive', tag: string | null): JsonSchema | undefined;
  definitions: Record<string, JsonSchema>;
  /** Where validators came from: `generated/<api>/validators.gen.js` or `in-memory`. */
  validatorSource: string;
}

export async function loadContract(spec: string, options: { api?: string; generatedDir?: string } = {}): Promise<Contract> {
  const loaded = await loadDocument(spec, { payloadExamples: false, ...(options.api !== undefined ? { name: options.api } : {}) });
  if (!loaded.ok) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    const unsupported = first?.code === 'sw/generate-unsupported';
    throw new ConformError(
      'SW_CONFORM_SPEC_INVALID',
      `${spec}: ${first && !unsupported ? `${first.line}:${first.column} ${first.message}` : (first?.message ?? 'cannot be loaded')}`,
    );
  }
  const { name: api, ir } = loaded.contract;
  const generatedFile = path.join(options.generatedDir ?? path.resolve('generated'), api, 'validators.gen.js');
  const validators = frameValidators(loaded.contract, await importGeneratedValidators(generatedFile));
  const definitions = Object.fromEntries(ir.schemas.map((s) => [s.id, s.schema]));
  const messages = new Map(ir.messages.map((m) => [m.id, m]));

  return {
    api,
    spec,
    ir,
    definitions,
    validatorSource: validators.source === 'generated' ? path.relative(process.cwd(), generatedFile) : 'in-memory',
    channel: (id) => ir.channels.find((c) => c.id === id),
    validator(channel, direction) {
      return (payload, event) => {
        const tag = frameTag(channel, payload, event);
        try {
          const r = validators.validate(channel, direction, payload, event);
          if (!r.ok) return { ok: false, tag, errors: r.errors };
          return { ok: true, tag: r.tag !== undefined ? r.tag : tag, errors: [], ...(r.warnings ? { warnings: r.warnings } : {}) };
        } catch (e) {
          return { ok: false, tag, errors: [{ pointer: '', keyword: 'internal', message: (e as Error).message }] };
        }
      };
    },
    payloadSchema(channel, direction, tag) {
      const entry =
        channel[direction].messages.find((m) => m.tag === tag) ?? (channel[direction].messages.length === 1 ? channel[direction].messages[0] : undefined);
      const message = entry ? messages.get(entry.message) : undefined;
      return message ? definitions[message.payload] : undefined;
    },
  };
}
