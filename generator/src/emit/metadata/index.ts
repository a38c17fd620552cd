import type { ApiIR } from '../../ir/types.ts';
import { jsLiteral } from '../../render/escape.ts';
import { render } from '../../render/templates.ts';
import { header } from '../header.ts';
import type { EmittedFile } from '../types.ts';
import { describeApi } from './describe.ts';

/**
 * `metadata.gen.ts`: the API as data for the runtime: servers, channels with their addresses,
 * parameters, tags and behaviours (heartbeat, limits, SSE, errors, reconnection), security.
 */
export function emitMetadata(api: ApiIR): EmittedFile {
  return {
    path: 'metadata.gen.ts',
    contents: render('metadata/metadata.hbs', {
      headerCode: header(api, 'The API as data: what the runtime reads to serve and to connect.'),
      dataCode: jsLiteral(describeApi(api)),
    }),
  };
}
