/**
 * History tracking for the simulator's safety checks. The workload tags every input with
 * its request id (`caller:clientId`); the tracked state machine keeps, inside the
 * replicated state, the list of request ids it executed. That list is the replica's
 * executed sequence: it travels with the state (Welcome transfers it) and a request
 * executed twice shows up twice. Outputs carry the position, so an acknowledged result
 * says where in the sequence it was executed.
 */
import type { StateMachine } from '../node/api.js';

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
): StateMachine<TrackedState<S>> {
  return {
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
}
