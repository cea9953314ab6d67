/**
 * A Map that remembers, for each key changed since the last `drain`, the value the key had
 * then. A role keeps a spec set in one so that a trace event lists what its step changed
 * without diffing the whole set: an event then costs what the step changed, not the set's
 * size. With journaling off (tracing off) a change costs one extra null test.
 */
const ABSENT: unique symbol = Symbol('absent');
type Before<V> = V | typeof ABSENT;

export class JournaledMap<K, V> extends Map<K, V> {
  /** key -> its value at the last drain (ABSENT: it had none); null while not journaling. */
  private before: Map<K, Before<V>> | null = null;

  /**
   * Journal from now on, the current contents being the baseline (what the trace last showed:
   * a role fills its maps in its constructor from state that was visible before it was added).
   */
  startJournal(): void {
    this.before = new Map();
  }

  override set(key: K, value: V): this {
    this.note(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.note(key);
    return super.delete(key);
  }

  override clear(): void {
    if (this.before !== null) for (const key of this.keys()) this.note(key);
    super.clear();
  }

  /**
   * For each key changed since the last drain: its value then and now (undefined: absent),
   * possibly equal (set back, or set to an equal value); then starts a new journal.
   */
  drain(visit: (key: K, before: V | undefined, after: V | undefined) => void): void {
    const before = this.before;
    if (before === null || before.size === 0) return;
    this.before = new Map();
    for (const [key, was] of before) visit(key, was === ABSENT ? undefined : was, this.get(key));
  }

  private note(key: K): void {
    // The field is still null while Map's constructor runs (no journaling before startJournal).
    const before = this.before;
    if (before == null || before.has(key)) return;
    before.set(key, super.has(key) ? super.get(key)! : ABSENT);
  }
}
