/**
 * Running the simulator with tracing on: every node's events go, in the order the simulator
 * produces them, into one NDJSON trace file with a header describing the run. A
 * discrete-event simulator runs one step at a time, so that order is already a valid
 * interleaving (each receive after its send); no merge is needed.
 */
import type { NodeId, TraceEvent as NodeTraceEvent } from '../../node/api.js';
import { DEFAULT_LIMITS } from '../../protocol/limits.js';
import { type RunExtras, type Scenario, runScenario, type ScenarioRun } from '../../sim/scenario.js';
import { NdjsonTraceFile } from '../format/ndjsonWriter.js';
import type { FullTraceEvent, TraceHeader } from '../format/types.js';
import { TRACE_FORMAT } from '../format/types.js';

/** `checkpointEvery` > 0: every node's replica snapshots (SimConfig.checkpointEvery), so all are CheckpointNodes. */
export function headerFor(s: Scenario, window: number, generator: string, tracked = true, checkpointEvery = 0): TraceHeader {
  const nodes = Array.from({ length: s.nodes }, (_, i) => i + 1);
  const batches = s.batchMax !== undefined && s.batchMax > 1;
  return {
    app: { name: s.app, tracked, ...(tracked ? { trackedDigest: 'chain' as const } : {}), digest: 'entries' },
    kind: 'header',
    format: TRACE_FORMAT,
    spec: {
      module: 'MultiPaxos',
      constants: {
        N: s.nodes, Window: window,
        ...(checkpointEvery > 0 ? { CheckpointNodes: nodes } : {}),
        ...(batches ? { BatchMax: s.batchMax } : {}),
      },
    },
    // The input bound the replicas batched under (the scenario's, or the default): checked beside the spec.
    cluster: { nodes, ...(batches ? { batchMaxInput: s.batchMaxInput ?? DEFAULT_LIMITS.batchMaxInput } : {}) },
    seed: s.seed,
    runId: `sim-${s.seed}`,
    generator,
  };
}

export interface TracedRun { run: ScenarioRun; events: number; path: string }

/** Runs the scenario and writes its trace to `path` (streamed: bounded memory). */
export function traceScenario(s: Scenario, path: string, extras: RunExtras = {}, generator = 'src/trace/runs/simTrace.ts', compact = false): TracedRun {
  const file = new NdjsonTraceFile(path, headerFor(s, DEFAULT_LIMITS.window, generator, extras.track ?? true, extras.checkpointEvery ?? s.checkpointEvery ?? 0), { compact });
  // A compact file takes the nodes' deltas: their replicas then keep no history (TraceSink.takesDeltas).
  const sink = Object.assign((ev: NodeTraceEvent): void => file.emit(ev as unknown as FullTraceEvent), { takesDeltas: compact });
  try {
    const run = runScenario(s, { ...extras, trace: (_node: NodeId) => sink });
    return { run, events: file.events, path };
  } finally {
    file.close();
  }
}
