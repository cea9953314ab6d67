/**
 * Which peers an active leader's heartbeat (`Active`) must go to. A heartbeat tells a peer's
 * replica and leader that this leader is alive, and its ballot. Under load most peers already
 * heard that since the last beat from what the leader's commanders sent them:
 * - an `Accept` carries the ballot: a peer's leader takes it as an `Active`, its replica as a
 *   sign of life of the leader it follows (a replica whose acceptor promised a new ballot is
 *   told so by its acceptor's `Accepting` hint, so a peer sent Accepts needs no `Active`);
 * - a `Decision` carries no ballot, so its receivers take it as a sign of life only from the
 *   leader they already follow. A peer that lost the ballot (or follows an older leader) must
 *   still be told it: such a peer is skipped at most one beat in two, so it hears an `Active`
 *   at least every 2 x heartbeatMs, under the leader timeout (limits.ts: heartbeatMs 300,
 *   leaderTimeoutMs 1,000).
 * Heartbeats are not spec steps (a leader's `Active` is a Stutter), so which ones are skipped
 * changes failure detection only, never safety. Issue 12: they were 0.76 of seed-par's 12.48
 * network messages per request.
 */
import type { NodeId } from '../protocol/values.js';

export class HeartbeatPlan {
  private readonly sentBallot = new Set<NodeId>();
  private readonly sentDecision = new Set<NodeId>();
  /** Peers whose last beat was skipped on the strength of Decisions alone. */
  private readonly skippedOnDecision = new Set<NodeId>();

  /** A commander sent an Accept (it carries the ballot) to these peers. */
  sentAccept(to: readonly NodeId[]): void {
    for (const p of to) this.sentBallot.add(p);
  }

  /** A commander sent a Decision to these peers. */
  sentDecisionTo(to: readonly NodeId[]): void {
    for (const p of to) this.sentDecision.add(p);
  }

  /** The beat is due: the peers of `others` to send an Active to; the interval starts afresh. */
  due(others: readonly NodeId[]): NodeId[] {
    const send: NodeId[] = [];
    for (const p of others) {
      if (this.sentBallot.has(p)) {
        this.skippedOnDecision.delete(p);
      } else if (this.sentDecision.has(p) && !this.skippedOnDecision.has(p)) {
        this.skippedOnDecision.add(p);
      } else {
        this.skippedOnDecision.delete(p);
        send.push(p);
      }
    }
    this.sentBallot.clear();
    this.sentDecision.clear();
    return send;
  }

  /** The leader went passive or restarted its term: the next beat goes to every peer. */
  reset(): void {
    this.sentBallot.clear();
    this.sentDecision.clear();
    this.skippedOnDecision.clear();
  }
}
