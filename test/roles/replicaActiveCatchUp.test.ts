/**
 * A replica that lost the last Decisions before the cluster went idle sees no gap, so it asked
 * for nothing and stayed behind until the next command. A leader's heartbeat (`Active`) now
 * carries the first slot its node has not executed; a replica behind it, and not moving at its
 * next gap tick, takes it as a stall: one CatchUp per tick that follows such a heartbeat, the
 * leader it follows first and then the other peers, and a rejoin once every peer was asked
 * REJOIN_AFTER_ROUNDS times in vain (they compacted what it misses).
 */
import { describe, expect, it } from 'vitest';
import type { Active, CatchUp } from '../../src/protocol/messages.js';
import { LEADER_HEARTBEAT_TIMER, Leader } from '../../src/roles/leader.js';
import { REJOIN_AFTER_ROUNDS, REPLICA_GAP_TIMER, Replica } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { checkMessage } from '../../src/protocol/validate.js';
import { MAX_SLOT } from '../../src/protocol/limits.js';
import { FakeHost, ballot, prop, specOf, type FakeHostOptions } from './fake-host.js';

/** Node 3's replica, which executed slots 1..n (slotOut n + 1). */
function follower(n: number, options: FakeHostOptions = {}) {
  const host = new FakeHost({ self: 3, ...options });
  const replica = new Replica(host);
  host.addRole(replica);
  for (let slot = 1; slot <= n; slot++) replica.receive(1, { type: 'Decision', slot, prop: prop(1, slot) });
  expect(specOf(replica).rSlotOut).toBe(n + 1);
  host.clear();
  const tick = (): Array<{ to: number | null; message: CatchUp }> => {
    host.clear();
    replica.onTimer(REPLICA_GAP_TIMER);
    return host.sends('CatchUp').map((s) => ({ to: s.to, message: s.message as CatchUp }));
  };
  const active = (slot: number | undefined, from = 1): void => {
    replica.receive(from, slot === undefined ? { type: 'Active', ballot: ballot(0, from) } : { type: 'Active', ballot: ballot(0, from), slot });
  };
  return { host, replica, tick, active };
}

describe('a replica told by a heartbeat that it is behind', () => {
  it('asks the leader it follows for the rest at its next idle gap tick, then the next peer, once per such heartbeat', () => {
    const f = follower(10);
    f.tick(); // the first tick only notes where we stand
    expect(f.tick()).toEqual([]); // idle and told nothing: nothing to ask
    f.active(16);
    expect(f.tick()).toEqual([{ to: 1, message: { type: 'CatchUp', replica: 3, slot: 11 } }]);
    expect(f.tick()).toEqual([]); // no heartbeat since: no second CatchUp
    f.active(16);
    expect(f.tick()).toEqual([{ to: 2, message: { type: 'CatchUp', replica: 3, slot: 11 } }]);
  });

  it('rejoins once every peer was asked in vain REJOIN_AFTER_ROUNDS times (they compacted what it misses)', () => {
    const f = follower(10, { stateMachine: toNodeStateMachine(kv), checkpointEvery: 100 });
    f.tick();
    const rejoined = (): boolean => f.host.journal.some((e) => e.kind === 'rejoin');
    const asks = REJOIN_AFTER_ROUNDS * 2; // node 3's two peers
    for (let i = 0; i < asks; i++) {
      f.active(16);
      expect(f.tick()).toHaveLength(1);
      expect(rejoined()).toBe(false);
    }
    f.active(16);
    f.tick();
    expect(rejoined()).toBe(true);
  });

  it('asks nothing when the heartbeat is not past it, or carries no slot', () => {
    const f = follower(10);
    f.tick();
    f.active(11);
    expect(f.tick()).toEqual([]);
    f.active(5);
    expect(f.tick()).toEqual([]);
    f.active(undefined);
    expect(f.tick()).toEqual([]);
  });

  it('asks nothing while Decisions move it on (under load they are in flight)', () => {
    const f = follower(10);
    f.tick();
    f.active(13);
    f.replica.receive(1, { type: 'Decision', slot: 11, prop: prop(1, 11) });
    expect(f.tick()).toEqual([]);
  });
});

describe('a leader\'s heartbeat', () => {
  it('carries the first slot its node\'s replica has not executed, and no slot on a node without one', () => {
    const host = new FakeHost({ self: 1 });
    const replica = new Replica(host);
    const leader = new Leader(host);
    host.addRole(replica);
    host.addRole(leader);
    for (let slot = 1; slot <= 4; slot++) replica.receive(2, { type: 'Decision', slot, prop: prop(2, slot) });
    leader.receive(1, { type: 'Adopted', ballot: ballot(0, 1), pvalues: [] });
    host.clear();
    leader.onTimer(LEADER_HEARTBEAT_TIMER);
    const beats = host.sends('Active').map((s) => s.message as Active);
    expect(beats.length).toBeGreaterThan(0);
    expect(beats.every((m) => m.slot === 5)).toBe(true);

    const alone = new FakeHost({ self: 1 });
    const bare = new Leader(alone);
    alone.addRole(bare);
    bare.receive(1, { type: 'Adopted', ballot: ballot(0, 1), pvalues: [] });
    alone.clear();
    bare.onTimer(LEADER_HEARTBEAT_TIMER);
    expect(alone.sends('Active').map((s) => s.message)).toEqual([2, 3].map(() => ({ type: 'Active', ballot: ballot(0, 1) })));
  });

  it('from a peer, is refused with a slot no node can go past, or a slot that is not a slot', () => {
    const check = (slot: number): string | undefined => {
      const r = checkMessage({ type: 'Active', ballot: ballot(0, 1), slot }, [1, 2, 3]);
      return r.ok ? undefined : r.reason;
    };
    expect(check(7)).toBeUndefined();
    expect(check(MAX_SLOT + 1)).toMatch(/slot/);
    expect(check(0)).toMatch(/slot/);
    expect(check(1.5)).toMatch(/slot/);
  });
});
