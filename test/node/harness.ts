/**
 * A minimal in-memory cluster for Node tests: FIFO delivery with an optional drop rule,
 * timers fired on demand, a memory durable log per node (synced before a call's messages
 * leave, as a host must), every trace event kept.
 * (The deterministic simulator in src/sim is the real thing; this is small on purpose.)
 */
import { Node } from '../../src/node/node.js';
import type { ClientResult, Envelope, NodeOptions, Output, TimerRequest, TraceEvent } from '../../src/node/api.js';
import type { NodeId } from '../../src/protocol/values.js';
import { MemoryDurableLog } from '../../src/storage/memoryLog.js';
import { counter } from '../roles/fake-host.js';

export class Cluster {
  readonly nodes = new Map<NodeId, Node>();
  readonly storage = new Map<NodeId, MemoryDurableLog>();
  readonly inFlight: Envelope[] = [];
  readonly timers = new Map<NodeId, TimerRequest[]>();
  readonly results = new Map<NodeId, ClientResult[]>();
  readonly events: TraceEvent[] = [];
  private readonly crashed = new Map<NodeId, Node>();
  readonly logs: string[] = [];
  /** Return true to lose a message. */
  drop: (e: Envelope) => boolean = () => false;

  constructor(readonly ids: NodeId[], readonly options: Partial<NodeOptions> = {}, starts: Partial<Record<NodeId, NodeOptions['startAs']>> = {}) {
    for (const id of ids) this.boot(id, starts[id] ?? 'member');
  }

  boot(id: NodeId, startAs: NodeOptions['startAs'], old?: Node): Node {
    const log = this.storage.get(id) ?? new MemoryDurableLog(id);
    this.storage.set(id, log);
    const node = new Node(id, this.ids, {
      durable: log.load(),
      trace: (e) => this.events.push(e),
      log: (line) => this.logs.push(line),
      ...(old ? { resume: { traceSeq: old.traceSeq, clock: old.clock } } : {}),
    }, { stateMachine: counter, ...this.options, startAs });
    this.nodes.set(id, node);
    this.timers.set(id, []); // a crash loses the old incarnation's timers
    this.absorb(id, node.start());
    return node;
  }

  node(id: NodeId): Node {
    return this.nodes.get(id)!;
  }

  /** Crash `id` (its in-flight input is lost) and restart it from its durable storage. */
  restart(id: NodeId): Node {
    const old = this.nodes.get(id) ?? this.crashed.get(id);
    this.nodes.delete(id);
    return this.boot(id, 'join', old);
  }

  crash(id: NodeId): void {
    const old = this.nodes.get(id);
    if (old !== undefined) this.crashed.set(id, old);
    this.nodes.delete(id);
    this.timers.set(id, []);
    this.storage.get(id)?.crash();
  }

  /** Hand `id` one envelope now, as the network would (its output goes through the host). */
  receive(id: NodeId, envelope: Envelope): void {
    this.absorb(id, this.node(id).receive(envelope));
  }

  invoke(id: NodeId, clientId: number, input: string, options: { retry?: boolean } = {}): void {
    this.absorb(id, this.node(id).invoke(clientId, input, options));
  }

  /** Deliver messages in FIFO order until none is left (or `limit` deliveries). */
  run(limit = 100_000): void {
    for (let i = 0; this.inFlight.length > 0; i++) {
      if (i >= limit) throw new Error(`no quiescence after ${limit} deliveries`);
      const e = this.inFlight.shift()!;
      const node = this.nodes.get(e.to);
      if (node === undefined || this.drop(e)) continue;
      this.absorb(e.to, node.receive(JSON.parse(JSON.stringify(e))));
    }
  }

  /** Fire every pending timer once (each node's, in request order), then run. */
  tick(): void {
    for (const id of this.ids) {
      const node = this.nodes.get(id);
      const due = this.timers.get(id) ?? [];
      this.timers.set(id, []);
      if (node === undefined) continue;
      for (const t of due) this.absorb(id, node.fireTimer(t.name, t.key));
    }
    this.run();
  }

  resultsOf(id: NodeId): ClientResult[] {
    return this.results.get(id) ?? [];
  }

  /** What a host does with a call's output: durable records appended and synced first, then messages, timers, results. */
  absorb(id: NodeId, out: Output): void {
    const log = this.storage.get(id)!;
    log.append(out.durable);
    void log.sync(); // the memory log is durable when sync returns
    this.inFlight.push(...out.messages);
    this.timers.get(id)!.push(...out.timers);
    this.results.set(id, [...this.resultsOf(id), ...out.results]);
  }
}
