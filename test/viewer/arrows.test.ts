/** Matching receives to sends: which event's `sent` each arrow starts from. */
import { describe, expect, it } from 'vitest';
import { matchArrows } from '../../src/viewer/arrows.js';
import { toViewEvent } from '../../src/viewer/readTrace.js';
import type { ViewEvent } from '../../src/viewer/types.js';

const prepare = { type: 'Prepare', ballot: { num: 0, leader: 1 } };
const promise = (accepted: unknown[]) => ({ type: 'Promise', acceptor: 2, ballot: { num: 0, leader: 1 }, promised: { num: 0, leader: 1 }, accepted });

/** A trace event, as a line would give it. */
function ev(node: number, clock: number, action: string, params: Record<string, unknown>, sent: unknown[] = []): ViewEvent {
  return toViewEvent({ node, seq: clock, clock, role: 'X', action, params, sent }, undefined, 0, clock);
}
const pairs = (events: ViewEvent[]) => matchArrows(events).arrows.map((a) => [a.from, a.to, a.type]);

describe('arrows from send to receive', () => {
  it('joins a receive to the event of its sender that sent an equal message', () => {
    const events = [
      ev(1, 1, 'LeaderSpawnScout', {}, [prepare]),
      ev(2, 2, 'AcceptorReceivePrepare', { from: 1, message: prepare }, [promise([])]),
      ev(1, 3, 'ScoutReceivePromise', { from: 2, message: promise([]) }),
    ];
    expect(pairs(events)).toEqual([[0, 1, 'Prepare'], [1, 2, 'Promise']]);
    expect(matchArrows(events).unmatched).toEqual([]);
  });

  it('compares messages as spec values: a set in another order is the same message', () => {
    const pv = (slot: number) => ({ ballot: { num: 0, leader: 1 }, slot, prop: { caller: 1, clientId: slot, input: 'x' } });
    const events = [
      ev(2, 1, 'AcceptorReceivePrepare', { from: 1, message: prepare }, [promise([pv(1), pv(2)])]),
      ev(1, 2, 'ScoutReceivePromise', { from: 2, message: promise([pv(2), pv(1), pv(2)]) }),
    ];
    expect(pairs(events)).toEqual([[0, 1, 'Promise']]);
  });

  it('picks among retransmissions the send whose clock the receive carries', () => {
    // Node 1 sends the same Prepare at clocks 2 and 5; node 2's clock was 0, then 3.
    const events = [
      ev(1, 2, 'LeaderSpawnScout', {}, [prepare]),
      ev(1, 5, 'Stutter', { timer: 'retransmit' }, [prepare]),
      ev(2, 3, 'AcceptorReceivePrepare', { from: 1, message: prepare }),
      ev(2, 6, 'Stutter', { from: 1, message: prepare }),
    ];
    // The first receive jumped from 0 to 3: it carried clock 2. The second jumped from 3 to 6: clock 5.
    expect(pairs(events)).toEqual([[0, 2, 'Prepare'], [1, 3, 'Prepare']]);
  });

  it('never takes a send at the receive\'s own clock: it cannot have carried it', () => {
    // Node 1 retransmits at clock 5; node 2 receives at 5 (from clock 4), so it got the send at clock 2
    // (the retransmission would have lifted it to 6). The merge by clock replays the retransmission first.
    const events = [
      ev(1, 2, 'LeaderSpawnScout', {}, [prepare]),
      ev(2, 4, 'Stutter', {}),
      ev(1, 5, 'Stutter', { timer: 'retransmit' }, [prepare]),
      ev(2, 5, 'AcceptorReceivePrepare', { from: 1, message: prepare }),
    ];
    expect(pairs(events)).toEqual([[0, 3, 'Prepare']]);
  });

  it('takes the latest earlier send when the receiver\'s own clock was ahead', () => {
    const events = [
      ev(1, 1, 'LeaderSpawnScout', {}, [prepare]),
      ev(1, 2, 'Stutter', {}, [prepare]),
      ev(2, 9, 'Stutter', {}),
      ev(2, 10, 'AcceptorReceivePrepare', { from: 1, message: prepare }),
    ];
    expect(pairs(events)).toEqual([[1, 3, 'Prepare']]);
  });

  it('draws no second arrow for the next step on the same input, nor for actions that only name their input', () => {
    const decision = { type: 'Decision', slot: 1, prop: { caller: 1, clientId: 1, input: 'x' } };
    const events = [
      ev(1, 1, 'CommanderReceiveAccepted', { from: 2, message: { type: 'Accepted' } }, [decision]),
      ev(2, 2, 'ReplicaReceiveDecision', { from: 1, message: decision }),
      ev(2, 3, 'ReplicaExecute', { from: 1, message: decision }),
      ev(2, 4, 'Stutter', { from: 1, message: decision }),
    ];
    expect(pairs(events)).toEqual([[0, 1, 'Decision']]);
  });

  it('lists receives whose send is not in the trace: wrong sender, later send, or none', () => {
    const events = [
      ev(2, 1, 'AcceptorReceivePrepare', { from: 1, message: prepare }),
      ev(3, 2, 'LeaderSpawnScout', {}, [prepare]),
      ev(2, 3, 'AcceptorReceivePrepare', { from: 1, message: prepare }),
      ev(1, 4, 'LeaderSpawnScout', {}, [prepare]),
    ];
    const m = matchArrows(events);
    expect(m.arrows).toEqual([]);
    expect(m.unmatched).toEqual([0, 2]);
  });

  it('matches an action it does not know the same way (new event kinds)', () => {
    const reply = { type: 'ClientReply', request: 7 };
    const events = [
      ev(1, 1, 'ReplicaAnswer', {}, [reply]),
      ev(3, 4, 'ClientOutcome', { from: 1, message: reply }),
    ];
    expect(pairs(events)).toEqual([[0, 1, 'ClientReply']]);
  });
});
