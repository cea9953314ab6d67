/**
 * A worker thread of the parallel explorer (parallelExplorer.ts): builds its part of the search
 * from the model's cfg file and answers the driver's requests, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type PartInit, type PartRequest, type WorkerReply, buildPartition, serve } from './parallelExplorer.js';

const port = parentPort!;
let part: ReturnType<typeof buildPartition> | undefined;
let startError: string | undefined;
try {
  part = buildPartition(workerData as PartInit);
} catch (e) {
  startError = (e as Error).message;
}

port.on('message', (req: { id: number; op: keyof PartRequest; args: PartRequest[keyof PartRequest] }) => {
  let reply: WorkerReply;
  try {
    if (part === undefined) throw new Error(`the part could not start: ${startError}`);
    const result = serve(part, req.op, req.args);
    reply = { id: req.id, result };
  } catch (e) {
    reply = { id: req.id, error: (e as Error).stack ?? (e as Error).message };
  }
  // The outgoing batches' records move to the driver (transferred, not copied).
  const transfer = req.op === 'runLevel' && reply.result !== undefined
    ? (reply.result as ReturnType<typeof serve<'runLevel'>>).outbox.flatMap((b) => (b === undefined ? [] : [b.records.buffer as ArrayBuffer]))
    : [];
  try {
    port.postMessage(reply, transfer);
  } catch (e) {
    // A result that cannot be cloned: say so, rather than end the thread with an opaque error.
    port.postMessage({ id: req.id, error: `cannot send the ${req.op} result: ${(e as Error).message}` } satisfies WorkerReply);
  }
});
