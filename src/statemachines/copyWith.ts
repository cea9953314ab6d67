/**
 * The one way bank and kv change a state: copy its record and set entries on the copy, so a
 * state a replica still holds (in a Welcome, an old snapshot, a test) is never touched.
 */

/** A shallow copy of `record` with `key` set to `value` (own data, whatever the key). */
export function copyWith<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  // Spread copies own enumerable data properties in order, "__proto__" included, and keeps
  // the copy in V8's fast (non-dictionary) mode, so the next copy is fast too.
  const copy: Record<string, V> = { ...record };
  setOwn(copy, key, value);
  return copy;
}

/** Sets `key` on a record this step created (a copyWith result) as own data. */
export function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  // Assigning "__proto__" would set the prototype, so that key alone takes defineProperty (on
  // every key it made each copy a slow dictionary object: 5% of the simulator's CPU).
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
