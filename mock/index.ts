/**
 * `streamwright serve <spec>`: a mock of any AsyncAPI 3 document, on the runtime, from the
 * document in memory (load → IR → compiled validators; nothing generated to disk).
 *
 *   contract.ts        load and compile the document: the runtime's API description and validators
 *   sample/            schema → value (formats, patterns), deterministic from a seed
 *   source.ts          which messages a connection receives, and their payloads
 *   faults.ts          seeded delay / drop / duplicate / reorder / disconnect on the way out
 *   auth.ts            credentials of the right shape, or real JWT checks with a secret
 *   errors.ts          the answer to an invalid frame: the contract's error, or streamwright's
 *   server.ts          all of it wired to createRuntimeServer
 */
export { loadContract, compileContract, type MockContract, type LoadContractResult } from './contract.ts';
export { createMockServer, type MockChannel, type MockConnection, type MockOptions, type MockServer } from './server.ts';
export { applyFaults, FaultPipeline, FaultPlan, FaultyLink, type FaultOptions, type FaultStats } from './faults.ts';
export { createSampler, type JsonSchema } from './sample/schema.ts';
export { sampleRegex, UnsupportedPattern } from './sample/regex.ts';
export { isStreamwrightErrorFrame, type StreamwrightErrorFrame } from './errors.ts';
export { streamedMessages, subSeed } from './source.ts';
