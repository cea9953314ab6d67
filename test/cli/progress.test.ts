/** The progress monitor: a stuck node says why, once per interval, and says when it recovers. */
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/cli/log.js';
import { ProgressMonitor, type ProgressView } from '../../src/cli/node/progress.js';

function monitor(view: Partial<ProgressView> & { roles?: string[] }, peers: Record<number, { received: number; open: boolean }>, waiting = { count: 1, oldestMs: 10_000 }) {
  let now = 0;
  const lines: Record<string, unknown>[] = [];
  const { roles = ['Acceptor', 'Replica', 'Leader'], ...rest } = view;
  const v: ProgressView = { aBallot: { num: 1, leader: 1 }, lBallot: { num: 0, leader: 3 }, lActive: false, scoutBallot: null, slotOut: 7, ...rest };
  const state = { v, peers, waiting, answered: 0, views: 0 };
  const m = new ProgressMonitor({
    self: 3, peers: [1, 2, 3, 4, 5], roles: () => roles, answered: () => state.answered,
    view: () => { state.views++; return state.v; }, peer: (id) => state.peers[id], waiting: () => state.waiting,
  }, new Logger({ node: 3, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), now: () => now }), { now: () => now, stuckAfterMs: 3_000, logIntervalMs: 10_000 });
  return { m, lines, state, advance: (ms: number) => { now += ms; } };
}

const open = { received: 10, open: true };
const gone = { received: 10, open: false };

describe('ProgressMonitor', () => {
  it('is ok while nothing waits, or while requests are answered, and builds no spec state then', () => {
    const t = monitor({}, { 1: open, 2: open, 4: open, 5: open }, { count: 0, oldestMs: 0 });
    t.m.check();
    t.advance(5_000);
    expect(t.m.check()).toEqual({ health: 'ok', problem: null });
    t.state.waiting = { count: 2, oldestMs: 5_000 };
    t.state.answered = 3;
    expect(t.m.check().health).toBe('ok');
    expect(t.state.views).toBe(0);
    t.advance(3_000);
    expect(t.m.check().health).toBe('stalled');
    expect(t.state.views).toBe(1);
  });

  it('says no quorum is reachable when it hears from too few peers', () => {
    const t = monitor({}, { 1: open, 2: gone, 4: gone, 5: gone });
    t.m.check();
    t.advance(10_000);
    const h = t.m.check();
    expect(h.health).toBe('no-quorum');
    expect(h.problem).toMatch(/heard from nodes \[1\] of \[1, 2, 4, 5\].*a majority is 3 of 5/);
  });

  it('says its promise was refused by a higher ballot when its scout is below what its acceptor promised', () => {
    const t = monitor({ scoutBallot: { num: 1, leader: 3 }, aBallot: { num: 2, leader: 4 } }, { 1: open, 2: open, 4: open, 5: open });
    t.m.check();
    t.advance(5_000);
    expect(t.m.check()).toMatchObject({ health: 'preempted', problem: expect.stringMatching(/scout runs ballot \(1, 3\), node 4 holds promises for \(2, 4\)/) });
  });

  it('says its leader is silent, and that it is not a member yet while joining', () => {
    const t = monitor({ aBallot: { num: 1, leader: 1 } }, { 1: gone, 2: open, 4: open, 5: open });
    t.m.check();
    t.advance(10_000);
    expect(t.m.check().health).toBe('leader-silent');
    const j = monitor({ roles: ['Bootstrap', 'Requester'] }, { 1: open, 2: open, 4: open, 5: open }, { count: 0, oldestMs: 0 });
    j.m.check();
    j.advance(6_000);
    expect(j.m.check()).toMatchObject({ health: 'joining', problem: expect.stringMatching(/no node answered its Join for 6 s/) });
  });

  it('logs a reason at most once per interval (counting the rest), and logs the recovery once', () => {
    const t = monitor({ scoutBallot: { num: 1, leader: 3 }, aBallot: { num: 2, leader: 4 } }, { 1: open, 2: open, 4: open, 5: open });
    t.m.check();
    t.advance(5_000);
    for (let i = 0; i < 5; i++) { t.m.check(); t.advance(1_000); }
    expect(t.lines.filter((l) => l.event === 'no-progress')).toHaveLength(1);
    t.advance(10_000);
    t.m.check();
    const said = t.lines.filter((l) => l.event === 'no-progress');
    expect(said).toHaveLength(2);
    expect(said[1]).toMatchObject({ level: 'warn', node: 3, health: 'preempted', repeated: 4 });
    t.state.waiting = { count: 0, oldestMs: 0 };
    t.m.check();
    t.m.check();
    expect(t.lines.filter((l) => l.event === 'progress-resumed')).toEqual([expect.objectContaining({ level: 'info', after: 'preempted' })]);
  });
});
