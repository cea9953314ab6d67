/**
 * The acceptors a leader heard say yes to an Accept, most recent first. An active leader's
 * commanders send their Accept first to their own node's acceptor and to the fewest of these
 * that make a quorum with it, instead of to every acceptor: with 5 nodes, 2 Accepts and 2
 * Accepted on the network per slot instead of 4 and 4. If that quorum does not answer before
 * the commander's retransmit timer, the Accept goes to every acceptor that has not answered
 * (Commander.onTimer), so a crashed or cut-off acceptor costs one timeout, not progress.
 *
 * On a lossy network an exact quorum often misses one answer, and each miss holds its slot
 * (and every slot after it, executed in order) for a whole timeout. So each timeout adds one
 * spare acceptor to the first send, and a run of slots decided without one takes a spare away.
 * A newly adopted leader starts with every spare (it sends to every acceptor it heard from) and
 * narrows only once its first sends keep making quorums: it narrows when it knows it is stable.
 * It hears only Accepteds that find their commander still waiting (a later one is dropped), so
 * on a reliable network the acceptors it heard from are the first quorum, and "every spare" is
 * that quorum; an acceptor outside it is heard once a retransmission after a timeout reaches it.
 * (Sending the first Accepts to acceptors never heard from too was measured in session 40: at 5%
 * loss over 6 seeds, 148 commander timeouts against 150, so it was left out.)
 *
 * The spec allows it: an Accept is one message in a network that may lose any copy, and
 * sending it to fewer acceptors is losing the other copies.
 */
import { isQuorum, type NodeId } from '../protocol/values.js';

/** Slots decided in a row by their first Accepts before one spare acceptor is dropped again:
 * at 5% loss one spare misses a quorum about once in 40 slots, so the count hovers at 1-2
 * there, and falls back to 0 within a few dozen slots when the loss ends. */
export const FIRST_QUORUMS_TO_DROP_A_SPARE = 32;

export class RecentAcceptors {
  /** Each acceptor at most once, the one heard last first (at most maxNodes entries). */
  private readonly order: NodeId[] = [];
  /** The most spares there can be: every acceptor beyond a quorum. */
  private readonly maxSpares: number;
  /** Acceptors sent the first Accept beyond a quorum. */
  private spares: number;
  /** Slots decided by their first Accepts since the last timeout or dropped spare. */
  private firstQuorumsInARow = 0;

  constructor(clusterSize: number) {
    let quorum = 1;
    while (!isQuorum(quorum, clusterSize)) quorum++;
    this.maxSpares = clusterSize - quorum;
    this.spares = this.maxSpares;
  }

  /** Its leader was just adopted: every spare until its first sends prove the quorum stable. */
  startWide(): void {
    this.spares = this.maxSpares;
    this.firstQuorumsInARow = 0;
  }

  /** `acceptor` answered yes just now. */
  heard(acceptor: NodeId): void {
    const at = this.order.indexOf(acceptor);
    if (at === 0) return;
    if (at > 0) this.order.splice(at, 1);
    this.order.unshift(acceptor);
  }

  /** A commander's first Accepts made a quorum in time (false) or its retransmit timer fired (true). */
  outcome(timedOut: boolean): void {
    if (timedOut) {
      this.spares = Math.min(this.spares + 1, this.maxSpares);
      this.firstQuorumsInARow = 0;
    } else if (++this.firstQuorumsInARow >= FIRST_QUORUMS_TO_DROP_A_SPARE) {
      this.spares = Math.max(0, this.spares - 1);
      this.firstQuorumsInARow = 0;
    }
  }

  /**
   * `self` and the acceptors heard most recently among `peers` that make a quorum with it, plus
   * the current spares; undefined while too few were heard (then an Accept goes to every acceptor).
   */
  quorumWith(self: NodeId, peers: readonly NodeId[]): NodeId[] | undefined {
    const chosen = [self];
    let quorum = isQuorum(1, peers.length);
    let spares = 0;
    for (const acceptor of this.order) {
      if (quorum && spares >= this.spares) break;
      if (acceptor === self || !peers.includes(acceptor)) continue;
      chosen.push(acceptor);
      if (quorum) spares++;
      quorum = isQuorum(chosen.length, peers.length);
    }
    return quorum ? chosen : undefined;
  }
}
