/**
 * A Member is what an application holds: it drives one sans-IO Node with real timers
 * (setTimeout) and an injected Transport, and turns `invoke(input)` into a Promise of the
 * state machine's output.
 *
 * - Results resolve (or reject) in the order `invoke` was called on this member, even when
 *   the cluster decides later requests first.
 * - A request keeps its client id for its whole life: when the node cannot take it yet
 *   (still joining, queue full) the member retries the same id, and the replica executes a
 *   (caller, client id) at most once.
 * - `invoke` rejects with DeadlineExceededError after `deadlineMs` if the cluster cannot
 *   decide (no live majority); the request may still execute later, at most once.
 * - Write-ahead with group commit: the records a node call appends go to the DurableLog at
 *   once, and that call's messages leave only after a `sync()` that covers them. The first
 *   sync waits for the end of the event-loop turn, and while one sync is in flight, later
 *   calls' messages queue, in order, behind the next one, so one fsync serves every call made
 *   meanwhile. Timers do not wait; results wait as messages do (in a one-node cluster a
 *   request is decided and executed in the call that appends its accepted pvalue, and nothing
 *   else would make that durable before the application is told).
 */
import type { ClientResult, Envelope, Limits, NodeApi, NodeId, Output, TimerRequest, Timing, TraceSink } from '../node/api.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../node/node.js';
import { appSnapshotsOf } from '../roles/replicaImage.js';
import { MemoryDurableLog } from '../storage/memoryLog.js';
import type { DurableLog, DurableSnapshot } from '../storage/types.js';
import { encodeInput, toNodeStateMachine } from '../statemachines/codec.js';
import type { AppStateMachine } from '../statemachines/types.js';
import { DeadlineExceededError, InvokeRefusedError, MemberStateError, MemberStoppedError } from './errors.js';
import { type NodeFactory, defaultNodeFactory } from './nodeFactory.js';
import type { Transport } from './transport.js';
import { DEFAULT_MAX_MESSAGE_BYTES, Fragmenter, Reassembler } from './fragments.js';

/** Options of a {@link Member}; only `id` is required. */
export interface MemberOptions {
  /** This member's node id; must be one of `peers`. */
  readonly id: NodeId;
  /**
   * Where the acceptor's promises and accepted pvalues and the leader's ballot survive a
   * restart: `await FileDurableLog.open(dir, { nodeId, create })` for a real node. Default: a
   * MemoryDurableLog, which survives a stop() and a new Member over it in this process, not
   * a process restart. The member appends and syncs; its owner closes it after stop().
   */
  readonly storage?: DurableLog;
  /** How long an invoke may wait for its decision (default 10 s). */
  readonly deadlineMs?: number;
  /** Wait before re-offering a request the node could not take yet (default 100 ms). */
  readonly retryMs?: number;
  /** 'member' (default) for a fresh cluster, 'join' to (re)join a running one. */
  readonly startAs?: 'member' | 'seed' | 'join';
  readonly timing?: Partial<Timing>;
  readonly limits?: Partial<Limits>;
  readonly trace?: TraceSink;
  /**
   * Called before anything the node did leaves this member: before messages are handed to
   * the transport and before records are synced to storage. A trace sink that buffers its
   * events writes them here, so the trace stays write-ahead (every step the world can see is
   * in it, even after a SIGKILL) at one write per batch of output instead of one per event.
   */
  readonly traceFlush?: () => void;
  /** Operator-facing lines from the node (dropped messages and why); default: none. */
  readonly log?: (line: string) => void;
  /**
   * First client id; ids must be unique per node across restarts. Default: the start time
   * in ms times 1000. Either way the member starts at or above the bound its storage keeps
   * (a `clientIds` record, appended before an id above the last one leaves the node), so a
   * restart whose clock reads earlier than its predecessor's (a machine without a real-time
   * clock, a clock stepped back) does not hand out an id again, which would get the old
   * request's output back.
   */
  readonly clientIdBase?: number;
  readonly createNode?: NodeFactory;
  /** The member stopped itself because its storage failed (a sync rejected): it cannot know
   * which of its writes survived, so it must not go on. Default: the error goes to `log`. */
  readonly onFatal?: (error: Error) => void;
  /**
   * Checkpoints (docs/design-checkpoints.md): the replica snapshots its state every this many
   * executed slots (once its application's snapshot is over 64 KiB, only when as much log came
   * since: src/roles/snapshotRule.ts) and the node compacts below it, so memory, storage and
   * messages stay bounded. Needs an app with snapshot() and restore() (bank, kv). Default: every 1,000 slots
   * ({@link DEFAULT_CHECKPOINT_EVERY}) for an app that has them, else off (0), when state grows
   * with history.
   */
  readonly checkpointEvery?: number;
  /** Largest message sent, in bytes of JSON; a larger one leaves in fragments (fragments.ts). Default 60,000. */
  readonly maxMessageBytes?: number;
}

/**
 * How long `invoke` waits for a decision unless {@link MemberOptions.deadlineMs} says otherwise (ms).
 */
export const DEFAULT_DEADLINE_MS = 10_000;

/** Wall-clock time with sub-millisecond resolution: client events of several processes on
 * one machine are then ordered as they happened, which linearizability is checked against. */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
const DEFAULT_RETRY_MS = 100;
/** Client ids a clientIds record reserves: one small record per million invokes. */
export const CLIENT_ID_BLOCK = 1_000_000;

interface Pending<O> {
  readonly clientId: number;
  readonly text: string;
  readonly resolve: (o: O) => void;
  readonly reject: (e: Error) => void;
  outcome: { ok: true; value: O } | { ok: false; error: Error } | undefined;
  deadline: NodeJS.Timeout | undefined;
  retry: NodeJS.Timeout | undefined;
}

/**
 * What an application holds: one cluster member. It drives a sans-IO {@link Node} with real timers and
 * an injected {@link Transport}, and turns `invoke(input)` into a Promise of the state machine's output.
 *
 * - Results resolve (or reject) in the order `invoke` was called on this member, even when the cluster
 *   decides later requests first.
 * - A request keeps its client id for its whole life: when the node cannot take it yet (still joining,
 *   queue full) the member retries the same id, and the replica executes a (caller, client id) once.
 * - `invoke` rejects with {@link DeadlineExceededError} after `deadlineMs` if the cluster cannot decide
 *   (no live majority); the request may still execute later, at most once.
 *
 * ```ts
 * import { InMemoryNetwork, Member, bank } from 'paxos-reference';
 *
 * const net = new InMemoryNetwork(); // or a UdpTransport / TcpTransport per process
 * const peers = [1, 2, 3];
 * const members = peers.map((id) => new Member(bank, net.transport(id), peers, { id }));
 * members.forEach((m) => m.start());
 * await members[0].invoke({ op: 'open', account: 'alice' });
 * await members[1].invoke({ op: 'deposit', account: 'alice', amount: 100 }); // { ok: true, ..., balance: 100 }
 * members.forEach((m) => m.stop());
 * ```
 *
 * @typeParam S the application's state.
 * @typeParam O the application's output.
 * @throws RangeError from the constructor when `id` is not among `peers`, or `deadlineMs` or
 * `clientIdBase` is not a positive number.
 */
export class Member<S, O> {
  private readonly node: NodeApi;
  private readonly pending = new Map<number, Pending<O>>();
  /** Requests in invocation order; the head is resolved first. */
  private readonly order: Pending<O>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** The node's 0 ms timers, armed with setImmediate (see arm). */
  private readonly immediates = new Set<NodeJS.Immediate>();
  private readonly deadlineMs: number;
  private readonly retryMs: number;
  private nextClientId: number;
  /** Every client id the storage's clientIds records cover is below this. */
  private clientIdsBelow: number;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly log: DurableLog;
  /** Messages waiting for the sync that makes their call's records durable, in call order. */
  private outbox: Envelope[] = [];
  /** Results waiting, as the messages of their call do, for the sync that covers its records. */
  private heldResults: ClientResult[] = [];
  /** A sync-then-send loop is running (flush()). */
  private flushing = false;
  private readonly onFatal: (error: Error) => void;
  private readonly fragmenter: Fragmenter;
  private readonly reassembler: Reassembler;
  private readonly logLine: ((line: string) => void) | undefined;
  private readonly traceFlush: () => void;
  /** A trace sink was given: client events are worth building (the node drops them otherwise). */
  private readonly tracing: boolean;

  constructor(
    stateMachine: AppStateMachine<S, O>,
    private readonly transport: Transport,
    peers: readonly NodeId[],
    options: MemberOptions,
  ) {
    if (!peers.includes(options.id)) throw new RangeError(`member id ${options.id} is not among peers [${peers.join(', ')}]`);
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    if (!(this.deadlineMs > 0)) throw new RangeError(`deadlineMs must be positive, got ${this.deadlineMs}`);
    const base = options.clientIdBase ?? Date.now() * 1000;
    if (!Number.isSafeInteger(base) || base < 1) {
      throw new RangeError(`clientIdBase must be a positive safe integer, got ${base}`);
    }
    this.log = options.storage ?? new MemoryDurableLog(options.id);
    const durable = this.log.load();
    this.clientIdsBelow = durable?.clientIdsBelow ?? 0;
    this.nextClientId = Math.max(base, this.clientIdsBelow);
    const logLine = options.log;
    this.logLine = logLine;
    this.fragmenter = new Fragmenter(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    this.reassembler = new Reassembler(options.id, peers);
    this.onFatal = options.onFatal ?? ((e) => logLine?.(`member ${options.id} stopped: ${e.message}`));
    this.traceFlush = options.traceFlush ?? (() => undefined);
    this.tracing = options.trace !== undefined;
    const createNode = options.createNode ?? defaultNodeFactory;
    const nodeMachine = toNodeStateMachine(stateMachine);
    this.node = createNode(
      options.id,
      [...peers].sort((a, b) => a - b),
      {
        stateMachine: nodeMachine,
        ...(options.startAs ? { startAs: options.startAs } : {}),
        ...(options.timing ? { timing: options.timing } : {}),
        ...(options.limits ? { limits: options.limits } : {}),
        checkpointEvery: options.checkpointEvery ?? (appSnapshotsOf(nodeMachine) !== undefined ? DEFAULT_CHECKPOINT_EVERY : 0),
      },
      {
        durable,
        ...(options.trace ? { trace: options.trace } : {}),
        // Traced: a snapshot's bytes are durable before its trace line can be (storage/fileLog.ts).
        ...(options.trace && this.log.stageSnapshot ? { stageSnapshot: (s: DurableSnapshot) => this.stageSnapshot(s) } : {}),
        ...(options.log ? { log: options.log } : {}),
      },
    );
  }

  /** This member's node id. */
  get id(): NodeId {
    return this.node.id;
  }

  /** One envelope to the transport, in fragments when it is over maxMessageBytes. */
  private send(envelope: Envelope): void {
    if (this.transport.sendEncoded !== undefined) {
      const json = JSON.stringify(envelope);
      // At most 3 UTF-8 bytes per UTF-16 unit: surely one message, encoded once (the common case).
      if (json.length * 3 <= this.fragmenter.maxMessageBytes) {
        this.transport.sendEncoded(envelope.to, json);
        return;
      }
    }
    for (const piece of this.fragmenter.split(envelope)) this.transport.send(piece as Envelope);
  }

  /** Starts the node and begins receiving; call once. */
  start(): void {
    if (this.state !== 'new') throw new MemberStateError(`start() on a ${this.state} member`);
    this.state = 'running';
    this.transport.onReceive((raw) => {
      if (this.state !== 'running') return;
      const got = this.reassembler.accept(raw);
      if (got.kind === 'dropped') this.logLine?.(`member ${this.id}: dropped ${got.reason}`);
      if (got.kind === 'whole') this.apply(this.node.receive(got.value));
    });
    this.apply(this.node.start());
  }

  /** Stops timers and the transport; pending invokes reject with MemberStoppedError. Idempotent. */
  stop(): void {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const t of this.immediates) clearImmediate(t);
    this.immediates.clear();
    // Messages still waiting for their sync are never sent, as in a crash: nothing was
    // claimed about records that may not be durable.
    this.outbox = [];
    this.heldResults = [];
    this.transport.close();
    for (const p of this.order) {
      clearTimeout(p.deadline);
      clearTimeout(p.retry);
      p.reject(new MemberStoppedError(p.clientId));
    }
    this.order.length = 0;
    this.pending.clear();
  }

  /**
   * Submits `input` to the cluster; resolves with the state machine's output once a replica of
   * this member's node executed it. Results resolve in the order of the calls on this member.
   * The request keeps one client id for its whole life and is executed at most once.
   *
   * An output that reports a failure (`{ ok: false, error, message }`, e.g. an unknown account)
   * resolves: the command was executed and the state machine said no.
   *
   * @param input the command, any JSON-serialisable value (e.g. a {@link BankInput}).
   * @returns a Promise of the output. It rejects with:
   * - `TypeError` when `input` is not JSON-serialisable (nothing was sent);
   * - {@link MemberStateError} when the member was not started or is stopped;
   * - {@link DeadlineExceededError} after `deadlineMs` without a decision (no live majority): the
   *   request may still execute later, at most once;
   * - {@link InvokeRefusedError} when the node refuses the request for good (input longer than
   *   `Limits.maxInputLength`);
   * - {@link MemberStoppedError} when `stop()` is called while it is pending (it may still
   *   execute, at most once).
   *
   * ```ts
   * try {
   *   const out = await member.invoke({ op: 'transfer', from: 'alice', to: 'bob', amount: 5 });
   * } catch (e) {
   *   if (e instanceof DeadlineExceededError) { ... } // outcome unknown: read before retrying
   * }
   * ```
   */
  invoke(input: unknown): Promise<O> {
    if (this.state !== 'running') return Promise.reject(new MemberStateError(`invoke() on a ${this.state} member; call start() first`));
    let text: string;
    try {
      text = encodeInput(input);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new TypeError(String(e)));
    }
    if (this.nextClientId >= this.clientIdsBelow) {
      // Before the id can leave the node: its messages wait for the sync that covers this record.
      const below = this.nextClientId + CLIENT_ID_BLOCK;
      if (!Number.isSafeInteger(below)) return Promise.reject(new RangeError(`client ids are used up (the next is ${this.nextClientId})`));
      this.log.append([{ kind: 'clientIds', below }]);
      this.clientIdsBelow = below;
    }
    const clientId = this.nextClientId++;
    // The application's call, for the client-level checks of the trace (linearizability).
    if (this.tracing) this.node.traceClient({ kind: 'invoke', clientId, input: text, at: wallClockMs() });
    return new Promise<O>((resolve, reject) => {
      const p: Pending<O> = { clientId, text, resolve, reject, outcome: undefined, deadline: undefined, retry: undefined };
      p.deadline = setTimeout(() => this.settle(p, { ok: false, error: new DeadlineExceededError(clientId, this.deadlineMs) }), this.deadlineMs);
      this.pending.set(clientId, p);
      this.order.push(p);
      this.offer(p);
    });
  }

  /** Hands the request to the node; a transient refusal is retried with the same client id. */
  private offer(p: Pending<O>): void {
    p.retry = undefined;
    if (this.state !== 'running' || p.outcome) return;
    const out = this.node.invoke(p.clientId, p.text);
    const refused = out.refused;
    if (refused === 'input-too-long') {
      this.settle(p, { ok: false, error: new InvokeRefusedError(p.clientId, refused) });
    } else if (refused === 'not-a-member' || refused === 'too-many-pending') {
      p.retry = setTimeout(() => this.offer(p), this.retryMs);
    }
    // 'duplicate-client-id' means the node already has this request: wait for its result.
    this.apply(out);
  }

  private settle(p: Pending<O>, outcome: NonNullable<Pending<O>['outcome']>): void {
    if (p.outcome) return;
    p.outcome = outcome;
    clearTimeout(p.deadline);
    clearTimeout(p.retry);
    this.pending.delete(p.clientId);
    // Resolve strictly in invocation order: only a settled head leaves the queue.
    while (this.order[0]?.outcome) {
      const head = this.order.shift()!;
      const o = head.outcome!;
      // Traced where it is handed over, with the very value handed over: the trace's
      // ClientReturn is what the application was told, not what the node answered.
      if (this.tracing) {
        this.node.traceClient(o.ok
          ? { kind: 'return', clientId: head.clientId, output: o.value, at: wallClockMs() }
          : { kind: 'error', clientId: head.clientId, error: o.error.name, at: wallClockMs() });
      }
      if (o.ok) head.resolve(o.value);
      else head.reject(o.error);
    }
  }

  private stageSnapshot(snapshot: DurableSnapshot): void {
    try {
      this.log.stageSnapshot!(snapshot);
    } catch {
      // Remembered by the log: the sync() of this step's records rejects, and flush() stops us.
    }
  }

  /** Does what the node asked: append its records, send and deliver results once they are durable, arm timers. */
  private apply(out: Output): void {
    if (this.state !== 'running') return;
    if (out.durable.length > 0) this.log.append(out.durable);
    let results: readonly ClientResult[] = out.results;
    if (!this.flushing && !this.log.pendingSync) {
      // Nothing waits to become durable: what this call sends depends on nothing unsynced.
      if (out.messages.length > 0) this.traceFlush();
      for (const env of out.messages) this.send(env);
    } else {
      // A loop, not push(...): one call can return tens of thousands of messages (a new leader
      // re-driving every adopted slot), more arguments than a call may take.
      for (const m of out.messages) this.outbox.push(m);
      // A result is something the world sees too: in a one-node cluster its decision rests on
      // this very call's records, which no sync has covered yet.
      for (const r of results) this.heldResults.push(r);
      results = [];
      if (!this.flushing) void this.flush();
    }
    for (const t of out.timers) this.arm(t);
    this.deliver(results);
  }

  /**
   * Arms one of the node's timers. One of 0 ms (a replica's deferred proposal: the requests of
   * this turn proposed together) fires at the end of this turn of the event loop, once the poll
   * phase has handled every socket read in it: setImmediate. A 0 ms setTimeout waits at least
   * 1 ms in Node, which every deferred batch paid in latency: with 8 clients, bench:cluster's
   * batched level ran at 0.69-0.99x of the unbatched one (median 0.93, nine runs, p50 3.8 ms),
   * and at 0.95-1.30x (median 1.06, p50 3.1 ms) with setImmediate, runs alternated (2026-12-07).
   */
  private arm(t: TimerRequest): void {
    const fire = (): void => {
      if (this.state === 'running') this.apply(this.node.fireTimer(t.name, t.key));
    };
    if (t.afterMs <= 0) {
      const immediate = setImmediate(() => {
        this.immediates.delete(immediate);
        fire();
      });
      this.immediates.add(immediate);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fire();
    }, t.afterMs);
    this.timers.add(timer);
  }

  private deliver(results: readonly ClientResult[]): void {
    for (const r of results) {
      const p = this.pending.get(r.clientId);
      if (p) this.settle(p, { ok: true, value: r.output as O });
    }
  }

  /**
   * Group commit: one sync() covers every record appended before the call, so each turn of
   * the loop sends, in order, what queued behind records appended up to its sync. Records
   * with no message behind them are synced too, so that a clean stop() loses nothing.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      // The first sync starts once this turn of the event loop has handled every socket read
      // in it: a batch frame of Accepts, or several peers' frames, then share one fsync (started
      // at once, the first envelope's record would have one to itself and the rest the next).
      await new Promise((resolve) => setImmediate(resolve));
      while (this.state === 'running' && (this.outbox.length > 0 || this.heldResults.length > 0 || this.log.pendingSync)) {
        const ready = this.outbox;
        this.outbox = [];
        const results = this.heldResults;
        this.heldResults = [];
        // The events of the steps that appended these records and queued these messages.
        this.traceFlush();
        await this.log.sync();
        if (this.state !== 'running') return;
        for (const env of ready) this.send(env);
        this.deliver(results);
      }
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      this.stop();
      this.onFatal(error);
    } finally {
      this.flushing = false;
    }
  }
}
