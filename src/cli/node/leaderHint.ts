/**
 * The leader a node names in its client replies (the hint of client/protocol.ts): itself
 * while its leader is active, else the leader of its acceptor's promise (aBallot), the one
 * whose Accepts it takes. Reading aBallot needs specState(), which is O(the node's state),
 * and a follower answers thousands of requests a second, so a follower's answer is reused
 * for REFRESH_MS; a leader's own check is O(1) and never stale.
 */
import type { NodeApi } from '../../node/api.js';

/** How stale a follower's hint may be: far below a leader change (seconds), far above a request's cost. */
export const LEADER_HINT_REFRESH_MS = 200;

export class LeaderHint {
  private cached: number | null = null;
  private readAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly node: () => NodeApi, private readonly now: () => number) {}

  /** This node's id when it leads, the leader it follows, or null when it knows none. */
  current(): number | null {
    const node = this.node();
    if (node.activeBallot() !== undefined) return node.id;
    const t = this.now();
    if (t - this.readAt >= LEADER_HINT_REFRESH_MS) {
      const promised = node.specState().aBallot.leader;
      this.cached = promised === 0 ? null : promised;
      this.readAt = t;
    }
    return this.cached;
  }
}
