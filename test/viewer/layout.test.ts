/** Rows, marks and summaries: where events go on the page and what they carry. */
import { describe, expect, it } from 'vitest';
import { matchArrows } from '../../src/viewer/arrows.js';
import { FLAG, eventFlags, eventTag, packRows } from '../../src/viewer/layout.js';
import { readTrace } from '../../src/viewer/readTrace.js';
import { toViewEvent } from '../../src/viewer/readTrace.js';
import type { ViewEvent } from '../../src/viewer/types.js';

const msg = { type: 'Prepare', ballot: { num: 0, leader: 1 } };
function ev(node: number, clock: number, action: string, params: Record<string, unknown> = {}, sent: unknown[] = [], more: Record<string, unknown> = {}): ViewEvent {
  return toViewEvent({ node, seq: clock, clock, action, params, sent, ...more }, undefined, 0, clock + 1);
}

describe('rows', () => {
  it('puts independent steps of different nodes side by side, and a node\'s next step or a receive below', () => {
    const events = [
      ev(1, 1, 'LeaderSpawnScout', {}, [msg]), // row 0
      ev(2, 1, 'RequesterInvoke'), // row 0: another node, nothing received
      ev(3, 2, 'AcceptorReceivePrepare', { from: 1, message: msg }), // row 1: receives what row 0 sent
      ev(2, 2, 'ReplicaReceiveInvoke'), // row 1
      ev(2, 3, 'ReplicaPropose'), // row 2: node 2 is already in row 1
    ];
    expect([...packRows(events, matchArrows(events).arrows)]).toEqual([0, 0, 1, 1, 2]);
  });

  it('keeps the rows a counterexample gives', () => {
    const events = [ev(1, 0, 'Init'), ev(2, 0, 'Init'), ev(1, 1, 'LeaderSpawnScout'), ev(2, 2, 'RequesterInvoke')];
    events.forEach((e, i) => { e.row = [0, 0, 1, 2][i]!; });
    expect([...packRows(events, [])]).toEqual([0, 0, 1, 2]);
  });

  it('makes every arrow point down and every node\'s events go down, on a real trace', () => {
    const run = readTrace('traces/examples/leader-change.ndjson', ['traces/examples/leader-change.ndjson']);
    const { arrows } = matchArrows(run.events);
    const rows = packRows(run.events, arrows);
    expect(arrows.length).toBeGreaterThan(50);
    for (const a of arrows) expect(rows[a.to]!).toBeGreaterThan(rows[a.from]!);
    const last = new Map<number | null, number>();
    run.events.forEach((e, i) => {
      if (last.has(e.node)) expect(rows[i]!).toBeGreaterThan(last.get(e.node)!);
      last.set(e.node, rows[i]!);
    });
    expect(rows[rows.length - 1]!).toBeLessThan(run.events.length - 1); // some rows are shared
  });
});

describe('marks', () => {
  it('marks the leader\'s election and stepping down, new ballots, crashes and unknown actions', () => {
    const events = [
      ev(1, 1, 'LeaderReceiveAdopted', {}, [], { delta: { lActive: true } }),
      ev(1, 2, 'LeaderReceivePreempted', {}, [], { delta: { lActive: false, lBallot: { num: 1, leader: 1 } } }),
      ev(2, 1, 'NodeRestart', {}, [], { delta: { lBallot: { num: 1, leader: 2 } } }),
      ev(2, 2, 'ClientOutcome'),
    ];
    const initialStates = { 1: { lBallot: { num: 0, leader: 1 }, lActive: false }, 2: { lBallot: { num: 0, leader: 2 }, lActive: false } };
    const { flags, marks } = eventFlags(events, [3], 1, initialStates);
    expect([...flags]).toEqual([FLAG.leaderUp, FLAG.leaderDown | FLAG.ballot | FLAG.highlight, FLAG.crash | FLAG.ballot, FLAG.unknown | FLAG.unmatched]);
    expect([...marks]).toEqual([[0, 'leader b0.1'], [1, 'leader stepped down, ballot b1.1'], [2, 'ballot b1.2']]);
  });

  it('finds the leader changes of the example traces', () => {
    const run = readTrace('traces/examples/leader-change.ndjson', ['traces/examples/leader-change.ndjson']);
    const { flags } = eventFlags(run.events, [], null, run.initialStates);
    const ups = run.events.filter((_, i) => flags[i]! & FLAG.leaderUp);
    expect(ups.length).toBeGreaterThanOrEqual(2);
    expect(ups.every((e) => e.action === 'LeaderReceiveAdopted')).toBe(true);
    const crashes = readTrace('traces/examples/crash-restart.ndjson', ['traces/examples/crash-restart.ndjson']);
    const crashFlags = eventFlags(crashes.events, [], null, crashes.initialStates).flags;
    expect(crashes.events.filter((_, i) => crashFlags[i]! & FLAG.crash).map((e) => e.action)).toEqual(['NodeRestart']);
  });
});

describe('summaries', () => {
  it('says what an event received or acted on in a few words', () => {
    const prop = { caller: 2, clientId: 7, input: 'x' };
    expect(eventTag(ev(1, 1, 'AcceptorReceiveAccept', { message: { type: 'Accept', ballot: { num: 3, leader: 2 }, slot: 4, prop } }))).toBe('Accept b3.2 s4 2:7');
    expect(eventTag(ev(1, 1, 'ScoutReceivePromise', { message: { type: 'Promise', acceptor: 3, ballot: { num: 1, leader: 1 }, promised: { num: 2, leader: 2 }, accepted: [] } })))
      .toBe('Promise b1.1 from 3 promised b2.2');
    expect(eventTag(ev(1, 1, 'RequesterInvoke', { proposal: prop }))).toBe('request 2:7');
    expect(eventTag(ev(1, 1, 'Stutter', { timer: 'heartbeat' }))).toBe('timer heartbeat');
    expect(eventTag(ev(1, 1, 'LeaderSpawnScout', {}, [msg]))).toBe('sends Prepare b0.1');
    // A kind the viewer does not know: its first parameter's values.
    expect(eventTag(ev(1, 1, 'ClientInvoke', { client: { kind: 'invoke', clientId: 3, input: '{"op":"put","key":"k1"}', at: 12.5 } })))
      .toBe('client: invoke 3 {"op":"put","key"… 12.5');
    expect(eventTag(ev(1, 1, 'ReplicaExecute', { message: { type: 'Decision', slot: 2, prop: { caller: 0, clientId: 0, input: 'noop' } } }))).toBe('Decision s2 noop');
  });
});
