/** The four seed APIs; other tooling depends on these file names. */
export const APIS = ['steadybase', 'release-orchestrator', 'agnt5', 'agent-workspace'] as const;
export type ApiName = (typeof APIS)[number];

export const specPath = (api: ApiName) => `spec/${api}.asyncapi.yaml`;
