/**
 * Spreads large datagrams over time (a token bucket), so a message sent in many parts does not
 * arrive as one burst. A Promise or a Welcome of dozens of 60 KB parts, sent in one loop,
 * overflowed the receiver's socket buffer: the kernel drops what does not fit, one lost part
 * loses the whole message, and its re-send came as the same burst (no leader was elected; see
 * docs/design-checkpoints.md). UDP has no flow control, so the sender keeps to a rate.
 *
 * Small datagrams (heartbeats, Accepts) never wait behind a state transfer: they go at once and
 * are counted against the rate, which only delays the large ones after them. Clock and timers
 * are injected, so tests drive it without waiting.
 */

/** How fast and how much a pacer lets through (large datagrams; small ones go at once). */
export interface PaceOptions {
  /** Sustained rate, in bytes per millisecond. */
  readonly bytesPerMs: number;
  /** Bytes that may leave at once after a quiet spell (the bucket's size). */
  readonly burstBytes: number;
  /** A datagram of at most this many bytes is never queued. */
  readonly smallBytes: number;
  /** Bytes waiting at most; a datagram beyond is dropped (counted), as a full socket buffer drops it. */
  readonly maxQueuedBytes: number;
}

/**
 * 32 MB/s, bursts of two full parts. On this loopback a receiver that parses every part keeps
 * up with this (test/integration/udp/leaderKill.test.ts, with the OS's default 212,992-byte
 * receive buffer); a 100-part (6 MB) transfer takes some 180 ms.
 */
export const DEFAULT_PACE: PaceOptions = {
  bytesPerMs: 32 * 1024,
  burstBytes: 128 * 1024,
  smallBytes: 16 * 1024,
  maxQueuedBytes: 128 * 2 ** 20,
};

/** The clock and one-shot timer a {@link Pacer} uses (`performance.now` and `setTimeout` in a process). */
export interface PacerClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const REAL_CLOCK: PacerClock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A transfer still being paced out must not keep a process alive that is otherwise done.
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Checks a {@link PaceOptions}: each a positive number (a typo must not pace to a halt). */
export function paceProblem(o: PaceOptions): string | null {
  for (const k of ['bytesPerMs', 'burstBytes', 'smallBytes', 'maxQueuedBytes'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || o[k] <= 0) return `${k} must be a positive number, got ${String(o[k])}`;
  }
  return null;
}

export class Pacer<T> {
  /** Bytes that may leave now; below zero after a datagram larger than what was left. */
  private tokens: number;
  private last: number;
  private readonly queue: Array<{ item: T; bytes: number }> = [];
  /** Index of the queue's first item (shifting an array is O(length)). */
  private head = 0;
  private queued = 0;
  private timer: unknown = undefined;
  private closed = false;
  /** Datagrams that waited, and those dropped because the queue was full. */
  waited = 0;
  dropped = 0;

  constructor(private readonly opts: PaceOptions, private readonly emit: (item: T) => void, private readonly clock: PacerClock = REAL_CLOCK) {
    const problem = paceProblem(opts);
    if (problem !== null) throw new RangeError(`pace: ${problem}`);
    this.tokens = opts.burstBytes;
    this.last = clock.now();
  }

  /** Bytes waiting to leave. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Sends `item` now (`sent`) or later (`queued`), or drops it (the queue is full, or the pacer closed). */
  offer(item: T, bytes: number): 'sent' | 'queued' | 'dropped' {
    if (this.closed) return 'dropped';
    this.refill();
    if (bytes <= this.opts.smallBytes || (this.head === this.queue.length && this.tokens > 0)) {
      this.tokens -= bytes;
      this.emit(item);
      return 'sent';
    }
    if (this.queued + bytes > this.opts.maxQueuedBytes) {
      this.dropped++;
      return 'dropped';
    }
    this.queue.push({ item, bytes });
    this.queued += bytes;
    this.waited++;
    this.schedule();
    return 'queued';
  }

  /** Drops what waits and stops the timer. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
    this.queued = 0;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.opts.burstBytes, this.tokens + (now - this.last) * this.opts.bytesPerMs);
    this.last = now;
  }

  /** Arms the timer for when the bucket is positive again (at least 1 ms away). */
  private schedule(): void {
    if (this.timer !== undefined) return;
    const ms = Math.max(1, Math.ceil((1 - this.tokens) / this.opts.bytesPerMs));
    this.timer = this.clock.setTimer(this.drain, ms);
  }

  private readonly drain = (): void => {
    this.timer = undefined;
    if (this.closed) return;
    this.refill();
    while (this.head < this.queue.length && this.tokens > 0) {
      const next = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      this.queued -= next.bytes;
      this.tokens -= next.bytes;
      this.emit(next.item);
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else {
      // Reclaim the sent prefix once it is most of the array.
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.schedule();
    }
  };
}
