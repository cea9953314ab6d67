/**
 * A Member is bounded unless told otherwise: with an app that can snapshot and restore (bank,
 * kv) its node checkpoints every DEFAULT_CHECKPOINT_EVERY slots, as `paxos node` does; an app
 * without snapshots cannot, so its node never does; an explicit option wins either way.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryNetwork } from '../../src/member/inMemoryTransport.js';
import { Member, type MemberOptions } from '../../src/member/member.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/member/nodeFactory.js';
import { DEFAULT_CHECKPOINT_EVERY } from '../../src/node/node.js';
import { bank } from '../../src/statemachines/bank.js';
import type { AppStateMachine } from '../../src/statemachines/types.js';

/** A counter with no snapshot() or restore(). */
const counter: AppStateMachine<number, number> = { initial: () => 0, apply: (s) => [s + 1, s + 1] };

/** The checkpointEvery the Member hands its node. */
function intervalOf<S, O>(app: AppStateMachine<S, O>, options: Partial<MemberOptions> = {}): number | undefined {
  let seen: number | undefined;
  const createNode: NodeFactory = (id, peers, o, env) => { seen = o.checkpointEvery; return defaultNodeFactory(id, peers, o, env); };
  new Member(app, new InMemoryNetwork().transport(1), [1], { id: 1, createNode, ...options });
  return seen;
}

describe('the checkpoint interval a Member gives its node', () => {
  it('is DEFAULT_CHECKPOINT_EVERY for an app with snapshots, 0 for one without, and the option when given', () => {
    expect(DEFAULT_CHECKPOINT_EVERY).toBe(1_000);
    expect(intervalOf(bank)).toBe(DEFAULT_CHECKPOINT_EVERY);
    expect(intervalOf(counter)).toBe(0);
    expect(intervalOf(bank, { checkpointEvery: 0 })).toBe(0);
    expect(intervalOf(bank, { checkpointEvery: 7 })).toBe(7);
  });
});
