/** The two bounded helpers of the transport: the per-peer send queue and the drop log. */
import { describe, expect, it } from 'vitest';
import { DropLog, MAX_LOGGED_SOURCES } from '../../src/transport/dropLog.js';
import { SendQueue } from '../../src/transport/sendQueue.js';

const body = (n: number, size = 1) => Buffer.alloc(size, n);

describe('SendQueue', () => {
  it('is FIFO and drops the oldest beyond its message limit', () => {
    const q = new SendQueue({ maxMessages: 3, maxBytes: 1000 });
    expect([1, 2, 3].map((n) => q.push(body(n)))).toEqual([0, 0, 0]);
    expect(q.push(body(4))).toBe(1);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([body(2), body(3), body(4), undefined]);
    expect(q.byteLength).toBe(0);
  });

  it('drops the oldest beyond its byte limit but always keeps the newest body', () => {
    const q = new SendQueue({ maxMessages: 100, maxBytes: 10 });
    q.push(body(1, 4));
    q.push(body(2, 4));
    expect(q.push(body(3, 4))).toBe(1);
    expect(q.byteLength).toBe(8);
    expect(q.push(body(4, 20))).toBe(2);
    expect([q.length, q.byteLength]).toEqual([1, 20]);
  });

  it('matches a plain array model through many pushes and shifts (index compaction)', () => {
    const q = new SendQueue({ maxMessages: 5000, maxBytes: 1e9 });
    const model: number[] = [];
    let next = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 3000; i++) {
        q.push(body(next % 256));
        model.push(next++ % 256);
        if (model.length > 5000) model.shift();
      }
      const shifted = Array.from({ length: 2500 }, () => q.shift()?.[0]);
      expect(shifted).toEqual(model.splice(0, 2500));
      expect(q.length).toBe(model.length);
    }
    expect(q.clear()).toBe(model.length);
    expect(q.shift()).toBeUndefined();
  });

  it('holds slots in proportion to its length, not to every body that passed, when it never empties', () => {
    // A peer link that always has a frame waiting (a busy connection) shifts one body per write
    // and pushes the next: the spent prefix must be given back, or memory grows with traffic.
    const q = new SendQueue({ maxMessages: 10_000, maxBytes: 1e9 });
    for (let i = 0; i < 10; i++) q.push(body(i));
    for (let i = 0; i < 100_000; i++) {
      q.push(body(i % 256));
      q.shift();
      expect(q.slotsHeld).toBeLessThanOrEqual(2 * q.length + 1024);
    }
    expect(q.length).toBe(10);
  });
});

describe('DropLog', () => {
  function setup(intervalMs = 10_000) {
    const lines: Record<string, unknown>[] = [];
    let now = 0;
    const log = new DropLog({ log: (l) => lines.push(JSON.parse(l)), now: () => now, intervalMs, fields: { node: 1 } });
    return { log, lines, advance: (ms: number) => { now += ms; } };
  }

  it('logs a (reason, source) pair once per interval, then says how many were suppressed', () => {
    const { log, lines, advance } = setup();
    for (let i = 0; i < 5; i++) log.report('drop', 'badMac', '10.0.0.9', { detail: `frame ${i}` });
    log.report('drop', 'badMac', 'node 2', {});
    log.report('drop', 'replayed', '10.0.0.9', {});
    expect(lines).toEqual([
      { event: 'drop', node: 1, reason: 'badMac', source: '10.0.0.9', count: 1, detail: 'frame 0' },
      { event: 'drop', node: 1, reason: 'badMac', source: 'node 2', count: 1 },
      { event: 'drop', node: 1, reason: 'replayed', source: '10.0.0.9', count: 1 },
    ]);
    advance(9_999);
    log.report('drop', 'badMac', '10.0.0.9', {});
    expect(lines).toHaveLength(3);
    advance(1);
    log.report('drop', 'badMac', '10.0.0.9', { detail: 'later' });
    expect(lines[3]).toEqual({ event: 'drop', node: 1, reason: 'badMac', source: '10.0.0.9', count: 6, detail: 'later' });
  });

  it('remembers a bounded number of sources', () => {
    const { log, lines } = setup();
    for (let i = 0; i <= MAX_LOGGED_SOURCES; i++) log.report('drop', 'badMac', `host ${i}`, {});
    expect(lines).toHaveLength(MAX_LOGGED_SOURCES + 1);
    log.report('drop', 'badMac', `host ${MAX_LOGGED_SOURCES}`, {}); // still remembered: suppressed
    expect(lines).toHaveLength(MAX_LOGGED_SOURCES + 1);
    log.report('drop', 'badMac', 'host 0', {}); // the stalest was forgotten: logged again
    expect(lines).toHaveLength(MAX_LOGGED_SOURCES + 2);
  });
});
