/**
 * Broken role classes for batches (spec "Batches"): each gets a slot's batch wrong in one way
 * the batch spec mutants name (ExecuteBatchAnyOrder, DedupeWholeBatch, LeaderSplitsBatch,
 * AnswerBatchLastIndex), now in the code. They matter only when batches of two or more are
 * decided (Limits.batchMaxRequests > 1); with batches of one they are the real roles.
 */
import type { Propose } from '../protocol/messages.js';
import { isLongBatch, type Batch, type Proposal } from '../protocol/values.js';
import { Leader } from '../roles/leader.js';
import { Replica, type Execution } from '../roles/replica.js';

/** Runs a batch's requests last to first: every replica agrees, but not with the decided order. */
export class ReversedBatchReplica extends Replica {
  protected override execute(slot: number, decided: Batch): void {
    super.execute(slot, isLongBatch(decided) ? { batch: [...decided.batch].reverse() } : decided);
  }
}

/**
 * Dedupes per batch, not per request: a batch runs whole unless every request in it ran
 * before, so a request decided in two batches runs twice.
 */
export class DedupeWholeBatchReplica extends Replica {
  protected override execute(slot: number, decided: Batch): void {
    if (!isLongBatch(decided) || decided.batch.every((r) => this.executed.has(r))) {
      super.execute(slot, decided);
      return;
    }
    const own = this.proposals.get(slot);
    if (own !== undefined) this.proposals.delete(slot);
    const run: Execution[] = [];
    for (const request of decided.batch) {
      const [next, output] = this.host.stateMachine.apply(this.app, request.input);
      this.app = next;
      const entry = this.executed.record(request, output);
      this.executedLog?.push(entry);
      this.answer(entry);
      run.push(entry);
    }
    this.slotOut++;
    this.host.action('Replica', 'ReplicaExecute', this.host.tracing ? this.executeParams(decided, run) : undefined);
  }
}

/**
 * Lets one request more than the bound into a batch (the bound tested after adding, not
 * before): seen only where more requests wait than a batch holds.
 */
export class BatchOneOverReplica extends Replica {
  protected override nextBatch(): Proposal[] {
    const q = super.nextBatch();
    if (q.length < this.host.limits.batchMaxRequests) return q;
    for (const prop of this.requests.values()) if (!q.includes(prop)) return [...q, prop];
    return q;
  }
}

/**
 * Tests the input bound on the text taken so far, before adding the next request (not on the
 * sum with it), so a batch goes one request over: seen only where the bound, not BatchMax, cuts
 * a batch while more requests wait.
 */
export class BatchInputOverReplica extends Replica {
  protected override nextBatch(): Proposal[] {
    const { batchMaxRequests, batchMaxInput } = this.host.limits;
    const q: Proposal[] = [];
    let input = 0;
    for (const prop of this.requests.values()) {
      if (q.length >= batchMaxRequests || input > batchMaxInput) break;
      q.push(prop);
      input += prop.input.length;
    }
    return q;
  }
}

/** Takes only the first request of a batch it is proposed: the others are never decided there. */
export class SplitBatchLeader extends Leader {
  override receivePropose(m: Propose): void {
    super.receivePropose(isLongBatch(m.prop) ? { ...m, prop: m.prop.batch[0]! } : m);
  }
}

/** Answers every request of a batch with the index of the batch's last request. */
export class LastIndexAnswerReplica extends Replica {
  private batchEnd: number | undefined;

  protected override execute(slot: number, decided: Batch): void {
    this.batchEnd = isLongBatch(decided) ? this.executed.count + decided.batch.filter((r) => !this.executed.has(r)).length : undefined;
    super.execute(slot, decided);
    this.batchEnd = undefined;
  }

  protected override answer(e: Execution): void {
    super.answer(this.batchEnd === undefined ? e : { ...e, index: this.batchEnd });
  }
}
