// One steadybase reference runtime for bench/fanout-instances.js, in its own process: memory bus
// or Redis bus, answers {port} once listening; {cmd: 'broadcast', count} broadcasts `count`
// stamped messages in bursts of 10 and answers {sent}.

import { register } from 'tsx/esm/api';

register();
const config = JSON.parse(process.env.BENCH_INSTANCE);
const [{ createSteadybaseServer }, { redisBus, memoryBus }] = await Promise.all([
  import('../generated/steadybase/server.gen.ts'),
  import('../runtime/bus/index.ts'),
]);
const now = () => performance.timeOrigin + performance.now();
const bus = config.redisUrl ? redisBus({ url: config.redisUrl, prefix: config.prefix, instance: `b${config.index}` }) : memoryBus();
const server = createSteadybaseServer({ handlers: {}, auth: { jwtSecret: new TextEncoder().encode(config.secret) }, validateOutbound: true, bus });
const { port } = await server.listen(0, '127.0.0.1');
process.send({ port });
process.on('message', async (msg) => {
  if (msg.cmd === 'broadcast') {
    for (let sent = 0; sent < msg.count; sent += 10) {
      for (let i = 0; i < Math.min(10, msg.count - sent); i++) {
        server.events.broadcast({
          type: 'worker-status',
          workerId: `worker~${now().toFixed(3)}~`,
          status: 'running',
          currentTask: 'Preparing call brief for Acme Corp',
          timestamp: new Date().toISOString(),
        });
      }
      await new Promise((r) => setImmediate(r));
    }
    process.send({ sent: msg.count });
  } else if (msg.cmd === 'close') {
    await server.close();
    process.exit(0);
  }
});
