/**
 * The racing models' state constraints that properties.ts does not hold: RaceRetry, conjunct
 * by conjunct as spec/MultiPaxos.tla writes it (its comment says why each is there). The
 * sampled conformance check compares its verdicts with the .tla's on the engine
 * (sampledConformance.ts), as it does RaceShape's.
 */
import type { SpecMessage } from '../trace/format/types.js';
import { propKey } from '../trace/format/keys.js';
import { reqsOf } from '../trace/spec/specState.js';
import { type SpecState, ballotEq, ballotLt } from '../trace/spec/specState.js';
import type { ModelBounds, StateConstraint } from './properties.js';

/** Restarted(n) == \E m \in Msgs("Join") : m.node = n */
const restarted = (msgs: readonly SpecMessage[], n: number): boolean => msgs.some((m) => m.type === 'Join' && m.node === n);

/** RaceShape without its last conjunct (leader 2 too may run phase 1 at a ballot number above 0); RaceShape is this and that conjunct (properties.ts). */
export const RaceRetry: StateConstraint = (m: ModelBounds, s: SpecState): boolean => {
  if (m.N !== 3 || m.leaderNodes.size !== 2 || !m.leaderNodes.has(1) || !m.leaderNodes.has(2)) throw new Error('RaceShape and RaceRetry need N = 3 and leaders 1 and 2');
  const msgs = [...s.msgs.values()];
  // \A n \in ReplicaNodes : rDecisions[n] = {}
  for (const n of m.replicaNodes) if (s.nodes[n]!.rDecisions.size !== 0) return false;
  // Msgs("Prepare") # {} => \A r \in Requests : \E m \in Msgs("Propose") : InBatch(r, m.prop)
  if (msgs.some((x) => x.type === 'Prepare')) {
    const proposed = new Set(msgs.flatMap((x) => (x.type === 'Propose' ? reqsOf(x.prop).map(propKey) : [])));
    for (const c of m.callers) {
      for (let i = 1; i <= m.requestsPerCaller; i++) if (!proposed.has(propKey({ caller: c, clientId: i, input: 'op' }))) return false;
    }
  }
  for (const l of m.leaderNodes) {
    const x = s.nodes[l]!;
    if (x.scout === null) continue;
    // scout[l] # NoScout /\ lBallot[l].num = 0 /\ ~Restarted(l) => lProposals[l] # {}
    if (x.lBallot.num === 0 && !restarted(msgs, l) && x.lProposals.size === 0) return false;
    // scout[l] # NoScout /\ scout[l].acks = {} => (no unread Adopted for its ballot, no unread Preempted)
    if (x.scout.acks.size === 0) {
      for (const y of msgs) {
        if (y.type === 'Adopted' && !x.lActive && ballotEq(y.ballot, x.scout.ballot)) return false;
        if (y.type === 'Preempted' && y.leader === l && ballotLt(x.lBallot, y.ballot)) return false;
      }
    }
  }
  const answers = new Set<string>();
  for (const y of msgs) {
    if (y.type !== 'Promise' && y.type !== 'Accepted') continue;
    // One Promise per acceptor and ballot, one Accepted per acceptor, ballot and slot.
    const key = `${y.type}|${y.acceptor}|${y.ballot.num}.${y.ballot.leader}|${y.type === 'Accepted' ? y.slot : ''}`;
    if (answers.has(key)) return false;
    answers.add(key);
    // m.acceptor = 1 => m.ballot.leader # 2;  m.acceptor = 3 => m.ballot.leader # 1
    if ((y.acceptor === 1 && y.ballot.leader === 2) || (y.acceptor === 3 && y.ballot.leader === 1)) return false;
  }
  // \A m \in Msgs("Join") : m.node \in LeaderNodes /\ its replica quiet
  for (const y of msgs) {
    if (y.type !== 'Join') continue;
    if (!m.leaderNodes.has(y.node)) return false;
    const x = s.nodes[y.node]!;
    if (x.rRequests.size !== 0 || x.rProposals.size !== 0 || x.rSlotIn !== 1) return false;
  }
  return true;
};

export const RACE_CONSTRAINTS: Record<string, StateConstraint> = { RaceRetry };
