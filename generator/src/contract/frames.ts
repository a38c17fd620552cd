import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { eventTag } from '../../../runtime/protocol/index.ts';
import type { ChannelIR, Direction } from '../ir/types.ts';
import type { ValidationError } from '../validate/ajv.ts';
import { createContractValidator } from '../validate/contract-validator.ts';
import type { LoadedContract } from './load.ts';

/** The exports of a `validators.gen.js`, as imported. */
export type GeneratedValidators = Record<string, unknown>;

/** A `validators.gen.js` module, or undefined when the file is missing or does not load. */
export async function importGeneratedValidators(file: string): Promise<GeneratedValidators | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return (await import(pathToFileURL(file).href)) as GeneratedValidators;
  } catch {
    return undefined;
  }
}

export type FrameResult =
  /** `tag`: the tag of the message the in-memory validator picked (absent from precompiled verdicts). */
  { ok: true; tag?: string | null; warnings?: ValidationError[] } | { ok: false; errors: ValidationError[] };

export interface FrameValidators {
  /** `generated` when the precompiled validators are used, `in-memory` otherwise. */
  readonly source: 'generated' | 'in-memory';
  /** Validates a frame sent server → client (`send`) or client → server (`receive`) on a channel. */
  validate(channel: ChannelIR, direction: Direction, payload: unknown, event?: string): FrameResult;
}

type Generated = (...args: unknown[]) => { ok: boolean; errors?: ValidationError[]; warnings?: ValidationError[] };

/**
 * Frame validators for a loaded contract: the precompiled ones of `generated` when they cover
 * every WebSocket and SSE channel of the document (what the servers run), the in-memory ones
 * otherwise (a stale or foreign module must not half-apply).
 */
export function frameValidators(contract: LoadedContract, generated?: GeneratedValidators): FrameValidators {
  const precompiled = (channel: ChannelIR, direction: Direction) => {
    const fn = generated?.[channel[direction].validatorName];
    return typeof fn === 'function' ? (fn as Generated) : undefined;
  };
  const covered = generated !== undefined && contract.ir.channels.every((c) => c.transport === 'http' || (precompiled(c, 'send') && precompiled(c, 'receive')));
  // With precompiled validators the in-memory ones serve only what they lack (HTTP channels).
  let memory = covered ? undefined : createContractValidator(contract.document);
  return {
    source: covered ? 'generated' : 'in-memory',
    validate(channel, direction, payload, event) {
      const fn = covered ? precompiled(channel, direction) : undefined;
      if (fn) {
        const r = channel.transport === 'sse' ? fn(eventTag(event), payload) : fn(payload);
        return r.ok ? (r.warnings ? { ok: true, warnings: r.warnings } : { ok: true }) : { ok: false, errors: r.errors ?? [] };
      }
      memory ??= createContractValidator(contract.document);
      const r = memory.validate(channel.id, direction, event === undefined ? { payload } : { payload, event });
      return r.ok ? { ok: true, tag: r.tag } : { ok: false, errors: r.errors };
    },
  };
}
