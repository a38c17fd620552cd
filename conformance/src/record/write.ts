import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { serializeTranscript, type Transcript } from '../transcript.ts';

/**
 * Where `streamwright record` writes: a directory gets one file per connection
 * (`<seq>-<channel>.jsonl`), a file gets the first recorded connection only.
 */
export type RecordingTarget = { kind: 'dir'; dir: string } | { kind: 'file'; file: string };

/** A path ending in a separator, or an existing directory, is a directory; anything else a file. */
export function recordingTarget(out: string, isExistingDirectory: boolean): RecordingTarget {
  if (isExistingDirectory || /[\\/]$/.test(out)) return { kind: 'dir', dir: out };
  return { kind: 'file', file: out };
}

export function transcriptFileName(seq: number, channel: string): string {
  return `${String(seq).padStart(3, '0')}-${channel.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`;
}

/** Writes a transcript and answers the path written. */
export async function writeTranscript(target: RecordingTarget, seq: number, transcript: Transcript): Promise<string> {
  const file = target.kind === 'file' ? target.file : path.join(target.dir, transcriptFileName(seq, transcript.header.channel));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, serializeTranscript(transcript), 'utf8');
  return file;
}
