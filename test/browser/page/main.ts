/** Entry of the browser page: the test calls window.__streamwright.run(config) and gets the results. */
import { runGenerated, runRefusedSession } from './generated.ts';
import { runNative } from './native.ts';
import type { PageApi } from './protocol.ts';

const api: PageApi = {
  run: (config) => {
    switch (config.mode) {
      case 'native':
        return runNative(config);
      case 'generated':
        return runGenerated(config);
      case 'generated-refused-session':
        return runRefusedSession(config);
    }
  },
};
window.__streamwright = api;
