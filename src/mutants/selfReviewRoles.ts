/**
 * Broken roles from a review of our own (2026-12-07): bugs written as a port might write them,
 * each caught then by `validate-traces` alone, and kept here so that the trace checker goes on
 * rejecting them. Like roles.ts, each breaks one rule and bypasses the role's own assertions.
 */
import type { Promise as PromiseMessage } from '../protocol/messages.js';
import type { PValue } from '../protocol/values.js';
import { Acceptor, type LeaderCompaction } from '../roles/acceptor.js';
import { Replica } from '../roles/replica.js';
import { Scout } from '../roles/scout.js';
import type { Role } from '../node/role.js';

/**
 * Proposes while slotIn <= slotOut + Window: one slot more than the window allows (the spec's
 * ReplicaPropose needs rSlotIn < rSlotOut + Window), so a replica runs further ahead of what it
 * executed than every bound sized by the window assumes.
 */
export class WindowOneOverReplica extends Replica {
  protected override proposeAll(): void {
    while (this.requests.size > 0 && this.slotIn <= this.slotOut + this.host.limits.window) {
      if (this.decisions.has(this.slotIn)) {
        this.slotIn++;
        this.host.action('Replica', 'ReplicaSkipSlot');
        continue;
      }
      this.propose(this.nextBatch());
    }
  }
}

/**
 * Compacts the snapshot's own slot too (`<=` for `<`): the slot at the mark is the first one its
 * replica has NOT executed, so its pvalue may be the only trace of a value a quorum chose, and a
 * later leader adopting from this acceptor would not see it.
 */
export class CompactAtMarkAcceptor extends Acceptor {
  override compactIfDue(): boolean {
    const mark = this.host.durable().snapshotSlot;
    if (this.mark >= mark) return false;
    for (const slot of [...this.accepted.keys()]) if (slot <= mark) this.accepted.delete(slot);
    this.host.appendDurable({ kind: 'compact', belowSlot: mark });
    this.host.findRole<Role & Partial<LeaderCompaction>>('Leader')?.leaveSlotsBelow?.(mark);
    this.host.action('Acceptor', 'AcceptorCompact');
    return true;
  }
}

/** A map of pvalues keyed by slot whatever key it is given: the set keeps one pvalue per slot, the last one written. */
class OnePerSlot extends Map<string, PValue> {
  override set(_key: string, pv: PValue): this {
    return super.set(String(pv.slot), pv);
  }
}

/**
 * Keeps one pvalue per slot from its quorum's Promises, the last one counted, not every one: a
 * higher-ballot pvalue reported by an earlier acceptor is replaced by a lower one, and the
 * adopting leader may re-propose a value that lost.
 */
export class OnePValuePerSlotScout extends Scout {
  protected override readonly pvalues: Map<string, PValue> = new OnePerSlot();
}

/**
 * Takes the mark of the last Promise it counted, not the highest (the spec mutant
 * ScoutKeepsLastMark, in the code): below the highest mark some acceptor of the quorum
 * compacted, and an adopting leader that drives a slot there may choose a second value.
 */
export class LastMarkScout extends Scout {
  override receivePromise(m: PromiseMessage): void {
    const mark = this.mark; const acks = this.acks.size;
    // The real step's max(mark, m.mark) is then the counted Promise's own mark.
    this.mark = 1;
    super.receivePromise(m);
    if (this.acks.size === acks) this.mark = mark; // not counted: the mark is as it was
  }
}
