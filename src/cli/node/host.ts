/**
 * One node process: a Member over a TcpTransport and the node's FileDurableLog, a client
 * port (client/server.ts) that turns client requests into idempotent invokes, an optional
 * write-ahead trace part, and a progress monitor that says why the node is stuck.
 *
 * Start order matters: the key and the data directory are checked before any socket opens;
 * a restarted traced node brings its log up to its trace (durableCatchUp.ts) before its
 * Member reads the log. A clean stop ends the part with an `end` line after the last event;
 * a storage failure stops the node and writes a `crash` line (it cannot know which writes
 * survived).
 */
import { Member } from '../../member/member.js';
import { defaultNodeFactory } from '../../member/nodeFactory.js';
import type { NodeApi, TraceEvent as NodeTraceEvent } from '../../node/api.js';
import { DEFAULT_LIMITS, type Timing } from '../../protocol/limits.js';
import { bank } from '../../statemachines/bank.js';
import { kv } from '../../statemachines/kv.js';
import type { AppStateMachine } from '../../statemachines/types.js';
import { FileDurableLog } from '../../storage/fileLog.js';
import { emptyDurableState } from '../../storage/fold.js';
import type { FullTraceEvent } from '../../trace/format/types.js';
import { TcpTransport } from '../../transport/tcpTransport.js';
import type { PeerEntry } from '../args.js';
import { ClientServer } from '../client/server.js';
import type { Logger } from '../log.js';
import { recordsToReach } from './durableCatchUp.js';
import { LeaderHint } from './leaderHint.js';
import { type NodeTrace, openNodeTrace } from './nodeTrace.js';
import { ProgressMonitor } from './progress.js';
import { RequestTable } from './requestTable.js';
import { nodeStatus, replicaState } from './status.js';

export type AppName = 'bank' | 'kv';
export const APPS: Record<AppName, AppStateMachine<unknown, unknown>> = {
  bank: bank as AppStateMachine<unknown, unknown>,
  kv: kv as AppStateMachine<unknown, unknown>,
};

export interface NodeHostOptions {
  readonly id: number;
  readonly peers: readonly PeerEntry[];
  readonly dataDir: string;
  /** The cluster key (readClusterKey). */
  readonly key: Buffer;
  readonly app: AppName;
  /** Create the node's state (its data directory must be empty or missing). */
  readonly isNew: boolean;
  readonly traceDir?: string;
  readonly runId: string;
  /** Address to listen on for peers (default: this node's address in `peers`). */
  readonly listenHost?: string;
  readonly clientPort: number;
  readonly clientHost?: string;
  readonly logger: Logger;
  /** Protocol timers (tests shorten them). */
  readonly timing?: Partial<Timing>;
  /** The replica's window, the spec's Window: slots proposed ahead of execution (default DEFAULT_LIMITS.window). */
  readonly window?: number;
  /** The replica snapshots every this many executed slots and the node compacts (0 or absent: never). */
  readonly checkpointEvery?: number;
  /** The most requests a replica proposes for one slot (the spec's BatchMax; default 1: no batching). */
  readonly batchMax?: number;
}

export class NodeHost {
  /** Resolves with the process's exit code once the node has stopped. */
  readonly stopped: Promise<number>;
  private resolveStopped!: (code: number) => void;
  private stopping = false;

  private constructor(
    private readonly options: NodeHostOptions,
    /** When this process started the node: `paxos status` tells a restarted node by it. */
    readonly incarnation: number,
    private readonly log: FileDurableLog,
    private readonly trace: NodeTrace | undefined,
    private readonly transport: TcpTransport,
    private readonly member: Member<unknown, unknown>,
    private readonly clients: ClientServer,
    private readonly monitor: ProgressMonitor,
  ) {
    this.stopped = new Promise((resolve) => { this.resolveStopped = resolve; });
  }

  get clientPort(): number {
    return this.clients.port;
  }

  static async start(o: NodeHostOptions): Promise<NodeHost> {
    const logger = o.logger;
    const incarnation = Date.now();
    const me = o.peers.find((p) => p.id === o.id);
    if (me === undefined) throw new Error(`node ${o.id} is not in --peers`);
    const key = o.key;
    const log = await FileDurableLog.open(o.dataDir, {
      nodeId: o.id, create: o.isNew, log: (message) => logger.warn('storage', { message }),
      // Traced: a snapshot staged before a crash took its record may be one the trace names.
      keepStagedSnapshots: o.traceDir !== undefined,
    });
    // One value for the node and its trace header: "0 or absent: never".
    const checkpointEvery = o.checkpointEvery ?? 0;
    let trace: NodeTrace | undefined;
    let transport: TcpTransport | undefined;
    try {
      if (o.traceDir !== undefined) {
        trace = openNodeTrace({
          dir: o.traceDir, runId: o.runId, node: o.id, nodes: o.peers.length, window: o.window ?? DEFAULT_LIMITS.window, app: o.app, fresh: o.isNew,
          checkpointEvery,
          ...(o.batchMax !== undefined ? { batchMax: o.batchMax } : {}),
          durableEmpty: log.load() === undefined,
        });
        if (trace.crashRecorded) logger.warn('crash-recorded', { trace: trace.path, lastEvent: trace.resume?.traceSeq ?? 0, note: 'the previous run of this node ended without a clean stop' });
        if (trace.traced !== undefined) {
          const records = recordsToReach(log.load() ?? emptyDurableState(o.id), trace.traced, (slot) => log.stagedSnapshot(slot));
          if (records.length > 0) {
            log.append(records);
            await log.sync();
            logger.warn('durable-caught-up', { records: records.length, kinds: [...new Set(records.map((r) => r.kind))], note: 'records the trace holds and the crash took from the log (never announced)' });
          }
        }
        await log.discardStagedSnapshots();
      }
      transport = await TcpTransport.listen({
        id: o.id, key, host: o.listenHost ?? me.host, port: me.port,
        peers: new Map(o.peers.filter((p) => p.id !== o.id).map((p) => [p.id, { host: p.host, port: p.port }])),
        log: (line) => logger.relayJson('warn', line),
      });
      const app = APPS[o.app];
      let node: NodeApi | undefined;
      let host: NodeHost | undefined;
      const resume = trace?.resume;
      const file = trace?.file;
      const member = new Member(app, transport, o.peers.map((p) => p.id), {
        id: o.id,
        storage: log,
        startAs: o.isNew ? 'member' : 'join',
        ...(o.timing ? { timing: o.timing } : {}),
        limits: {
          ...(o.window !== undefined ? { window: o.window } : {}),
          ...(o.batchMax !== undefined ? { batchMaxRequests: o.batchMax } : {}),
          // Requests that arrive in one turn share a slot (docs/cli.md, --batch-max).
          deferProposals: 'turn',
        },
        // Always given: left out, a Member checkpoints by default, which the trace header would deny.
        checkpointEvery,
        // The part takes the node's deltas: a checkpointing replica then keeps no history, and a
        // restart gives it by length (docs/trace-format.md, "Histories by length").
        ...(file ? { trace: Object.assign((ev: NodeTraceEvent) => file.emit(ev as unknown as FullTraceEvent), { takesDeltas: true }), traceFlush: () => file.flush() } : {}),
        log: (line) => logger.throttled(`node-log:${line.replace(/\d+/g, '#').slice(0, 60)}`, 10_000, 'warn', 'node-log', { message: line }),
        createNode: (id, peers, options, env) => {
          if ((options.checkpointEvery ?? 0) !== checkpointEvery) {
            throw new Error(`node ${id}: the node would checkpoint every ${options.checkpointEvery ?? 0} slots, its host says ${checkpointEvery} (and its trace header with it)`);
          }
          node = defaultNodeFactory(id, peers, options, resume ? { ...env, resume } : env);
          return node;
        },
        onFatal: (e) => { void host?.fail(e); },
      });
      const requests = new RequestTable((command) => member.invoke(command));
      const leader = new LeaderHint(() => node!, Date.now);
      let monitor!: ProgressMonitor;
      const clients = await ClientServer.listen({
        node: o.id, incarnation, key, host: o.clientHost ?? o.listenHost ?? me.host, port: o.clientPort, logger,
        // A reply tells the client its command ran: the trace holds that (ClientReturn) first.
        ...(file ? { beforeReply: () => file.flush() } : {}),
        handlers: {
          invoke: (client, request, command, retry) => requests.submit(client, request, command, retry),
          status: () => nodeStatus({
            node: node!, transport: transport!, app: o.app, incarnation, now: Date.now,
            health: () => monitor.health, pendingRequests: () => requests.inFlight,
            storage: () => log.stats, answered: () => requests.answered,
          }),
          state: (history) => replicaState(node!, app, history),
          leader: () => leader.current(),
        },
      }).catch((e: unknown) => { transport!.close(); throw e; });
      monitor = new ProgressMonitor({
        self: o.id,
        peers: o.peers.map((p) => p.id),
        roles: () => node!.roleNames(),
        answered: () => requests.answered,
        view: () => {
          const s = node!.specState();
          return { aBallot: s.aBallot, lBallot: s.lBallot, lActive: s.lActive, scoutBallot: s.scout?.ballot ?? null, slotOut: s.rSlotOut };
        },
        peer: (id) => {
          const p = transport!.peerStatus(id);
          return p === undefined ? undefined : { received: p.received, open: p.state === 'open' };
        },
        waiting: () => ({ count: requests.inFlight, oldestMs: requests.oldestWaitMs() }),
      }, logger);
      host = new NodeHost(o, incarnation, log, trace, transport, member, clients, monitor);
      member.start();
      monitor.start();
      logger.info('started', {
        peers: `${me.host}:${transport.address().port}`, clients: `${o.clientHost ?? o.listenHost ?? me.host}:${clients.port}`,
        startAs: o.isNew ? 'member' : 'join', dataDir: o.dataDir,
        ...(trace ? { trace: trace.path, resumedAfterEvent: trace.resume?.traceSeq ?? 0 } : {}),
      });
      return host;
    } catch (e) {
      transport?.close();
      trace?.file.close();
      await log.close().catch(() => undefined);
      throw e;
    }
  }

  /** A clean stop (SIGTERM, SIGINT): stop serving, sync the log, end the trace part. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return this.stopped.then(() => undefined);
    this.stopping = true;
    this.monitor.stop();
    this.clients.close();
    this.member.stop();
    await this.transport.closed;
    let code = 0;
    try {
      // Write-ahead: the events of the records close() writes are in the trace first.
      this.trace?.file.flush();
      await this.log.close();
    } catch (e) {
      this.options.logger.error('storage-failed', { error: (e as Error).message });
      code = 1;
    }
    this.endTrace(code === 0 ? 'end' : 'crash', reason);
    this.options.logger.info('stopped', { reason });
    this.resolveStopped(code);
  }

  /** The member stopped itself (its storage failed): end like a crash, exit 1. */
  private async fail(e: Error): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.options.logger.error('node-failed', { error: e.message });
    this.monitor.stop();
    this.clients.close();
    this.transport.close();
    await this.log.close().catch(() => undefined);
    this.endTrace('crash', `stopped by a failure: ${e.message}`);
    this.resolveStopped(1);
  }

  private endTrace(kind: 'end' | 'crash', note: string): void {
    if (this.trace === undefined) return;
    const last = this.trace.file.last.get(this.options.id) ?? { seq: this.trace.resume?.traceSeq ?? 0, clock: this.trace.resume?.clock ?? 0 };
    this.trace.file.ending({ kind, node: this.options.id, seq: last.seq, clock: last.clock, at: Date.now(), note });
    this.trace.file.close();
  }
}
