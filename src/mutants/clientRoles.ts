/**
 * Broken role classes at the client boundary: what clients are told, what the application
 * state is, how often a request takes effect. Each keeps the replicated log correct, so the
 * spec replay alone accepts most of their traces; the trace checker's client-level checks
 * (the application replayed along the history, exactly-once) are what must catch them.
 * Like roles.ts, they bypass the real roles' assertions on purpose.
 */
import type { Decision, Invoke, Invoked, Welcome, WelcomeState } from '../protocol/messages.js';
import { isLongBatch, isNoop, proposalEquals, proposalKey, type Batch, type NodeId, type Proposal } from '../protocol/values.js';
import type { RoleHost } from '../node/role.js';
import { Replica } from '../roles/replica.js';
import { REQUESTER_RETRANSMIT_TIMER, Requester } from '../roles/requester.js';

/**
 * Acknowledges on commit: when the decision of a request from its own node arrives, it
 * tells that node's client the output at once, computed on the state it has now, instead of
 * waiting to execute the slot. Right when the slot is the next to execute; when an earlier
 * slot is still missing, the client is told an output of a state the history never had, and
 * possibly before any replica executed the request.
 */
export class AckOnCommitReplica extends Replica {
  override receiveDecision(m: Decision): void {
    const prop = soleRequest(m.prop);
    const fresh = prop !== undefined && !this.decisions.has(m.slot) && !this.executed.has(prop);
    if (fresh && prop.caller === this.host.self) {
      const [, output] = this.host.stateMachine.apply(this.app, prop.input);
      this.host.result(prop.clientId, output); // local caller: no Invoked round trip
    }
    super.receiveDecision(m);
  }
}

/**
 * Answers on decision: sends the Invoked for a request from its own node as soon as the
 * request is decided, with the index it will have once the slots before it are executed
 * (counting those slots as requests) and the output computed on the current state; the
 * execution later does not answer again.
 */
export class AnswerOnDecisionReplica extends Replica {
  private readonly answeredEarly = new Set<string>();

  override receiveDecision(m: Decision): void {
    const prop = soleRequest(m.prop);
    const fresh = prop !== undefined && !this.decisions.has(m.slot) && !this.executed.has(prop);
    super.receiveDecision(m);
    if (!fresh || prop.caller !== this.host.self || this.executed.has(prop)) return;
    const [, output] = this.host.stateMachine.apply(this.app, prop.input);
    const index = this.executed.count + 1 + (m.slot - this.slotOut);
    this.answeredEarly.add(proposalKey(prop));
    this.host.send(prop.caller, { type: 'Invoked', replica: this.host.self, prop, index, output });
  }

  protected override answer(e: { readonly prop: Proposal; readonly output: unknown; readonly index: number }): void {
    if (!this.answeredEarly.delete(proposalKey(e.prop))) super.answer(e);
  }
}

/**
 * Applies what it proposed: when it executes a slot for which it had proposed a request of
 * its own, it applies that request's input (at hand locally) rather than the decided one,
 * while it records, traces and answers the decided proposal. Correct as long as its own
 * proposal wins the slot; when another replica's request won it, its state diverges.
 */
export class ProposedInputReplica extends Replica {
  protected override execute(slot: number, batch: Batch): void {
    const own = soleRequest(this.proposals.get(slot));
    const decided = soleRequest(batch);
    // A no-op or a batch of two or more: no single input to swap (the mutant runs without batching).
    if (decided === undefined || (own === undefined && this.proposals.has(slot))) return super.execute(slot, batch);
    const input = own !== undefined ? own.input : decided.input;
    if (own !== undefined) {
      this.proposals.delete(slot);
      if (!proposalEquals(own, decided)) this.requests.set(proposalKey(own), own);
    }
    let entry: { prop: Proposal; output: unknown; index: number } | undefined;
    if (!this.executed.has(decided)) {
      const [next, output] = this.host.stateMachine.apply(this.app, input);
      this.app = next;
      entry = this.executed.record(decided, output);
      this.executedLog?.push(entry);
      this.answer(entry);
    }
    this.slotOut++;
    this.host.action('Replica', 'ReplicaExecute', this.host.tracing ? this.executeParams(decided, entry === undefined ? [] : [entry]) : undefined);
  }
}

/**
 * Welcomes with its rollback checkpoint: before each apply it keeps the state it had, so a
 * failing apply could be undone, and a Welcome sends that copy. After an execution that
 * changed the state, the checkpoint is one request behind the history the Welcome transfers.
 */
export class CheckpointWelcomeReplica extends Replica {
  private checkpoint: unknown;

  constructor(host: RoleHost) {
    super(host);
    this.checkpoint = this.app;
  }

  protected override execute(slot: number, decided: Batch): void {
    this.checkpoint = this.app;
    super.execute(slot, decided);
  }

  override receiveWelcome(m: Welcome): void {
    super.receiveWelcome(m);
    this.checkpoint = this.app; // an installed state has nothing to roll back to
  }

  protected override welcomeState(): WelcomeState {
    return { app: this.checkpoint, outputs: (this.executedLog ?? []).map((e) => e.output) };
  }
}

/**
 * Keeps a client session per caller, as if each caller had one request outstanding: the
 * session holds the output of the caller's latest executed request, and a retried request
 * that was executed already is answered from the session. A node with several clients, one
 * of which retries an older request, is answered with another request's output.
 */
export class SessionOutputReplica extends Replica {
  private readonly sessions = new Map<NodeId, { output: unknown }>();

  override receiveInvoke(m: Invoke): void {
    const done = m.replica === this.host.self ? this.executed.get(m.prop) : undefined;
    const session = this.sessions.get(m.prop.caller);
    if (done === undefined || session === undefined) {
      super.receiveInvoke(m);
      return;
    }
    this.host.send(m.prop.caller, { type: 'Invoked', replica: this.host.self, prop: done.prop, index: done.index, output: session.output });
    this.host.action('Replica', 'ReplicaReceiveInvoke', this.host.tracing ? { output: session.output } : undefined);
  }

  protected override answer(e: { readonly prop: Proposal; readonly output: unknown; readonly index: number }): void {
    this.sessions.set(e.prop.caller, { output: e.output });
    super.answer(e);
  }

  override receiveWelcome(m: Welcome): void {
    super.receiveWelcome(m);
    // The transferred history rebuilds the sessions (the ones it executes later update them).
    for (const e of this.executedLog ?? []) this.sessions.set(e.prop.caller, { output: e.output });
  }
}

/** Retransmissions of one request after which the requester gives up on its client id. */
export const RETRANSMITS_BEFORE_FRESH_ID = 2;
/** Client ids the requester mints itself, far above the ones its clients use. */
const FRESH_ID_BASE = 1_000_000_000;

/**
 * Forgets a request as soon as it sends it: what it holds as invoked (the trace's `invoked`)
 * drops the request before any replica executed it, where a Requester keeps it until its
 * answer comes. The log and the clients are unharmed; only the refinement mapping of
 * `invoked` (a request leaves it once its node's replica executed it) can tell.
 */
export class EarlyForgetRequester extends Requester {
  override invoke(clientId: number, input: string, retry = false): ReturnType<Requester['invoke']> {
    const out = super.invoke(clientId, input, retry);
    if (out === 'ok') this.invoked?.delete(clientId);
    return out;
  }
}

/**
 * Resubmits a slow request under a fresh client id: after a few unanswered retransmissions
 * it assumes the replica dropped the request (a full queue, a restart) and invokes the same
 * input again under an id of its own, handing the client whichever answer comes first. The
 * old request is still queued or decided somewhere, so one invoke can take effect twice.
 */
export class FreshIdRetryRequester extends Requester {
  /** Minted id -> the client id the application knows. */
  private readonly clientIdOf = new Map<number, number>();
  private readonly retransmits = new Map<number, number>();
  private nextFreshId = FRESH_ID_BASE;

  override onTimer(name: string, key: string | undefined): void {
    if (name !== REQUESTER_RETRANSMIT_TIMER || key === undefined) return;
    const id = Number(key);
    const prop = this.pending.get(id);
    if (prop === undefined) return;
    const count = (this.retransmits.get(id) ?? 0) + 1;
    this.retransmits.set(id, count);
    if (count <= RETRANSMITS_BEFORE_FRESH_ID) {
      super.onTimer(name, key);
      return;
    }
    this.pending.delete(id);
    this.retransmits.delete(id);
    const fresh = this.nextFreshId++;
    this.clientIdOf.set(fresh, this.clientIdOf.get(id) ?? id);
    this.clientIdOf.delete(id);
    this.invoke(fresh, prop.input);
  }

  override receiveInvoked(m: Invoked): void {
    const clientId = this.clientIdOf.get(m.prop.clientId);
    if (clientId === undefined || m.prop.caller !== this.host.self) {
      super.receiveInvoked(m);
      return;
    }
    if (!this.pending.has(m.prop.clientId)) return;
    this.pending.delete(m.prop.clientId);
    this.clientIdOf.delete(m.prop.clientId);
    this.host.result(clientId, m.output);
  }
}

/** The request a batch of one is; undefined for the no-op, a batch of two or more, or none. */
function soleRequest(b: Batch | undefined): Proposal | undefined {
  return b === undefined || isNoop(b) || isLongBatch(b) ? undefined : b;
}
