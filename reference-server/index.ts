import type { ReferenceOptions, ReferenceServer } from './shared/types.ts';
import type { RuntimeEventInfo } from '../runtime/index.ts';

export type { DevCredential, ReferenceOptions, ReferenceServer } from './shared/types.ts';
export { startReferenceCluster, type ClusterOptions, type RunningApi, type RunningCluster } from './cluster.ts';

/** The console page of one of the four seed APIs; the generator is loaded on the first request. */
export async function referenceConsolePage(api: string): Promise<string> {
  return (await import('./console.ts')).referenceConsolePage(api);
}

/** The four seed APIs, in port order: `serve` puts API i on port base + i. */
export const REFERENCE_APIS = [
  { api: 'steadybase', load: async () => (await import('./steadybase/index.ts')).createSteadybaseReference },
  { api: 'release-orchestrator', load: async () => (await import('./release-orchestrator/index.ts')).createReleaseOrchestratorReference },
  { api: 'agnt5', load: async () => (await import('./agnt5/index.ts')).createAgnt5Reference },
  { api: 'agent-workspace', load: async () => (await import('./agent-workspace/index.ts')).createAgentWorkspaceReference },
] as const;

export interface RunningReference {
  api: string;
  server: ReferenceServer;
  port: number;
  origin: string;
}

/** Starts every reference server on consecutive ports; closes those already started if one fails. */
export async function startReferenceServers(options: {
  portBase: number;
  host: string;
  reference?: ReferenceOptions;
  pages?: (api: string) => ReferenceOptions['pages'];
}): Promise<RunningReference[]> {
  const running: RunningReference[] = [];
  try {
    for (const [i, entry] of REFERENCE_APIS.entries()) {
      const create = (await entry.load()) as (o?: ReferenceOptions) => ReferenceServer;
      const pages = options.pages?.(entry.api);
      const reference = options.reference;
      // Each server's events say which API they come from.
      const withEvents = reference?.onError
        ? { ...reference, onError: (e: Error, info?: RuntimeEventInfo) => reference.onError!(e, { ...info, api: entry.api }) }
        : reference;
      const server = create(pages ? { ...withEvents, pages } : withEvents);
      const { port } = await server.listen(options.portBase === 0 ? 0 : options.portBase + i, options.host);
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      running.push({ api: entry.api, server, port, origin: `http://${host}:${port}` });
    }
  } catch (e) {
    await Promise.all(running.map((r) => r.server.close()));
    throw e;
  }
  return running;
}
