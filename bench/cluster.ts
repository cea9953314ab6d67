/**
 * npm run bench:cluster: a 3-node bank cluster of real processes on loopback (paxos node:
 * TcpTransport, FileDurableLog with fsync), clients at concurrency 1, 8, 64 and 256 (each one
 * request in flight; at most 48 connections, shared, since a node takes 64 client connections
 * at most), tracing off and on. Prints committed commands per second and client latency
 * p50/p99 per level.
 *
 * Where the clients send: by default each connection behaves as a client library should
 * (LeaderClient): it opens at some node (spread over the three), moves to the node that one
 * names as its leader, and moves again if an answer names a new leader (client/protocol.ts,
 * leader hints). So the figures are those of a cluster used through its leader, and the
 * discovery is part of what is measured, not a shortcut the benchmark takes. `--clients all`
 * pins each connection to its node instead: every replica then proposes into the same slots
 * and the losers propose again (the design of Clustering by Consensus), which shows that
 * contention (p99 from about 100 ms to a second here).
 *
 * Each (tracing, concurrency) level gets a fresh cluster, so a level does not inherit the log
 * and the trace files an earlier level left. A traced node's cost per event no longer grows
 * with its log (it is O(what the step changed), docs/trace-format.md), but a node's state
 * still does until compaction (issue 11). Every level runs twice: one command per slot
 * (--batch-max 1, the baseline) and batched (--batch-max B: a replica proposes the commands
 * that wait for a full window as one slot's batch).
 *
 * Beside throughput it prints each node process's CPU time per 1,000 commands (from
 * /proc/<pid>/stat, Linux only): on a machine other jobs load, wall-clock rates move with the
 * load, CPU per command much less.
 *
 *   npm run bench:cluster -- [--seconds S] [--levels 1,8,64,256] [--trace off|on|both]
 *                            [--window W] [--batch-max B] [--clients all|leader] [--profile DIR] [--node-logs]
 *
 * --window W   the replicas' window (paxos node --window; default PROCESS_WINDOW, 32)
 * --batch-max B  the batched runs' paxos node --batch-max (default 64); the baseline runs use 1
 * --clients leader   (default) connections spread over the nodes and follow the leader each one names
 * --clients all      connections spread over the nodes and stay there (replicas compete for slots)
 * --node-logs  print the nodes' log lines (warnings: a stuck node says why)
 * --profile D  each node process writes a V8 CPU profile (.cpuprofile) into D when it stops
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClientConnection } from '../src/cli/client/connection.js';
import { LeaderClient } from '../src/cli/client/leaderClient.js';
import { CLIENT_ID_MIN, type NodeIoCounters } from '../src/cli/client/protocol.js';
import { LocalCluster } from '../src/cli/cluster/localCluster.js';
import { findFreeBasePort } from '../src/cli/cluster/ports.js';
import { PROCESS_WINDOW } from '../src/cli/node/timing.js';
import { generateClusterKey } from '../src/transport/clusterKey.js';
import { scriptOptions, OptionError, runScript, wholeNumber } from '../scripts/commandLine.js';

const NAME = 'bench:cluster';
const USAGE = 'usage: npm run bench:cluster -- [--seconds S] [--levels 1,8,64,256] [--trace off|on|both] [--window W] [--batch-max B] '
  + '[--clients all|leader] [--profile DIR] [--node-logs]';
const values = scriptOptions(NAME, USAGE, {
  seconds: { type: 'string' }, levels: { type: 'string' }, trace: { type: 'string' }, window: { type: 'string' }, profile: { type: 'string' }, clients: { type: 'string' }, 'node-logs': { type: 'boolean' },
  'batch-max': { type: 'string' },
});
const { batchMax, seconds, levels, traceModes, clientsAt } = await runScript(NAME, USAGE, () => {
  const batchMax = wholeNumber('batch-max', values['batch-max'], 64, 1);
  const seconds = Number(values.seconds ?? 5);
  if (!(seconds > 0 && seconds <= 3600)) throw new OptionError(`--seconds must be in (0, 3600], got ${values.seconds}`);
  const levels = (values.levels ?? '1,8,64,256').split(',').map((x) => wholeNumber('levels', x, 0, 1));
  const trace = values.trace ?? 'both';
  if (trace !== 'off' && trace !== 'on' && trace !== 'both') throw new OptionError(`--trace must be off, on or both, got ${values.trace}`);
  const clientsAt = values.clients ?? 'leader';
  if (clientsAt !== 'all' && clientsAt !== 'leader') throw new OptionError(`--clients must be all or leader, got ${clientsAt}`);
  if (values.window !== undefined && !(Number.isSafeInteger(Number(values.window)) && Number(values.window) >= 1)) {
    throw new OptionError(`--window must be a positive integer, got ${values.window}`);
  }
  return { batchMax, seconds, levels, traceModes: trace === 'on' ? [true] : trace === 'off' ? [false] : [false, true], clientsAt };
});
const batchModes = batchMax === 1 ? [1] : [1, batchMax];
const ACCOUNTS = 16;
const nodeArgs = values.window !== undefined ? ['--window', values.window] : [];
const execArgv = values.profile !== undefined ? ['--cpu-prof', '--cpu-prof-dir', resolve(values.profile)] : [];

interface Result {
  batch: number; traced: boolean; concurrency: number; commands: number; perSecond: number; p50: number; p99: number; failed: number;
  /** CPU seconds per 1,000 commands of each node process (NaN where /proc is not readable). */
  cpuPerThousand: number[];
  /** The same for this process, the clients (it shares the machine with the nodes). */
  clientCpuPerThousand: number;
  /** Per command answered, all nodes together: fsyncs, envelopes sent to peers, writes that carried them. */
  syncsPerCommand: number; envelopesPerCommand: number; writesPerCommand: number;
  /** Connections whose node led at the end of the level, of all connections. */
  atLeader: string;
}

async function setupStatus(cluster: LocalCluster, key: Buffer) {
  const c = await ClientConnection.open({ address: cluster.clientAddress(1), key, clientId: CLIENT_ID_MIN + 6 });
  try {
    return await c.status();
  } finally {
    c.close();
  }
}

/** Every node's I/O counters (paxos status), summed. */
async function ioCounters(cluster: LocalCluster, key: Buffer): Promise<NodeIoCounters> {
  const sum = { answered: 0, records: 0, syncs: 0, envelopesSent: 0, envelopesReceived: 0, peerWrites: 0 };
  for (const p of cluster.peers) {
    const c = await ClientConnection.open({ address: cluster.clientAddress(p.id), key, clientId: CLIENT_ID_MIN + 5 });
    const io = (await c.status()).io;
    c.close();
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += io?.[k] ?? Number.NaN;
  }
  return sum;
}

/** User + system CPU seconds of a process so far, from /proc (Linux); NaN elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

async function level(batch: number, traced: boolean, concurrency: number): Promise<Result> {
  const basePort = await findFreeBasePort(3);
  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  const keyFile = join(dir, 'cluster.key');
  const key = generateClusterKey(keyFile);
  const cluster = new LocalCluster({
    nodes: 3, host: '127.0.0.1', basePort, dataDir: join(dir, 'data'), keyFile, key, app: 'bank', runId: 'bench',
    ...(traced ? { traceDir: join(dir, 'traces') } : {}),
    nodeArgs: [...nodeArgs, '--batch-max', String(batch)], execArgv,
    ...(values['node-logs'] ? { onLine: (node: number, line: string) => process.stderr.write(`node ${node}: ${line}\n`) } : {}),
  });
  try {
    await cluster.startAll();
    const setup = await ClientConnection.open({ address: cluster.clientAddress(1), key, clientId: CLIENT_ID_MIN });
    for (let i = 0; i < ACCOUNTS; i++) {
      await setup.invoke(2 * i + 1, { op: 'open', account: `a${i}` });
      await setup.invoke(2 * i + 2, { op: 'deposit', account: `a${i}`, amount: 1_000_000 });
    }
    setup.close();
    const latencies: number[] = [];
    let failed = 0;
    let measuring = false;
    let stop = false;
    const nodes = new Map(cluster.peers.map((p) => [p.id, cluster.clientAddress(p.id)] as const));
    const connections = await Promise.all(Array.from({ length: Math.min(concurrency, 48) }, (_, i) => {
      const open = { key, clientId: CLIENT_ID_MIN + 10 + i, timeoutMs: 30_000 };
      return clientsAt === 'leader'
        ? LeaderClient.open({ ...open, nodes, first: (i % 3) + 1 })
        : ClientConnection.open({ ...open, address: nodes.get((i % 3) + 1)! });
    }));
    const loops = Array.from({ length: concurrency }, async (_, i) => {
      const c = connections[i % connections.length]!;
      // Loops sharing a connection share its client id: their request ids must differ.
      for (let k = 0; !stop; k++) {
        const request = k * concurrency + i + 1;
        const began = performance.now();
        const from = (i + k) % ACCOUNTS;
        const out = await c.invoke(request, { op: 'transfer', from: `a${from}`, to: `a${(from + 1) % ACCOUNTS}`, amount: 1 }).catch(() => undefined);
        if (!measuring) continue;
        if (out?.ok) latencies.push(performance.now() - began); else failed++;
      }
    });
    await new Promise((r) => setTimeout(r, 1_000)); // warm-up: connections, leader, JIT
    const ids = cluster.peers.map((p) => p.id);
    const cpuBefore = ids.map((id) => cpuSeconds(cluster.pid(id)));
    const clientCpuBefore = process.cpuUsage();
    const ioBefore = await ioCounters(cluster, key);
    measuring = true;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1_000));
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    const cpuUsed = ids.map((id, i) => cpuSeconds(cluster.pid(id)) - cpuBefore[i]!);
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const ioAfter = await ioCounters(cluster, key);
    const answered = Math.max(1, ioAfter.answered - ioBefore.answered);
    const perCommand = (k: keyof NodeIoCounters) => (ioAfter[k] - ioBefore[k]) / answered;
    const leaderNow = (await setupStatus(cluster, key)).leader;
    const atLeader = `${connections.filter((c) => c.node === leaderNow).length}/${connections.length}`;
    stop = true;
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 15_000))]);
    connections.forEach((c) => c.close());
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    const cpuPerThousand = cpuUsed.map((cpu) => (cpu * 1000) / Math.max(1, latencies.length));
    return { batch, traced, concurrency, commands: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), failed, cpuPerThousand,
      atLeader, syncsPerCommand: perCommand('syncs'), envelopesPerCommand: perCommand('envelopesSent'), writesPerCommand: perCommand('peerWrites'),
      clientCpuPerThousand: ((clientCpu.user + clientCpu.system) / 1e6) * 1000 / Math.max(1, latencies.length) };
  } finally {
    await cluster.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
for (const traced of traceModes) {
  for (const c of levels) {
    for (const batch of batchModes) {
      process.stderr.write(`bench:cluster: tracing ${traced ? 'on' : 'off'}, concurrency ${c}, batch-max ${batch} ...\n`);
      results.push(await level(batch, traced, c));
    }
  }
}
const leaderNote = clientsAt === 'all' ? 'clients pinned to every node' : 'clients follow the leader each node names';
process.stdout.write(`\n3 nodes, real processes, fsync on, window ${values.window ?? PROCESS_WINDOW}, ${leaderNote}, ${seconds} s per level; batch 1 = one command per slot (the baseline)\n`);
process.stdout.write('batch  tracing  concurrency  commands/s  vs batch 1     p50 ms    p99 ms  unanswered  at leader  fsyncs/cmd  envelopes/cmd  writes/cmd  CPU s per 1,000 commands: node 1 / 2 / 3 (clients)\n');
for (const r of results) {
  const cpu = r.cpuPerThousand.map((c) => c.toFixed(2)).join(' / ');
  const base = results.find((b) => b.batch === 1 && b.traced === r.traced && b.concurrency === r.concurrency);
  const ratio = base === undefined || base.perSecond === 0 ? '' : `${(r.perSecond / base.perSecond).toFixed(2)}x`;
  process.stdout.write(`${String(r.batch).padStart(5)}  ${(r.traced ? 'on' : 'off').padEnd(7)}  ${String(r.concurrency).padStart(11)}  ${r.perSecond.toFixed(0).padStart(10)}  ${ratio.padStart(10)}  ${r.p50.toFixed(1).padStart(9)}  ${r.p99.toFixed(1).padStart(8)}  ${String(r.failed).padStart(10)}  ${r.atLeader.padStart(9)}  ${r.syncsPerCommand.toFixed(2).padStart(10)}  ${r.envelopesPerCommand.toFixed(1).padStart(13)}  ${r.writesPerCommand.toFixed(1).padStart(10)}  ${cpu} (${r.clientCpuPerThousand.toFixed(2)})\n`);
}
process.exit(0);
