/**
 * When a replica snapshots a large state (src/roles/snapshotRule.ts): every `checkpointEvery`
 * slots while the application's snapshot is at most 64 KiB; past that, only once as much log
 * (the executed requests' inputs) came since the last snapshot, each time anew; never more than
 * maxSnapshotGap slots apart.
 */
import { describe, expect, it } from 'vitest';
import type { Welcome } from '../../src/protocol/messages.js';
import { Replica } from '../../src/roles/replica.js';
import { appSnapshotsOf, decodeReplicaImage } from '../../src/roles/replicaImage.js';
import { LOG_OVERHEAD_BYTES, SNAPSHOT_SIZE_FLOOR, SnapshotRule, maxSnapshotGap } from '../../src/roles/snapshotRule.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop } from './fake-host.js';

const sm = toNodeStateMachine(kv);
const snapshots = appSnapshotsOf(sm)!;
const EVERY = 3;

/** A replica fed decided `set`s of caller 3, one per slot; the snapshots it wrote, with their app sizes. */
function feeding(self = 2) {
  const host = new FakeHost({ self, stateMachine: sm, checkpointEvery: EVERY, tracing: false });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  let slot = 1;
  /** Input bytes executed per slot, by slot. */
  const inputAt = new Map<number, number>();
  const decide = (key: string, value: string): void => {
    const input = JSON.stringify({ op: 'set', key, value });
    inputAt.set(slot, input.length);
    replica.receive(1, { type: 'Decision', slot, prop: prop(3, slot, input) });
    slot++;
  };
  const snaps = (): Array<{ slot: number; appBytes: number }> => host.records()
    .filter((r): r is { kind: 'snapshot'; slot: number; state: Uint8Array } => r.kind === 'snapshot')
    .map((r) => ({ slot: r.slot, appBytes: snapshots.snapshot(decodeReplicaImage(snapshots, r.state, 1000).app).length }));
  /** Log bytes executed in slots [from, to): each slot's one request's input, and the overheads of the slot and the request. */
  const logBetween = (from: number, to: number): number => {
    let n = 0;
    for (let s = from; s < to; s++) n += (inputAt.get(s) ?? 0) + 2 * LOG_OVERHEAD_BYTES;
    return n;
  };
  return { decide, snaps, logBetween, replica, host };
}

describe('Replica snapshot rule', () => {
  it('a small state is snapshotted every checkpointEvery slots', () => {
    const { decide, snaps } = feeding();
    for (let i = 0; i < 12; i++) decide(`k${i}`, 'v');
    expect(snaps().map((s) => s.slot)).toEqual([4, 7, 10, 13]);
  });

  it('a state over 64 KiB waits for as much log since its last snapshot, each time', () => {
    const { decide, snaps, logBetween } = feeding();
    // Writes of 1,000 characters until a snapshot is over the floor: till then, one every 3 slots.
    for (let i = 0; !snaps().some((x) => x.appBytes > SNAPSHOT_SIZE_FLOOR); i++) {
      expect(i).toBeLessThan(200);
      decide(`big${i}`, 'x'.repeat(1_000));
    }
    const early = snaps();
    expect(early.length).toBeGreaterThan(3);
    expect(early.map((x) => x.slot)).toEqual(early.map((_, i) => 1 + EVERY * (i + 1)));
    // Then small writes, some 40 bytes of input each, to 50 small keys: the state stays over the floor.
    for (let i = 0; i < 3_000; i++) decide(`s${i % 50}`, `v${i}`);
    const all = snaps().slice(early.length - 1);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < all.length; i++) {
      const prev = all[i - 1]!;
      const at = all[i]!;
      expect(prev.appBytes).toBeGreaterThan(SNAPSHOT_SIZE_FLOOR);
      // Once as much log as the previous snapshot's size came since it, and not a slot later.
      expect(logBetween(prev.slot, at.slot)).toBeGreaterThanOrEqual(prev.appBytes);
      expect(logBetween(prev.slot, at.slot - 1)).toBeLessThan(prev.appBytes);
    }
    // Every 3 slots would have been 1,001 snapshots.
    expect(all.length).toBeLessThan(10);
  });
});

describe('Replica snapshot rule and Welcomes', () => {
  it('a replica waiting for log snapshots right after installing a Welcome, by count, as a restarted one does', () => {
    const behind = feeding(2);
    const ahead = feeding(1);
    // Both write the same large state; node 1 then decides 20 slots more, node 2 sees none of them.
    for (let i = 0; i < 80; i++) { behind.decide(`big${i}`, 'x'.repeat(1_000)); ahead.decide(`big${i}`, 'x'.repeat(1_000)); }
    expect(behind.snaps().at(-1)!.appBytes).toBeGreaterThan(SNAPSHOT_SIZE_FLOOR);
    for (let i = 0; i < 20; i++) ahead.decide(`s${i}`, 'v');
    const before = behind.snaps().length;
    ahead.host.clear();
    ahead.replica.receive(2, { type: 'Join', node: 2 });
    const parts = ahead.host.sends('Welcome').map((x) => x.message as Welcome);
    for (const part of parts) behind.replica.receive(1, part);
    expect(behind.host.actions()).toContain('ReplicaReceiveWelcome');
    const after = behind.snaps();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)!.slot).toBe(parts[0]!.slot);
  });
});

describe('SnapshotRule bound', () => {
  it('never waits past maxSnapshotGap slots, a quarter of what a Promise or a Welcome may hold', () => {
    expect(maxSnapshotGap(1_000, { maxPValues: 100_000, maxWelcomeDecisions: 100_000 })).toBe(25_000);
    expect(maxSnapshotGap(1_000, { maxPValues: 100_000, maxWelcomeDecisions: 8_000 })).toBe(2_000);
    expect(maxSnapshotGap(50_000, { maxPValues: 100_000, maxWelcomeDecisions: 100_000 })).toBe(50_000);
    const rule = new SnapshotRule(10, 100);
    rule.taken(10 * SNAPSHOT_SIZE_FLOOR); // a large state ...
    let slots = 0;
    while (!rule.due(slots)) {
      rule.executed([{ input: 'x' }]); // ... and tiny commands: the log alone would take some 4,600 slots
      slots++;
      expect(slots).toBeLessThanOrEqual(100);
    }
    expect(slots).toBe(100);
    // The count still comes first for a small state, and nothing is ever due with checkpoints off.
    const small = new SnapshotRule(10, 100);
    small.taken(100);
    expect([9, 10].map((n) => small.due(n))).toEqual([false, true]);
    expect(new SnapshotRule(0, 0).due(1_000_000)).toBe(false);
  });

  it('after restored() (a Welcome installed) the count decides again', () => {
    const rule = new SnapshotRule(10, 1_000);
    rule.taken(10 * SNAPSHOT_SIZE_FLOOR);
    expect(rule.due(10)).toBe(false);
    rule.restored();
    expect(rule.due(10)).toBe(true);
  });
});
