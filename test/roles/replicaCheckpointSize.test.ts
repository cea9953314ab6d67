/**
 * When a replica snapshots a large state (Replica.checkpointIfDue): every `checkpointEvery`
 * slots while its last snapshot is at most SNAPSHOT_FLAT_BYTES; above that, at the first slot
 * after which the input executed since that snapshot adds up to its size. A kv store of ever
 * new keys otherwise paid a whole snapshot every K slots, O(state / K) per command.
 */
import { describe, expect, it } from 'vitest';
import { Replica, SNAPSHOT_FLAT_BYTES } from '../../src/roles/replica.js';
import { kv } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { FakeHost, prop } from './fake-host.js';

const sm = toNodeStateMachine(kv);

/** Slot s sets a new key to a value of `valueLength` characters. */
const setAt = (s: number, valueLength: number) => prop(3, s, JSON.stringify({ op: 'set', key: `k${s}`, value: 'v'.repeat(valueLength) }));

/** Each snapshot's slot and bytes, and the input executed before each slot, for `slots` decisions. */
function run(checkpointEvery: number, slots: number, valueLength: (s: number) => number) {
  const host = new FakeHost({ self: 2, stateMachine: sm, checkpointEvery, tracing: false });
  const replica = new Replica(host);
  host.addRole(replica);
  host.clear();
  const inputBefore = [0]; // inputBefore[s - 1]: input executed in slots 1..s-1
  for (let s = 1; s <= slots; s++) {
    const p = setAt(s, valueLength(s));
    replica.receive(1, { type: 'Decision', slot: s, prop: p });
    inputBefore.push(inputBefore[s - 1]! + p.input.length);
  }
  const snapshots = host.records().filter((r) => r.kind === 'snapshot').map((r) => ({ slot: r.slot, bytes: r.state.length }));
  return { snapshots, inputBefore };
}

describe('Replica checkpoints by size', () => {
  it('past SNAPSHOT_FLAT_BYTES, waits for as much input as the last snapshot held, then snapshots at once', () => {
    // Values of 3,000 characters: a snapshot grows by some 6 KB a slot (UTF-16 units), and
    // passes 64 KiB after about 11 slots.
    const every = 2;
    const { snapshots, inputBefore } = run(every, 120, () => 3_000);
    let small = 0;
    let large = 0;
    for (let i = 1; i < snapshots.length; i++) {
      const prev = snapshots[i - 1]!;
      const next = snapshots[i]!;
      const input = (slot: number) => inputBefore[slot - 1]! - inputBefore[prev.slot - 1]!;
      if (prev.bytes <= SNAPSHOT_FLAT_BYTES) {
        small++;
        expect(next.slot - prev.slot).toBe(every);
      } else {
        large++;
        expect(next.slot - prev.slot).toBeGreaterThanOrEqual(every);
        // Enough input at the snapshot, and not yet one slot before it (unless K held it back).
        expect(input(next.slot)).toBeGreaterThanOrEqual(prev.bytes);
        if (next.slot - prev.slot > every) expect(input(next.slot - 1)).toBeLessThan(prev.bytes);
      }
    }
    expect(small).toBeGreaterThanOrEqual(4);
    expect(large).toBeGreaterThanOrEqual(2);
    // The snapshots past the bound are spaced by the state's size: fewer than one every K slots.
    expect(snapshots.length).toBeLessThan(120 / every / 2);
    // And none is missed: the input since the last one is less than it held (or K slots not yet passed).
    const last = snapshots.at(-1)!;
    const since = inputBefore[120]! - inputBefore[last.slot - 1]!;
    expect(since < last.bytes || 121 - last.slot < every).toBe(true);
  });

  it('with a state that stays small, snapshots every checkpointEvery slots whatever the input', () => {
    const { snapshots } = run(5, 60, () => 10);
    // After slot s executes, slotOut is s + 1: a snapshot at 6, 11, ..., 61.
    expect(snapshots.map((s) => s.slot)).toEqual(Array.from({ length: 12 }, (_, i) => 6 + 5 * i));
    expect(Math.max(...snapshots.map((s) => s.bytes))).toBeLessThan(SNAPSHOT_FLAT_BYTES);
  });
});
