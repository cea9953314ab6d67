/**
 * Reading an application state back from its JSON (AppStateMachine.fromJson): a Welcome sent
 * without checkpoints carries the state itself, as JSON, from the network. What is not a state
 * `apply` could have built is refused with an error naming what is wrong, never installed.
 */
import { EntryMap } from './entryMap.js';
import { MAX_NAME_LENGTH, isRecord } from './types.js';

/** A JSON value that is not a state of the app reading it. */
export class StateJsonError extends Error {}

/**
 * The entries of a state whose JSON is `{ [field]: { name: value, ... } }`: names of
 * 1..MAX_NAME_LENGTH characters, each value passing `isValue` (described by `what`).
 */
export function entriesFromJson<V>(value: unknown, field: string, isValue: (x: unknown) => x is V, what: string): EntryMap<V> {
  if (!isRecord(value)) throw new StateJsonError(`the state must be an object with one field "${field}"`);
  const extra = Object.keys(value).find((k) => k !== field);
  if (extra !== undefined) throw new StateJsonError(`the state has a field ${JSON.stringify(extra)}; it has only "${field}"`);
  const record = value[field];
  if (!isRecord(record)) throw new StateJsonError(`the state's "${field}" must be an object`);
  const entries: Array<[string, V]> = [];
  for (const name of Object.keys(record)) {
    if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw new StateJsonError(`${field}: the name ${JSON.stringify(name.slice(0, 80))} is not of 1..${MAX_NAME_LENGTH} characters`);
    const v = record[name];
    if (!isValue(v)) throw new StateJsonError(`${field}: the value of ${JSON.stringify(name)} is not ${what}`);
    entries.push([name, v]);
  }
  return EntryMap.of(entries);
}
