/**
 * A worker thread of the trace-checking pool (pool.ts): checks the traces the main thread
 * sends, one at a time, and answers with each verdict. Schemas and spec are loaded once per
 * worker.
 */
import { parentPort } from 'node:worker_threads';
import { checkTrace } from './check.js';
import type { PoolReply, PoolRequest } from './pool.js';

const port = parentPort!;
// One trace at a time: checkTrace may wait for a fresh embedded engine (tlaEngine.ts) first.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: PoolRequest) => {
  queue = queue.then(async () => {
    let reply: PoolReply;
    try {
      const verdict = await checkTrace(req.input, { ...req.options, onEvents: (n) => port.postMessage({ progress: n } satisfies PoolReply) });
      reply = { id: req.id, verdict };
    } catch (e) {
      // Not a verdict: the checker itself could not run (the spec or schemas are unreadable).
      reply = { id: req.id, error: (e as Error).message };
    }
    port.postMessage(reply);
  });
});
