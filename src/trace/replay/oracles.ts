/**
 * The two in-process oracles a trace is replayed against. Both answer the same question for
 * each event: is there a successor of the current spec state, through the action the event
 * names with the event's parameters, whose projection on the event's node and on msgs is
 * exactly what the event shows? If so they move to that successor.
 *  - FastOracle: the spec's actions as TypeScript (fastSpec.ts), for volume.
 *  - EmbeddedOracle: the spec itself, through tla-checker's explore_next on a TraceStep.
 */
import { isHistoryLength, isStuttering, type Proposal, type SpecConstants, type SpecMessage, type TraceEvent } from '../format/types.js';
import { type Fields, IncarnationInvoked, diffStep, expectedFields, newMessageKeys } from './compare.js';
import { sameMessage, sameMessages } from './sameMessage.js';
import { type NodeView, TraceViews, viewMatches } from './traceView.js';
import { type ActionName, type Param, type Step, MESSAGE_ACTIONS, NEXT_NODES, PROPOSAL_ACTIONS, isAction, stepsFor } from '../spec/fastSpec.js';
import { DECISION_BY_SLOT, type NodeSpec, type SpecConfig, type SpecState, type VSet, batchEq, configFromConstants, decisionsOf, initialState, nodeToJson, reqsOf } from '../spec/specState.js';
import { messageKey, propKey, pvalueKey } from '../format/keys.js';
import { DeadMessages } from '../spec/deadMessages.js';
import { ExecutedIds, addInvoked, idsOf } from '../spec/requestIds.js';
import { ForgottenHistoryError } from '../spec/execSeq.js';
import { RETRY_MARGIN, forgetHistories, historyBases } from './historyWindow.js';
import { fromTla, tlaLiteral, toTla, type TlaState, withSpecMark } from './tlaCodec.js';
import { MAX_BALLOT_NUM, MAX_SLOT } from '../../protocol/limits.js';
import { EngineFailure, UNBOUNDED, cfgText, exploreInit, exploreNext, specWith, type ConstantValue } from './tlaEngine.js';

/**
 * An oracle's answer on one event. `engine`: no answer at all, the embedded engine failed to
 * evaluate the step (tlaEngine.ts EngineFailure); the trace is not judged by it either way.
 */
export type StepVerdict = { ok: true } | { ok: false; problem: string; diff: string[]; engine?: true };

export interface Oracle {
  readonly name: string;
  step(ev: TraceEvent): StepVerdict;
}

const PROPOSAL_ACTION_SET: ReadonlySet<string> = new Set(PROPOSAL_ACTIONS);
const MESSAGE_ACTION_SET: ReadonlySet<string> = new Set(Object.keys(MESSAGE_ACTIONS));
/** The message types of the spec's msgs: those its actions receive, and the answers to clients. */
const SPEC_MESSAGE_TYPES: ReadonlySet<string> = new Set([...Object.values(MESSAGE_ACTIONS), 'Invoked']);

export function paramOf(ev: TraceEvent): Param {
  if (ev.action === 'ReplicaReceiveJoin' && ev.params.message) {
    // ReplicaReceiveJoin(n, m, k): k is the part count of the Welcome the step sent (1 if it shows none).
    const welcome = ev.sent.find((m) => m.type === 'Welcome');
    return { message: ev.params.message, parts: welcome?.type === 'Welcome' ? (welcome.parts ?? 1) : 1 };
  }
  if (ev.action === 'AcceptorReceivePrepare' && ev.params.message) {
    // AcceptorReceivePrepare(n, m, k): k is the part count of the Promise the step sent (1 if it shows none).
    const promise = ev.sent.find((m) => m.type === 'Promise');
    return { message: ev.params.message, parts: promise?.type === 'Promise' ? (promise.parts ?? 1) : 1 };
  }
  if (MESSAGE_ACTION_SET.has(ev.action)) return ev.params.message ? { message: ev.params.message } : {};
  if (PROPOSAL_ACTION_SET.has(ev.action) || ev.action === 'ReplicaExecute') return ev.params.proposal ? { proposal: ev.params.proposal } : {};
  return {};
}

/**
 * The keys of the pvalues a ScoutReceivePromise event leaves its scout with: the scout's, or,
 * when the step ends the scout, those of the Adopted it sends (none when it sends none).
 */
function pvaluesAfter(ev: TraceEvent): ReadonlySet<string> {
  const scout = ev.state !== undefined ? ev.state.scout : ev.delta?.scout;
  if (scout !== undefined && scout !== null) return new Set(scout.pvalues.map(pvalueKey));
  const adopted = ev.sent.find((m) => m.type === 'Adopted');
  return new Set(adopted?.type === 'Adopted' ? adopted.pvalues.map(pvalueKey) : []);
}

/** The trace's node views and Requester memories, kept beside each oracle's spec state. */
class TraceSide {
  readonly inc = new IncarnationInvoked();
  readonly views: TraceViews;
  /**
   * `invoked[n]`: what node n's Requester invoked in its current incarnation (none at Init).
   * A replay that starts mid-trace (a window) knows it from the fast replay of the prefix.
   * A node's view is built at its first event; `init` must not change before then.
   */
  constructor(init: SpecState, invoked: ReadonlyArray<readonly Proposal[]> = []) {
    invoked.forEach((ps, n) => { if (ps.length > 0) this.inc.set(n, new Set(ps.map(propKey))); });
    this.views = new TraceViews((n) => nodeToJson(init, n, invoked[n] ?? []));
  }
}

/**
 * Where a fast replay stands between two events: the spec state it reached from Init and what
 * each node's Requester invoked in its current incarnation. Read it before the next step: the
 * fast oracle updates its state in place.
 */
export interface ReplayPoint {
  readonly state: SpecState;
  invoked(n: number): readonly Proposal[];
}

/** A candidate successor as matching needs it: the acting node's new state and the messages it adds to msgs. */
interface Projected {
  node: NodeSpec;
  newKeys: ReadonlyMap<string, SpecMessage> | ReadonlySet<string>;
  /** False when the step breaks a ghost variable (embedded oracle). */
  ok?: boolean;
}

function difference(next: SpecState, n: number, invoked: ReadonlySet<string>, expectedNew: Iterable<string>, view: NodeView, actualNew: ReadonlySet<string>): string[] {
  return diffStep(expectedFields(next, n, IncarnationInvoked.text(invoked)), new Set(expectedNew), view.fields() as Fields, actualNew);
}

/**
 * A Stutter event: the node's state is unchanged and everything it sent was already sent.
 * With `forgotten` (a replay that forgets dead messages), a message it sent may instead be
 * dead: sent before and forgotten, or dead anyway, it changes what no later step can read.
 */
function checkStutter(s: SpecState, side: TraceSide, ev: TraceEvent, forgotten?: () => (m: SpecMessage) => boolean): StepVerdict {
  // A client retrying after its node restarted invokes a request again: the spec's invoked
  // and msgs already have it, while the new incarnation's Requester records it afresh.
  let view: NodeView;
  try { view = side.views.after(ev); } catch (e) {
    return { ok: false, problem: `the event's state delta does not apply: ${(e as Error).message}`, diff: [] };
  }
  const after = side.inc.after(ev, side.inc.dropped(ev, view), s.nodes[ev.node]!);
  let actualNew = newMessageKeys(ev.sent, s.msgs);
  if (actualNew.size > 0 && forgotten !== undefined) {
    const dead = forgotten();
    const live = new Set<string>();
    for (const m of ev.sent) { const k = messageKey(m); if (actualNew.has(k) && !dead(m)) live.add(k); }
    actualNew = live;
  }
  if (actualNew.size === 0 && viewMatches(view, s.nodes[ev.node]!, after)) {
    side.inc.set(ev.node, after);
    side.views.commit(ev.node, view);
    return { ok: true };
  }
  return { ok: false, problem: 'a Stutter event must change no spec variable and send only messages already sent',
    diff: difference(s, ev.node, after, [], view, actualNew) };
}

/** Picks the candidate successor matching the event, or explains the closest miss. */
/** The messages a trace event shows as sent: their keys (in order) and those not yet in msgs. */
interface TraceSent { messages: readonly SpecMessage[]; keys: readonly string[]; fresh: ReadonlySet<string> }
const NOTHING_SENT: TraceSent = { messages: [], keys: [], fresh: new Set() };

function traceSent(sent: readonly SpecMessage[], msgs: VSet<SpecMessage>): TraceSent {
  if (sent.length === 0) return NOTHING_SENT;
  const keys: string[] = [];
  const fresh = new Set<string>();
  for (const m of sent) {
    const k = messageKey(m);
    keys.push(k);
    if (!msgs.has(k)) fresh.add(k);
  }
  return { messages: sent, keys, fresh };
}

function matchSuccessor<T>(
  s: SpecState, side: TraceSide, ev: TraceEvent, candidates: readonly T[], project: (c: T, trace: TraceSent) => Projected,
  successor: (c: T) => SpecState, forgotten?: () => (m: SpecMessage) => boolean,
): { chosen: T | null; projected: Projected | null; verdict: StepVerdict } {
  if (candidates.length === 0) {
    // The spec disables an action whose step would change nothing (a Prepare answered again
    // with the same Promise): such a step is a stuttering step, allowed if it is exactly one.
    // (So is receiving a message the replay forgot: it was dead, see deadMessages.ts.)
    const asStutter = checkStutter(s, side, ev, forgotten);
    if (asStutter.ok) return { chosen: null, projected: null, verdict: asStutter };
    return { chosen: null, projected: null, verdict: { ok: false, problem: `${ev.action} is not enabled with these parameters in the spec state here, and the step is not a stuttering step either`, diff: asStutter.diff } };
  }
  let view: NodeView;
  let sent: TraceSent;
  try {
    view = side.views.after(ev);
    sent = traceSent(ev.sent, s.msgs);
  } catch (e) {
    return { chosen: null, projected: null, verdict: { ok: false, problem: `event cannot be read as spec values: ${(e as Error).message}`, diff: [] } };
  }
  const dropped = side.inc.dropped(ev, view);
  let first: Projected | null = null;
  for (const c of candidates) {
    const p = project(c, sent);
    if (first === null) first = p;
    if (p.ok !== false && sameKeys(p.newKeys, sent.fresh)) {
      const invokedAfter = side.inc.after(ev, dropped, p.node);
      if (viewMatches(view, p.node, invokedAfter)) {
        side.inc.set(ev.node, invokedAfter);
        side.views.commit(ev.node, view);
        return { chosen: c, projected: p, verdict: { ok: true } };
      }
    }
  }
  const diff = difference(successor(candidates[0]!), ev.node, side.inc.after(ev, dropped, first!.node), first!.newKeys.keys(), view, sent.fresh);
  if (first!.ok === false) diff.push('  ghost variables: the spec step sets monotone or refines to FALSE');
  return {
    chosen: null,
    projected: null,
    verdict: { ok: false, problem: `the spec's ${ev.action} leads elsewhere (difference: spec allows vs trace shows)`, diff },
  };
}

/** Applies a step to the oracle's own state in place: O(what the step changed). */
function commitInPlace(s: SpecState, step: Step, newMsgs: ReadonlyMap<string, SpecMessage>): void {
  const msgs = s.msgs as Map<string, SpecMessage>;
  for (const [k, m] of newMsgs) msgs.set(k, m);
  (s.nodes as NodeSpec[])[step.n] = step.node;
  if (step.invoke) addInvoked(s.invoked as Map<string, Proposal>, step.invoke);
  if (step.restart) (s as { restarts: number }).restarts++;
}

function sameKeys(a: ReadonlyMap<string, unknown> | ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const k of b) if (!a.has(k)) return false;
  return true;
}

const NO_MESSAGES: ReadonlyMap<string, SpecMessage> = new Map();

/**
 * The messages of a spec step's `sent` not yet in msgs, by key. When they equal the trace's,
 * message by message, the trace's keys are theirs (sameMessage implies equal keys): no key
 * is built twice.
 */
function stepNewMessages(before: SpecState, sent: readonly SpecMessage[], trace: TraceSent): ReadonlyMap<string, SpecMessage> {
  if (sent.length === 0) return NO_MESSAGES;
  if (!sameMessages(sent, trace.messages)) return sent.some(isWelcome) ? newWelcomesOf(before, sent, trace) : newMessagesOf(before, sent);
  if (trace.fresh.size === 0) return NO_MESSAGES;
  const out = new Map<string, SpecMessage>();
  for (let i = 0; i < sent.length; i++) { const k = trace.keys[i]!; if (trace.fresh.has(k)) out.set(k, sent[i]!); }
  return out;
}

const isWelcome = (m: SpecMessage): boolean => m.type === 'Welcome';

/**
 * newMessagesOf for a step that sends Welcome parts, which the trace may list in another order
 * (a writer sorts what it sends): a spec part takes the key of the trace's part with its index
 * when the two are the same message (sameMessage implies equal keys). A long run's Welcome comes
 * in tens of parts of some 3,000 requests each, and keying each part's history again (its text,
 * hashed) was 4% of checking a 100,000-command trace.
 */
function newWelcomesOf(before: SpecState, sent: readonly SpecMessage[], trace: TraceSent): ReadonlyMap<string, SpecMessage> {
  const tracePart = new Map<number, number>();
  trace.messages.forEach((m, i) => { if (m.type === 'Welcome') tracePart.set(m.part ?? 1, i); });
  const out = new Map<string, SpecMessage>();
  for (const m of sent) {
    const i = m.type === 'Welcome' ? tracePart.get(m.part ?? 1) : undefined;
    const k = i !== undefined && sameMessage(m, trace.messages[i]!) ? trace.keys[i]! : messageKey(m);
    if (!before.msgs.has(k)) out.set(k, m);
  }
  return out;
}

/** The messages of `sent` not yet in msgs, by key. */
function newMessagesOf(before: SpecState, sent: readonly SpecMessage[]): ReadonlyMap<string, SpecMessage> {
  if (sent.length === 0) return NO_MESSAGES;
  const out = new Map<string, SpecMessage>();
  for (const m of sent) { const k = messageKey(m); if (!before.msgs.has(k)) out.set(k, m); }
  return out;
}

/**
 * Why the message a receiving event names was never sent, or null. Asked of a Stutter (the
 * message that prompted it, when the spec has that type: not the code's own Active, Accepting
 * or CatchUp) and of a receipt with no successor, which leaves it a stuttering step: the spec
 * has no step to compare a receipt that changes nothing with, only msgs. The message must be
 * in msgs, or dead (deadMessages.ts): a replay that forgets keeps only the live ones, so a live
 * message outside msgs was never sent. A dead one passes either way, forgetting or not, so that
 * forgetting changes no verdict; a never-sent message that no step could act on is what is
 * left unchecked. An Invoke whose request lies below a history window's base (a client's late
 * retry) stops the replay with a `window` failure, as a sent one does: whether it is dead is
 * not known there. A Welcome named by length that could not be resolved has no history to key
 * it by: the Welcome rules judge it (welcomeHistories.ts).
 */
function unsentReceipt(ev: TraceEvent, msgs: VSet<SpecMessage>, dead: () => (m: SpecMessage) => boolean): string | null {
  const m = ev.params.message;
  if (m === undefined || !(MESSAGE_ACTION_SET.has(ev.action) || (ev.action === 'Stutter' && SPEC_MESSAGE_TYPES.has(m.type)))) return null;
  if (m.type === 'Welcome' && isHistoryLength(m.executed)) return null;
  const key = messageKey(m);
  if (msgs.has(key) || dead()(m)) return null;
  return `${ev.action} receives ${key.length > 300 ? `${key.slice(0, 300)}...` : key}, which no step sent (not in msgs, and live: the replay forgets only dead messages)`;
}

/** Whether a message is dead in `s` (deadMessages.ts), an Invoke's snapshot looked up by a scan (rare). */
function deadIn(cfg: SpecConfig, s: SpecState): (m: SpecMessage) => boolean {
  const d = new DeadMessages(cfg, s, (n, key) => s.nodes[n]!.rSnap.executed.toArray().some((p) => propKey(p) === key));
  return (m) => d.isDead(m);
}

/** What a failed replay answers from then on: views are updated in place, so it cannot go on. */
const STOPPED: StepVerdict = { ok: false, problem: 'replay already stopped at an earlier event that failed', diff: [] };

/** A replay that forgets sweeps msgs once it holds this many, or twice what the last sweep kept. */
export const SWEEP_MIN = 4096;

export class FastOracle implements Oracle {
  readonly name = 'fast';
  /**
   * Forget dead messages (src/trace/spec/deadMessages.ts) as the replay goes, so it holds what
   * is still in play, not every message of the run. Off while an embedded replay may still
   * start from this one's state: the spec run there needs every message.
   */
  forgetDead = false;
  /**
   * The first sweep comes once msgs holds this many (later ones at twice what the last kept:
   * O(1) per message, amortized). 0: a sweep after every step (for tests: O(n^2)).
   */
  sweepMin = SWEEP_MIN;
  /**
   * Forget the start of every history once no later step reads it (historyWindow.ts), at each
   * sweep. Only with forgetDead and a config whose Welcome parts are ranges (historyWindow).
   */
  get historyWindow(): boolean {
    return this.forgetDead && this.cfg.historyWindow === true;
  }
  /** With the window: requests kept below its base (historyWindow.ts; tests set 0). */
  historyMargin = RETRY_MARGIN;
  /** With the window: where it may forget below (a test hands a deliberately wrong one). */
  historyBaseOf = historyBases;
  /** With the window: the most any history forgot, and the most requests the histories held after a sweep. */
  historyForgotten = 0;
  historyHeldPeak = 0;
  /** Messages forgotten so far, and the most held at once. */
  forgotten = 0;
  peakMessages = 0;
  /** What the last sweep kept. */
  private kept = 0;
  /** Per node, how much of its snapshot's history the sweeps have looked at. */
  private readonly snapScanned: number[] = [];
  private s: SpecState;
  private readonly side: TraceSide;
  private stopped = false;
  // Built once: the state is updated in place, so they always see the current one.
  private readonly project: (st: Step, trace: TraceSent) => Projected;
  private readonly successor: (st: Step) => SpecState;
  /** `steps`: the encoding of the spec's actions (a test hands a deliberately broken one). */
  constructor(private readonly cfg: SpecConfig, private readonly steps: typeof stepsFor = stepsFor) {
    const s = initialState(cfg);
    this.s = s;
    this.side = new TraceSide(s);
    this.project = (st, trace) => ({ node: st.node, newKeys: stepNewMessages(s, st.sent, trace) });
    this.successor = (st) => { const nodes = s.nodes.slice(); nodes[st.n] = st.node; return { ...s, nodes }; };
  }
  get state(): SpecState { return this.s; }

  /** The point this replay has reached (valid until its next step). */
  here(): ReplayPoint {
    const s = this.s; const inc = this.side.inc;
    // Every request a Requester invoked is in the spec's invoked (a retry after a restart is too).
    return { state: s, invoked: (n) => [...inc.current(n)].map((k) => s.invoked.get(k)!) };
  }

  step(ev: TraceEvent): StepVerdict {
    if (this.stopped) return STOPPED;
    const v = this.replay(ev);
    if (!v.ok) this.stopped = true;
    return v;
  }

  private replay(ev: TraceEvent): StepVerdict {
    const forgotten = this.forgetDead ? this.deadNow : undefined;
    if (isStuttering(ev.action)) {
      const unsent = unsentReceipt(ev, this.s.msgs, this.deadNow);
      return unsent !== null ? { ok: false, problem: unsent, diff: [] } : checkStutter(this.s, this.side, ev, forgotten);
    }
    if (!isAction(ev.action)) return { ok: false, problem: `unknown action ${ev.action}`, diff: [] };
    let steps;
    try {
      const param = paramOf(ev);
      // The decisions the event shows after a Welcome's install pick its parts (fastSpec.ts MessageParam).
      if (ev.action === 'ReplicaReceiveWelcome' && 'message' in param) param.installs = this.side.views.decisionsAfter(ev);
      // Likewise the pvalues it shows after a Promise is counted pick that Promise's parts.
      if (ev.action === 'ScoutReceivePromise' && 'message' in param) param.gives = pvaluesAfter(ev);
      steps = this.steps(this.cfg, this.s, ev.action, ev.node, param);
    } catch (e) {
      if (e instanceof ForgottenHistoryError) throw e;
      return { ok: false, problem: `parameters cannot be read as spec values: ${(e as Error).message}`, diff: [] };
    }
    if (steps.length === 0) {
      // No successor: the event can only be a stuttering step. One that names a message it
      // received must name a message some step sent: in msgs, or forgotten, hence dead now.
      const unsent = unsentReceipt(ev, this.s.msgs, this.deadNow);
      if (unsent !== null) return { ok: false, problem: unsent, diff: [] };
    }
    // Comparing a candidate needs only the acting node's new state and the new messages, so
    // no successor state is built (copying msgs per event would make replay O(trace length)).
    const { chosen, projected, verdict } = matchSuccessor(this.s, this.side, ev, steps, this.project, this.successor, forgotten);
    if (chosen) {
      commitInPlace(this.s, chosen, projected!.newKeys as ReadonlyMap<string, SpecMessage>);
      const held = this.s.msgs.size;
      if (held > this.peakMessages) this.peakMessages = held;
      if (this.forgetDead && (held >= Math.max(this.sweepMin, 2 * this.kept) || this.sweepMin === 0)) this.sweep();
    }
    if (!verdict.ok && steps.length === 0 && ev.action === 'ReplicaExecute') {
      const why = executeMismatch(this.s.nodes[ev.node]!, ev.params.proposal);
      if (why !== null) return { ...verdict, problem: `${verdict.problem}: ${why}` };
    }
    return verdict;
  }

  /** Which messages are dead in the current state (an Invoke's snapshot is looked up by a scan: rare). */
  private readonly deadNow = (): ((m: SpecMessage) => boolean) => {
    const s = this.s;
    const d = new DeadMessages(this.cfg, s, (n, key) => {
      const e = s.nodes[n]!.rSnap.executed;
      for (let i = e.length - 1; i >= e.base; i--) if (propKey(e.get(i)) === key) return true;
      if (e.base === 0) return false;
      // Below a history window's base: no request with its id there is an exact answer;
      // one with its id (a late retry) is forgotten, and a guess either way could be wrong.
      if (!idsOf(e).has(JSON.parse(key) as Proposal)) return false;
      throw new ForgottenHistoryError(`whether ${key} is in node ${n}'s snapshot`, e.base);
    });
    return (m) => d.isDead(m);
  };

  /**
   * Drops every dead message from msgs. An Invoke is dead once its request is in its replica's
   * snapshot; each request enters it once, and its Invoke was sent before, so looking only at
   * what entered each snapshot since the last sweep finds every such Invoke (and costs O(that)).
   * The next sweep comes at twice what this one kept: O(1) per message sent, amortized.
   */
  private sweep(): void {
    const s = this.s;
    const entered: Array<Set<string> | undefined> = [];
    for (let n = 1; n <= this.cfg.N; n++) {
      const e = s.nodes[n]!.rSnap.executed;
      // Not below a history window's base: an Invoke of a request there stays (the safe side).
      const from = Math.max(Math.min(this.snapScanned[n] ?? 0, e.length), e.base);
      if (from === e.length) continue;
      const keys = new Set<string>();
      for (let i = from; i < e.length; i++) keys.add(propKey(e.get(i)));
      entered[n] = keys;
      this.snapScanned[n] = e.length;
    }
    const dead = new DeadMessages(this.cfg, s, (n, key) => entered[n]?.has(key) === true);
    const msgs = s.msgs as Map<string, SpecMessage>;
    for (const [k, m] of msgs) if (dead.isDead(m)) { msgs.delete(k); this.forgotten++; }
    this.kept = msgs.size;
    // After the dead Invokes and Invokeds were found: they read the snapshots up to here.
    if (this.historyWindow) {
      const { below, held } = forgetHistories(s, this.snapScanned, this.historyMargin, this.historyBaseOf);
      this.historyForgotten = Math.max(this.historyForgotten, below);
      this.historyHeldPeak = Math.max(this.historyHeldPeak, held);
    }
    // The invoked requests: only their ids are read from here on (no embedded run starts).
    if (s.invoked.size > 0) {
      s.invokedForgotten = (s.invokedForgotten ?? ExecutedIds.EMPTY).withAll([...s.invoked.values()]);
      (s.invoked as Map<string, Proposal>).clear();
    }
  }
}

/**
 * Why a ReplicaExecute naming `claimed` has no successor when the replica knows its slot's
 * decision: the event names another value (with batches, often the same requests in another
 * order, which the replica must not run).
 */
function executeMismatch(x: NodeSpec, claimed: Proposal | undefined): string | null {
  if (claimed === undefined) return null;
  const slot = x.rSlotOut;
  const decided = [...decisionsOf(x).bucket(DECISION_BY_SLOT, slot)];
  if (decided.length === 0 || decided.some((d) => batchEq(d.prop, claimed))) return null;
  const same = decided.find((d) => sameRequests(d.prop, claimed));
  return same !== undefined
    ? `the event executes ${propKey(claimed)} for slot ${slot}, whose decided batch ${propKey(same.prop)} holds the same requests in another order`
    : `the event executes ${propKey(claimed)} for slot ${slot}, which decided ${decided.map((d) => propKey(d.prop)).join(' and ')}`;
}
const sameRequests = (a: Proposal, b: Proposal): boolean => {
  const qa = reqsOf(a).map(propKey).sort(); const qb = reqsOf(b).map(propKey).sort();
  return qa.length === qb.length && qa.every((k, i) => k === qb[i]);
};

/**
 * The constants an engine gets for a replay: the header's, with "unbounded" for absent bounds.
 * For tla-checker (64-bit integers) that is what a node takes from a peer (MAX_SLOT,
 * MAX_BALLOT_NUM: 2^52), so a long-lived cluster's trace never meets a model bound; for TLC,
 * whose integers are 32-bit, 1e9 (a trace past it cannot be written to TLC anyway).
 */
export function replayConstants(c: SpecConstants, engine: 'embedded' | 'tlc' = 'embedded'): Record<string, ConstantValue> {
  const nodes = Array.from({ length: c.N }, (_, i) => i + 1);
  const slots = engine === 'tlc' ? UNBOUNDED : MAX_SLOT;
  const ballots = engine === 'tlc' ? UNBOUNDED : MAX_BALLOT_NUM;
  return {
    N: c.N,
    LeaderNodes: c.LeaderNodes ?? nodes,
    ReplicaNodes: c.ReplicaNodes ?? nodes,
    Callers: c.Callers ?? nodes,
    RequestsPerCaller: c.RequestsPerCaller ?? 1,
    Window: c.Window,
    MaxBallot: c.MaxBallot ?? ballots,
    MaxSlot: c.MaxSlot ?? slots,
    MaxRestarts: c.MaxRestarts ?? UNBOUNDED,
    // Absent (every paxos-trace/2 header): no replica snapshots, so nothing is ever compacted.
    CheckpointNodes: c.CheckpointNodes ?? [],
    // Absent (every trace from before batching): every slot decides one request.
    BatchMax: c.BatchMax ?? 1,
    // Absent: any count (the code picks it from the bytes; older traces show 1). The trace
    // steps then do not test k \\in WelcomeParts (messageActionCall), so {1} only declares it.
    WelcomeParts: c.WelcomeParts ?? [1],
    // Likewise for Promises (messageActionCall reads k from the Promises the step sent).
    PromiseParts: c.PromiseParts ?? [1],
    Mutant: 'none',
  };
}

/**
 * A message action applied to node n and message m as Next applies it: ReplicaReceiveJoin
 * (AcceptorReceivePrepare) also takes the Welcome's (Promise's) part count k, read from the
 * Welcomes (Promises) the event sent (`sent`: a TLA+ set expression), so that no count is
 * enumerated; k \\in WelcomeParts (PromiseParts) when the header bounds it, any count otherwise
 * (as fastSpec's welcomePartCounts and promisePartCounts).
 */
export function messageActionCall(a: string, n: string, m: string, sent: string, c: SpecConstants): string {
  const parted = a === 'ReplicaReceiveJoin' ? { type: 'Welcome', bound: 'WelcomeParts', bounded: c.WelcomeParts !== undefined }
    : a === 'AcceptorReceivePrepare' ? { type: 'Promise', bound: 'PromiseParts', bounded: c.PromiseParts !== undefined } : undefined;
  if (parted === undefined) return `${a}(${n}, ${m})`;
  return `\\E k \\in {w.parts : w \\in {x \\in ${sent} : x.type = "${parted.type}"}} : ${parted.bounded ? `k \\in ${parted.bound} /\\ ` : ''}${a}(${n}, ${m}, k)`;
}

/**
 * The TraceStep for an event: the named action with the event's parameters, plus the
 * conditions Next puts around it (the node exists, the message was sent, the request is
 * one of a caller's).
 */
export function traceStepExpr(ev: TraceEvent, c: SpecConstants): string {
  const a = ev.action as ActionName;
  if (a in MESSAGE_ACTIONS) {
    return `LET m == ${tlaLiteral(withSpecMark(ev.params.message as SpecMessage))} IN ${ev.node} \\in ${NEXT_NODES[a]} /\\ m \\in msgs /\\ ${messageActionCall(a, String(ev.node), 'm', tlaLiteral(ev.sent.map(withSpecMark)), c)}`;
  }
  if (a === 'ReplicaPropose') return `${ev.node} \\in ReplicaNodes /\\ ReplicaPropose(${ev.node}, ${tlaLiteral(ev.params.proposal as Proposal)})`;
  if (a === 'RequesterInvoke') {
    const r = ev.params.proposal as Proposal;
    const bound = c.RequestsPerCaller !== undefined ? ` /\\ r.clientId <= RequestsPerCaller` : '';
    return `LET r == ${tlaLiteral(r)} IN r.caller = ${ev.node} /\\ r.caller \\in Callers${bound} /\\ RequesterInvoke(r)`;
  }
  // ReplicaForget(n, s): the event shows what was forgotten, not s; Next draws s from the state.
  if (a === 'ReplicaForget') return `${ev.node} \\in ${NEXT_NODES[a]} /\\ \\E s \\in {d.slot + 1 : d \\in rDecisions[${ev.node}]} : ReplicaForget(${ev.node}, s)`;
  return `${ev.node} \\in ${NEXT_NODES[a]} /\\ ${a}(${ev.node})`;
}

/**
 * tla-checker's strings have no escapes (a quote ends the string, a backslash stays), and
 * the spec treats a request's input as opaque: the embedded oracle replaces every input by a
 * token ("noop" stays, the spec names it) and maps back only to print differences.
 */
export class InputInterner {
  private readonly toTok = new Map<string, string>([['noop', 'noop']]);
  private readonly fromTok = new Map<string, string>([['noop', 'noop']]);
  token(input: string): string {
    let t = this.toTok.get(input);
    if (t === undefined) {
      t = `in${this.toTok.size}`;
      this.toTok.set(input, t);
      this.fromTok.set(t, input);
    }
    return t;
  }
  /** A copy of a JSON value with every `input` string replaced by its token. */
  encode<T>(v: T): T {
    if (Array.isArray(v)) return v.map((x) => this.encode(x)) as T;
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = k === 'input' && typeof x === 'string' ? this.token(x) : this.encode(x);
    return out as T;
  }
  /** Difference lines with tokens shown as the original inputs. */
  decodeText(text: string): string {
    return text.replace(/"input":"(in\d+)"/g, (m, t: string) => {
      const orig = this.fromTok.get(t);
      return orig === undefined ? m : `"input":${JSON.stringify(orig)}`;
    });
  }
}

/**
 * The spec plus a step counter and the TraceStep. explore_next leaves out a successor equal
 * to the state it starts from, yet a step that changes nothing (a duplicate Prepare answered
 * again) is a step the spec allows; the counter makes every step change something.
 */
function stepSpec(spec: string, stepExpr: string): string {
  // tla-checker keeps only one VARIABLES list, so the counter joins the spec's own.
  const withCounter = spec.replace(/^(\s*VARIABLES?)(\s)/m, '$1 tStep,$2');
  return specWith(withCounter, [
    'TraceInit == Init /\\ tStep = 0',
    `TraceStep == (${stepExpr}) /\\ tStep' = tStep + 1`,
  ].join('\n'));
}
const traceCfg = (constants: Record<string, ConstantValue>): string =>
  cfgText(constants, 'TraceStep').replace('INIT Init', 'INIT TraceInit');

export class EmbeddedOracle implements Oracle {
  readonly name = 'embedded';
  private tlaState: TlaState;
  private s: SpecState;
  private readonly constants: Record<string, ConstantValue>;
  /** The header's constants as the fast encoding takes them (for which messages are dead). */
  private readonly cfg: SpecConfig;
  private readonly interner = new InputInterner();
  private readonly side: TraceSide;
  /**
   * Starts at the spec's own Init, or at `from`: a point a fast replay reached from Init (a
   * window in the middle of a trace). From there every step is the .tla's, as from Init.
   */
  constructor(private readonly spec: string, private readonly header: SpecConstants, from?: ReplayPoint) {
    this.constants = replayConstants(header);
    this.cfg = configFromConstants(header);
    if (from === undefined) {
      const inits = exploreInit(stepSpec(spec, 'FALSE'), traceCfg(this.constants));
      if (inits.length !== 1) throw new Error(`the spec has ${inits.length} initial states; trace replay needs exactly one`);
      this.tlaState = inits[0]!;
    } else {
      // The step counter's value is irrelevant to the spec (stepSpec): any start works.
      this.tlaState = { ...this.interner.encode(toTla(from.state, header.N)), tStep: 0 };
    }
    this.s = fromTla(this.tlaState).state;
    // Read now: the fast replay the point belongs to moves on.
    const invoked = from === undefined ? [] : this.s.nodes.map((_, n) => this.interner.encode(from.invoked(n)));
    this.side = new TraceSide(this.s, invoked);
  }

  private stopped = false;

  step(ev: TraceEvent): StepVerdict {
    if (this.stopped) return STOPPED;
    const v = this.stepEncoded(this.interner.encode(ev));
    if (v.ok) return v;
    this.stopped = true;
    return { ...v, diff: v.diff.map((d) => this.interner.decodeText(d)) };
  }

  private stepEncoded(ev: TraceEvent): StepVerdict {
    if (isStuttering(ev.action)) {
      const unsent = unsentReceipt(ev, this.s.msgs, () => deadIn(this.cfg, this.s));
      return unsent !== null ? { ok: false, problem: unsent, diff: [] } : checkStutter(this.s, this.side, ev);
    }
    if (!isAction(ev.action)) return { ok: false, problem: `unknown action ${ev.action}`, diff: [] };
    let transitions;
    try {
      transitions = exploreNext(stepSpec(this.spec, traceStepExpr(ev, this.header)), traceCfg(this.constants), this.tlaState);
    } catch (e) {
      if (e instanceof EngineFailure) return { ok: false, engine: true, problem: e.message, diff: [] };
      return { ok: false, problem: `tla-checker could not evaluate the step: ${(e as Error).message}`, diff: [] };
    }
    const decoded = transitions.map((t) => ({ t, d: fromTla(t.state) }));
    const before = this.s;
    if (decoded.length === 0) {
      const unsent = unsentReceipt(ev, before.msgs, () => deadIn(this.cfg, before));
      if (unsent !== null) return { ok: false, problem: unsent, diff: [] };
    }
    const { chosen, verdict } = matchSuccessor(before, this.side, ev, decoded, (x) => {
      const newKeys = new Set<string>();
      for (const k of x.d.state.msgs.keys()) if (!before.msgs.has(k)) newKeys.add(k);
      return { node: x.d.state.nodes[ev.node]!, newKeys, ok: x.d.monotone && x.d.refines };
    }, (x) => x.d.state);
    if (chosen) {
      this.tlaState = chosen.t.state;
      this.s = chosen.d.state;
    }
    return verdict;
  }
}

export function fastOracleFor(c: SpecConstants): FastOracle {
  return new FastOracle(configFromConstants(c));
}

export { messageKey };
