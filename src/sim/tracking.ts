/**
 * History tracking for the simulator's safety checks. The workload tags every input with
 * its request id (`caller:clientId`); the tracked state machine keeps, inside the
 * replicated state, the list of request ids it executed. That list is the replica's
 * executed sequence: it travels with the state (Welcome transfers it) and a request
 * executed twice shows up twice. Outputs carry the position, so an acknowledged result
 * says where in the sequence it was executed.
 */
import type { StateMachine } from '../node/api.js';
import { readSnapshotFrame, SnapshotWriter, writeSnapshotFrame } from '../statemachines/snapshotFormat.js';
import type { AppSnapshots } from '../statemachines/types.js';

export interface TrackedState<S> {
  readonly app: S;
  readonly history: readonly string[];
}

export interface TrackedOutput {
  readonly pos: number;
  readonly out: unknown;
}

export function tagInput(rid: string, input: string): string {
  return JSON.stringify([rid, input]);
}

function untag(text: string): [string, string] | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through: an untagged input is a bug of the workload, reported as an error output
  }
  return undefined;
}

/** A state machine that records executions; `onApply` sees every new state (the sim's view of a replica). */
export function trackedStateMachine<S>(
  inner: StateMachine<S>,
  onApply: (state: TrackedState<S>) => void,
): StateMachine<TrackedState<S>> & Partial<AppSnapshots<TrackedState<S>>> {
  const tracked: StateMachine<TrackedState<S>> = {
    initial: () => ({ app: inner.initial(), history: [] }),
    apply(state, input) {
      const tagged = untag(input);
      if (tagged === undefined) return [state, { pos: -1, out: { ok: false, error: 'UntaggedInput' } }];
      const [rid, cmd] = tagged;
      const [app, out] = inner.apply(state.app, cmd);
      const next: TrackedState<S> = { app, history: [...state.history, rid] };
      onApply(next);
      const result: TrackedOutput = { pos: state.history.length, out };
      return [next, result];
    },
  };
  const snapshots = inner as Partial<AppSnapshots<S>>;
  if (typeof snapshots.snapshot !== 'function' || typeof snapshots.restore !== 'function') return tracked;
  const [snapshot, restore] = [snapshots.snapshot.bind(inner), snapshots.restore.bind(inner)];
  // A checkpointing replica snapshots the tracked state: the app's own bytes plus the ids it
  // executed (which grow with the history: a check device, like the history it checks).
  return {
    ...tracked,
    snapshot(state) {
      const writer = new SnapshotWriter();
      writer.blob(snapshot(state.app));
      writer.blob(new TextEncoder().encode(JSON.stringify(state.history)));
      return writeSnapshotFrame(TRACKED_APP, writer.finish());
    },
    restore(bytes) {
      const reader = readSnapshotFrame(TRACKED_APP, bytes);
      const app = restore(reader.blob('tracked app', 0x3fff_ffff));
      const history = JSON.parse(new TextDecoder().decode(reader.blob('tracked history', 0x3fff_ffff))) as unknown;
      if (!Array.isArray(history) || !history.every((id) => typeof id === 'string')) reader.fail('tracked history is not a list of request ids');
      reader.end();
      const state: TrackedState<S> = { app, history: history as string[] };
      onApply(state);
      return state;
    },
  };
}

const TRACKED_APP = 'sim-tracked';
