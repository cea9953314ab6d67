/**
 * What clients were told, checked against the application itself. The spec leaves the
 * application abstract (an answer names the index of its request in the answering replica's
 * history); this replays the real state machine along that history and checks, event by
 * event, what the spec cannot see:
 *
 * - every execution's output and state digest are what the history produces (a replica that
 *   applied another input, or whose state drifted, is caught at its first execution);
 * - every answer a replica sends (on execution, or again for a retried request) carries the
 *   output of its request at the index it names, and that index was executed somewhere;
 * - a Welcome carries, and its receiver installs, the state of the history it transfers;
 * - every request a Requester invokes is one the application invoked on that node
 *   (ClientInvoke), and every outcome the application is given (ClientReturn) is the output
 *   of its request's one execution;
 * - real time: no request returns before a request the replicas executed ahead of it was
 *   invoked. With the two checks above, this proves the client history linearizable, with
 *   the replicas' order as the linearization (see "Online" below).
 *
 * Replicas' histories are prefixes of one another (the spec's ReplicaConsistency, which the
 * replay against the spec enforces), so one global history with one application state at its
 * end serves every replica: a replica is an index into it.
 *
 * Online, in bounded memory. A linearization is an order of the operations that (1) holds
 * every operation that returned, (2) respects real time and (3) gives each returned operation
 * its client's output. The replicas' order is checked as one as the events come: (1) an
 * outcome needs its request executed, (3) it must be its execution's output (run along that
 * order by the real application), and (2) each request records, when it is executed, the
 * latest call of the requests ahead of it, which its return may not precede. Nothing waits
 * for the end of the trace, so what is held is what is still in play:
 * - the requests whose outcome the application has not been told (or was told an error and
 *   that have not executed: their call still bounds the requests after them);
 * - the outputs and digests of the history from the lowest count any replica can still
 *   execute from or install (its executed count, or its snapshot's after a restart), as a
 *   window; a node that never snapshots holds it at 0, since a restart empties its history;
 * - per node, the ids the application invoked, as ranges.
 *
 * What this costs in strength. In a Multi-Paxos with one clock the replicas' order always
 * respects real time: a request executed ahead of another was invoked before that one was
 * executed, hence before it returned. So a violation is a bug or clocks that disagree (a
 * cluster over machines), never a history that only another order linearizes. A replica's
 * answer again for a request whose outcome its client was already told, at an index below
 * the window, is checked by the spec replay (its index) but not for its output: the client
 * drops it unread.
 */
import type { StateMachine } from '../../node/api.js';
import { canonicalJson, digestOf } from '../../statemachines/digest.js';
import type { Proposal, TraceEvent } from '../format/types.js';
import { isHistoryLength } from '../format/types.js';
import { sameJson } from './sameJson.js';
import { StateTexts } from './stateText.js';
import { IdRanges } from '../../util/idRanges.js';

/** A client-level check that failed at one event. */
export class ClientCheckError extends Error {}

/**
 * The replicas' order contradicts real time: a request returned before one executed ahead of
 * it was invoked. The trace checker reports it as a linearizability failure.
 */
export class RealTimeOrderError extends ClientCheckError {}

interface Executed {
  readonly request: string;
  /** The output, as its canonical text parsed back (a value only this class holds). */
  readonly output: unknown;
  readonly outputText: string;
  readonly digest: string;
}

/** A client operation the application has not been told the outcome of (or that errored and has not executed). */
interface ClientOp {
  readonly input: string;
  readonly call: number;
  /** Told an error: its effect is unknown, and it is kept until it executes, for its call time. */
  errored: boolean;
  /** Set when the request is first executed: its index, its execution, and the latest call of every request ahead of it. */
  executed?: { readonly index: number; readonly entry: Executed; readonly latestCallAhead: number; readonly aheadId: string };
}

/** How much the replay holds: for benchmarks and tests of its bound. */
export interface AppReplayHeld {
  /** History entries in the window (outputs and digests). */
  readonly historyEntries: number;
  /** Client operations held (not yet told their outcome, or errored and not executed). */
  readonly operations: number;
}

const requestId = (caller: number, clientId: number): string => `${caller}:${clientId}`;
const requestOf = (p: Proposal): string => requestId(p.caller, p.clientId);

/**
 * Len(rExecuted) of the acting node after the event's step: from its whole state, or from its
 * delta applied to `before` (the length before the step), as DeltaDecoder applies one. Nodes
 * write deltas, so an event has a whole state only where its writer chose to keep one.
 */
export function executedLengthAfter(ev: TraceEvent, before: number): number {
  if (ev.state !== undefined) return ev.state.rExecuted.length;
  const change = ev.delta?.rExecuted;
  let length = before;
  if (change?.reset !== undefined) length = isHistoryLength(change.reset) ? change.reset.historyLength : change.reset.length;
  if (change?.truncate !== undefined) length = change.truncate;
  if (change?.append !== undefined) length += change.append.length;
  return length;
}

export class AppReplay {
  private readonly sm: StateMachine<unknown>;
  private readonly initialDigest: string;
  /** The history's window: entry i is the request executed at index base + i + 1. */
  private window: Executed[] = [];
  private base = 0;
  /** The application state after the whole history. */
  private state: unknown;
  /** Per node: how many requests of the history its replica has executed (its snapshot's after a restart). */
  private readonly executedBy = new Map<number, number>();
  /** Per node: how many requests of the history its replica's snapshot holds (a ReplicaSnapshot copies them all). */
  private readonly snapshotOf = new Map<number, number>();
  /** Client operations still in play, by request id. */
  private readonly ops = new Map<string, ClientOp>();
  /** Per node, the client ids its application invoked (one invoke is one request). */
  private readonly invokedIds = new Map<number, IdRanges>();
  /** The latest call among the requests executed so far, and whose it was. */
  private latestCall = -Infinity;
  private latestCaller = '';
  private invokes = 0;
  /** The states' canonical texts, each built from the last (the history's digests). */
  private readonly texts = new StateTexts();
  /** The digest replicas report for a state (digestOf): the machine's own, else stateDigest through the kept texts. */
  private readonly digest: (state: unknown) => string;
  /** Told each request the history grows by, in order and once (CheckOptions.onHistory). */
  onAppend: ((request: Proposal) => void) | undefined = undefined;

  /**
   * `sm` is the state machine the replicas ran, as the header's `app` names it (replay/apps.ts);
   * `replicaNodes` the nodes whose replicas execute (the header's ReplicaNodes): the lowest
   * count among them bounds the window of the history kept. `minDrop`: the fewest entries
   * the window drops at once (small in tests, to slide often).
   */
  constructor(sm: StateMachine<unknown>, private readonly replicaNodes: readonly number[], private readonly minDrop = 1024) {
    this.sm = sm;
    this.digest = sm.digest !== undefined ? (state) => sm.digest!(state) : (state) => this.texts.digest(state);
    this.state = this.sm.initial();
    this.initialDigest = digestOf(this.sm, this.state);
  }

  /** Requests executed: the length of the replicas' longest history. */
  get executed(): number {
    return this.base + this.window.length;
  }

  /** Client operations invoked (ClientInvoke events). */
  get operations(): number {
    return this.invokes;
  }

  get held(): AppReplayHeld {
    return { historyEntries: this.window.length, operations: this.ops.size };
  }

  /** Checks one event the spec replay accepted; throws ClientCheckError on a violation. */
  step(ev: TraceEvent): void {
    const n = ev.node;
    switch (ev.action) {
      case 'ClientInvoke': return this.clientEvent(ev);
      case 'ClientReturn': return this.clientEvent(ev);
      // A restart restores the replica from its snapshot (none: the empty history).
      case 'NodeRestart': this.executedBy.set(n, this.snapshotOf.get(n) ?? 0); break;
      case 'ReplicaSnapshot': this.snapshotOf.set(n, this.executedBy.get(n) ?? 0); this.slide(); break;
      case 'RequesterInvoke': this.requesterInvoke(n, ev.params.proposal!); break;
      case 'ReplicaExecute': this.execute(n, ev); break;
      case 'ReplicaReceiveJoin': this.welcomeSent(n, ev); break;
      case 'ReplicaReceiveWelcome': this.welcomeInstalled(n, ev); break;
      default: break;
    }
    this.answers(ev);
  }

  /** The history's entry at `index` (from 1), if executed and still in the window. */
  private entry(index: number): Executed | undefined {
    return index > this.base ? this.window[index - this.base - 1] : undefined;
  }

  /**
   * The lowest count a replica can still execute from or install: its executed count, or its
   * snapshot's, which a restart returns it to. A Welcome it installs carries a longer history
   * than its own (the spec's rSlotOut[n] < m.slot), so it is at or above that count too.
   */
  protected lowestNeeded(): number {
    let low = Infinity;
    for (const n of this.replicaNodes) low = Math.min(low, this.executedBy.get(n) ?? 0, this.snapshotOf.get(n) ?? 0);
    return low;
  }

  /**
   * Drops the entries below lowestNeeded(), in bulk (at least `minDrop`, and half the window), so
   * the copy is amortized. The entry at that count is kept: its digest is the state of a replica
   * there, which a Welcome it sends names (a node restarted to its snapshot that answers another
   * one's Join before it catches up, as a 150 s chaos run with three nodes showed).
   */
  private slide(): void {
    const base = this.lowestNeeded() - 1;
    const drop = base - this.base;
    if (drop >= this.minDrop && drop * 2 >= this.window.length) {
      this.window = this.window.slice(drop);
      this.base = base;
    }
  }

  /**
   * ReplicaExecute: the requests the step ran are its Invoked answers, at the indices after the
   * replica's history (a long batch runs several, in the batch's order; `sent` is a set, so
   * they are taken by index). Each one's output is checked, and the state digest after the last.
   */
  private execute(n: number, ev: TraceEvent): void {
    const before = this.executedBy.get(n) ?? 0;
    const run = invokedBy(ev, n);
    if (run.length === 0) {
      if (ev.params.output !== undefined || ev.params.outputs !== undefined || ev.params.digest !== undefined) {
        throw new ClientCheckError(`replica ${n} reports an output or digest for a slot it did not execute (the no-op, or requests executed before)`);
      }
      return;
    }
    const outputs = executeOutputs(n, ev, run.length);
    let expected: Executed | undefined;
    for (const [j, answer] of run.entries()) {
      const index = before + 1 + j;
      if (answer.index !== index) throw new ClientCheckError(`replica ${n} executed its request ${index} but answers with index ${answer.index}`);
      const id = requestOf(answer.prop);
      if (index === this.executed + 1) {
        this.append(id, answer.prop.input);
        this.onAppend?.(answer.prop);
      } else if (this.entry(index) === undefined) {
        throw new ClientCheckError(`replica ${n} executes the ${index}th request, below the checker's window (from ${this.base + 1}): its executed count was below every replica's, which cannot be`);
      } else if (this.entry(index)!.request !== id) {
        throw new ClientCheckError(`replica ${n} executed request ${id} as the ${index}th, another replica executed ${this.entry(index)!.request} there`);
      }
      expected = this.entry(index)!;
      if (!sameOutput(outputs[j], expected)) {
        throw new ClientCheckError(`replica ${n} executed request ${id} (index ${index}) with output ${canonicalJson(outputs[j])}; the application gives ${expected.outputText}`);
      }
    }
    if (ev.params.digest !== expected!.digest) {
      const last = before + run.length;
      throw new ClientCheckError(`replica ${n}'s state after request ${expected!.request} (index ${last}) has digest ${ev.params.digest ?? '(none)'}; the history gives ${expected!.digest}`);
    }
    this.executedBy.set(n, before + run.length);
    this.slide();
  }

  /** The history grows by request `id`: the application runs its input; its client operation learns where it stands. */
  private append(id: string, input: string): void {
    const [next, output] = this.sm.apply(this.state, input);
    this.state = next;
    const outputText = canonicalJson(output);
    // A private copy of the output (its text parsed back: same canonical text), so no
    // change the application makes to its own objects later can alter what is compared.
    const entry: Executed = { request: id, output: JSON.parse(outputText) as unknown, outputText, digest: this.digest(next) };
    this.window.push(entry);
    // Every executed request is a client operation (RequesterInvoke needs its ClientInvoke),
    // still held: told nothing yet, or told an error (held until now for this call time).
    const op = this.ops.get(id);
    if (op !== undefined) {
      op.executed = { index: this.executed, entry, latestCallAhead: this.latestCall, aheadId: this.latestCaller };
      if (op.call > this.latestCall) { this.latestCall = op.call; this.latestCaller = id; }
      if (op.errored) this.ops.delete(id);
    }
  }

  /**
   * Every Invoked a step sends must carry the output of its request at the index it names.
   * Below the window, an answer is checked only for a request whose client still waits: one
   * whose outcome its client was told is dropped unread (module comment).
   */
  private answers(ev: TraceEvent): void {
    // A batch's execution answers each of its requests with its own output (params.outputs).
    const batch = ev.params.outputs !== undefined ? invokedBy(ev, ev.node) : undefined;
    for (const m of ev.sent) {
      if (m.type !== 'Invoked') continue;
      const id = requestOf(m.prop);
      let entry = this.entry(m.index);
      if (entry === undefined && m.index > this.executed) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${id} as the ${m.index}th of its history, which no replica has executed yet`);
      }
      if (entry === undefined) {
        const waiting = this.ops.get(id)?.executed;
        if (waiting === undefined) continue;
        if (waiting.index !== m.index) throw new ClientCheckError(`replica ${m.replica} answers request ${id} with index ${m.index}, where the history has it at ${waiting.index}`);
        entry = waiting.entry;
      }
      if (entry.request !== id) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${id} with index ${m.index}, where the history has ${entry.request}`);
      }
      const output = batch === undefined ? ev.params.output : ev.params.outputs![batch.indexOf(m)];
      if (!sameOutput(output, entry)) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${id} with output ${canonicalJson(output)}; its execution gave ${entry.outputText}`);
      }
    }
  }

  private welcomeSent(n: number, ev: TraceEvent): void {
    const count = this.executedBy.get(n) ?? 0;
    const expected = this.digestAt(count);
    if (ev.params.digest !== expected) {
      throw new ClientCheckError(`node ${n} welcomes with an application state of digest ${ev.params.digest ?? '(none)'}; its history of ${count} requests gives ${expected}`);
    }
  }

  private welcomeInstalled(n: number, ev: TraceEvent): void {
    const m = ev.params.message;
    if (m?.type !== 'Welcome') return;
    // A part (spec "Welcome parts") carries a segment of the history: the state installed is
    // that of the whole history, the replica's rExecuted after the step.
    // A history named by its length (docs/trace-format.md, "Histories by length") is the whole one.
    const executed = m.executed as unknown;
    const count = isHistoryLength(executed) ? executed.historyLength : (m.parts ?? 1) > 1 ? executedLengthAfter(ev, this.executedBy.get(n) ?? 0) : m.executed.length;
    const expected = this.digestAt(count);
    if (ev.params.digest !== expected) {
      throw new ClientCheckError(`replica ${n} installs a Welcome state of digest ${ev.params.digest ?? '(none)'}; the ${count} requests it transfers give ${expected}`);
    }
    this.executedBy.set(n, count);
    this.slide();
  }

  private digestAt(count: number): string {
    if (count === 0) return this.initialDigest;
    if (count > this.executed) throw new ClientCheckError(`a state of ${count} executed requests, but only ${this.executed} were executed`);
    const entry = this.entry(count);
    if (entry === undefined) throw new ClientCheckError(`a state of ${count} executed requests, below the checker's window (from ${this.base + 1}): below every replica's count, which cannot be`);
    return entry.digest;
  }

  private requesterInvoke(n: number, p: Proposal): void {
    const id = requestOf(p);
    const op = this.ops.get(id);
    if (op === undefined) {
      const why = this.invokedIds.get(n)?.has(p.clientId) === true && p.caller === n
        ? 'whose outcome the application was already told'
        : 'which the application did not invoke (no ClientInvoke): a request the client would see executed without asking';
      throw new ClientCheckError(`node ${n}'s Requester invokes request ${id}, ${why}`);
    }
    if (p.caller !== n) throw new ClientCheckError(`node ${n}'s Requester invokes request ${id}, which the application did not invoke (no ClientInvoke): a request the client would see executed without asking`);
    if (op.input !== p.input) throw new ClientCheckError(`node ${n}'s Requester invokes request ${id} with input ${JSON.stringify(p.input)}; the application asked ${JSON.stringify(op.input)}`);
  }

  private clientEvent(ev: TraceEvent): void {
    const c = ev.params.client;
    if (c === undefined) throw new ClientCheckError(`${ev.action} without params.client`);
    const id = requestId(ev.node, c.clientId);
    let ids = this.invokedIds.get(ev.node);
    if (c.kind === 'invoke') {
      if (ids?.has(c.clientId) === true) throw new ClientCheckError(`the application invokes request ${id} twice: one invoke is one request`);
      if (ids === undefined) this.invokedIds.set(ev.node, (ids = new IdRanges()));
      ids.add(c.clientId);
      this.invokes++;
      this.ops.set(id, { input: c.input, call: c.at, errored: false });
      return;
    }
    const op = this.ops.get(id);
    if (op === undefined || op.errored) {
      throw new ClientCheckError(ids?.has(c.clientId) === true ? `a second outcome for request ${id}` : `an outcome for request ${id}, which the application never invoked`);
    }
    if (c.at < op.call) throw new ClientCheckError(`request ${id} returns at ${c.at}, before it was invoked at ${op.call}`);
    if (c.kind === 'error') {
      // Its effect is unknown: it may take effect once, or never. Until it does, its call
      // bounds the returns of the requests executed after it.
      if (op.executed === undefined) op.errored = true;
      else this.ops.delete(id);
      return;
    }
    const x = op.executed;
    if (x === undefined) throw new ClientCheckError(`the application is told an output for request ${id}, which no replica has executed`);
    if (!sameOutput(c.output, x.entry)) {
      throw new ClientCheckError(`the application is told ${canonicalJson(c.output)} for request ${id}; its execution (index ${x.index}) gave ${x.entry.outputText}`);
    }
    if (c.at < x.latestCallAhead) {
      throw new RealTimeOrderError(`request ${id} returned at ${c.at}, before request ${x.aheadId}, which the replicas executed ahead of it (index ${x.index} is after it), was invoked at ${x.latestCallAhead}: the replicas' order contradicts real time, so it is no linearization (with one clock, a Multi-Paxos that answers from its log cannot do this)`);
    }
    this.ops.delete(id);
  }
}

/** An output equals an execution's when their canonical texts are equal (the walk first: it is the usual case). */
const sameOutput = (output: unknown, e: Executed): boolean => sameJson(output, e.output) || canonicalJson(output) === e.outputText;

type Invoked = Extract<TraceEvent['sent'][number], { type: 'Invoked' }>;

/** The answers replica n sends in `ev`, by index: the requests a ReplicaExecute ran, in the order it ran them. */
function invokedBy(ev: TraceEvent, n: number): Invoked[] {
  const out: Invoked[] = [];
  for (const m of ev.sent) if (m.type === 'Invoked' && m.replica === n) out.push(m);
  return out.length < 2 ? out : out.sort((a, b) => a.index - b.index);
}

/**
 * The outputs of the `ran` requests a ReplicaExecute ran: `outputs` when its slot decided a long
 * batch, one per request run; `output` when it decided one request.
 */
function executeOutputs(n: number, ev: TraceEvent, ran: number): readonly unknown[] {
  const { proposal, output, outputs } = ev.params;
  // `proposal` is optional in an event: without it, `outputs` says the slot held a long batch.
  const long = proposal === undefined ? outputs !== undefined : (proposal as { batch?: unknown }).batch !== undefined;
  if (!long) {
    if (outputs !== undefined) throw new ClientCheckError(`replica ${n} executed one request but reports params.outputs (a long batch's): one request's output is params.output`);
    return [output];
  }
  if (outputs === undefined) throw new ClientCheckError(`replica ${n} ran ${ran} requests of a batch but reports no params.outputs (one output per request run, in order)`);
  if (outputs.length !== ran) throw new ClientCheckError(`replica ${n} ran ${ran} requests of a batch (its Invoked answers) but reports ${outputs.length} outputs`);
  return outputs;
}
