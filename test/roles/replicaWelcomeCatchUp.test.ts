/**
 * A replica that installed a Welcome asks a peer for what followed it: the Welcome may be older
 * than the cluster (delayed, or one of several), and an idle cluster sends no Decision that
 * would show the replica a gap. It asks at its next gap tick, then again while the answers move
 * it on, at most CATCHUPS_AFTER_WELCOME times.
 */
import { describe, expect, it } from 'vitest';
import type { CatchUp } from '../../src/protocol/messages.js';
import { CATCHUPS_AFTER_WELCOME, REPLICA_GAP_TIMER } from '../../src/roles/replica.js';
import { prop, specOf } from './fake-host.js';
import { replicaOn, welcomer } from './welcomer.js';


/** Node 3 welcomed by node 2 at slot 11, and a gap tick of node 3 with the CatchUps it sent. */
function welcomed() {
  const w = welcomer();
  w.decide(10);
  const joiner = replicaOn({ self: 3 });
  for (const p of w.join().parts) joiner.replica.receive(2, p);
  const tick = (): CatchUp[] => {
    joiner.host.clear();
    joiner.replica.onTimer(REPLICA_GAP_TIMER);
    return joiner.host.sends('CatchUp').map((x) => x.message as CatchUp);
  };
  return { w, joiner, tick };
}

describe('after installing a Welcome', () => {
  it('asks a peer for what followed on each gap tick while the answers move it on: an idle cluster sends no Decision that shows a gap', () => {
    const { w, joiner, tick } = welcomed();
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 11 });
    w.decide(5); // decided while the Welcome travelled; the cluster is idle since
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

  it('stops asking after CATCHUPS_AFTER_WELCOME CatchUps even while each moves it on', () => {
    const { joiner, tick } = welcomed();
    let asked = 0;
    for (let i = 0; i < CATCHUPS_AFTER_WELCOME + 5; i++) {
      asked += tick().length;
      // Each tick, one more decision arrives (a cluster under load): the replica moves on.
      const slot = (specOf(joiner.replica) as { rSlotOut: number }).rSlotOut;
      joiner.replica.receive(2, { type: 'Decision', slot, prop: prop(1, slot, JSON.stringify({ op: 'set', key: `t${slot}`, value: 'v' })) });
    }
    expect(asked).toBe(CATCHUPS_AFTER_WELCOME);
  });
});
