import { describe, expect, it } from 'vitest';
import { HeartbeatPlan } from '../../src/roles/heartbeatPlan.js';

describe('HeartbeatPlan', () => {
  it('sends to every peer when its commanders reached none', () => {
    const plan = new HeartbeatPlan();
    expect(plan.due([2, 3, 4, 5])).toEqual([2, 3, 4, 5]);
    expect(plan.due([2, 3, 4, 5])).toEqual([2, 3, 4, 5]);
  });

  it('skips a peer sent an Accept in the interval, every time (the Accept carries the ballot)', () => {
    const plan = new HeartbeatPlan();
    for (let beat = 0; beat < 4; beat++) {
      plan.sentAccept([2, 3]);
      expect(plan.due([2, 3, 4, 5])).toEqual([4, 5]);
    }
  });

  it('skips a peer sent only Decisions at most one beat in two', () => {
    const plan = new HeartbeatPlan();
    const beats: number[][] = [];
    for (let beat = 0; beat < 4; beat++) {
      plan.sentDecisionTo([2, 3]);
      plan.sentAccept([2]);
      beats.push(plan.due([2, 3]));
    }
    expect(beats).toEqual([[], [3], [], [3]]);
  });

  it('forgets what was sent once the beat is taken, and everything on reset', () => {
    const plan = new HeartbeatPlan();
    plan.sentAccept([2]);
    expect(plan.due([2, 3])).toEqual([3]);
    expect(plan.due([2, 3])).toEqual([2, 3]);
    plan.sentDecisionTo([2]);
    plan.due([2, 3]); // 2 skipped on a Decision
    plan.reset();
    plan.sentDecisionTo([2]);
    expect(plan.due([2, 3])).toEqual([3]); // skipped afresh: reset forgot the last skip
  });
});
