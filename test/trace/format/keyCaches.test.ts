/**
 * The key caches of src/trace/format (keys.ts propKey's, slotKeys.ts SlotKeys) live for the
 * whole process: a checker replaying a long trace, or a writer tracing a long run, asks them
 * for the keys of every request and every slot of the run. They keep only what recurs soon
 * and clear themselves when full; one that never clears holds a key per request or per slot
 * ever seen, memory that grows with the run while every key it returns stays right. Each test
 * asks for many more distinct keys than a cache may hold, and bounds what it holds by a
 * constant.
 */
import { describe, expect, it } from 'vitest';
import { propKey, propKeysHeld } from '../../../src/trace/format/keys.js';
import { SlotKeys } from '../../../src/trace/format/slotKeys.js';

describe('key caches stay bounded', () => {
  it('propKey holds a bounded number of keys, however many distinct requests it was asked for', () => {
    const requests = 100_000;
    for (let i = 1; i <= requests; i++) {
      // Callers no other test uses, so every request here is new to the cache.
      const p = { caller: 9_001 + (i % 3), clientId: i, input: `{"op":"put","key":"k${i % 7}","value":"v${i}"}` };
      const key = propKey(p);
      if (i % 10_007 === 0) expect(key).toBe(`{"caller":${p.caller},"clientId":${i},"input":${JSON.stringify(p.input)}}`);
    }
    // It clears itself at 2^15 keys today; the bound leaves room to raise that, not to grow with the run.
    expect(propKeysHeld()).toBeGreaterThan(0);
    expect(propKeysHeld(), `after ${requests} distinct requests`).toBeLessThanOrEqual(65_536);
  });

  it('SlotKeys remembers a bounded number of slots, however many slots it was asked for', () => {
    const keys = new SlotKeys();
    const slots = 10_000;
    for (let slot = 1; slot <= slots; slot++) keys.add(slot, '', 1, 2, 0, 0, `key of slot ${slot}`);
    // A key it still returns is one it holds (find answers only from the table).
    let held = 0;
    for (let slot = 1; slot <= slots; slot++) {
      const k = keys.find(slot, '', 1, 2, 0, 0);
      if (k !== undefined) { held++; expect(k).toBe(`key of slot ${slot}`); }
    }
    expect(keys.find(slots, '', 1, 2, 0, 0)).toBe(`key of slot ${slots}`); // the latest slot is kept
    // It clears itself at 2,048 slots today: a slot recurs within a few hundred events.
    expect(held, `slots remembered after ${slots} slots`).toBeLessThanOrEqual(4_096);
  });
});
