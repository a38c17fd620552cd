import type { ChannelIR, MessageIR } from '../generator/src/contract/index.ts';
import { Random } from '../runtime/seeded/index.ts';
import type { MockContract } from './contract.ts';
import { createSampler } from './sample/schema.ts';

/** One message the mock sends: the SSE event name (or the WebSocket tag) and the payload. */
export interface OutboundMessage {
  /** Id of the message in the contract. */
  message: string;
  /** SSE `event:` name; on WebSocket channels, the tag value (informational). */
  event: string;
  payload: unknown;
}

export type DataMode = 'examples' | 'generated';

/** How many times a generated value may fail validation before the message's example is used instead. */
const SAMPLE_ATTEMPTS = 10;

/**
 * Payloads for a contract's messages: the message's examples in turn, or values generated from
 * its schema (mode `generated`, or a message without examples). A generated value is validated
 * before use; one that does not validate is retried, then replaced by an example.
 */
export function createPayloads(contract: MockContract) {
  const root = { definitions: Object.fromEntries(contract.ir.schemas.map((s) => [s.id, s.schema])) };
  const sampler = createSampler(root);
  return {
    /** A payload of message `id`, or undefined when the mock has nothing valid to send for it. */
    payload(id: string, random: Random, mode: DataMode, turn: number): unknown {
      const m = contract.message(id);
      if (mode === 'examples' && m.examples.length > 0) return structuredClone(m.examples[turn % m.examples.length]!.payload);
      for (let attempt = 0; attempt < SAMPLE_ATTEMPTS; attempt++) {
        let value: unknown;
        try {
          value = sampler.sample({ $ref: `#/definitions/${encodeURIComponent(m.payload)}` }, random);
        } catch {
          break;
        }
        if (contract.validatePayload(id, value).ok) return value;
      }
      return m.examples.length > 0 ? structuredClone(m.examples[turn % m.examples.length]!.payload) : undefined;
    },
    /** A value for any schema reachable from the IR's definitions (query parameters, HTTP bodies). */
    sample(schema: unknown, random: Random): unknown {
      return sampler.sample(schema as boolean | Record<string, unknown>, random);
    },
  };
}

export type Payloads = ReturnType<typeof createPayloads>;

/** The SSE event name of a message on a channel: its tag, else its `name`, else `message`. */
export function eventName(channel: ChannelIR, m: MessageIR): string {
  return channel.send.messages.find((cm) => cm.message === m.id)?.tag ?? m.name ?? 'message';
}

/**
 * The messages one connection receives, in a fixed rotation over the channel's send messages
 * (so every kind shows up within one round), leaving out those the runtime sends itself (the
 * heartbeat) or only sends for a reason (the contract's error message).
 */
export class MessageStream {
  private readonly rotation: MessageIR[];
  private readonly turns = new Map<string, number>();
  private index = 0;

  constructor(
    private readonly contract: MockContract,
    private readonly channel: ChannelIR,
    private readonly payloads: Payloads,
    private readonly random: Random,
    private readonly mode: DataMode,
  ) {
    this.rotation = streamedMessages(channel).map((id) => contract.message(id));
  }

  get empty(): boolean {
    return this.rotation.length === 0;
  }

  next(): OutboundMessage | undefined {
    for (let tries = 0; tries < this.rotation.length; tries++) {
      const m = this.rotation[this.index++ % this.rotation.length]!;
      const turn = this.turns.get(m.id) ?? 0;
      this.turns.set(m.id, turn + 1);
      const payload = this.payloads.payload(m.id, this.random, this.mode, turn);
      if (payload !== undefined) return { message: m.id, event: eventName(this.channel, m), payload };
    }
    return undefined;
  }
}

/** Ids of the send messages the mock streams on a channel (see MessageStream). */
export function streamedMessages(channel: ChannelIR): string[] {
  const hb = channel.heartbeat;
  const skip = new Set<string>();
  if (hb && hb.mode !== 'none') skip.add(hb.message);
  if (channel.errors) skip.add(channel.errors.message);
  return channel.send.messages.filter((cm) => cm.tag === null || !skip.has(cm.tag)).map((cm) => cm.message);
}

/** A seed per connection and purpose, so connections and purposes draw independent sequences. */
export function subSeed(seed: number, connection: number, purpose: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [connection, purpose]) {
    h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

export { Random };
