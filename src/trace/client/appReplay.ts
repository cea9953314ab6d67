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
 *   of its request's one execution.
 *
 * Replicas' histories are prefixes of one another (the spec's ReplicaConsistency, which the
 * replay against the spec enforces), so one global history with one application state at its
 * end serves every replica: a replica is an index into it. Memory: the outputs and digests
 * of the history (a few bytes per executed request) and one application state.
 */
import type { StateMachine } from '../../node/api.js';
import { canonicalJson, stateDigest } from '../../statemachines/digest.js';
import type { Proposal, TraceApp, TraceEvent } from '../format/types.js';
import { isHistoryLength } from '../format/types.js';
import type { Operation } from './linearizability/index.js';
import { sameJson } from './sameJson.js';
import { StateTexts } from './stateText.js';

/** A client-level check that failed at one event. */
export class ClientCheckError extends Error {}

interface Executed {
  readonly request: string;
  /** The output, as its canonical text parsed back (a value only this class holds). */
  readonly output: unknown;
  readonly outputText: string;
  readonly digest: string;
}

interface ClientOp {
  readonly node: number;
  readonly clientId: number;
  readonly input: string;
  readonly call: number;
  ret?: number;
  output?: unknown;
  settled: boolean;
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
  /** The global history: entry i is the request executed at index i + 1. */
  private readonly history: Executed[] = [];
  /** request id ("caller:clientId") -> its index in the history (from 1). */
  private readonly indexOf = new Map<string, number>();
  /** The application state after the whole history. */
  private state: unknown;
  /** Per node: how many requests of the history its replica has executed (its snapshot's after a restart). */
  private readonly executedBy = new Map<number, number>();
  /** Per node: how many requests of the history its replica's snapshot holds (a ReplicaSnapshot copies them all). */
  private readonly snapshotOf = new Map<number, number>();
  /** Client operations by request id, in the order they were invoked. */
  private readonly ops = new Map<string, ClientOp>();
  /** The states' canonical texts, each built from the last (the history's digests). */
  private readonly texts = new StateTexts();

  /** `sm` is the state machine the replicas ran, as the header's `app` names it (replay/apps.ts). */
  constructor(private readonly app: TraceApp, sm: StateMachine<unknown>) {
    this.sm = sm;
    this.state = this.sm.initial();
    this.initialDigest = stateDigest(this.state);
  }

  get executed(): number {
    return this.history.length;
  }

  /** Checks one event the spec replay accepted; throws ClientCheckError on a violation. */
  step(ev: TraceEvent): void {
    const n = ev.node;
    switch (ev.action) {
      case 'ClientInvoke': return this.clientEvent(ev);
      case 'ClientReturn': return this.clientEvent(ev);
      // A restart restores the replica from its snapshot (none: the empty history).
      case 'NodeRestart': this.executedBy.set(n, this.snapshotOf.get(n) ?? 0); break;
      case 'ReplicaSnapshot': this.snapshotOf.set(n, this.executedBy.get(n) ?? 0); break;
      case 'RequesterInvoke': this.requesterInvoke(n, ev.params.proposal!); break;
      case 'ReplicaExecute': this.execute(n, ev); break;
      case 'ReplicaReceiveJoin': this.welcomeSent(n, ev); break;
      case 'ReplicaReceiveWelcome': this.welcomeInstalled(n, ev); break;
      default: break;
    }
    this.answers(ev);
  }

  /** Where request `id` ("caller:clientId", an Operation's id) stands in the replicas' history (from 1), if executed. */
  historyIndex(id: string): number | undefined {
    return this.indexOf.get(id);
  }

  /** The client-level history for the linearizability check (inputs and outputs unwrapped). */
  operations(): Operation[] {
    const out: Operation[] = [];
    for (const [id, op] of this.ops) {
      const input = this.command(op.input);
      if (op.ret !== undefined) {
        out.push({ id, client: `${op.node}`, input, call: op.call, ret: op.ret, output: this.unwrapOutput(op.output) });
      } else {
        out.push({ id, client: `${op.node}`, input, call: op.call });
      }
    }
    return out;
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
      if (index === this.history.length + 1) {
        const [next, output] = this.sm.apply(this.state, answer.prop.input);
        this.state = next;
        const outputText = canonicalJson(output);
        // A private copy of the output (its text parsed back: same canonical text), so no
        // change the application makes to its own objects later can alter what is compared.
        this.history.push({ request: id, output: JSON.parse(outputText) as unknown, outputText, digest: this.texts.digest(next) });
        this.indexOf.set(id, index);
      } else if (this.history[index - 1]!.request !== id) {
        throw new ClientCheckError(`replica ${n} executed request ${id} as the ${index}th, another replica executed ${this.history[index - 1]!.request} there`);
      }
      expected = this.history[index - 1]!;
      if (!sameOutput(outputs[j], expected)) {
        throw new ClientCheckError(`replica ${n} executed request ${id} (index ${index}) with output ${canonicalJson(outputs[j])}; the application gives ${expected.outputText}`);
      }
    }
    if (ev.params.digest !== expected!.digest) {
      const last = before + run.length;
      throw new ClientCheckError(`replica ${n}'s state after request ${expected!.request} (index ${last}) has digest ${ev.params.digest ?? '(none)'}; the history gives ${expected!.digest}`);
    }
    this.executedBy.set(n, before + run.length);
  }

  /** Every Invoked a step sends must carry the output of its request at the index it names. */
  private answers(ev: TraceEvent): void {
    // A batch's execution answers each of its requests with its own output (params.outputs).
    const batch = ev.params.outputs !== undefined ? invokedBy(ev, ev.node) : undefined;
    for (const m of ev.sent) {
      if (m.type !== 'Invoked') continue;
      const entry = this.history[m.index - 1];
      if (entry === undefined) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${requestOf(m.prop)} as the ${m.index}th of its history, which no replica has executed yet`);
      }
      if (entry.request !== requestOf(m.prop)) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${requestOf(m.prop)} with index ${m.index}, where the history has ${entry.request}`);
      }
      const output = batch === undefined ? ev.params.output : ev.params.outputs![batch.indexOf(m)];
      if (!sameOutput(output, entry)) {
        throw new ClientCheckError(`replica ${m.replica} answers request ${requestOf(m.prop)} with output ${canonicalJson(output)}; its execution gave ${entry.outputText}`);
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
    const named = m.executed as unknown as { historyLength?: number };
    const count = !Array.isArray(m.executed) ? named.historyLength! : (m.parts ?? 1) > 1 ? executedLengthAfter(ev, this.executedBy.get(n) ?? 0) : m.executed.length;
    const expected = this.digestAt(count);
    if (ev.params.digest !== expected) {
      throw new ClientCheckError(`replica ${n} installs a Welcome state of digest ${ev.params.digest ?? '(none)'}; the ${count} requests it transfers give ${expected}`);
    }
    this.executedBy.set(n, count);
  }

  private digestAt(count: number): string {
    if (count === 0) return this.initialDigest;
    const entry = this.history[count - 1];
    if (entry === undefined) throw new ClientCheckError(`a state of ${count} executed requests, but only ${this.history.length} were executed`);
    return entry.digest;
  }

  private requesterInvoke(n: number, p: Proposal): void {
    const op = this.ops.get(requestOf(p));
    if (op === undefined || op.node !== n) {
      throw new ClientCheckError(`node ${n}'s Requester invokes request ${requestOf(p)}, which the application did not invoke (no ClientInvoke): a request the client would see executed without asking`);
    }
    if (op.input !== p.input) throw new ClientCheckError(`node ${n}'s Requester invokes request ${requestOf(p)} with input ${JSON.stringify(p.input)}; the application asked ${JSON.stringify(op.input)}`);
  }

  private clientEvent(ev: TraceEvent): void {
    const c = ev.params.client;
    if (c === undefined) throw new ClientCheckError(`${ev.action} without params.client`);
    const id = requestId(ev.node, c.clientId);
    if (c.kind === 'invoke') {
      if (this.ops.has(id)) throw new ClientCheckError(`the application invokes request ${id} twice: one invoke is one request`);
      this.ops.set(id, { node: ev.node, clientId: c.clientId, input: c.input, call: c.at, settled: false });
      return;
    }
    const op = this.ops.get(id);
    if (op === undefined) throw new ClientCheckError(`an outcome for request ${id}, which the application never invoked`);
    if (op.settled) throw new ClientCheckError(`a second outcome for request ${id}`);
    if (c.at < op.call) throw new ClientCheckError(`request ${id} returns at ${c.at}, before it was invoked at ${op.call}`);
    op.settled = true;
    if (c.kind === 'error') return; // its effect is unknown: it may take effect once, or never
    const index = this.indexOf.get(id);
    if (index === undefined) throw new ClientCheckError(`the application is told an output for request ${id}, which no replica has executed`);
    const entry = this.history[index - 1]!;
    if (!sameOutput(c.output, entry)) {
      throw new ClientCheckError(`the application is told ${canonicalJson(c.output)} for request ${id}; its execution (index ${index}) gave ${entry.outputText}`);
    }
    op.ret = c.at;
    op.output = c.output;
  }

  /** The application command of an input: tracked inputs are ["rid", "command"]. */
  private command(input: string): unknown {
    let text = input;
    if (this.app.tracked) {
      const v = safeParse(input);
      if (Array.isArray(v) && typeof v[1] === 'string') text = v[1];
    }
    return safeParse(text) ?? text;
  }

  private unwrapOutput(output: unknown): unknown {
    if (this.app.tracked && typeof output === 'object' && output !== null && 'out' in output) return (output as { out: unknown }).out;
    return output;
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

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
