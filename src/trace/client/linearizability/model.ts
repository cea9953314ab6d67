/**
 * A sequential model: what one operation does when operations run one at a time. The
 * checker asks it whether an operation, applied to a state, could have given the output
 * the client saw. Written as ordinary code, in the style of Porcupine's models.
 */
import type { AppStateMachine } from '../../../statemachines/types.js';
import type { Operation } from './history.js';
import type { FootprintOf } from './partition.js';

/** What the client saw: an output, or nothing (the operation never returned). */
export type Outcome = { readonly returned: true; readonly output: unknown } | { readonly returned: false };

export interface StepResult<S> {
  /** Whether the operation could have produced the outcome from this state. */
  readonly ok: boolean;
  /** The state after the operation (meaningful when ok). */
  readonly state: S;
  /** The output the model gives from this state, for reports. */
  readonly expected: unknown;
}

export interface Model<S> {
  readonly name: string;
  init(): S;
  /** Must accept any output when `outcome.returned` is false. Pure: never mutates `state`. */
  step(state: S, input: unknown, outcome: Outcome): StepResult<S>;
  /** A canonical text of a state: equal states, equal keys. The memo cache uses it. */
  key(state: S): string;
  /** A state for people, in reports. */
  describeState(state: S): string;
  /**
   * Optional: for this history, the names (accounts, keys) each operation may read or write,
   * or undefined when no such footprint is sound for it. The checker then splits the history
   * into independent parts and, inside a part, tries only operations that can matter
   * (partition.ts states what a footprint must guarantee).
   */
  footprints?(ops: readonly Operation[]): FootprintOf | undefined;
  /** One line about an operation's input, for reports. */
  describe(op: Operation): string;
}

/** Equality of JSON values, objects compared by their sets of keys (key order is irrelevant). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

/** Longest description of an input in a report; inputs are network data and can be large. */
const MAX_DESCRIPTION_CHARS = 160;

export function shortJson(x: unknown): string {
  const text = JSON.stringify(x) ?? String(x);
  return text.length <= MAX_DESCRIPTION_CHARS ? text : `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…`;
}

export interface StateMachineModelSpec<S, O> {
  readonly name: string;
  readonly machine: AppStateMachine<S, O>;
  /** Canonical text of a state (Model.key). */
  readonly key: (state: S) => string;
  /** A state for people (Model.describeState); default JSON.stringify. */
  readonly describeState?: (state: S) => string;
  readonly footprints?: (ops: readonly Operation[]) => FootprintOf | undefined;
}

/**
 * A model from a deterministic application state machine: run `apply` and compare its
 * output with the client's by JSON equality. The key is computed once per state object
 * (states are immutable, and a read returns the same object).
 */
export function stateMachineModel<S extends object, O>(spec: StateMachineModelSpec<S, O>): Model<S> {
  const { machine } = spec;
  const keys = new WeakMap<S, string>();
  const model: Model<S> = {
    name: spec.name,
    init: () => machine.initial(),
    step(state, input, outcome) {
      const [next, expected] = machine.apply(state, input);
      return { ok: !outcome.returned || jsonEqual(expected, outcome.output), state: next, expected };
    },
    key(state) {
      let k = keys.get(state);
      if (k === undefined) {
        k = spec.key(state);
        keys.set(state, k);
      }
      return k;
    },
    describeState: spec.describeState ?? ((state) => JSON.stringify(state)),
    describe: (op) => shortJson(op.input),
  };
  return spec.footprints === undefined ? model : { ...model, footprints: spec.footprints };
}
