/**
 * Simulator benchmark: a 5-node bank cluster decides 10,000 transfers, on a reliable
 * network and with 5% message loss. Prints wall time, decided commands per wall-clock
 * second, messages sent per command and peak memory.
 *
 *   npm run bench:sim [-- --transfers 10000 --clients 10 --seed 1 --only reliable|loss]
 */
import { parseArgs } from 'node:util';
import { Prng } from '../src/sim/prng.js';
import { PROBE_INPUT, appStateMachine } from '../src/sim/scenario.js';
import { defaultNodeFactory } from '../src/sim/nodeFactory.js';
import { scheduleOf } from '../src/sim/schedule.js';
import { Simulator } from '../src/sim/simulator.js';
import { transferWorkload } from '../src/sim/workload.js';

function run(label: string, loss: number, total: number, clients: number, seed: number): void {
  global.gc?.();
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sim = new Simulator({
    seed, nodes: 5, stateMachine: appStateMachine('bank'), schedule: scheduleOf({ loss }),
    clients: transferWorkload(total, clients, 5, Prng.fromSeed(seed)), createNode: defaultNodeFactory,
    probeInput: PROBE_INPUT, track: false, eventLog: false, maxEvents: 50_000_000, maxTimeMs: 10_000_000,
    sampler: { every: 5000, fn: sample },
  });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = sim.run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  sample();
  const decided = r.acks.filter((a) => a.rid.startsWith('probe:') === false).length;
  console.log(
    [
      `${label}: ${r.completed ? 'completed' : `NOT completed (${r.stopReason})`}`,
      `  commands decided      ${decided} (${total} transfers + ${decided - total} setup)`,
      `  wall time             ${(wallMs / 1000).toFixed(2)} s (CPU ${cpuS.toFixed(2)} s; virtual ${(r.timeMs / 1000).toFixed(1)} s)`,
      `  commands / wall s     ${(decided / (wallMs / 1000)).toFixed(0)}`,
      `  messages / command    ${(r.stats.messagesSent / decided).toFixed(1)} (${r.stats.messagesSent} sent, ${r.stats.dropped.loss} lost)`,
      `  sim events            ${r.stats.events}`,
      `  peak rss / heapUsed   ${(peakRss / 2 ** 20).toFixed(0)} MiB / ${(peakHeap / 2 ** 20).toFixed(0)} MiB`,
    ].join('\n'),
  );
}

function main(): void {
  const { values } = parseArgs({
    options: { transfers: { type: 'string' }, clients: { type: 'string' }, seed: { type: 'string' }, only: { type: 'string' } },
  });
  const only = values.only;
  if (only !== undefined && only !== 'reliable' && only !== 'loss') throw new RangeError(`--only must be reliable or loss, got ${only}`);
  const total = Number(values.transfers ?? 10_000);
  const clients = Number(values.clients ?? 10);
  const seed = Number(values.seed ?? 1);
  for (const [name, v] of [['--transfers', total], ['--clients', clients], ['--seed', seed]] as const) {
    if (!Number.isSafeInteger(v) || v < (name === '--seed' ? 0 : 1)) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  console.log(`5-node simulated bank cluster, ${total} transfers from ${clients} parallel clients, seed ${seed}`);
  if (only !== 'loss') run('reliable network', 0, total, clients, seed);
  if (only !== 'reliable') run('5% message loss', 0.05, total, clients, seed);
}

try {
  main();
} catch (e) {
  if (!(e instanceof RangeError)) throw e;
  console.error(`bench:sim: ${e.message}`);
  process.exitCode = 2;
}
