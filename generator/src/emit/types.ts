import type { ApiIR, ChannelIR } from '../ir/types.ts';

/** A file an emitter produces, relative to the output folder. Emitters are pure: IR in, files out. */
export interface EmittedFile {
  path: string;
  contents: string;
}

/** The channels the runtime can serve: those on WebSocket, SSE or HTTP (the others get models and validators only). */
export function served(api: ApiIR): ChannelIR[] {
  return api.channels.filter((c) => c.stubless === undefined);
}
