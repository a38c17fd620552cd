import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIR } from '../../generator/src/ir/build/index.ts';
import type { ApiIR, Direction } from '../../generator/src/ir/types.ts';
import { loadSpec } from '../../generator/src/load/load.ts';
import { createContractValidator, type Frame } from '../../generator/src/validate/contract-validator.ts';
import { APIS, specPath } from '../contracts/apis.ts';

type Verdict = { ok: true; value: unknown } | { ok: false; errors: { pointer: string; keyword: string; message: string }[] };
type Dispatcher = (...args: unknown[]) => Verdict;

interface Case {
  name: string;
  channel: string;
  direction: Direction;
  event?: string;
  payload: unknown;
  errors?: { pointer: string; keyword: string }[];
}

const fixture = (kind: string, api: string): Case[] => JSON.parse(readFileSync(`test/fixtures/${kind}/${api}.json`, 'utf8')) as Case[];

/** The committed generated validators and the in-memory reference must agree on every case. */
describe.each(APIS)('generated validators of %s', (api) => {
  let ir: ApiIR;
  let standalone: Record<string, Dispatcher>;
  let reference: ReturnType<typeof createContractValidator>;
  const cases: Case[] = [];

  beforeAll(async () => {
    const loaded = await loadSpec(specPath(api), { rules: 'schema' });
    ir = buildIR(loaded.document, api);
    reference = createContractValidator(loaded.document);
    standalone = (await import(pathToFileURL(`generated/${api}/validators.gen.js`).href)) as Record<string, Dispatcher>;
    // Every example written in the contract, as a frame on each channel direction that carries it.
    for (const c of ir.channels) {
      for (const direction of ['send', 'receive'] as const) {
        for (const cm of c[direction].messages) {
          const message = ir.messages.find((m) => m.id === cm.message)!;
          for (const e of message.examples) {
            cases.push({
              name: `${c.id} ${direction} ${message.id} ${e.name ?? ''}`,
              channel: c.id,
              direction,
              payload: e.payload,
              ...(c.transport === 'sse' ? { event: cm.tag! } : {}),
            });
          }
        }
      }
    }
    cases.push(...fixture('seed-examples', api), ...fixture('invalid-messages', api));
  });

  const run = (c: Case): Verdict => {
    const channel = ir.channels.find((ch) => ch.id === c.channel)!;
    const validate = standalone[channel[c.direction].validatorName]!;
    return channel.transport === 'sse' ? validate(c.event, c.payload) : validate(c.payload);
  };

  it('accepts every example of the contract', () => {
    const examples = cases.filter((c) => c.errors === undefined);
    expect(examples.length).toBeGreaterThan(5);
    for (const c of examples) expect([c.name, run(c)]).toEqual([c.name, expect.objectContaining({ ok: true })]);
  });

  it('rejects every invalid fixture with the expected pointers', () => {
    const invalid = cases.filter((c) => c.errors !== undefined);
    expect(invalid.length).toBeGreaterThanOrEqual(8);
    for (const c of invalid) {
      const verdict = run(c);
      expect([c.name, verdict.ok]).toEqual([c.name, false]);
      if (!verdict.ok) for (const want of c.errors!) expect(verdict.errors).toContainEqual(expect.objectContaining(want));
    }
  });

  it('agrees with in-memory ajv on every case, errors included', () => {
    for (const c of cases) {
      const frame: Frame = { payload: c.payload, ...(c.event !== undefined ? { event: c.event } : {}) };
      const mine = run(c);
      const theirs = reference.validate(c.channel, c.direction, frame);
      expect([c.name, mine.ok]).toEqual([c.name, theirs.ok]);
      if (!mine.ok && !theirs.ok) {
        const key = (e: { pointer: string; keyword: string }) => `${e.pointer} ${e.keyword}`;
        expect(mine.errors.map(key).sort()).toEqual(theirs.errors.map(key).sort());
      }
    }
  });
});
