/**
 * Dead messages: those no later step can act on. A trace checker that keeps every message sent
 * holds O(the run) (issue 11: 307,189 messages, 180 MiB, after 20,000 commands); one that forgets
 * the dead ones holds what is still in play.
 *
 * `isDead(s, m)` is a predicate on the spec state. Three properties make forgetting sound, and
 * the explorer checks them on the CI models (test/trace/deadMessages.test.ts, as step properties
 * of the fast encoding, which graph conformance proves equal to spec/MultiPaxos.tla):
 *  - a step that receives a dead message changes no variable but msgs, and sends only messages
 *    dead after it (so receiving it is a stuttering step, whether or not the checker still has it);
 *  - a dead message stays dead;
 *  - no step sends a Decision that is dead after it.
 * A forgotten message that a spec guard tests (`reply \notin msgs`) is then dead too, so an
 * event the spec would disable, and the checker now takes, changes nothing but a dead message.
 *
 * Why each is dead, in the terms of the spec (docs/design-checkpoints.md, 2026-12-02):
 *  - Accept, Propose below every acceptor's mark: acceptors ignore an Accept below their mark,
 *    and a leader a Propose below its node's (AcceptorCompact leaves the leader's slots there).
 *  - Decision below every acceptor's mark and every replica's snapshot: replicas ignore it, and
 *    no quorum accepts there again, so no commander decides it again.
 *  - Prepare(b), Promise(b), Adopted(b): b's leader moved past b (or is active at b: b's scout
 *    ended and it is not spawned again); a Prepare also needs every acceptor promised b or more.
 *  - Accepted(b, s): no commander (b, s) runs, and none can start: b's leader moved past b, or
 *    it is active at b and s is below its mark (a Propose there is refused).
 *  - Preempted(b): its leader's ballot is b or more.
 *  - Invoked(n, p, i): no action receives it, but it is what a client is told, so it counts as
 *    dead only once n's durable snapshot holds p at index i. A checker that takes a re-sent
 *    message it forgot as dead then never takes an answer no step gave for one that was
 *    (implementation mutant AnswerOnDecision: its early answers name indexes not yet executed).
 *  - Invoke(p) to n: p is in n's durable snapshot (answered again, unchanged, if received).
 *  - Welcome to n at or below n's snapshot slot (a snapshot taken): installing it is disabled.
 */
import type { Ballot, SpecMessage } from '../format/types.js';
import { ballotKey, propKey } from '../format/keys.js';
import { type NodeSpec, type SpecConfig, type SpecState, ballotEq, ballotLt, propEq } from './specState.js';

/** The parts of a state the predicate reads, computed once for many messages. */
export class DeadMessages {
  private readonly minAMark: number;
  private readonly minDecision: number;
  /** Per node, its commanders' (ballot, slot). */
  private readonly commanders: ReadonlyArray<ReadonlySet<string>>;

  /**
   * `snapshotted(n, p)`: whether request p is in node n's snapshot (rSnap[n].executed). The
   * caller answers it (a scan of the history per message would be O(the run)); without it no
   * Invoke is dead.
   */
  constructor(private readonly cfg: SpecConfig, private readonly s: SpecState,
    private readonly snapshotted?: (n: number, key: string) => boolean) {
    let minAMark = Number.POSITIVE_INFINITY;
    const commanders: Set<string>[] = [new Set()];
    for (let n = 1; n <= cfg.N; n++) {
      const x = s.nodes[n]!;
      minAMark = Math.min(minAMark, x.aMark);
      const cs = new Set<string>();
      for (const c of x.commanders.values()) cs.add(commanderAt(c.ballot, c.slot));
      commanders.push(cs);
    }
    let minSnap = Number.POSITIVE_INFINITY;
    for (let n = 1; n <= cfg.N; n++) if (isReplica(cfg, n)) minSnap = Math.min(minSnap, s.nodes[n]!.rSnap.slot);
    this.minAMark = minAMark;
    this.minDecision = Math.min(minAMark, minSnap);
    this.commanders = commanders;
  }

  isDead(m: SpecMessage): boolean {
    switch (m.type) {
      case 'Accept': case 'Propose': return m.slot < this.minAMark;
      case 'Decision': return m.slot < this.minDecision;
      case 'Prepare': return this.ballotEnded(m.ballot) && this.everyonePromised(m.ballot);
      case 'Promise': case 'Adopted': return this.ballotEnded(m.ballot);
      case 'Accepted': return this.acceptedDead(m.ballot, m.slot);
      case 'Preempted': {
        const x = this.node(m.leader);
        return x !== undefined && !ballotLt(x.lBallot, m.ballot);
      }
      case 'Invoked': {
        const x = this.node(m.replica);
        // Below a history window's base (trace replay): kept, the safe answer.
        if (x === undefined || m.index <= x.rSnap.executed.base || m.index > x.rSnap.executed.length) return false;
        return propEq(x.rSnap.executed.get(m.index - 1), m.prop);
      }
      // A replica outside 1..N (a message no step sent: the checker asks of any) is not asked about.
      case 'Invoke': return this.snapshotted !== undefined && this.node(m.replica) !== undefined && this.snapshotted(m.replica, propKey(m.prop));
      case 'Welcome': {
        const x = this.node(m.node);
        return x !== undefined && x.rSnap.slot > 1 && m.slot <= x.rSnap.slot;
      }
      case 'Join': return false;
    }
  }

  private node(n: number): NodeSpec | undefined {
    return n >= 1 && n <= this.cfg.N ? this.s.nodes[n] : undefined;
  }

  /** b's scout has ended and none starts again: its leader's ballot is past b, or it is active at b. */
  private ballotEnded(b: Ballot): boolean {
    const x = this.node(b.leader);
    if (x === undefined) return false;
    if (x.scout !== null && ballotEq(x.scout.ballot, b)) return false;
    return ballotLt(b, x.lBallot) || (ballotEq(b, x.lBallot) && x.lActive);
  }

  private everyonePromised(b: Ballot): boolean {
    for (let n = 1; n <= this.cfg.N; n++) if (ballotLt(this.s.nodes[n]!.aBallot, b)) return false;
    return true;
  }

  private acceptedDead(b: Ballot, slot: number): boolean {
    const x = this.node(b.leader);
    if (x === undefined || this.commanders[b.leader]!.has(commanderAt(b, slot))) return false;
    if (ballotLt(b, x.lBallot)) return true;
    return ballotEq(b, x.lBallot) && x.lActive && slot < Math.max(x.lMark, x.aMark);
  }
}

const commanderAt = (b: Ballot, slot: number): string => `${ballotKey(b)}@${slot}`;
const isReplica = (cfg: SpecConfig, n: number): boolean => cfg.bounds.replicaNodes === undefined || cfg.bounds.replicaNodes.has(n);
