/**
 * Logging of dropped input that an attacker cannot turn into a log flood: the first drop of
 * a (reason, source) pair is logged at once as one JSON line; further drops of that pair
 * within the interval are only counted, and the next line after it says how many there were.
 */

/** Pairs remembered at most; beyond it the stalest are forgotten (and may log again). Bounds
 * memory when connections arrive from many addresses. */
export const MAX_LOGGED_SOURCES = 1024;

export interface DropLogOptions {
  readonly log: (line: string) => void;
  readonly now: () => number;
  readonly intervalMs: number;
  /** Fields written on every line (e.g. this node's id). */
  readonly fields: Readonly<Record<string, unknown>>;
}

interface Entry {
  loggedAt: number;
  /** Drops since the last line, this one included when it is written. */
  unlogged: number;
}

export class DropLog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: DropLogOptions) {}

  /**
   * Records one drop. `source` names who sent it: `node 2` once authenticated, else the
   * remote address. `fields` go into the line if one is written.
   */
  report(event: string, reason: string, source: string, fields: Readonly<Record<string, unknown>>): void {
    const key = `${reason}\u0000${source}`;
    const now = this.options.now();
    const entry = this.entries.get(key);
    if (entry !== undefined && now - entry.loggedAt < this.options.intervalMs) {
      entry.unlogged++;
      return;
    }
    const count = (entry?.unlogged ?? 0) + 1;
    this.entries.delete(key); // re-inserted last: Map order is then least recently logged first
    this.entries.set(key, { loggedAt: now, unlogged: 0 });
    this.evict();
    this.options.log(JSON.stringify({ event, ...this.options.fields, reason, source, count, ...fields }));
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_LOGGED_SOURCES) return;
      this.entries.delete(key);
    }
  }
}
