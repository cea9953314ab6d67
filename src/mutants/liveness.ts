/**
 * Implementation mutants that break progress, not safety. Every message they leave unsent is
 * one the spec's network may lose, so each of their traces replays against the spec and the
 * trace checker cannot kill them (they are not in catalogue.ts, whose mutants it must kill).
 * A run that stops deciding requests kills them: test/sim/acceptQuorum.test.ts.
 */
import { isQuorum, type NodeId } from '../protocol/values.js';
import { Commander } from '../roles/commander.js';

/** Sends each Accept to its own acceptor and to one fewer other acceptor than a quorum needs, and
 * retransmits only to those: no slot can ever be decided. */
export class SubQuorumCommander extends Commander {
  protected override chooseFirstTargets(): readonly NodeId[] {
    const peers = this.host.peers;
    const targets = [this.host.self];
    for (const p of peers) {
      if (p === this.host.self) continue;
      if (isQuorum(targets.length + 1, peers.length)) break; // one more would make a quorum
      targets.push(p);
    }
    return targets;
  }

  protected override retransmitTargets(): NodeId[] {
    return this.firstTargets.filter((p) => !this.acks.has(p));
  }
}

/** Sends each Accept to its leader's recent quorum, as the real one does, but never falls back to
 * the other acceptors: one acceptor of that quorum down, and no slot is decided until it is back. */
export class NoFallbackCommander extends Commander {
  protected override retransmitTargets(): NodeId[] {
    return this.firstTargets.filter((p) => !this.acks.has(p));
  }
}
