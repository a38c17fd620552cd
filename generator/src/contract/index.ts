/**
 * The contract core's one door: a document loaded into the IR, the API as the runtime reads it,
 * its validators (compiled in memory, or the precompiled ones of generated/) and the reading of
 * tags. `generate`, the mock, the recorder and `conform` all start here, so they agree on what a
 * document says and on which message a frame is.
 */
export { defaultApiName, loadContract, type ContractLoad, type ContractLoadOptions, type LoadedContract } from './load.ts';
export { compileContract, type CompiledContract } from './compile.ts';
export { frameValidators, importGeneratedValidators, type FrameValidators, type FrameResult, type GeneratedValidators } from './frames.ts';
export { describeApi } from '../emit/metadata/describe.ts';
export { createContractValidator, type Frame, type FrameVerdict } from '../validate/contract-validator.ts';
export { AJV_OPTIONS, normalizeAjvErrors, type ValidationError } from '../validate/ajv.ts';
export { hasErrors } from '../load/load.ts';
export type { Diagnostic } from '../load/diagnostic.ts';
export { eventTag, frameTag, isJsonObject, messageTag, readJson, type TagSite } from '../../../runtime/protocol/index.ts';
export type * from '../ir/types.ts';
