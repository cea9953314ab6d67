/**
 * Reading a trace written in an older format version as the current one. `paxos-trace/2` came
 * before checkpoints: nothing in it was compacted, so every mark is 1 and no replica has a
 * snapshot (docs/design-checkpoints.md, "Trace validity"). Its events are given those values
 * before they are validated and replayed, so the checker has one shape to handle; what only
 * version 3 may carry is an error in a version 2 trace, as its schema made it.
 */
import { TRACE_FORMAT_V2 } from './types.js';

/** The fields and actions version 3 added; a version 2 trace carrying one is malformed. */
const NEW_STATE_FIELDS = ['aMark', 'lMark', 'rSnap'] as const;
const NEW_ACTIONS: ReadonlySet<string> = new Set(['ReplicaSnapshot', 'ReplicaForget', 'AcceptorCompact', 'LeaderCompact']);
const NO_MARK = 1;

export interface VersionProblem { pointer: string; message: string }

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for formats read through upgradeEvent (only version 2 today). */
export const needsUpgrade = (format: string): boolean => format === TRACE_FORMAT_V2;

/** A version 2 header's problem (a constant version 3 added), or null. */
export function headerVersionProblem(format: string, constants: Obj): VersionProblem | null {
  if (needsUpgrade(format) && constants.CheckpointNodes !== undefined) {
    return { pointer: '/spec/constants/CheckpointNodes', message: `CheckpointNodes is new in paxos-trace/3; a ${format} trace cannot set it` };
  }
  // Batches came after version 3 without a new version (a trace without them is unchanged);
  // a version 2 trace predates them, so each of its slots decides one request.
  if (needsUpgrade(format) && constants.BatchMax !== undefined && constants.BatchMax !== 1) {
    return { pointer: '/spec/constants/BatchMax', message: `a ${format} trace predates batches: BatchMax must be 1 or absent` };
  }
  return null;
}

/**
 * A version 2 event as version 3 writes it: node states and scouts with mark 1 and no
 * snapshot. Values that are not shaped like an event are returned as they are: the schema
 * then reports what is wrong with them.
 */
export function upgradeEvent(value: unknown): { value: unknown } | { problem: VersionProblem } {
  if (!isObject(value)) return { value };
  const newIn = (pointer: string, what: string): { problem: VersionProblem } =>
    ({ problem: { pointer, message: `${what} is new in paxos-trace/3; a ${TRACE_FORMAT_V2} trace cannot carry it` } });
  if (typeof value.action === 'string' && NEW_ACTIONS.has(value.action)) return newIn('/action', `the action ${value.action}`);
  const out: Obj = { ...value };
  const state = value.state;
  if (isObject(state)) {
    for (const f of NEW_STATE_FIELDS) if (f in state) return newIn(`/state/${f}`, f);
    if (isObject(state.scout) && 'mark' in state.scout) return newIn('/state/scout/mark', 'scout.mark');
    out.state = { ...state, scout: withMark(state.scout), aMark: NO_MARK, lMark: NO_MARK, rSnap: { slot: 1, executed: [] } };
  }
  const delta = value.delta;
  if (isObject(delta)) {
    for (const f of NEW_STATE_FIELDS) if (f in delta) return newIn(`/delta/${f}`, f);
    if (isObject(delta.scout) && 'mark' in delta.scout) return newIn('/delta/scout/mark', 'scout.mark');
    if (isObject(delta.rExecuted) && 'truncate' in delta.rExecuted) return newIn('/delta/rExecuted/truncate', 'truncate');
    if ('scout' in delta) out.delta = { ...delta, scout: withMark(delta.scout) };
  }
  return { value: out };
}

const withMark = (scout: unknown): unknown => (isObject(scout) ? { ...scout, mark: NO_MARK } : scout);
