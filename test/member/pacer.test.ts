/**
 * The pace of large datagrams (src/member/pacer.ts), on a fake clock: whatever is offered when,
 * large datagrams leave in the order offered and never faster than the rate allows after a
 * full bucket (the sockets test in udpPacing.test.ts shows what that buys); small ones leave at once; everything not dropped leaves; a full queue drops and
 * says so; close sends nothing more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PACE, type PaceOptions, Pacer, type PacerClock } from '../../src/member/pacer.js';

/** A clock the test moves: timers run when `advance` passes their time, in time order. */
class FakeClock implements PacerClock {
  t = 0;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now(): number { return this.t; }
  /** Timers armed so far. */
  armed = 0;
  setTimer(fn: () => void, ms: number): unknown {
    this.armed++;
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(h: unknown): void { this.timers = this.timers.filter((x) => x.id !== h); }
  get pending(): number { return this.timers.length; }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

const PACE: PaceOptions = { bytesPerMs: 1_000, burstBytes: 4_000, smallBytes: 500, maxQueuedBytes: 50_000 };

interface Sent { id: number; bytes: number; at: number }

function harness(opts: PaceOptions = PACE) {
  const clock = new FakeClock();
  const out: Sent[] = [];
  const sizes = new Map<number, number>();
  const pacer = new Pacer<number>(opts, (id) => out.push({ id, bytes: sizes.get(id)!, at: clock.t }), clock);
  let next = 0;
  const offer = (bytes: number): { id: number; ok: boolean } => {
    const id = next++;
    sizes.set(id, bytes);
    return { id, ok: pacer.offer(id, bytes) !== 'dropped' };
  };
  return { clock, out, pacer, offer };
}

describe('Pacer', () => {
  it('arms one timer per datagram it holds back, for when the bucket holds enough: it does not poll', () => {
    // A slow rate: each 2,000-byte datagram after the first burst waits 20 ms for its tokens.
    const { clock, out, offer } = harness({ ...PACE, bytesPerMs: 100 });
    for (let i = 0; i < 10; i++) expect(offer(2_000).ok).toBe(true);
    clock.advance(1_000);
    expect(out).toHaveLength(10);
    const heldBack = out.filter((s) => s.at > 0).length;
    expect(heldBack).toBe(8);
    expect(clock.armed).toBeLessThanOrEqual(heldBack);
  });

  it('lets a full bucket out at once, then one large datagram per refill, in order', () => {
    const { clock, out, offer } = harness();
    for (let i = 0; i < 10; i++) expect(offer(2_000).ok).toBe(true);
    // 4,000 bytes in the bucket: two datagrams leave now (the second takes it to zero, not below).
    expect(out.map((s) => s.id)).toEqual([0, 1]);
    clock.advance(1);
    expect(out).toHaveLength(3); // 1,000 bytes back: one more leaves, the bucket at -1,000
    clock.advance(100);
    expect(out.map((s) => s.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(clock.pending).toBe(0);
  });

  it('sends a small datagram at once even behind a queue of large ones', () => {
    const { out, offer } = harness();
    for (let i = 0; i < 5; i++) offer(3_000);
    const small = offer(100);
    expect(out.map((s) => s.id)).toContain(small.id);
    expect(out.map((s) => s.id)).not.toContain(4);
  });

  it('counts small datagrams against the rate: a large one after a bucket\'s worth of them waits for the refill', () => {
    // Small ones never wait, but they take from the bucket: heartbeats and Accepts that already
    // filled the receiver's socket buffer must delay the 60 KB parts behind them, or the burst
    // the pacer exists to prevent comes back whenever small traffic is heavy.
    const { clock, out, offer } = harness();
    for (let i = 0; i < 8; i++) offer(500); // 4,000 bytes: the whole bucket
    expect(out).toHaveLength(8);
    const large = offer(2_000);
    expect(large.ok).toBe(true);
    expect(out.map((s) => s.id)).not.toContain(large.id);
    clock.advance(1); // 1,000 bytes back in the bucket
    expect(out.map((s) => s.id)).toContain(large.id);
  });

  it('drops what would overfill the queue, and close sends nothing more', () => {
    const { clock, out, offer, pacer } = harness();
    const results = Array.from({ length: 40 }, () => offer(2_000).ok);
    // 4,000 bytes leave at once, 50,000 may wait: 27 offers fit, the rest are refused.
    expect(results.filter((ok) => ok)).toHaveLength(27);
    expect(pacer.dropped).toBe(13);
    pacer.close();
    clock.advance(1_000);
    expect(out).toHaveLength(2);
    expect(offer(10).ok).toBe(false);
  });

  it('refuses options that would pace to a halt', () => {
    for (const bad of [{ bytesPerMs: 0 }, { burstBytes: -1 }, { smallBytes: Number.NaN }, { maxQueuedBytes: Number.POSITIVE_INFINITY }]) {
      expect(() => new Pacer({ ...DEFAULT_PACE, ...bad }, () => {}, new FakeClock())).toThrow(RangeError);
    }
  });

  it('whatever the offers and their times: order kept, rate kept, everything accepted leaves', () => {
    const offers = fc.array(fc.record({ gap: fc.nat({ max: 20 }), bytes: fc.integer({ min: 1, max: 9_000 }) }), { maxLength: 80 });
    fc.assert(fc.property(offers, (plan) => {
      const { clock, out, offer, pacer } = harness();
      const accepted: Array<{ id: number; bytes: number; at: number }> = [];
      for (const { gap, bytes } of plan) {
        clock.advance(gap);
        const { id, ok } = offer(bytes);
        if (ok) accepted.push({ id, bytes, at: clock.t });
      }
      clock.advance(1_000_000);
      // Everything accepted left, each once, not before it was offered; nothing else left.
      expect(out.map((s) => s.id).sort((a, b) => a - b)).toEqual(accepted.map((a) => a.id));
      const offeredAt = new Map(accepted.map((a) => [a.id, a]));
      for (const s of out) expect(s.at).toBeGreaterThanOrEqual(offeredAt.get(s.id)!.at);
      // Small ones left when offered.
      for (const s of out) if (s.bytes <= PACE.smallBytes) expect(s.at).toBe(offeredAt.get(s.id)!.at);
      // Large ones in the order offered.
      const large = out.filter((s) => s.bytes > PACE.smallBytes).map((s) => s.id);
      expect(large).toEqual([...large].sort((a, b) => a - b));
      // The rate: the large datagrams that left between two instants are at most a bucket, the
      // rate times the time, and one datagram (the last may take the bucket below zero). Small
      // ones only take from the bucket.
      const bulk = out.filter((s) => s.bytes > PACE.smallBytes);
      for (let i = 0; i < bulk.length; i++) {
        let bytes = 0;
        for (let j = i; j < bulk.length; j++) {
          bytes += bulk[j]!.bytes;
          expect(bytes).toBeLessThanOrEqual(PACE.burstBytes + PACE.bytesPerMs * (bulk[j]!.at - bulk[i]!.at) + 9_000 + 1e-6);
        }
      }
      expect(pacer.queuedBytes).toBe(0);
      expect(clock.pending).toBe(0);
    }), { numRuns: 300 });
  });
});
