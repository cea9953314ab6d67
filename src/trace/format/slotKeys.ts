/**
 * A cache of the keys (canonical texts, keys.ts) of slot-numbered values: pvalues, decisions,
 * commanders, Accepts, Accepteds. Such a value recurs in most events of its slot's life (sent,
 * received, accepted, added to a set, compared), and each time the replay built its text again:
 * a new string, flattened and hashed at its first map lookup. A key taken from here is a string
 * the maps have hashed before, and compares with the key they hold by identity.
 *
 * Per slot the table keeps the last two keys asked for (a step that replaces a value, a
 * commander with one more ack, asks for the old key and the new one), each with every field its
 * text depends on; a key is reused only when all of them are equal. Bounded: cleared when full.
 */
interface Entry { readonly p: string; readonly a: number; readonly b: number; readonly c: number; readonly d: number; readonly key: string; prev: Entry | undefined }

// A slot recurs within a few hundred events of its first use: a small table keeps its key that long.
const MAX_SLOTS = 2048;

export class SlotKeys {
  private readonly bySlot = new Map<number, Entry>();

  /**
   * The key of the value at `slot` whose other fields are `p` (a proposal's key, or '') and the
   * numbers a to d, if such a value was asked for lately; else undefined, and the caller
   * writes the key and hands it to `add`. (No builder callback: a closure per call made each
   * key function allocate a context for the values it captured, on every call, hit or not.)
   */
  find(slot: number, p: string, a: number, b: number, c: number, d: number): string | undefined {
    const last = this.bySlot.get(slot);
    if (last === undefined) return undefined;
    if (last.p === p && last.a === a && last.b === b && last.c === c && last.d === d) return last.key;
    const prev = last.prev;
    if (prev !== undefined && prev.p === p && prev.a === a && prev.b === b && prev.c === c && prev.d === d) return prev.key;
    return undefined;
  }

  /** Remembers `key` for the value find() did not know; returns it. */
  add(slot: number, p: string, a: number, b: number, c: number, d: number, key: string): string {
    const last = this.bySlot.get(slot);
    if (last !== undefined) last.prev = undefined;
    else if (this.bySlot.size >= MAX_SLOTS) this.bySlot.clear();
    this.bySlot.set(slot, { p, a, b, c, d, key, prev: last });
    return key;
  }
}

/**
 * A set of node numbers as one number (bit n for node n), for a cache entry; -1 when a member
 * is outside 0..30 (the caller then builds the key without the cache).
 */
export function nodeMask(nodes: Iterable<number>): number {
  let mask = 0;
  for (const n of nodes) {
    if (!(n >= 0 && n <= 30 && Number.isInteger(n))) return -1;
    mask |= 1 << n;
  }
  return mask;
}
