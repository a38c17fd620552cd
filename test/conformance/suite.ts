import { existsSync, readdirSync } from 'node:fs';
import { Credentials } from '../../conformance/src/conform/index.ts';
import { SUITE_APIS, suiteCredentials, suiteServer, type SuiteApi } from '../../conformance/scripts/record-suite.ts';
import type { ReferenceServer } from '../../reference-server/shared/types.ts';

/**
 * The transcripts the conformance tests replay: the recorded suite (conformance/recordings/<api>)
 * when it is there, else the small hand-made fixtures of test/fixtures/transcripts/<api>.
 */
export function SUITE(api: string): string {
  const recorded = `conformance/recordings/${api}`;
  if (existsSync(recorded) && readdirSync(recorded).some((f) => f.endsWith('.jsonl'))) return recorded;
  return `test/fixtures/transcripts/${api}`;
}

/**
 * The reference servers configured as when the suite was recorded (seed, fixed secrets, scale),
 * listening on 127.0.0.1, each with the per-transcript credential resolver `conform` takes.
 */
export interface SuiteTarget {
  api: SuiteApi;
  origin: string;
  server: ReferenceServer;
  credentials: Credentials;
  credentialsFor(transcript: string): Promise<Credentials>;
}

export async function startSuiteServer(api: SuiteApi, timeScale: number): Promise<SuiteTarget> {
  const server = suiteServer(api, { timeScale });
  const { port } = await server.listen(0, '127.0.0.1');
  const credentials = new Credentials(await server.credentials());
  const credentialsFor = async (transcript: string) => {
    const own = await suiteCredentials(api, transcript);
    return new Credentials(Object.entries(own).map(([scheme, value]) => ({ scheme, value })));
  };
  return { api, origin: `http://127.0.0.1:${port}`, server, credentials, credentialsFor };
}

export async function startSuiteServers(timeScale: number): Promise<SuiteTarget[]> {
  return Promise.all(SUITE_APIS.map((api) => startSuiteServer(api, timeScale)));
}
