/**
 * A node process's trace part (`--trace-dir`): `<dir>/<runId>.node<k>.ndjson`, compact
 * events, and lifecycle lines: `end` on a clean stop, `crash` when the next incarnation finds
 * its predecessor dead. Write-ahead: events are buffered and handed to the OS (one write)
 * before anything they describe leaves the process (the host flushes the file before the
 * member sends messages or syncs records, and before client replies), so a SIGKILL loses
 * nothing the node acted on. Written through line by line instead, every event cost a system
 * call: several per command on every node.
 *
 * A new node (fresh data directory) starts a new part; a restarted one continues its part,
 * numbering events after its last whole one, and must find one: a trace that starts in the
 * middle of a node's life cannot be replayed from the spec's initial state.
 */
import { mkdirSync } from 'node:fs';
import type { TraceApp, TraceHeader } from '../../trace/format/types.js';
import { TRACE_FORMAT } from '../../trace/format/types.js';
import { DEFAULT_LIMITS } from '../../protocol/limits.js';
import { NdjsonTraceFile } from '../../trace/format/ndjsonWriter.js';
import { type TracedDurable, cutToWholeLines, partPath, recordCrash, scanPart } from '../../trace/format/partFile.js';

export class TraceSetupError extends Error {
  override readonly name = 'TraceSetupError';
}

export interface NodeTraceOptions {
  readonly dir: string;
  readonly runId: string;
  readonly node: number;
  readonly nodes: number;
  /** The replicas' window (the spec's Window constant). */
  readonly window: number;
  readonly app: TraceApp['name'];
  /** > 0: every node's replica snapshots (the header's CheckpointNodes names them all). */
  readonly checkpointEvery?: number;
  /** The most requests a replica proposes for one slot (the spec's BatchMax; absent: 1). */
  readonly batchMax?: number;
  /** The node is brand new (its data directory was just created). */
  readonly fresh: boolean;
  /** Its data directory holds no record yet (a node killed right after --new created it). */
  readonly durableEmpty?: boolean;
}

export interface NodeTrace {
  readonly file: NdjsonTraceFile;
  readonly path: string;
  /** Where the previous incarnation stopped: trace numbering and the Lamport clock go on from it. */
  readonly resume: { readonly traceSeq: number; readonly clock: number } | undefined;
  /** The durable variables after the previous incarnation's last event. */
  readonly traced: TracedDurable | undefined;
  /** A crash line was written for the previous incarnation (it died without an end line). */
  readonly crashRecorded: boolean;
}

export function traceHeader(o: NodeTraceOptions): TraceHeader {
  return {
    kind: 'header',
    format: TRACE_FORMAT,
    spec: {
      module: 'MultiPaxos',
      constants: {
        N: o.nodes, Window: o.window,
        ...((o.checkpointEvery ?? 0) > 0 ? { CheckpointNodes: Array.from({ length: o.nodes }, (_, i) => i + 1) } : {}),
        ...((o.batchMax ?? 1) > 1 ? { BatchMax: o.batchMax } : {}),
      },
    },
    cluster: {
      nodes: Array.from({ length: o.nodes }, (_, i) => i + 1),
      // The input bound the node batches under (the default Limits: the CLI has no flag for it).
      ...((o.batchMax ?? 1) > 1 ? { batchMaxInput: DEFAULT_LIMITS.batchMaxInput } : {}),
    },
    runId: o.runId,
    part: { node: o.node, lifecycle: true },
    generator: 'paxos node (src/cli)',
    app: { name: o.app, digest: 'entries' },
  };
}

export function openNodeTrace(o: NodeTraceOptions): NodeTrace {
  mkdirSync(o.dir, { recursive: true });
  const path = partPath(o.dir, o.runId, o.node);
  const header = traceHeader(o);
  let scan = scanPart(path);
  // A node killed between creating its data directory and writing its part's header restarts
  // with no part and a state equal to Init: a part from seq 1 describes it exactly.
  if (o.fresh || (scan.header === undefined && o.durableEmpty === true)) {
    if (scan.events > 0) {
      throw new TraceSetupError(`${path} already holds ${scan.events} events of node ${o.node}: a new node (--new) needs a trace directory without them (or another --run-id)`);
    }
    const file = new NdjsonTraceFile(path, header, { compact: true });
    // The header at once: a part without one is read as a node that never started.
    file.flush();
    return { file, path, resume: undefined, traced: undefined, crashRecorded: false };
  }
  if (scan.header === undefined) {
    throw new TraceSetupError(`no trace part ${path}, but node ${o.node}'s data directory holds state: a trace must start when the node does (run it without --trace-dir, or trace a cluster started with --new)`);
  }
  const h = scan.header;
  const mismatch = h.runId !== header.runId ? `run ${JSON.stringify(h.runId)}`
    : JSON.stringify(h.spec) !== JSON.stringify(header.spec) ? `spec constants ${JSON.stringify(h.spec.constants)}`
    : h.app?.name !== o.app ? `app ${JSON.stringify(h.app?.name)}`
    : h.part?.node !== o.node || h.part.lifecycle !== true ? `part ${JSON.stringify(h.part)}` : undefined;
  if (mismatch !== undefined) throw new TraceSetupError(`${path} was written for ${mismatch}, not for this node's run (${header.runId}, N=${o.nodes}, app ${o.app})`);
  let crashRecorded = false;
  if (scan.tail === 'event' || scan.tail === 'header') {
    scan = recordCrash(path, 'found dead at restart (no end line)');
    crashRecorded = true;
  } else {
    cutToWholeLines(path, scan);
  }
  return {
    file: new NdjsonTraceFile(path, h, { compact: true, append: true }),
    path,
    resume: { traceSeq: scan.lastSeq, clock: scan.lastClock },
    traced: scan.durable,
    crashRecorded,
  };
}
