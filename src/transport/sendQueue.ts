/**
 * The bounded queue of envelope bodies waiting for one peer's connection. When full, the
 * OLDEST bodies are dropped: a peer that has not read for a while can still use the newest
 * messages (current ballots, latest heartbeats, retransmissions), and the protocol resends
 * whatever mattered in the old ones.
 */

export interface SendQueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

export class SendQueue {
  private items: Buffer[] = [];
  /** Index of the first live item: shifting an array per message would cost O(length). */
  private head = 0;
  private bytes = 0;

  constructor(private readonly limits: SendQueueLimits) {
    if (!(limits.maxMessages >= 1) || !(limits.maxBytes >= 1)) throw new RangeError(`send queue limits must be positive, got ${JSON.stringify(limits)}`);
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get byteLength(): number {
    return this.bytes;
  }

  /** Array slots held, live or already shifted: what the queue's memory follows (for tests of its bound). */
  get slotsHeld(): number {
    return this.items.length;
  }

  /** Appends `body`; returns how many older bodies were dropped to make room. */
  push(body: Buffer): number {
    this.items.push(body);
    this.bytes += body.length;
    let dropped = 0;
    while (this.length > this.limits.maxMessages || (this.bytes > this.limits.maxBytes && this.length > 1)) {
      this.shift();
      dropped++;
    }
    return dropped;
  }

  /** The oldest body, left in the queue. */
  peek(): Buffer | undefined {
    return this.head === this.items.length ? undefined : this.items[this.head];
  }

  shift(): Buffer | undefined {
    if (this.head === this.items.length) return undefined;
    const body = this.items[this.head]!;
    this.items[this.head] = EMPTY;
    this.head++;
    this.bytes -= body.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return body;
  }

  clear(): number {
    const n = this.length;
    this.items = [];
    this.head = 0;
    this.bytes = 0;
    return n;
  }
}

const EMPTY = Buffer.alloc(0);
