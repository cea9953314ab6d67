/**
 * Storage for a search's states without an object per state: a FIFO of encoded states packed
 * in chunks (the frontier), and growable typed columns (per-state records: parent, fingerprint).
 */
/** A FIFO of int vectors packed into fixed-size chunks (no object per queued state). */
export class VectorQueue {
  private static readonly CHUNK = 1 << 20;
  private readonly chunks: Int32Array[] = [];
  private readChunk = 0;
  private readAt = 0;
  private writeAt = 0;
  length = 0;

  push(id: number, v: Int32Array): void {
    const need = v.length + 2;
    let c = this.chunks[this.chunks.length - 1];
    if (c === undefined || this.writeAt + need > c.length) {
      // -1 is no state's id: it tells the reader that this chunk ends here.
      if (c !== undefined && this.writeAt < c.length) c[this.writeAt] = -1;
      c = new Int32Array(Math.max(VectorQueue.CHUNK, need));
      this.chunks.push(c);
      this.writeAt = 0;
    }
    c[this.writeAt] = id;
    c[this.writeAt + 1] = v.length;
    c.set(v, this.writeAt + 2);
    this.writeAt += need;
    this.length++;
  }

  /** The next state's id and vector (a copy); only when length > 0. */
  shift(): [number, Int32Array] {
    let c = this.chunks[this.readChunk]!;
    if (this.readAt >= c.length || c[this.readAt] === -1) {
      this.chunks[this.readChunk] = new Int32Array(0); // read: let it go
      this.readChunk++;
      this.readAt = 0;
      c = this.chunks[this.readChunk]!;
    }
    const id = c[this.readAt]!;
    const len = c[this.readAt + 1]!;
    const v = c.slice(this.readAt + 2, this.readAt + 2 + len);
    this.readAt += len + 2;
    this.length--;
    return [id, v];
  }
}

/** Growable typed arrays for per-state records. */
export class Column<T extends Int32Array | Uint32Array> {
  constructor(private data: T, private readonly make: (n: number) => T) {}
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const bigger = this.make(Math.max(1024, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[i] = v;
  }
  get(i: number): number { return this.data[i]!; }
  /** A copy of records 0..n-1 (to send to another thread). */
  copy(n: number): T { return this.data.slice(0, n) as T; }
}
