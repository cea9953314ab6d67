/**
 * History tracking for the simulator's safety checks. The workload tags every input with
 * its request id (`caller:clientId`); the tracked state machine keeps, inside the
 * replicated state, the list of request ids it executed. That list is the replica's
 * executed sequence: it travels with the state (Welcome transfers it) and a request
 * executed twice shows up twice. Outputs carry the position, so an acknowledged result
 * says where in the sequence it was executed.
 */
import type { StateMachine } from '../node/api.js';
import { sha256Hex, stateDigest } from '../statemachines/digest.js';
import { readSnapshotFrame, SnapshotWriter, writeSnapshotFrame } from '../statemachines/snapshotFormat.js';
import type { AppSnapshots } from '../statemachines/types.js';

export interface TrackedState<S> {
  readonly app: S;
  /** The ids of the requests executed, in order. */
  readonly history: readonly string[];
}

/** A tracked state as the tracked machine makes it (its history read as a copy, made at the first read). */
export interface ChainedState<S> extends TrackedState<S> {
  /** history.length, without the copy. */
  readonly historyLength: number;
  /**
   * A hash chain over the history: HISTORY_CHAIN_START, then per request
   * sha256(previous link + JSON text of its id). Equal histories give equal chains, and
   * different ones differ unless SHA-256 collides: the digest hashes this, not the history.
   */
  readonly historyChain: string;
}

/** The chain of the empty history. */
export const HISTORY_CHAIN_START = '0'.repeat(64);

/** The chain link after `rid` (each link is 64 hex digits, so the concatenation is unambiguous). */
export const nextHistoryLink = (chain: string, rid: string): string => sha256Hex(chain + JSON.stringify(rid));

/** The chain of a whole history. */
export function historyChainOf(history: readonly string[]): string {
  let chain = HISTORY_CHAIN_START;
  for (const rid of history) chain = nextHistoryLink(chain, rid);
  return chain;
}

/**
 * A tracked state whose history shares one array with the states it extends: an execution
 * appends to that array in place when no later state did so already (a replica's states form
 * a chain), so it costs O(1), not a copy of the history. A state that is extended twice (two
 * replicas from one state) copies its prefix once. Each state reads only its own prefix.
 */
class TrackedValue<S> implements ChainedState<S> {
  private copy: readonly string[] | undefined = undefined;
  constructor(readonly app: S, private readonly log: string[], readonly historyLength: number, readonly historyChain: string) {}

  get history(): readonly string[] {
    // A copy, not the shared array: a later execution may append to that one.
    if (this.copy === undefined) this.copy = this.log.slice(0, this.historyLength);
    return this.copy;
  }

  extended(app: S, rid: string): TrackedValue<S> {
    const log = this.log.length === this.historyLength ? this.log : this.log.slice(0, this.historyLength);
    log.push(rid);
    return new TrackedValue(app, log, this.historyLength + 1, nextHistoryLink(this.historyChain, rid));
  }

  /** The JSON a Welcome carries: the app and the history (what a plain tracked state holds). */
  toJSON(): { app: S; history: readonly string[] } {
    return { app: this.app, history: this.history };
  }
}

/** Tracked states read back from JSON (a Welcome's), made TrackedValues once each. */
const FROM_PLAIN = new WeakMap<object, TrackedValue<unknown>>();

/** The state as a TrackedValue: a plain { app, history } (from JSON) is taken as such, its chain computed once. */
function asTracked<S>(state: TrackedState<S> | { app: S; history: readonly string[] }): TrackedValue<S> {
  if (state instanceof TrackedValue) return state as TrackedValue<S>;
  let v = FROM_PLAIN.get(state) as TrackedValue<S> | undefined;
  if (v === undefined) {
    const history = [...state.history];
    v = new TrackedValue(state.app, history, history.length, historyChainOf(history));
    FROM_PLAIN.set(state, v as TrackedValue<unknown>);
  }
  return v;
}

/**
 * A replica's app state as a tracked state, if it is one: a TrackedValue, or the plain
 * { app, history } a Welcome's JSON gives until the replica's next execution.
 */
export function trackedStateOf(x: unknown): ChainedState<unknown> | undefined {
  if (x instanceof TrackedValue) return x;
  if (typeof x !== 'object' || x === null || !('app' in x)) return undefined;
  const history = (x as { history?: unknown }).history;
  if (!Array.isArray(history) || !history.every((id) => typeof id === 'string')) return undefined;
  return asTracked(x as { app: unknown; history: readonly string[] });
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

/**
 * How a tracked state's digest is taken: `chain` (what the simulator's replicas report now),
 * stateDigest of the app and the history's chain; `whole`, stateDigest of { app, history }, as
 * traces written before the chain say (a header's app without trackedDigest), O(history) each.
 */
export type TrackedDigest = 'chain' | 'whole';

/**
 * A state machine that records executions; `onApply` sees every new state (the sim's view of a
 * replica). `wholeDigest`: stateDigest, or one that gives the same digests faster (the checker's
 * kept texts), for `whole`.
 */
export function trackedStateMachine<S>(
  inner: StateMachine<S>,
  onApply: (state: ChainedState<S>) => void,
  digest: TrackedDigest = 'chain',
  wholeDigest: (whole: { app: S; history: readonly string[] }) => string = stateDigest,
): StateMachine<TrackedState<S>> & Partial<AppSnapshots<TrackedState<S>>> {
  const appDigest = inner.digest === undefined ? undefined : (app: S): string => inner.digest!(app);
  const tracked: StateMachine<TrackedState<S>> = {
    initial: () => new TrackedValue(inner.initial(), [], 0, HISTORY_CHAIN_START),
    apply(state, input) {
      const tagged = untag(input);
      if (tagged === undefined) return [state, { pos: -1, out: { ok: false, error: 'UntaggedInput' } }];
      const [rid, cmd] = tagged;
      const before = asTracked(state);
      const [app, out] = inner.apply(before.app, cmd);
      const next = before.extended(app, rid);
      onApply(next);
      const result: TrackedOutput = { pos: before.historyLength, out };
      return [next, result];
    },
    // The app's state and the history's chain: O(app state), where hashing the history's
    // text made every execution of a long run cost O(requests executed so far).
    digest: digest === 'chain'
      ? (state) => trackedDigest(asTracked(state), appDigest)
      : (state) => wholeDigest({ app: state.app, history: state.history }),
    // A Welcome's JSON { app, history }: the app read back by its own machine when it has a reader.
    fromJson(value) {
      const plain = value as { app?: unknown; history?: unknown } | null;
      if (typeof plain !== 'object' || plain === null || !('app' in plain) || !Array.isArray(plain.history) || !plain.history.every((id) => typeof id === 'string')) {
        throw new Error('a tracked state is { app, history } with a history of request ids');
      }
      const history = [...plain.history as string[]];
      const app = inner.fromJson !== undefined ? inner.fromJson(plain.app) : plain.app as S;
      return new TrackedValue(app, history, history.length, historyChainOf(history));
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
      const ids = history as string[];
      const state = new TrackedValue(app, ids, ids.length, historyChainOf(ids));
      onApply(state);
      return state;
    },
  };
}

const TRACKED_APP = 'sim-tracked';

/**
 * A tracked state's digest: stateDigest of its app and its history's chain, or of the app's
 * own digest and the chain when the app keeps one (`appDigest`, O(1) for kv and bank).
 */
function trackedDigest<S>(state: TrackedValue<S>, appDigest?: (app: S) => string): string {
  return appDigest !== undefined
    ? stateDigest({ appDigest: appDigest(state.app), historyChain: state.historyChain })
    : stateDigest({ app: state.app, historyChain: state.historyChain });
}
