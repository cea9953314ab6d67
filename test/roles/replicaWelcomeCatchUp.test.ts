/**
 * A replica that installed a Welcome asks a peer for what followed it: the Welcome may be older
 * than the cluster (delayed, or one of several), and an idle cluster sends no Decision that
 * would show the replica a gap. It asks at its next gap tick, then again while the answers move
 * it on, at most CATCHUPS_AFTER_WELCOME times.
 */
import { describe, expect, it } from 'vitest';
import type { CatchUp, Welcome } from '../../src/protocol/messages.js';
import { CATCHUPS_AFTER_WELCOME, REPLICA_GAP_TIMER, Replica } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop, specOf, type FakeHostOptions } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const set = (caller: number, clientId: number, key: string) => prop(caller, clientId, JSON.stringify({ op: 'set', key, value: `${caller}.${clientId}`.padEnd(200, '.') }));
const limits = { maxWelcomeBytes: 3_000 };

function replicaOn(options: FakeHostOptions = {}) {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery: 100, limits, ...options });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  return { host, replica };
}

/** Node 2, which decided slots 1..n, and what it sends node 3 for a Join (its Welcome parts), with the actions it took. */
function welcomer(options: FakeHostOptions = {}) {
  const made = replicaOn(options);
  let slot = 1;
  const decide = (count: number): void => {
    for (let i = 0; i < count; i++, slot++) made.replica.receive(1, { type: 'Decision', slot, prop: set(1, slot, `k${slot}`) });
  };
  const join = (): { parts: Welcome[]; actions: string[] } => {
    made.host.clear();
    made.replica.receive(3, { type: 'Join', node: 3 });
    return { parts: made.host.sends('Welcome').map((s) => s.message as Welcome), actions: made.host.actions() };
  };
  return { decide, join, made };
}

describe('after installing a Welcome', () => {
  it('asks a peer for what followed on each gap tick while the answers move it on: an idle cluster sends no Decision that shows a gap', () => {
    const w = welcomer();
    w.decide(10);
    const joiner = replicaOn({ self: 3 });
    for (const p of w.join().parts) joiner.replica.receive(2, p);
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 11 });
    w.decide(5); // decided while the Welcome travelled; the cluster is idle since
    const tick = (): CatchUp[] => {
      joiner.host.clear();
      joiner.replica.onTimer(REPLICA_GAP_TIMER);
      return joiner.host.sends('CatchUp').map((x) => x.message as CatchUp);
    };
    const first = tick();
    expect(first).toEqual([{ type: 'CatchUp', replica: 3, slot: 11 }]);
    w.made.host.clear();
    w.made.replica.receive(3, first[0]!);
    for (const d of w.made.host.sends('Decision')) joiner.replica.receive(2, d.message);
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 16 });
    expect(tick()).toEqual([{ type: 'CatchUp', replica: 3, slot: 16 }]); // it moved: ask again
    expect(tick()).toEqual([]); // nothing came: caught up
    expect(tick()).toEqual([]);
  });
});

describe('after installing a Welcome, bounded', () => {
  it('stops asking after CATCHUPS_AFTER_WELCOME CatchUps even while each moves it on', () => {
    const w = welcomer();
    w.decide(10);
    const joiner = replicaOn({ self: 3 });
    for (const p of w.join().parts) joiner.replica.receive(2, p);
    let asked = 0;
    for (let tick = 0; tick < CATCHUPS_AFTER_WELCOME + 5; tick++) {
      joiner.host.clear();
      joiner.replica.onTimer(REPLICA_GAP_TIMER);
      const sent = joiner.host.sends('CatchUp');
      asked += sent.length;
      // Each tick, one more decision arrives (a cluster under load): the replica moves on.
      w.decide(1);
      const slot = (specOf(joiner.replica) as { rSlotOut: number }).rSlotOut;
      joiner.replica.receive(2, { type: 'Decision', slot, prop: prop(1, slot, JSON.stringify({ op: 'set', key: `t${slot}`, value: 'v' })) });
    }
    expect(asked).toBe(CATCHUPS_AFTER_WELCOME);
  });
});
