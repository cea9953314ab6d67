/**
 * The events where leadership changes: where a bug that only shows with a second leader (a
 * wrong choice among the pvalues a new leader adopts, a wrong ballot after preemption or
 * restart) would show. The embedded oracle's sample of a run is chosen around them
 * (embeddedWindows.ts), because a prefix of a run rarely reaches a second leader.
 */
import type { PValue, TraceEvent } from '../format/types.js';
import type { NodeSpec } from '../spec/specState.js';
import { propKey } from '../format/keys.js';

export const LEADER_CHANGE_KINDS = ['adopted-rival', 'adopted', 'preempted', 'leader-restart', 'ballot-change'] as const;
/**
 * adopted-rival: a leader's phase 1 succeeded and what it adopted holds two values for one
 *   slot (it must take the highest ballot's: the rule that keeps a chosen value chosen, and
 *   the only adoptions where a wrong choice shows; a few runs in 200 have one).
 * adopted: a leader's phase 1 succeeded (at most one value per slot to adopt).
 * preempted: a leader learned of a higher ballot and stepped down.
 * leader-restart: an active leader crashed and restarted (under a new ballot).
 * ballot-change: an acceptor promised a ballot of a different leader than before.
 */
export type LeaderChangeKind = (typeof LEADER_CHANGE_KINDS)[number];

/**
 * A leader change at the `event`-th event of a trace (counted from 0). `messages`: the size of
 * msgs there, which is what an embedded step's cost grows with.
 */
export interface LeaderChange { event: number; kind: LeaderChangeKind; messages: number }

/**
 * Is this step a leader change? `before` and `after`: the acting node's spec state on either
 * side of the step (equal when the step was a stutter).
 */
export function leaderChangeKind(ev: TraceEvent, before: NodeSpec, after: NodeSpec): LeaderChangeKind | null {
  switch (ev.action) {
    case 'LeaderReceiveAdopted': {
      const m = ev.params.message;
      return m?.type === 'Adopted' && hasRivalValues(m.pvalues) ? 'adopted-rival' : 'adopted';
    }
    case 'LeaderReceivePreempted': return 'preempted';
    case 'NodeRestart': return before.lActive ? 'leader-restart' : null;
    case 'AcceptorReceivePrepare':
    case 'AcceptorReceiveAccept':
      // An acceptor starts at the ballot of no leader (leader 0): its first promise changes no leader.
      return before.aBallot.leader !== 0 && after.aBallot.leader !== before.aBallot.leader ? 'ballot-change' : null;
    default: return null;
  }
}

/** Some slot has pvalues of two different proposals (so of two ballots: a ballot proposes one). */
export function hasRivalValues(pvalues: readonly PValue[]): boolean {
  const valueOfSlot = new Map<number, string>();
  for (const pv of pvalues) {
    const v = propKey(pv.prop);
    const seen = valueOfSlot.get(pv.slot);
    if (seen === undefined) valueOfSlot.set(pv.slot, v);
    else if (seen !== v) return true;
  }
  return false;
}

/**
 * Some slot has two different values among its pvalues of the highest ballot number there: two
 * leaders' ballots of one number, so only the leader id says which is higher. A leader that
 * compares ballots by number alone picks between them by the order they came in.
 */
export function hasRivalTie(pvalues: readonly PValue[]): boolean {
  const top = new Map<number, { num: number; values: Set<string> }>();
  for (const pv of pvalues) {
    const seen = top.get(pv.slot);
    if (seen === undefined || pv.ballot.num > seen.num) top.set(pv.slot, { num: pv.ballot.num, values: new Set([propKey(pv.prop)]) });
    else if (pv.ballot.num === seen.num) seen.values.add(propKey(pv.prop));
  }
  for (const { values } of top.values()) if (values.size > 1) return true;
  return false;
}
