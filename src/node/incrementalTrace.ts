/**
 * Builds each trace event's compact delta from what the step changed (Role.traceChanges), so
 * that emitting an event costs O(the step's changes), not O(the node's state). The few roles a
 * node hosts without a route key (Acceptor, Replica, Leader, Requester, ...) report at every
 * event from their journals; of the many routed ones (Scouts, Commanders) only those the node
 * added, removed or handed a message or timer to since the previous event.
 */
import type { StateDelta } from '../trace/format/types.js';
import type { DurableView, NodeSpecState } from './api.js';
import type { Role } from './role.js';
import { lastScalarsOf, StateChanges, type LastScalars } from './stateChanges.js';

export class IncrementalTrace {
  /** The scalars of the previous event; null before the first. */
  private last: LastScalars | null = null;
  private readonly touched = new Set<Role>();
  private removed: Role[] = [];

  /** A routed role was added, or handed a message or timer: it may have changed. */
  touch(role: Role): void {
    this.touched.add(role);
  }

  /** A role was removed: its spec variables go back to the node's defaults at the next event. */
  remove(role: Role): void {
    this.touched.delete(role);
    this.removed.push(role);
  }

  /**
   * The delta since the previous event, or undefined at the first event (`first` is then the
   * node's whole state, which the trace writer diffs against whatever came before it: this
   * node's previous incarnation, or the spec's initial state).
   */
  next(durable: DurableView, unrouted: readonly Role[], all: Iterable<Role>, first: () => NodeSpecState): StateDelta | undefined {
    // Without an acceptor (a Bootstrap) a node shows its durable mark, as specState() does.
    const changes = new StateChanges({ aBallot: durable.aBallot, lBallot: durable.lBallot, lActive: false, rSlotIn: 1, rSlotOut: 1, aMark: Math.max(1, durable.compactedBelow) });
    for (const role of this.removed) role.traceChanges!(changes, false);
    this.removed = [];
    const starting = this.last === null;
    // At the first event every role reports (and so starts its journals from this state).
    for (const role of starting ? all : unrouted) role.traceChanges!(changes, true);
    if (!starting) for (const role of this.touched) role.traceChanges!(changes, true);
    this.touched.clear();
    if (starting) {
      this.last = lastScalarsOf(first());
      return undefined;
    }
    return changes.toDelta(this.last!);
  }
}

/**
 * Gives `event` a `state` built when first read (a compact trace writer that takes the node's
 * delta never reads it). Returns what to call once the sink returned: a state still unread is
 * built then, for sinks that keep events, unless the delta was taken (the node moves on, so
 * the state could no longer be built right: reading it then throws instead). Without `build`
 * (a replica that keeps no history, whose state would show rExecuted as []) reading it throws.
 */
export function lazyState(event: { state: NodeSpecState }, build: (() => NodeSpecState) | undefined): (taken: boolean) => void {
  const seq = (): string => JSON.stringify((event as unknown as { seq?: unknown }).seq);
  const unreadable = (why: string): void => {
    Object.defineProperty(event, 'state', {
      enumerable: true,
      configurable: true,
      get: () => {
        throw new Error(`trace event ${seq()}: its state was not built (${why})`);
      },
    });
  };
  if (build === undefined) {
    unreadable("its node's replica keeps no history, which the sink takes by length with each delta (docs/trace-format.md, \"Histories by length\"): read the delta");
    return () => undefined;
  }
  let built = false;
  const settle = (value: NodeSpecState): NodeSpecState => {
    built = true;
    Object.defineProperty(event, 'state', { value, enumerable: true, writable: true, configurable: true });
    return value;
  };
  // Redefining an existing key keeps its place: JSON.stringify writes the same text.
  Object.defineProperty(event, 'state', { enumerable: true, configurable: true, get: () => settle(build()) });
  return (taken) => {
    if (built) return;
    if (!taken) {
      settle(build());
      return;
    }
    unreadable('a compact trace writer took its delta; read it inside the sink');
  };
}
