/**
 * A chaos run: a bank cluster of real node processes on loopback (LocalCluster), clients
 * sending transfers concurrently (workload.ts), the leader and then a follower killed with
 * SIGKILL mid-workload and restarted from their data directories, then the checks:
 * the replicas converge to one state, every node's trace part is there and replays against the
 * spec with the client-level checks (check-traces), the history those checks establish is as
 * long as node 1's (finalChecks.ts), keeps every acknowledged transfer once, conserves money
 * and produces the state node 1 reports (verify.ts). Used by `npm start`, `paxos chaos` and CI.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateClusterKey } from '../../transport/clusterKey.js';
import { collectInputs } from '../../trace/replay/cli.js';
import { checkTrace, formatVerdict, type TraceVerdict } from '../../trace/replay/check.js';
import { LineReader } from '../../trace/format/ndjsonReader.js';
import type { Proposal, TraceHeader } from '../../trace/format/types.js';
import { mulberry32 } from '../../util/mulberry32.js';
import { type ClientAddress, ClientConnection } from '../client/connection.js';
import { CLIENT_ID_MIN, type ExecutedRequest, type NodeStatus, type ReplicaState } from '../client/protocol.js';
import { LocalCluster } from '../cluster/localCluster.js';
import { findFreeBasePort } from '../cluster/ports.js';
import type { InvokeOutcome } from '../node/requestTable.js';
import { agreement, judgeRun, judgeRunTraces } from './finalChecks.js';
import type { HistoryVerdict } from './verify.js';
import { type TransferOp, withTimeout, WorkloadClient } from './workload.js';

export interface ChaosOptions {
  readonly nodes: number;
  readonly clients: number;
  /**
   * Transfers per second, all clients together, at most: the load on a shared machine (every
   * node traces, and the run's check replays every event).
   */
  readonly rate: number;
  /** How long the clients send transfers (the faults happen inside this window). */
  readonly durationMs: number;
  /** Kill rounds: each kills the leader, restarts it, then kills a follower and restarts it. */
  readonly rounds: number;
  /**
   * Each round kills the follower while the killed leader is still down, and restarts the two
   * together: two nodes down at once (a majority of 5 or more stays up; of 3, none), then two
   * rejoining at the same time, answering each other's Joins.
   */
  readonly twoDown?: boolean;
  /** A killed node stays down this long before it is restarted. */
  readonly downMs: number;
  /** Node k listens on basePort+k-1 and +1000; 0: any free ports. */
  readonly basePort: number;
  /** Where data and traces go (default: a new temporary directory, removed after a run that passed). */
  readonly dir?: string;
  readonly seed: number;
  /** Every node snapshots every this many executed slots and compacts (`paxos node --checkpoint-every`). */
  readonly checkpointEvery?: number;
  readonly progress: (line: string) => void;
  /** Node log lines (JSON); default: dropped, but warnings and errors are counted. */
  readonly onNodeLine?: (node: number, line: string) => void;
}

/** One SIGKILL. `alsoDown`: the node still down when it came (--two-down: the round's leader). */
export interface KillRecord { node: number; role: 'leader' | 'follower'; atMs: number; downMs: number; newLeader?: number | null; alsoDown?: number }

export interface ChaosReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly dir: string;
  readonly kills: KillRecord[];
  readonly history: HistoryVerdict | undefined;
  readonly executed: number;
  /** Every replica answered the final reads: the replicas were compared (replicasEqual says how). */
  readonly finalReads: boolean;
  readonly replicasEqual: boolean;
  readonly traces: { ok: boolean; parts: number; events: number; clientOperations: number; verdict: string };
  readonly nodeWarnings: number;
  readonly wallMs: number;
}

const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `acct-${i}`);
const INITIAL_BALANCE = 1_000;
const SETUP_CLIENT = CLIENT_ID_MIN + 100;
const READ_CLIENT = CLIENT_ID_MIN + 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A killed leader is replaced within its followers' leader timeout (3 s) and a scout; wait this long at most. */
const LEADER_ELECTION_WAIT_MS = 20_000;
/** The replicas must agree within this long after the workload (a new leader may be re-driving slots). */
const CONVERGE_MS = 60_000;

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const dir = resolve(o.dir ?? mkdtempSync(join(tmpdir(), 'paxos-chaos-')));
  const dataDir = join(dir, 'data');
  const traceDir = join(dir, 'traces');
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dir, 'cluster.key');
  const key = generateClusterKey(keyFile);
  const problems: string[] = [];
  const basePort = o.basePort === 0 ? await findFreeBasePort(o.nodes) : o.basePort;
  let nodeWarnings = 0;
  // Every node's log lines, kept with the run's data for a post-mortem.
  const nodeLog = join(dir, 'nodes.log');
  const cluster = new LocalCluster({
    nodes: o.nodes, host: '127.0.0.1', basePort, dataDir, keyFile, key, app: 'bank', traceDir, runId: 'chaos',
    ...(o.checkpointEvery !== undefined ? { nodeArgs: ['--checkpoint-every', String(o.checkpointEvery)] } : {}),
    onLine: (node, line) => {
      if (/"level":"(warn|error)"/.test(line)) nodeWarnings++;
      appendFileSync(nodeLog, line.startsWith('{') ? line + '\n' : JSON.stringify({ node, output: line }) + '\n');
      o.onNodeLine?.(node, line);
    },
    onUnexpectedExit: (node, how) => problems.push(`node ${node} exited on its own (${how})`),
  });
  const addresses = new Map<number, ClientAddress>(cluster.peers.map((p) => [p.id, cluster.clientAddress(p.id)]));
  const kills: KillRecord[] = [];
  const say = (line: string) => o.progress(`[${(elapsed() / 1000).toFixed(1).padStart(5)} s] ${line}`);
  let ops: TransferOp[] | undefined;
  let finalStates: ReplicaState[] | undefined;
  let traceCheck: { ok: boolean; problems: string[] } | undefined;
  let traces: ChaosReport['traces'] = { ok: false, parts: 0, events: 0, clientOperations: 0, verdict: 'not checked' };
  try {
    say(`starting ${o.nodes} node processes (bank, traces in ${traceDir})`);
    await cluster.startAll();
    say('cluster up; opening accounts');
    await setupAccounts(addresses, key);
    ops = await workload(o, cluster, addresses, key, kills, say);
    say(`workload done: ${ops.length} transfers sent`);
    // Every replica executes through a read of its own, then all must agree (judgeRun).
    finalStates = await converge(addresses, key, say);
  } catch (e) {
    problems.push(`the run stopped early: ${(e as Error).message}`);
  }
  // The history, as the trace checks establish it: the nodes keep none (a checkpointing replica
  // keeps its state and a duplicate table, traced or not).
  const executions: ExecutedRequest[] = [];
  try {
    say('stopping the cluster (SIGTERM: each node ends its trace part)');
    await cluster.stopAll();
    const checked = await checkRunTraces(traceDir, cluster.peers.map((p) => p.id), say,
      (p) => executions.push({ caller: p.caller, clientId: p.clientId, input: p.input }));
    traces = checked.traces;
    traceCheck = { ok: checked.traces.ok, problems: checked.problems };
  } catch (e) {
    problems.push(`trace validation could not run: ${(e as Error).message}`);
  } finally {
    await cluster.stopAll();
  }
  const judged = judgeRun({
    incidents: problems, executions, deposited: ACCOUNTS.length * INITIAL_BALANCE,
    ...(finalStates !== undefined ? { finalStates } : {}), ...(traceCheck !== undefined ? { traces: traceCheck } : {}), ...(ops !== undefined ? { ops } : {}),
  });
  const history = judged.history;
  if (history !== undefined) {
    say(`history: ${executions.length} requests executed, ${history.acknowledged} acknowledged transfers, ${history.lost} lost, ${history.duplicated} run twice`);
  }
  const report: ChaosReport = {
    ok: judged.ok, problems: judged.problems, dir, kills, history, executed: judged.reporter?.executed ?? 0,
    finalReads: finalStates !== undefined, replicasEqual: judged.replicasEqual, traces, nodeWarnings, wallMs: elapsed(),
  };
  if (report.ok && o.dir === undefined) rmSync(dir, { recursive: true, force: true });
  return report;
}

/** The clients' transfers, with the faults inside the workload window; returns every transfer sent. */
async function workload(o: ChaosOptions, cluster: LocalCluster, addresses: ReadonlyMap<number, ClientAddress>, key: Buffer,
  kills: KillRecord[], say: (line: string) => void): Promise<TransferOp[]> {
  const random = mulberry32(o.seed);
  let stopWorkload = false;
  const clients = Array.from({ length: o.clients }, (_, i) =>
    new WorkloadClient(CLIENT_ID_MIN + 1000 + i, (i % o.nodes) + 1, {
      nodes: addresses, key, accounts: ACCOUNTS, isUp: (n) => cluster.isRunning(n), random, intervalMs: (1000 * o.clients) / o.rate,
    }));
  const workloadStart = performance.now();
  const running = clients.map((c) => c.run(() => stopWorkload));
  say(`${o.clients} clients sending transfers (${o.rate}/s at most) for ${(o.durationMs / 1000).toFixed(0)} s`);
  const ticker = setInterval(() => {
    const ops = clients.flatMap((c) => c.ops);
    say(`  ${ops.filter((x) => x.outcome === 'ack').length} transfers acknowledged, ${ops.filter((x) => x.outcome === 'indeterminate').length} indeterminate`);
  }, 5_000);
  try {
    await faults(o, cluster, addresses, key, kills, say, () => performance.now() - workloadStart);
    const left = o.durationMs - (performance.now() - workloadStart);
    if (left > 0) await sleep(left);
  } finally {
    stopWorkload = true;
    await Promise.all(running);
    clearInterval(ticker);
  }
  return clients.flatMap((c) => c.ops);
}


/** Opens the accounts and puts their money in, through node 1; every step must succeed. */
async function setupAccounts(addresses: ReadonlyMap<number, ClientAddress>, key: Buffer): Promise<void> {
  const c = await ClientConnection.open({ address: addresses.get(1)!, key, clientId: SETUP_CLIENT, timeoutMs: 10_000 });
  try {
    let request = 1;
    for (const account of ACCOUNTS) {
      for (const command of [{ op: 'open', account }, { op: 'deposit', account, amount: INITIAL_BALANCE }]) {
        const out = await withTimeout(c.invoke(request++, command), 30_000);
        if (!out.ok || (out.output as { ok?: unknown }).ok !== true) throw new Error(`setup ${JSON.stringify(command)} failed: ${JSON.stringify(out)}`);
      }
    }
  } finally {
    c.close();
  }
}

/** Kills the leader, then a follower, per round, each down for `downMs`, inside the workload window. */
async function faults(o: ChaosOptions, cluster: LocalCluster, addresses: ReadonlyMap<number, ClientAddress>, key: Buffer,
  kills: KillRecord[], say: (line: string) => void, sinceStart: () => number): Promise<void> {
  const slot = o.durationMs / (2 * o.rounds + 1);
  for (let round = 0; round < o.rounds; round++) {
    // Killed and not yet restarted: with twoDown, the leader waits for the follower.
    let down: Array<{ node: number; killedAt: number }> = [];
    for (const [i, role] of (['leader', 'follower'] as const).entries()) {
      const at = slot * (2 * round + i + 0.6);
      if (sinceStart() < at) await sleep(at - sinceStart());
      const statuses = await statusesOf(addresses, key, (n) => cluster.isRunning(n));
      const leader = leaderOf(statuses);
      const victim = role === 'leader' ? leader ?? 1 : pickFollower(statuses, leader, kills);
      const record: KillRecord = { node: victim, role, atMs: Math.round(sinceStart()), downMs: o.downMs, ...(down.length > 0 ? { alsoDown: down[0]!.node } : {}) };
      const alsoDown = record.alsoDown !== undefined ? `; node ${record.alsoDown} still down` : '';
      say(`SIGKILL node ${victim} (${role}${role === 'leader' ? '' : `; leader is node ${leader ?? '?'}`}${alsoDown})`);
      await cluster.kill(victim);
      down.push({ node: victim, killedAt: performance.now() });
      kills.push(record);
      if (role === 'leader') {
        record.newLeader = await newLeader(addresses, key, (n) => cluster.isRunning(n), victim, LEADER_ELECTION_WAIT_MS);
        say(record.newLeader === null
          ? `  no other leader within ${LEADER_ELECTION_WAIT_MS / 1000} s`
          : `  node ${record.newLeader} took over as leader after ${((performance.now() - down[0]!.killedAt) / 1000).toFixed(1)} s`);
      }
      if (o.twoDown === true && role === 'leader') continue;
      const wait = o.downMs - (performance.now() - down[down.length - 1]!.killedAt);
      if (wait > 0) await sleep(wait);
      const which = down.length > 1 ? `nodes ${down.map((d) => d.node).join(' and ')}` : `node ${down[0]!.node}`;
      say(`restarting ${which} from ${down.length > 1 ? 'their data directories' : 'its data directory'}`);
      await Promise.all(down.map((d) => cluster.start(d.node)));
      say(`  ${which} ${down.length > 1 ? 'are' : 'is'} back`);
      down = [];
    }
  }
}

/** Waits until a node other than `old` leads (active); null if none does in time. */
async function newLeader(addresses: ReadonlyMap<number, ClientAddress>, key: Buffer, up: (n: number) => boolean, old: number, waitMs: number): Promise<number | null> {
  const deadline = performance.now() + waitMs;
  while (performance.now() < deadline) {
    const active = (await statusesOf(addresses, key, up)).filter((s) => s.active && s.node !== old);
    if (active.length > 0) return leaderOf(active);
    await sleep(250);
  }
  return null;
}

async function statusesOf(addresses: ReadonlyMap<number, ClientAddress>, key: Buffer, up: (n: number) => boolean): Promise<NodeStatus[]> {
  const out: NodeStatus[] = [];
  await Promise.all([...addresses].filter(([n]) => up(n)).map(async ([, address]) => {
    try {
      const c = await ClientConnection.open({ address, key, clientId: READ_CLIENT + 50, timeoutMs: 3_000 });
      try { out.push(await withTimeout(c.status(), 3_000)); } finally { c.close(); }
    } catch {
      // A node that does not answer has no say in who leads.
    }
  }));
  return out;
}

/** The active leader with the highest ballot, or else the leader most nodes follow. */
export function leaderOf(statuses: readonly NodeStatus[]): number | null {
  const active = statuses.filter((s) => s.active).sort((a, b) => b.ballot.num - a.ballot.num || b.ballot.leader - a.ballot.leader);
  if (active[0] !== undefined) return active[0].node;
  const votes = new Map<number, number>();
  for (const s of statuses) if (s.leader !== null) votes.set(s.leader, (votes.get(s.leader) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** A follower that was not killed yet if there is one (so the run kills two different nodes). */
function pickFollower(statuses: readonly NodeStatus[], leader: number | null, killed: readonly KillRecord[]): number {
  const followers = statuses.map((s) => s.node).filter((n) => n !== leader).sort((a, b) => a - b);
  return followers.find((n) => !killed.some((k) => k.node === n)) ?? followers[0] ?? 1;
}

async function queryState(address: ClientAddress, key: Buffer, history: boolean): Promise<ReplicaState> {
  const c = await ClientConnection.open({ address, key, clientId: READ_CLIENT, timeoutMs: 10_000 });
  try {
    return await withTimeout(c.state(history), 30_000);
  } finally {
    c.close();
  }
}

/** A read through every node (each replica then executes through it), then polls until all histories agree. */
async function converge(addresses: ReadonlyMap<number, ClientAddress>, key: Buffer, say: (line: string) => void): Promise<ReplicaState[]> {
  const deadline = Date.now() + CONVERGE_MS;
  // One node at a time: reads proposed by every replica at once would compete for the same slots.
  for (const [node, address] of addresses) {
    // A read changes nothing: one that timed out is asked again under a new request id.
    for (let request = 1; ; request++) {
      let out: InvokeOutcome | undefined;
      const c = await ClientConnection.open({ address, key, clientId: READ_CLIENT + node, timeoutMs: 10_000 });
      try {
        out = await withTimeout(c.invoke(request, { op: 'balance', account: ACCOUNTS[0] }), 30_000);
      } catch (e) {
        out = { ok: false, error: 'NoAnswer', message: (e as Error).message, indeterminate: true };
      } finally {
        c.close();
      }
      if (out.ok) break;
      if (Date.now() > deadline) throw new Error(`final read through node ${node} failed: ${out.error}: ${out.message}`);
      say(`  final read through node ${node}: ${out.error}; asking again`);
    }
  }
  for (;;) {
    const states = await Promise.all([...addresses.values()].map((a) => queryState(a, key, false)));
    const agree = new Set(states.map(agreement)).size === 1;
    if (agree || Date.now() > deadline) {
      say(`replicas: ${states.map((s) => `node ${s.node} ${s.executed}`).join(', ')} requests executed${agree ? ', one state' : ''}`);
      return states;
    }
    await sleep(300);
  }
}

/**
 * check-traces on the run's parts: schema, replay against the spec, client-level checks; in
 * this thread, telling `onHistory` each request of the history the checks establish. Also
 * judges that each trace has a part from every one of `clusterNodes`.
 */
async function checkRunTraces(traceDir: string, clusterNodes: readonly number[], say: (line: string) => void,
  onHistory: (request: Proposal) => void): Promise<{ traces: ChaosReport['traces']; problems: string[] }> {
  const inputs = collectInputs([traceDir]);
  const parts = inputs.reduce((n, i) => n + i.files.length, 0);
  say(`checking ${parts} trace parts against the spec (check-traces ${traceDir})`);
  let events = 0;
  const verdicts: TraceVerdict[] = [];
  for (const input of inputs) verdicts.push(await checkTrace(input, { onHistory, onEvents: (n) => { events += n; } }));
  const verdict = verdicts.map(formatVerdict).join('\n');
  say(verdict.split('\n')[0]!);
  const checked = inputs.map((input, i) => ({ name: input.name, ok: verdicts[i]!.ok, partNodes: input.files.map(partNodeOf) }));
  const { ok, problems } = judgeRunTraces(checked, clusterNodes, verdict);
  const traces = {
    ok, parts, verdict,
    events: verdicts.reduce((n, v) => n + v.events, 0) || events,
    clientOperations: verdicts.reduce((n, v) => n + (v.client?.operations ?? 0), 0),
  };
  return { traces, problems };
}

/**
 * The node a part file says it holds: its header's `part.node` (the checker rejects a part
 * holding another node's events). Undefined when line 1 is not such a header. Reads line 1 only.
 */
function partNodeOf(file: string): number | undefined {
  const lines = new LineReader(file);
  try {
    const first = lines.next();
    if (first === null) return undefined;
    const header = JSON.parse(first.text) as Partial<TraceHeader> | null;
    return header?.kind === 'header' && typeof header.part?.node === 'number' ? header.part.node : undefined;
  } catch {
    return undefined;
  } finally {
    lines.close();
  }
}
