/**
 * The racing models' state constraints: RaceShape, RaceRetry and RaceRescout, conjunct by
 * conjunct as spec/MultiPaxos.tla writes them (its comments say why each is there). The sampled
 * conformance check compares their verdicts with the .tla's on the engine (sampledConformance.ts);
 * test/explore/messageInvariants.test.ts compares RaceRescout's on hand-made states too.
 */
import type { SpecMessage } from '../trace/format/types.js';
import { propKey } from '../trace/format/keys.js';
import { NOOP_KEY, reqsOf } from '../trace/spec/specState.js';
import { type SpecState, ballotEq, ballotLt } from '../trace/spec/specState.js';
import type { ModelBounds, StateConstraint } from './properties.js';

/** Restarted(n) == \E m \in Msgs("Join") : m.node = n */
const restarted = (msgs: Iterable<SpecMessage>, n: number): boolean => {
  for (const m of msgs) if (m.type === 'Join' && m.node === n) return true;
  return false;
};

/*
 * The explorer judges every new successor, and its messages are the codec's interned objects
 * (values, never modified): what the constraint derives from one message is kept by object,
 * as properties.ts keeps TypeOK's verdict, instead of being written out again per state.
 */
const PROPOSED = new WeakMap<SpecMessage, readonly string[]>();
/** The keys of the requests a Propose's batch holds. */
function proposedBy(m: SpecMessage & { type: 'Propose' }): readonly string[] {
  let keys = PROPOSED.get(m);
  if (keys === undefined) PROPOSED.set(m, (keys = reqsOf(m.prop).map(propKey)));
  return keys;
}
/** The keys of the spec's Requests, per model. */
const REQUEST_KEYS = new WeakMap<ModelBounds, readonly string[]>();
function requestKeys(m: ModelBounds): readonly string[] {
  let keys = REQUEST_KEYS.get(m);
  if (keys === undefined) {
    const all: string[] = [];
    for (const c of m.callers) for (let i = 1; i <= m.requestsPerCaller; i++) all.push(propKey({ caller: c, clientId: i, input: 'op' }));
    REQUEST_KEYS.set(m, (keys = all));
  }
  return keys;
}

/**
 * RaceShape without its last conjunct (leader 2 too may run phase 1 at a ballot number above 0); RaceShape is this and that conjunct (below).
 * Most successors the search judges are outside, and most of those fail the conjuncts on
 * answers and on Joins: they are checked first (a conjunction's value does not depend on the order).
 */
export const RaceRetry: StateConstraint = (m: ModelBounds, s: SpecState): boolean => {
  if (m.N !== 3 || m.leaderNodes.size !== 2 || !m.leaderNodes.has(1) || !m.leaderNodes.has(2)) throw new Error('RaceShape and RaceRetry need N = 3 and leaders 1 and 2');
  // \A n \in ReplicaNodes : rDecisions[n] = {}
  for (const n of m.replicaNodes) if (s.nodes[n]!.rDecisions.size !== 0) return false;
  return answersShaped(s) && joinsShaped(m, s) && proposedFirst(m, s) && scoutsShaped(m, s);
};

/**
 * \A m \in Msgs("Promise") \cup Msgs("Accepted") : (m.acceptor = 1 => m.ballot.leader # 2) /\ (m.acceptor = 3 => m.ballot.leader # 1),
 * and OneAnswerEach.
 */
function answersShaped(s: SpecState): boolean {
  return majoritiesMeetInTwo(s) && oneAnswerEach(s);
}

/** \A m \in Msgs("Promise") \cup Msgs("Accepted") : (m.acceptor = 1 => m.ballot.leader # 2) /\ (m.acceptor = 3 => m.ballot.leader # 1) */
function majoritiesMeetInTwo(s: SpecState): boolean {
  for (const y of s.msgs.values()) {
    if (y.type !== 'Promise' && y.type !== 'Accepted') continue;
    if ((y.acceptor === 1 && y.ballot.leader === 2) || (y.acceptor === 3 && y.ballot.leader === 1)) return false;
  }
  return true;
}

/**
 * \A m1, m2 \in Msgs("Promise") : m1.acceptor = m2.acceptor /\ m1.ballot = m2.ballot => m1 = m2, and the same
 * for Msgs("Accepted") with the slot too: one answer per acceptor and Prepare, per acceptor and Accept
 * (RaceShape, RaceRetry and NoOpReadopted). Pair by pair: a constrained state holds a few answers,
 * and two messages of msgs are two different messages.
 */
export function oneAnswerEach(s: SpecState, exempt?: (y: Answer, z: Answer) => boolean): boolean {
  const answers: Answer[] = [];
  for (const y of s.msgs.values()) {
    if (y.type !== 'Promise' && y.type !== 'Accepted') continue;
    for (const z of answers) if (sameAnswer(y, z) && (exempt === undefined || !exempt(y, z))) return false;
    answers.push(y);
  }
  return true;
}
type Answer = SpecMessage & { type: 'Promise' | 'Accepted' };
const sameAnswer = (y: Answer, z: Answer): boolean =>
  y.type === z.type && y.acceptor === z.acceptor && ballotEq(y.ballot, z.ballot) && (y.type !== 'Accepted' || y.slot === (z as typeof y).slot);

/** \A m \in Msgs("Join") : m.node \in LeaderNodes /\ its replica quiet (rRequests, rProposals empty, rSlotIn = 1) */
function joinsShaped(m: ModelBounds, s: SpecState): boolean {
  for (const y of s.msgs.values()) {
    if (y.type !== 'Join') continue;
    if (!m.leaderNodes.has(y.node)) return false;
    const x = s.nodes[y.node]!;
    if (x.rRequests.size !== 0 || x.rProposals.size !== 0 || x.rSlotIn !== 1) return false;
  }
  return true;
}

/** Msgs("Prepare") # {} => \A r \in Requests : \E m \in Msgs("Propose") : InBatch(r, m.prop) */
function proposedFirst(m: ModelBounds, s: SpecState): boolean {
  let prepared = false;
  for (const x of s.msgs.values()) if (x.type === 'Prepare') { prepared = true; break; }
  if (!prepared) return true;
  const proposed = new Set<string>();
  for (const x of s.msgs.values()) if (x.type === 'Propose') for (const k of proposedBy(x)) proposed.add(k);
  for (const k of requestKeys(m)) if (!proposed.has(k)) return false;
  return true;
}

/** `rescout`: RaceRescout's version, where leader 1 may start a second scout at 0.1 while its Adopted is unread. */
function scoutsShaped(m: ModelBounds, s: SpecState, rescout = false): boolean {
  for (const l of m.leaderNodes) {
    const x = s.nodes[l]!;
    if (x.scout === null) continue;
    // scout[l] # NoScout /\ lBallot[l].num = 0 /\ ~Restarted(l) => lProposals[l] # {} (RaceRescout: no restarts)
    if (x.lBallot.num === 0 && (rescout || !restarted(s.msgs.values(), l)) && x.lProposals.size === 0) return false;
    // scout[l] # NoScout /\ scout[l].acks = {} => (no unread Adopted for its ballot, no unread Preempted)
    if (x.scout.acks.size === 0) {
      const secondScout = rescout && l === 1 && x.lBallot.num === 0;
      for (const y of s.msgs.values()) {
        if (y.type === 'Adopted' && !x.lActive && !secondScout && ballotEq(y.ballot, x.scout.ballot)) return false;
        if (y.type === 'Preempted' && y.leader === l && ballotLt(x.lBallot, y.ballot)) return false;
      }
    }
  }
  return true;
}

const BALLOT_01 = { num: 0, leader: 1 };
const BALLOT_02 = { num: 0, leader: 2 };

/**
 * RaceRescout (model ci-race-rescout): leader 1, adopted at 0.1, starts a second scout there
 * that acceptor 2, which has promised 0.2 since, answers with a no; so leader 1 is preempted
 * while its commander of 0.1 still waits, and active at 1.1 when that commander hears a no.
 * RaceShape's conjuncts but for three (the .tla says why): that second scout and acceptor 2's
 * second answer to 0.1 are allowed; leader 2 runs phase 1 only after leader 1's Adopted of 0.1,
 * and at ballot number 0 each leader takes only its own replica's request; no restarts.
 */
export const RaceRescout: StateConstraint = (m: ModelBounds, s: SpecState): boolean => {
  if (m.N !== 3 || m.leaderNodes.size !== 2 || !m.leaderNodes.has(1) || !m.leaderNodes.has(2)) throw new Error('RaceRescout needs N = 3 and leaders 1 and 2');
  for (const n of m.replicaNodes) if (s.nodes[n]!.rDecisions.size !== 0) return false;
  // lBallot[l].num = 0 => \A d \in lProposals[l] : d.prop \in Requests /\ d.prop.caller = l
  for (const l of m.leaderNodes) {
    const x = s.nodes[l]!;
    if (x.lBallot.num !== 0) continue;
    for (const d of x.lProposals.values()) if (reqsOf(d.prop).length !== 1 || propKey(d.prop) === NOOP_KEY || (d.prop as { caller: number }).caller !== l) return false;
  }
  if (!majoritiesMeetInTwo(s) || !oneAnswerEach(s, secondNoTo01)) return false;
  // \A m \in Msgs("Prepare") : m.ballot.leader = 2 => m.ballot.num = 0 /\ \E a \in Msgs("Adopted") : a.ballot = Ballot01
  let prepared2 = false; let adopted01 = false;
  for (const y of s.msgs.values()) {
    if (y.type === 'Prepare' && y.ballot.leader === 2) { if (y.ballot.num !== 0) return false; prepared2 = true; }
    else if (y.type === 'Adopted' && ballotEq(y.ballot, BALLOT_01)) adopted01 = true;
  }
  if (prepared2 && !adopted01) return false;
  return proposedFirst(m, s) && scoutsShaped(m, s, true);
};
/** Two Promises of one acceptor for one ballot: allowed for 0.1 when they name different ballots promised, one of them 0.2. */
const secondNoTo01 = (y: Answer, z: Answer): boolean => y.type === 'Promise' && z.type === 'Promise' && ballotEq(y.ballot, BALLOT_01)
  && !ballotEq(y.promised, z.promised) && (ballotEq(y.promised, BALLOT_02) || ballotEq(z.promised, BALLOT_02));

/** RaceShape == RaceRetry /\ \A m \in Msgs("Prepare") : m.ballot.leader = 2 => m.ballot.num = 0 */
export const RaceShape: StateConstraint = (m, s) => {
  if (!RaceRetry(m, s)) return false;
  for (const y of s.msgs.values()) if (y.type === 'Prepare' && y.ballot.leader === 2 && y.ballot.num !== 0) return false;
  return true;
};

export const RACE_CONSTRAINTS: Record<string, StateConstraint> = { RaceShape, RaceRetry, RaceRescout };
