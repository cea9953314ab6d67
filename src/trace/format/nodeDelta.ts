/**
 * What a Node attaches to each trace event it emits, beside the event's JSON fields, so that a
 * compact trace writer can take the state delta the node built from what its step changed,
 * instead of diffing the node's whole state (see DeltaEncoder). A symbol key: JSON.stringify
 * and the trace format never see it.
 */
import type { NodeStateJson, StateDelta, TraceEvent } from './types.js';

export const NODE_DELTA: unique symbol = Symbol('paxos.nodeDelta');

/** One incarnation of a node, as the events it emits name it. */
export interface DeltaSource {
  /**
   * The node's state now. Once the node stopped (crashed, or was replaced by its next
   * incarnation) that is its state at its last event: what the next incarnation's first event
   * is a change from.
   */
  current(): NodeStateJson;
}

export interface NodeDelta {
  readonly source: DeltaSource;
  /** The change since the source's previous event; undefined on its first event. */
  readonly delta: StateDelta | undefined;
  /** Set by the writer that used `delta`: the event's `state` was then never built. */
  taken: boolean;
}

export function nodeDeltaOf(event: TraceEvent): NodeDelta | undefined {
  return (event as unknown as { [NODE_DELTA]?: NodeDelta })[NODE_DELTA];
}
