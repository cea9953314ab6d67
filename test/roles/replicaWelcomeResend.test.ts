/**
 * A Join again from a node we welcomed in parts is answered with the same parts (a Stutter),
 * while we took no snapshot past their slot: the joiner keeps the parts it got of that Welcome,
 * so losses in two rounds that never hit the same part still install it, where a new Welcome
 * each round started it over. After a snapshot past the slot, or once the parts are more than
 * STALE_WELCOME_CATCHUPS CatchUp answers behind, a new Welcome. (What the joiner asks for
 * after installing one: replicaWelcomeCatchUp.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { STALE_WELCOME_CATCHUPS } from '../../src/roles/replica.js';
import { specOf } from './fake-host.js';
import { replicaOn, welcomer } from './welcomer.js';


describe('Welcome parts sent again', () => {
  it('answers a second Join with the parts of the first, unchanged, as a Stutter, though it executed more since', () => {
    const w = welcomer();
    w.decide(10);
    const first = w.join();
    expect(first.parts.length).toBeGreaterThan(2);
    expect(first.actions).toEqual(['ReplicaReceiveJoin']);
    w.decide(3);
    const second = w.join();
    expect(second.parts).toEqual(first.parts);
    expect(second.parts[0]!.slot).toBe(11);
    expect(second.actions).toEqual([]);
  });

  it('a joiner that lost a different part in each round installs the Welcome', () => {
    const w = welcomer();
    w.decide(10);
    const joiner = replicaOn({ self: 3 });
    const round = (lost: number): void => {
      const { parts } = w.join();
      parts.forEach((p, i) => { if (i !== lost) joiner.replica.receive(2, p); });
    };
    round(0);
    expect(joiner.host.actions()).toEqual([]);
    w.decide(2); // the cluster moves on between the two Joins
    round(1);
    expect(joiner.host.actions()).toContain('ReplicaReceiveWelcome');
    expect(specOf(joiner.replica)).toMatchObject({ rSlotOut: 11 });
  });

  it('sends a new Welcome once it took a snapshot past the slot of the one it sent', () => {
    const w = welcomer({ checkpointEvery: 4 });
    w.decide(10); // snapshots at slots 5 and 9
    const first = w.join();
    expect(first.parts[0]!.slot).toBe(11);
    w.decide(1); // slot 12: no snapshot yet
    expect(w.join().parts).toEqual(first.parts);
    w.decide(2); // a snapshot at 13, past 11: the joiner would find decisions it needs forgotten
    const third = w.join();
    expect(third.parts[0]!.slot).toBe(14);
    expect(third.actions).toEqual(['ReplicaReceiveJoin']);
  });
});

describe('Welcome parts sent again, bounded', () => {
  it('sends a new Welcome once the one it sent is more than STALE_WELCOME_CATCHUPS CatchUp answers behind', () => {
    const w = welcomer({ limits: { maxCatchUpDecisions: 2 } }); // 10 answers of 2: 20 slots
    w.decide(10);
    const first = w.join();
    expect(first.parts[0]!.slot).toBe(11);
    w.decide(STALE_WELCOME_CATCHUPS * 2); // slot 31: 20 behind, still sent again
    expect(w.join().parts).toEqual(first.parts);
    w.decide(1); // 21 behind
    const third = w.join();
    expect(third.parts[0]!.slot).toBe(32);
    expect(third.actions).toEqual(['ReplicaReceiveJoin']);
  });
});
