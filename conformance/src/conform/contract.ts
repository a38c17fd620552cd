/**
 * The contract as `conform` needs it: channels with their tags and behaviours, security schemes,
 * payload schemas (for matcher defaults) and one frame validator per channel direction, the
 * precompiled one of generated/<api>/ when it exists, the in-memory one otherwise.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultApiName } from '../../../generator/src/generate.ts';
import { buildIR } from '../../../generator/src/ir/build/index.ts';
import type { ApiIR, ChannelIR, JsonSchema } from '../../../generator/src/ir/types.ts';
import { hasErrors, loadSpec } from '../../../generator/src/load/load.ts';
import { createContractValidator } from '../../../generator/src/validate/contract-validator.ts';
import { eventTag, frameTag } from '../../../runtime/protocol/frame.ts';
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

type GeneratedValidator = (...args: unknown[]) => { ok: boolean; errors?: { pointer: string; keyword: string; message: string }[]; warnings?: { pointer: string; keyword: string; message: string }[] };

export async function loadContract(spec: string, options: { api?: string; generatedDir?: string } = {}): Promise<Contract> {
  const loaded = await loadSpec(spec, { rules: 'schema', payloadExamples: false });
  if (hasErrors(loaded.diagnostics) || loaded.document === undefined) {
    const first = loaded.diagnostics.find((d) => d.severity === 'error');
    throw new ConformError('SW_CONFORM_SPEC_INVALID', `${spec}: ${first ? `${first.line}:${first.column} ${first.message}` : 'cannot be loaded'}`);
  }
  const api = options.api ?? defaultApiName(spec);
  let ir: ApiIR;
  try {
    ir = buildIR(loaded.document, api);
  } catch (e) {
    throw new ConformError('SW_CONFORM_SPEC_INVALID', `${spec}: ${(e as Error).message}`);
  }
  const generatedFile = path.join(options.generatedDir ?? path.resolve('generated'), api, 'validators.gen.js');
  let generated: Record<string, GeneratedValidator> | undefined;
  if (existsSync(generatedFile)) {
    try {
      generated = (await import(pathToFileURL(generatedFile).href)) as Record<string, GeneratedValidator>;
    } catch {
      generated = undefined;
    }
  }
  const memory = createContractValidator(loaded.document);
  const definitions = Object.fromEntries(ir.schemas.map((s) => [s.id, s.schema]));
  const messages = new Map(ir.messages.map((m) => [m.id, m]));
  // The precompiled validators are used only when they cover every channel of the document.
  const usable = (channel: ChannelIR, direction: 'send' | 'receive') => {
    const fn = generated?.[channel[direction].validatorName];
    return typeof fn === 'function' ? fn : undefined;
  };
  const useGenerated = generated !== undefined && ir.channels.every((c) => c.transport === 'http' || (usable(c, 'send') && usable(c, 'receive')));

  return {
    api,
    spec,
    ir,
    definitions,
    validatorSource: useGenerated ? path.relative(process.cwd(), generatedFile) : 'in-memory',
    channel: (id) => ir.channels.find((c) => c.id === id),
    validator(channel, direction) {
      const fn = useGenerated ? usable(channel, direction) : undefined;
      return (payload, event) => {
        const tag = frameTag(channel, payload, event);
        try {
          if (fn) {
            const r = channel.transport === 'sse' ? fn(eventTag(event), payload) : fn(payload);
            return { ok: r.ok, tag, errors: r.ok ? [] : (r.errors ?? []), ...(r.ok && r.warnings ? { warnings: r.warnings } : {}) };
          }
          const r = memory.validate(channel.id, direction, { payload, ...(event !== undefined ? { event } : {}) });
          return { ok: r.ok, tag: r.ok ? r.tag : tag, errors: r.ok ? [] : r.errors };
        } catch (e) {
          return { ok: false, tag, errors: [{ pointer: '', keyword: 'internal', message: (e as Error).message }] };
        }
      };
    },
    payloadSchema(channel, direction, tag) {
      const entry = channel[direction].messages.find((m) => m.tag === tag) ?? (channel[direction].messages.length === 1 ? channel[direction].messages[0] : undefined);
      const message = entry ? messages.get(entry.message) : undefined;
      return message ? definitions[message.payload] : undefined;
    },
  };
}
