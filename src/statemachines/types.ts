/**
 * The shape of an application state machine as the library drives it: a pure,
 * deterministic step `(state, input) -> [state', output]` that never mutates `state`.
 * Inputs arrive from the network, so `apply` takes `unknown` and answers bad input with
 * an error output instead of throwing (a replica must never crash on a client's command).
 */
export interface AppStateMachine<S, O> {
  /** The state before any command. */
  initial(): S;
  /**
   * Runs one command: returns the new state and the output. Must be deterministic and must not throw
   * (bad input gives an error output and the state unchanged).
   */
  apply(state: S, input: unknown): [S, O];
  /**
   * The state whose JSON (`JSON.stringify(state)`) is `value`. A Welcome sent without
   * checkpoints carries the state itself as JSON; a state that is not a JSON value (a
   * persistent map) is read back here. Throws an Error naming what is wrong on a value that is
   * not such a state (it comes from the network). Absent: the JSON value is the state.
   */
  fromJson?(value: unknown): S;
  /**
   * The state's digest in trace events, when the app keeps one that costs what a command
   * changed (kv, bank: digest.ts entriesStateDigest); absent, stateDigest, O(the state).
   */
  digest?(state: S): string;
}

/**
 * Snapshot and restore of an application state, for a replica that ships its executed prefix
 * (Welcome, catch-up) instead of the decisions that built it. Byte layout: docs/snapshots.md.
 */
export interface AppSnapshots<S> {
  /**
   * The state as bytes: the same state gives the same bytes whatever order its entries were
   * inserted in, and the size is O(the state), never O(the history that built it).
   */
  snapshot(state: S): Uint8Array;
  /**
   * The state `snapshot` encoded, equal to it and with the same digest.
   *
   * @throws SnapshotFormatError naming what is wrong (truncated, another app or version,
   * corrupted, a size or value out of bounds); it never returns a partly restored state.
   */
  restore(bytes: Uint8Array): S;
}

/** An application state machine that can also snapshot and restore its state (bank, kv). */
export type SnapshottableApp<S, O> = AppStateMachine<S, O> & AppSnapshots<S>;

/** Every output is either a success carrying data or a named error with a message. */
export type Failure = { readonly ok: false; readonly error: string; readonly message: string };

export function failure(error: string, message: string): Failure {
  return { ok: false, error, message };
}

/** Plain-object check that excludes arrays and null (JSON objects only). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Longest key/account name accepted; a named limit keeps states bounded per entry. */
export const MAX_NAME_LENGTH = 64;

/** A valid name: a non-empty string of at most MAX_NAME_LENGTH characters. */
export function checkName(x: unknown, field: string): string | Failure {
  if (typeof x !== 'string' || x.length === 0 || x.length > MAX_NAME_LENGTH) {
    return failure('BadInput', `${field} must be a string of 1..${MAX_NAME_LENGTH} characters`);
  }
  return x;
}
