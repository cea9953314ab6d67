/**
 * The state constraints of the CI models (`CONSTRAINT` in their cfgs), each mirroring the
 * definition of the same name at the end of spec/MultiPaxos.tla, whose comment says why each
 * conjunct keeps the shape the model is for: the explorer applies them as TLC does (a state
 * outside is neither checked nor expanded). The racing models' are in raceShapes.ts. Their
 * verdicts are compared with the .tla's on sampled states (sampledConformance.ts) and on
 * hand-made ones (test/explore/messageInvariants.test.ts).
 */
import { propKey } from '../trace/format/keys.js';
import { type NodeSpec, type SpecState, NOOP_KEY, ballotEq, longBatch } from '../trace/spec/specState.js';
import { type StateConstraint, isYes } from './properties.js';
import { RACE_CONSTRAINTS, oneAnswerEach } from './raceShapes.js';

export const GapFirst: StateConstraint = (m, s) => {
  if (m.N < 2) throw new Error('GapFirst needs nodes 1 and 2');
  for (const n of m.replicaNodes) if (s.nodes[n]!.rSlotOut !== 1) return false;
  if (s.nodes[1]!.rDecisions.size !== 0) return false;
  for (const d of s.nodes[2]!.rDecisions.values()) if (d.slot !== 2) return false;
  return true;
};

/**
 * AdoptAfterCompact == restarts = 0 \/ (aMark[1] > 1 /\ lBallot[2].num > 0): the one restart is
 * node 2's, after node 1's acceptor compacted (ci-adopt-mark: a leader adopting a mark above 1).
 */
export const AdoptAfterCompact: StateConstraint = (m, s) => {
  if (m.N < 2) throw new Error('AdoptAfterCompact needs nodes 1 and 2');
  return s.restarts === 0 || (s.nodes[1]!.aMark > 1 && s.nodes[2]!.lBallot.num > 0);
};

/**
 * NoOpReadopted: leader 1 drives the no-op replica 2 proposes for slot 1 (the gap below slot 2,
 * which leader 1 decided first), and leader 2, holding replica 1's request for slot 1, runs phase
 * 1 after a vote for it (the .tla says why each conjunct keeps the shape).
 */
export const NoOpReadopted: StateConstraint = (m, s) => {
  if (m.N !== 2) throw new Error('NoOpReadopted needs N = 2');
  const [, x1, x2] = s.nodes as [unknown, NodeSpec, NodeSpec];
  if (x1.rDecisions.size !== 0) return false;
  for (const d of x2.rDecisions.values()) if (d.slot !== 2) return false;
  for (const d of x1.lProposals.values()) if (d.slot === 1 && propKey(d.prop) !== NOOP_KEY) return false;
  for (const d of x2.lProposals.values()) if (propKey(d.prop) === NOOP_KEY || (!x2.lActive && d.slot !== 1)) return false;
  // d.prop \in Requests /\ d.prop.clientId = 1 (a batch has no clientId; the no-op's is 0)
  for (const d of x1.rProposals.values()) if (d.slot === 1 && !(longBatch(d.prop) === undefined && (d.prop as { clientId: number }).clientId === 1)) return false;
  if (!oneAnswerEach(s)) return false;
  // Leader 2's Prepare only after a vote for slot 1.
  let prepared2 = false; let voted1 = false;
  for (const y of s.msgs.values()) {
    if (y.type === 'Prepare' && y.ballot.leader === 2) prepared2 = true;
    if (isYes(y) && y.slot === 1 && y.ballot.leader === 1) voted1 = true;
  }
  return !prepared2 || voted1;
};

/**
 * RedecidedInBatch: request 1 decided alone in slot 1, then again in slot 2 at the head of a
 * batch with request 2, which the replica, restarted in between, executes once (the .tla says
 * why each conjunct keeps the shape).
 */
export const RedecidedInBatch: StateConstraint = (_m, s) => {
  if (s.restarts === 0) {
    for (const r of s.invoked.values()) if (r.clientId !== 1) return false;
  }
  for (const y of s.msgs.values()) {
    if (y.type === 'Prepare' && s.restarts === 0) return false;
    if (y.type !== 'Propose') continue;
    const batch = longBatch(y.prop);
    if (y.slot === 1 && !(batch === undefined && propKey(y.prop) !== NOOP_KEY && (y.prop as { clientId: number }).clientId === 1)) return false;
    if (y.slot === 2 && !(batch !== undefined && batch[0]!.clientId === 1)) return false;
  }
  return true;
};

/**
 * PromiseBeforeCompact: node 1 restarts only after its replica took a snapshot, and after the
 * restart its acceptor compacts only once it answered a Prepare of the new ballot (the .tla says
 * why): a Prepare answered between a snapshot and the compaction to it.
 */
export const PromiseBeforeCompact: StateConstraint = (m, s) => {
  if (m.N !== 1) throw new Error('PromiseBeforeCompact needs N = 1');
  if (s.restarts === 0) return true;
  const x = s.nodes[1]!;
  if (x.rSnap.slot === 1) return false;
  if (x.aMark === 1) return true;
  for (const y of s.msgs.values()) if (y.type === 'Promise' && y.ballot.num === 1) return true;
  return false;
};

/**
 * PartsOverTwoSlots: slot i is proposed only request i, every Promise and Accepted says yes, and
 * node 1 restarts only once its acceptor holds pvalues for slots 1 and 2, its replica then quiet;
 * so the Promise it sends at 1.1, in two parts, carries one slot's pvalue in each (the .tla says why).
 */
export const PartsOverTwoSlots: StateConstraint = (m, s) => {
  if (m.N !== 1) throw new Error('PartsOverTwoSlots needs N = 1');
  if (!requestIPerSlotIAllYes(s)) return false;
  if (s.restarts === 0) return true;
  const x = s.nodes[1]!;
  if (x.rRequests.size !== 0 || x.rDecisions.size !== 0 || x.rProposals.size !== 0) return false;
  const slots = new Set<number>();
  for (const pv of x.aAccepted.values()) slots.add(pv.slot);
  return slots.size === 2 && slots.has(1) && slots.has(2);
};

/**
 * AdoptedOverTwoBallots: the replica learns no decision; slot i is proposed only request i, slot 2
 * only after the first restart; every Promise and Accepted says yes; after the first restart the
 * acceptor keeps slot 1's pvalue of ballot 0, after the second it holds slot 2's of ballot 1 and the
 * replica is quiet. So phase 1 at 2.1 adopts pvalues of two slots at two ballots (the .tla says why).
 */
export const AdoptedOverTwoBallots: StateConstraint = (m, s) => {
  if (m.N !== 1) throw new Error('AdoptedOverTwoBallots needs N = 1');
  if (!requestIPerSlotIAllYes(s)) return false;
  // \A m \in Msgs("Propose") : m.slot = 2 => restarts > 0
  if (s.restarts === 0) for (const y of s.msgs.values()) if (y.type === 'Propose' && y.slot === 2) return false;
  const x = s.nodes[1]!;
  if (x.rDecisions.size !== 0) return false;
  if (s.restarts === 0) return true;
  const holds = (slot: number, num: number): boolean => { for (const pv of x.aAccepted.values()) if (pv.slot === slot && pv.ballot.num === num) return true; return false; };
  if (!holds(1, 0)) return false;
  if (s.restarts === 1) return true;
  return holds(2, 1) && x.rRequests.size === 0 && x.rProposals.size === 0;
};

/**
 * PartsOverTwoSlots' and AdoptedOverTwoBallots' first conjuncts: \A m \in Msgs("Propose") :
 * m.prop \in Requests /\ m.prop.clientId = m.slot, and \A m \in Msgs("Promise") \cup
 * Msgs("Accepted") : m.promised = m.ballot (a batch has no clientId; the no-op's is 0).
 */
function requestIPerSlotIAllYes(s: SpecState): boolean {
  for (const y of s.msgs.values()) {
    if (y.type === 'Propose' && !(longBatch(y.prop) === undefined && (y.prop as { clientId: number }).clientId === y.slot)) return false;
    if ((y.type === 'Promise' || y.type === 'Accepted') && !ballotEq(y.promised, y.ballot)) return false;
  }
  return true;
}

/** Every constraint a CI model names, by its name in the .tla. */
export const STATE_CONSTRAINTS: Record<string, StateConstraint> = {
  GapFirst, AdoptAfterCompact, NoOpReadopted, RedecidedInBatch, PromiseBeforeCompact, PartsOverTwoSlots, AdoptedOverTwoBallots,
  ...RACE_CONSTRAINTS,
};
