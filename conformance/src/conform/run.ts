/**
 * `conform` as a library call: load the contract, replay every transcript, run the probes the
 * contract implies, and return the report. Prints nothing, exits nothing.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChannelIR } from '../../../generator/src/contract/index.ts';
import { parseTranscript, type Transcript } from '../transcript.ts';
import { runAllProbes, type ProbeId } from '../probes/index.ts';
import { loadContract, type Contract } from './contract.ts';
import { Credentials, parseCredentials, servedApi } from './credentials.ts';
import { ConformError } from './errors.ts';
import { defaultFieldMatchers, mergeSettings, parseMatcherFile, type MatcherFile, type MatcherSettings } from './matchers.ts';
import { replayTranscript } from './replay.ts';
import { summarize, type CaseResult, type ConformReport, type Coverage } from './report.ts';

export interface ConformOptions {
  spec: string;
  /** Base URL of the implementation (`http://host:port` or `ws://host:port`); default: `fromServe`'s origin of the API. */
  target?: string;
  /**
   * Text of `streamwright serve --json` output: the API's line gives the credentials (every
   * principal, each transcript replayed as the one `principals.json` names), and unless given
   * otherwise the target (`origin`) and the time scale.
   */
  fromServe?: string;
  /** Directory (searched recursively for *.jsonl) or single transcript file; none = probes only. */
  transcripts?: string;
  /** Text of a credentials file, or parsed credentials. */
  credentials?: string | Credentials;
  /**
   * Credentials for one transcript (by its name) when they differ from `credentials`, e.g. the
   * principal it was recorded with; undefined = `credentials`. Probes of a channel use the credentials of the transcript whose address they open.
   */
  credentialsFor?(transcript: string): Credentials | undefined | Promise<Credentials | undefined>;
  /** Directory of `<api>.json` matcher files (default `conformance/matchers` in the working directory). */
  matchersDir?: string;
  /** The implementation's time scale: contract timings are multiplied by it. */
  timeScale?: number;
  /** Longest wait for one expected message or close (ms). */
  timeoutMs?: number;
  /** How much longer than recorded (scaled) a gap between expected messages may take (default 2). */
  slack?: number;
  /** Unscaled slack on timing rules (ms, default 100): delays of the network and the event loop do not scale. */
  jitterMs?: number;
  /** Run the probes (default true), or only these. */
  probes?: boolean | readonly ProbeId[];
  /** API name when it is not the spec file's name. */
  api?: string;
  /** Called after each case (progress for the CLI). */
  onCase?(result: CaseResult): void;
}

export async function conform(options: ConformOptions): Promise<ConformReport> {
  const parseTarget = (raw: string): URL => {
    try {
      const url = new URL(raw);
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw new Error('scheme');
      return url;
    } catch {
      throw new ConformError('SW_CONFORM_TARGET_INVALID', `--target ${JSON.stringify(raw)} must be an http(s):// or ws(s):// URL`);
    }
  };
  if (options.target !== undefined) parseTarget(options.target);
  const contract = await loadContract(options.spec, options.api !== undefined ? { api: options.api } : {});
  const served = options.fromServe !== undefined ? servedApi(options.fromServe, contract.api) : undefined;
  if (options.fromServe !== undefined && served === undefined)
    throw new ConformError('SW_CONFORM_CREDENTIALS_INVALID', `the serve --json output has no line for API ${contract.api}`);
  const targetText = options.target ?? served?.origin;
  if (targetText === undefined) throw new ConformError('SW_CONFORM_TARGET_INVALID', 'no target: give --target, or --from-serve output that has the origin');
  const target = parseTarget(targetText);
  const credentials =
    options.credentials instanceof Credentials
      ? options.credentials
      : options.credentials !== undefined && options.credentials !== ''
        ? parseCredentials(options.credentials, contract.api)
        : parseCredentials(options.fromServe ?? '', contract.api, { serveOutput: true });
  const matcherFile = await readMatchers(options.matchersDir ?? path.resolve('conformance/matchers'), contract.api);
  const timeScale = options.timeScale ?? served?.timeScale ?? 1;
  const timeoutMs = options.timeoutMs ?? 5000;
  const jitterMs = options.jitterMs ?? 100;
  const cases: CaseResult[] = [];
  const push = (r: CaseResult) => {
    cases.push(r);
    options.onCase?.(r);
  };
  const seen = new Map<string, number>();
  const exercised = new Set<string>();
  const addresses = new Map<string, { parameters: Record<string, string>; query: Record<string, string> }>();
  const probeCredentials = new Map<string, Credentials>();
  const openAddress = new Set<string>();

  const files = options.transcripts ? await transcriptFiles(options.transcripts) : [];
  const principals = options.transcripts ? await readPrincipals(options.transcripts) : {};
  for (const file of files) {
    const name = path.basename(file).replace(/\.jsonl$/, '');
    let text: string;
    try {
      text = await readNoFollow(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ELOOP' ? 'a symbolic link; transcripts are never read through one' : (code ?? (e as Error).message);
      push({
        name,
        kind: 'transcript',
        channel: '?',
        durationMs: 0,
        findings: [{ case: name, check: 'replay', rule: 'replay/transcript-unreadable', channel: '?', text: `${file}: ${why}` }],
      });
      continue;
    }
    const parsed = parseTranscript(text);
    if ('errors' in parsed) {
      push({
        name,
        kind: 'transcript',
        channel: '?',
        durationMs: 0,
        findings: parsed.errors.slice(0, 5).map((e) => ({
          case: name,
          check: 'replay' as const,
          rule: `replay/${e.code}`,
          channel: '?',
          text: `${file}:${e.line}${e.pointer ? ` ${e.pointer}` : ''}: ${e.message}`,
        })),
      });
      continue;
    }
    const t = parsed.transcript;
    const caseName = t.header.name || name;
    if (t.header.api !== contract.api) {
      push({
        name: caseName,
        kind: 'transcript',
        channel: t.header.channel,
        durationMs: 0,
        findings: [],
        skipped: `recorded for API ${t.header.api}, not ${contract.api}`,
      });
      continue;
    }
    const channel = contract.channel(t.header.channel);
    const principal = principals[caseName] ?? principals[name];
    const own =
      (await options.credentialsFor?.(caseName)) ??
      (await options.credentialsFor?.(name)) ??
      (principal !== undefined ? credentials.forPrincipal(principal) : credentials).forTranscript(caseName);
    if (channel && t.handshake.status < 400 && (!addresses.has(channel.id) || (!openAddress.has(channel.id) && stayedOpen(t)))) {
      // A probe opens the address of the channel's first transcript whose connection stayed open
      // until the client closed it (else its first accepted one), as that transcript's principal:
      // an address the server accepts and then refuses (4403, 4404) says nothing about the rest.
      addresses.set(channel.id, { parameters: t.header.parameters, query: t.header.query });
      probeCredentials.set(channel.id, own);
      if (stayedOpen(t)) openAddress.add(channel.id);
    }
    const settings = channel ? settingsFor(contract, channel, matcherFile, caseName) : mergeSettings({ order: 'strict', keys: [], skip: [], fields: {} });
    const replayed = await replayTranscript(t, caseName, {
      contract,
      target,
      credentials: own,
      settings,
      timeScale,
      jitterMs,
      timeoutMs,
      ...(options.slack !== undefined ? { slack: options.slack } : {}),
    });
    for (const f of replayed.frames) if (f.tag !== null) seen.set(`${t.header.channel} ${f.tag}`, (seen.get(`${t.header.channel} ${f.tag}`) ?? 0) + 1);
    for (const r of replayed.exercised) exercised.add(`${t.header.channel} sequence/${r}`);
    push(replayed.result);
  }

  const wanted = options.probes ?? true;
  if (wanted !== false) {
    const only = wanted === true ? undefined : (id: ProbeId) => wanted.includes(id);
    const plans = contract.ir.channels.map((channel) => ({
      channel,
      ctx: { contract, target, credentials: probeCredentials.get(channel.id) ?? credentials, timeScale, jitterMs, timeoutMs, addresses },
    }));
    const runs = await runAllProbes(plans, only);
    plans.forEach(({ channel }, i) => {
      for (const r of runs[i]!.results) {
        push(r);
        if (!r.skipped) exercised.add(`${channel.id} probe/${r.name.split(' ')[0]}`);
      }
      for (const r of runs[i]!.exercised) exercised.add(`${channel.id} sequence/${r}`);
    });
  }

  const coverage: Coverage = { messages: [], rules: [] };
  for (const c of contract.ir.channels) {
    if (c.transport === 'http') continue;
    for (const m of c.send.messages) if (m.tag !== null) coverage.messages.push({ channel: c.id, tag: m.tag, seen: seen.get(`${c.id} ${m.tag}`) ?? 0 });
    for (const r of c.sequence?.rules ?? [])
      coverage.rules.push({ channel: c.id, rule: `sequence/${r.id}`, exercised: exercised.has(`${c.id} sequence/${r.id}`) });
  }
  for (const key of exercised) {
    const [channel, rule] = key.split(' ') as [string, string];
    if (rule.startsWith('probe/')) coverage.rules.push({ channel, rule, exercised: true });
  }
  return {
    api: contract.api,
    spec: options.spec,
    target: target.href,
    validators: contract.validatorSource,
    cases,
    coverage,
    summary: summarize(cases),
  };
}

/** Whether a recorded connection was accepted and stayed open until the client closed it. */
export function stayedOpen(t: Transcript): boolean {
  const accepted = t.header.transport === 'ws' ? t.handshake.status === 101 : t.handshake.status >= 200 && t.handshake.status < 300;
  return accepted && t.close?.by === 'client';
}

/** Matcher settings for one transcript: contract defaults, then the API's file, then the transcript's section. */
export function settingsFor(contract: Contract, channel: ChannelIR, file: MatcherFile | undefined, transcript: string): MatcherSettings {
  const keys = [
    ...new Set((channel.sequence?.rules ?? []).flatMap((r) => [r.key, ...Object.values(r.keyByMessage ?? {})]).filter((k): k is string => k !== undefined)),
  ];
  const implied: NonNullable<MatcherSettings['implied']> = {};
  for (const m of channel.send.messages) {
    if (m.tag === null) continue;
    implied[m.tag] = defaultFieldMatchers(contract.payloadSchema(channel, 'send', m.tag), contract.definitions);
  }
  const hb = channel.heartbeat && channel.heartbeat.mode !== 'none' ? [channel.heartbeat.message] : [];
  const base: MatcherSettings = { order: keys.length > 0 ? 'key' : 'strict', keys, skip: hb, fields: {}, implied };
  return mergeSettings(base, file, file?.transcripts?.[transcript]);
}

async function readMatchers(dir: string, api: string): Promise<MatcherFile | undefined> {
  const file = path.join(dir, `${api}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConformError('SW_CONFORM_MATCHERS_INVALID', `${file}: not JSON (${(e as Error).message})`);
  }
  return parseMatcherFile(value, file);
}

/**
 * `principals.json` beside the transcripts: transcript name → the principal it was recorded as
 * (an agent's own token), so that credentials with a `principal` (`serve --json`) fill it in.
 */
async function readPrincipals(where: string): Promise<Record<string, string>> {
  const file = path.join(where, 'principals.json');
  let text: string;
  try {
    if (!(await lstat(where)).isDirectory()) return {};
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConformError('SW_CONFORM_TRANSCRIPTS_UNREADABLE', `${file}: not JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConformError('SW_CONFORM_TRANSCRIPTS_UNREADABLE', `${file}: must map transcript names to principals`);
  const out: Record<string, string> = {};
  for (const [name, principal] of Object.entries(value)) {
    if (name === '$comment' || name === 'description') continue;
    if (typeof principal !== 'string')
      throw new ConformError('SW_CONFORM_TRANSCRIPTS_UNREADABLE', `${file}: the principal of ${JSON.stringify(name)} must be a string`);
    out[name] = principal;
  }
  return out;
}

async function transcriptFiles(where: string): Promise<string[]> {
  let info;
  try {
    info = await lstat(where);
  } catch (e) {
    throw new ConformError('SW_CONFORM_TRANSCRIPTS_UNREADABLE', `${where}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // A symlink given by name is listed, and refused when read (O_NOFOLLOW), so the report says why.
  if (info.isFile() || info.isSymbolicLink()) return [where];
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.jsonl')) out.push(full);
    }
  };
  await walk(where, 0);
  return out;
}

export type { Transcript };

/** Reads a file unless it is a symbolic link (ELOOP): the check and the read are one open. */
async function readNoFollow(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
