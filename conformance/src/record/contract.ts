import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { compileAddress, type AddressMatcher } from '../../../runtime/index.ts';
import {
  eventTag,
  frameTag,
  frameValidators,
  importGeneratedValidators,
  loadContract,
  readJson,
  type ChannelIR,
  type Diagnostic,
  type FrameResult,
  type GeneratedValidators,
} from '../../../generator/src/contract/index.ts';
import type { FrameViolation, Side, Transport } from '../transcript.ts';
import { credentialLocations, type CredentialLocation } from './redact.ts';

/** What the recorder knows about a contract: its channels, where credentials travel, how frames validate. */
export interface RecordingContract {
  /** API name (generated/<api>/ for the seed APIs). */
  readonly api: string;
  /** The spec path as transcripts name it: relative to the repository root when inside it. */
  readonly spec: string;
  /** `generated` when the precompiled validators of generated/<api>/ are used, `in-memory` otherwise. */
  readonly validators: 'generated' | 'in-memory';
  readonly channels: readonly ChannelIR[];
  /** The WebSocket or SSE channel a request path belongs to. */
  match(pathname: string, transport: Transport): { channel: ChannelIR; parameters: Record<string, string> } | undefined;
  credentialLocations(channelId: string): CredentialLocation[];
  /** The tag of a frame and the contract rules it breaks (none: it conforms). */
  check(channelId: string, dir: Side, frame: FrameToCheck): FrameCheck;
}

export interface FrameToCheck {
  text: string;
  binary?: boolean;
  /** Byte length of the frame as it travelled (for size limits). */
  bytes?: number;
  /** SSE only: the `event:` field ('message' when absent, as browsers dispatch it). */
  event?: string;
}

export interface FrameCheck {
  tag?: string;
  violations: FrameViolation[];
}

// The package's own folder (the repository, or node_modules/streamwright), found the same way from
// the sources and from dist/.
const REPO_ROOT = path.dirname(createRequire(import.meta.url).resolve('streamwright/package.json'));

/** `streamwright <version>` for transcript headers. */
export function toolVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string };
    return `streamwright ${pkg.version ?? '0.0.0'}`;
  } catch {
    return 'streamwright 0.0.0';
  }
}

/**
 * Loads an AsyncAPI document for recording. For the four seed APIs (the document is
 * spec/<api>.asyncapi.yaml of this repository and generated/<api>/ exists) frames are checked with
 * the precompiled validators the servers use; any other document is compiled in memory.
 */
export async function loadRecordingContract(
  specFile: string,
  options: { name?: string } = {},
): Promise<{ contract: RecordingContract } | { diagnostics: Diagnostic[] }> {
  const loaded = await loadContract(specFile, { payloadExamples: false, ...(options.name !== undefined ? { name: options.name } : {}) });
  if (!loaded.ok) return { diagnostics: loaded.diagnostics };
  const { name, ir } = loaded.contract;
  const validators = frameValidators(loaded.contract, await generatedValidators(specFile, name));
  const channels = ir.channels.filter((c) => c.transport === 'ws' || c.transport === 'sse');
  const matchers = new Map<string, AddressMatcher>(channels.map((c) => [c.id, compileAddress(c.address)]));
  const validate = (channel: ChannelIR, dir: Side, payload: unknown, event: string | undefined) =>
    validators.validate(channel, dir === 'server' ? 'send' : 'receive', payload, event);

  const contract: RecordingContract = {
    api: name,
    spec: displayPath(specFile),
    validators: validators.source,
    channels,
    match(pathname, transport) {
      for (const channel of channels) {
        if (channel.transport !== transport) continue;
        const parameters = matchers.get(channel.id)!.match(pathname);
        if (parameters) return { channel, parameters: { ...parameters } };
      }
      return undefined;
    },
    credentialLocations(channelId) {
      return credentialLocations(
        ir,
        channels.find((c) => c.id === channelId),
      );
    },
    check(channelId, dir, frame) {
      const channel = channels.find((c) => c.id === channelId);
      if (!channel) return { violations: [{ rule: 'unknown-channel', pointer: '', message: `no channel ${JSON.stringify(channelId)}` }] };
      return checkFrame(channel, dir, frame, validate);
    },
  };
  return { contract };
}

function checkFrame(
  channel: ChannelIR,
  dir: Side,
  frame: FrameToCheck,
  validate: (c: ChannelIR, d: Side, payload: unknown, event: string | undefined) => FrameResult,
): FrameCheck {
  const violations: FrameViolation[] = [];
  const limit = channel.limits?.maxMessageBytes?.limit;
  const bytes = frame.bytes ?? Buffer.byteLength(frame.text);
  if (dir === 'client' && limit !== undefined && bytes > limit) {
    violations.push({ rule: 'too-large', pointer: '', message: `frame of ${bytes} bytes exceeds the contract's limit of ${limit} bytes` });
  }
  const tagged = (tag: string | undefined) => (tag === undefined ? { violations } : { tag, violations });
  if (frame.binary) {
    violations.push({ rule: 'binary', pointer: '', message: 'binary frame; the contract defines JSON text messages' });
    return { violations };
  }
  const messages = (dir === 'server' ? channel.send : channel.receive).messages;
  const read = readJson(frame.text);
  if (!read.ok) {
    violations.push({ rule: 'not-json', pointer: '', message: 'frame text is not JSON' });
    return tagged(channel.transport === 'sse' ? frame.event : undefined);
  }
  const payload = read.value;
  const tag = frameTag(channel, payload, frame.event) ?? undefined;
  if (messages.length === 0) {
    violations.push({ rule: 'unknown-tag', pointer: '', message: `the contract allows no ${dir} message on channel ${channel.id}` });
    return tagged(tag);
  }
  const verdict = validate(channel, dir, payload, channel.transport === 'sse' ? eventTag(frame.event) : undefined);
  if (!verdict.ok) {
    for (const e of verdict.errors.slice(0, 50)) {
      violations.push({ rule: e.keyword === 'tag' ? 'unknown-tag' : 'schema', pointer: e.pointer, message: e.message });
    }
  }
  return tagged(tag);
}

/** The module of generated validators when the spec is one of this repository's generated APIs. */
async function generatedValidators(specFile: string, name: string): Promise<GeneratedValidators | undefined> {
  const expected = path.join(REPO_ROOT, 'spec', `${name}.asyncapi.yaml`);
  try {
    if (!existsSync(expected) || realpathSync(specFile) !== realpathSync(expected)) return undefined;
  } catch {
    return undefined;
  }
  return importGeneratedValidators(path.join(REPO_ROOT, 'generated', name, 'validators.gen.js'));
}

function displayPath(specFile: string): string {
  const abs = path.resolve(specFile);
  const rel = path.relative(REPO_ROOT, abs);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  return (inside ? rel : abs).split(path.sep).join('/');
}
