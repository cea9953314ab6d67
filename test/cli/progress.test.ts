/** The progress monitor: a stuck node says why, once per interval, and says when it recovers. */
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/cli/log.js';
import { ProgressMonitor, type ProgressView } from '../../src/cli/node/progress.js';

function monitor(view: Partial<ProgressView> & { roles?: string[] }, peers: Record<number, { received: number; open: boolean }>, waiting = { count: 1, oldestMs: 10_000 }, cluster = [1, 2, 3, 4, 5]) {
  let now = 0;
  const lines: Record<string, unknown>[] = [];
  const { roles = ['Acceptor', 'Replica', 'Leader'], ...rest } = view;
  const v: ProgressView = { aBallot: { num: 1, leader: 1 }, lBallot: { num: 0, leader: 3 }, lActive: false, scoutBallot: null, slotOut: 7, ...rest };
  const state = { v, peers, waiting, answered: 0, views: 0 };
  const m = new ProgressMonitor({
    self: 3, peers: cluster, roles: () => roles, answered: () => state.answered,
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

  describe('at the edges of each reason', () => {
    const all = { 1: open, 2: open, 4: open, 5: open };
    const stuck = (t: ReturnType<typeof monitor>, ms = 10_000) => { t.m.check(); t.advance(ms); return t.m.check(); };

    it('a node joining says so from the grace period on, as a Seed too', () => {
      for (const role of ['Bootstrap', 'Seed']) {
        const j = monitor({ roles: [role, 'Requester'] }, all, { count: 0, oldestMs: 0 });
        j.m.check();
        j.advance(4_999);
        expect(j.m.check().health, role).toBe('ok');
        j.advance(1);
        expect(j.m.check().health, role).toBe('joining');
      }
    });

    it('is not stuck while the requests waiting are young, however long since the last answer', () => {
      expect(stuck(monitor({}, all, { count: 3, oldestMs: 2_999 }), 60_000).health).toBe('ok');
    });

    it('has a quorum with exactly a majority, itself included, in clusters of five and four', () => {
      expect(stuck(monitor({}, { 1: open, 2: open, 4: gone, 5: gone })).health).toBe('stalled');
      expect(stuck(monitor({}, { 1: open, 2: gone, 4: gone }, undefined, [1, 2, 3, 4])).problem).toMatch(/a majority is 3 of 4/);
      expect(stuck(monitor({}, { 1: open, 2: open, 4: gone }, undefined, [1, 2, 3, 4])).health).toBe('stalled');
    });

    it('does not count a peer it never heard from, on its first look, as heard', () => {
      const silent = { received: 0, open: false };
      expect(stuck(monitor({}, { 1: silent, 2: silent, 4: silent, 5: silent }), 5_000).health).toBe('no-quorum');
    });

    it('is not preempted by a promise for its own scout\'s ballot', () => {
      expect(stuck(monitor({ scoutBallot: { num: 2, leader: 3 }, aBallot: { num: 2, leader: 3 } }, all)).health).toBe('stalled');
    });

    it('does not call its leader silent when it leads itself, or when its own leader is active', () => {
      expect(stuck(monitor({ aBallot: { num: 1, leader: 3 } }, { 1: open, 2: open, 4: open, 5: gone })).health).toBe('stalled');
      expect(stuck(monitor({ aBallot: { num: 1, leader: 1 }, lActive: true }, { 1: gone, 2: open, 4: open, 5: open })).health).toBe('stalled');
    });
  });
});
