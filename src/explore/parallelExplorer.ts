/**
 * The explorer's breadth-first search split over worker threads (partition.ts says how a state
 * finds its one owner): level by level, every part expands its frontier, then the parts trade
 * the states they found for one another, and the next level starts when all have. The counts
 * are explorer.ts's (test/explore/parallel.test.ts compares them on the CI models and catches
 * a planted ownership bug); what may differ is which of several violations of one level is
 * reported (the lowest-numbered part's) and, since a level's parents are found in another
 * order, the counterexample's path, which is still a shortest one.
 *
 * With `threads: false` the parts run in this thread, one after the other: the same code but
 * the transport, for tests that need no threads.
 */
import { Worker } from 'node:worker_threads';
import { loadModel } from '../modelcheck/cfg/models.js';
import { type SpecState } from '../trace/spec/specState.js';
import { collisionProbability } from './fingerprints.js';
import { type ExploreResult, type Progress, type TraceStep, type Violation, traceAlong } from './explorer.js';
import { exploreModel } from './model.js';
import { successorsFor } from './mutantSteps.js';
import { type Batch, type LevelResult, type PartColumns, type PartCounts, type PartOptions, type Sampled, Partition, stateAfter } from './partition.js';
import { boundsOf } from './properties.js';
import { StateCodec, revivedState } from './stateCodec.js';

export interface ParallelOptions {
  /** The model's cfg file: every thread loads the model from it (functions do not cross threads). */
  cfgPath: string;
  mutant?: string;
  /** Check only these invariants and step properties (as exploreModel's `only`). */
  only?: readonly string[];
  /** How many parts (threads, with threads on). */
  parts: number;
  /** Run each part in a worker thread (default true); false runs them all in this thread. */
  threads?: boolean;
  /** Stop (verdict "limit") after the level in which this many distinct states are found. */
  maxStates?: number;
  sample?: { size: number; seed: number };
  samplePerMessage?: boolean;
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
  /** Tests only: partition.ts's planted ownership bug. */
  plantOwnerByIds?: boolean;
}

/** What the driver asks of a part, wherever it runs. */
export interface PartRequest {
  runLevel: [];
  deliver: [Batch[]];
  columns: [];
  samples: [];
}
export interface PartReply {
  runLevel: LevelResult;
  deliver: { counts: PartCounts; frontier: number; interned: { messages: number; nodes: number } };
  columns: PartColumns;
  samples: { uniform: Sampled[]; perMessage: Array<{ message: string; hi: number; lo: number; state: SpecState }> };
}
type Op = keyof PartRequest;

/** Runs one request on a part (the worker thread and the in-thread parts share it). */
export function serve<K extends Op>(part: Partition, op: K, args: PartRequest[K]): PartReply[K] {
  switch (op) {
    case 'runLevel': return part.runLevel() as PartReply[K];
    case 'deliver': {
      for (const b of (args as PartRequest['deliver'])[0]) part.receive(b);
      part.swap();
      return { counts: part.countsNow(), frontier: part.frontierSize, interned: part.interned } as PartReply[K];
    }
    case 'columns': return part.columns() as PartReply[K];
    case 'samples': return { uniform: part.sampled(), perMessage: part.messageSampled() } as PartReply[K];
    default: throw new Error(`unknown request ${String(op)}`);
  }
}

/** The options a part is built from (structured-clonable: sent to a worker thread). */
export interface PartInit { cfgPath: string; mutant?: string; only?: readonly string[]; options: PartOptions }

export function buildPartition(init: PartInit): Partition {
  const m = exploreModel(loadModel(init.cfgPath), { ...(init.mutant !== undefined ? { mutant: init.mutant } : {}), ...(init.only !== undefined ? { only: init.only } : {}) });
  return new Partition(m, init.options);
}

interface PartHandle {
  call<K extends Op>(op: K, ...args: PartRequest[K]): Promise<PartReply[K]>;
  close(): Promise<void>;
}

class LocalPart implements PartHandle {
  constructor(private readonly part: Partition) {}
  call<K extends Op>(op: K, ...args: PartRequest[K]): Promise<PartReply[K]> { return Promise.resolve(serve(this.part, op, args)); }
  close(): Promise<void> { return Promise.resolve(); }
}

/** The worker module next to this one: .ts from source (through tsx's API, as src/trace/replay/pool.ts does), .js once built. */
function startWorker(init: PartInit): Worker {
  const url = new URL(import.meta.url.endsWith('.ts') ? './exploreWorker.ts' : './exploreWorker.js', import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: init });
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: init });
}

export interface WorkerReply { id: number; result?: unknown; error?: string }

class ThreadPart implements PartHandle {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;
  private closing = false;

  constructor(init: PartInit) {
    this.worker = startWorker(init);
    this.worker.on('message', (m: WorkerReply) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`explorer part ${init.options.part}: ${m.error}`));
      else p.resolve(m.result);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => { if (!this.closing) this.fail(new Error(`explorer part ${init.options.part} exited with code ${code}`)); });
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  call<K extends Op>(op: K, ...args: PartRequest[K]): Promise<PartReply[K]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // A batch's records move to the part (transferred, not copied).
      const transfer = op === 'deliver' ? (args[0] as Batch[]).map((b) => b.records.buffer as ArrayBuffer) : [];
      this.worker.postMessage({ id, op, args }, transfer);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

export async function exploreParallel(opts: ParallelOptions): Promise<ExploreResult> {
  const started = performance.now();
  const parts = opts.parts;
  if (!(Number.isInteger(parts) && parts >= 1)) throw new Error(`parts must be a whole number from 1, got ${parts}`);
  const inits: PartInit[] = Array.from({ length: parts }, (_, part) => ({
    cfgPath: opts.cfgPath,
    ...(opts.mutant !== undefined ? { mutant: opts.mutant } : {}),
    ...(opts.only !== undefined ? { only: opts.only } : {}),
    options: {
      part, parts,
      ...(opts.sample !== undefined ? { sample: opts.sample } : {}),
      ...(opts.samplePerMessage ? { samplePerMessage: true } : {}),
      ...(opts.plantOwnerByIds ? { plantOwnerByIds: true } : {}),
    },
  }));
  const handles: PartHandle[] = opts.threads === false ? inits.map((i) => new LocalPart(buildPartition(i))) : inits.map((i) => new ThreadPart(i));
  try {
    return await search(opts, handles, started);
  } finally {
    await Promise.all(handles.map((h) => h.close()));
  }
}

async function search(opts: ParallelOptions, handles: PartHandle[], started: number): Promise<ExploreResult> {
  let counts: PartCounts[] = [];
  let interned = { messages: 0, nodes: 0 };
  let lastProgress = started;
  const total = (f: (c: PartCounts) => number): number => counts.reduce((a, c) => a + f(c), 0);
  const finish = async (verdict: ExploreResult['verdict'], violation?: Violation): Promise<ExploreResult> => {
    const perAction: Record<string, number> = {};
    for (const c of counts) for (const [a, k] of Object.entries(c.perAction)) perAction[a] = (perAction[a] ?? 0) + k;
    const samples = await Promise.all(handles.map((h) => h.call('samples')));
    const uniform = samples.flatMap((s) => s.uniform).sort((a, b) => a.key - b.key || a.hi - b.hi || a.lo - b.lo).slice(0, opts.sample?.size ?? 0);
    const perMessage = new Map<string, { hi: number; lo: number; state: SpecState }>();
    for (const s of samples) {
      for (const e of s.perMessage) {
        const had = perMessage.get(e.message);
        if (had === undefined || e.hi < had.hi || (e.hi === had.hi && e.lo < had.lo)) perMessage.set(e.message, e);
      }
    }
    const distinct = total((c) => c.distinct);
    return {
      verdict, distinct, generated: total((c) => c.generated), depth: Math.max(0, ...counts.map((c) => c.depth)),
      seconds: (performance.now() - started) / 1000, perAction, ...(violation ? { violation } : {}),
      // Each part remembers the successors it found outside the constraints: their sum bounds the distinct ones.
      collisionProbability: collisionProbability(distinct + total((c) => c.outside)),
      sample: uniform.map((e) => revivedState(e.state)), messageSample: [...perMessage.values()].map((e) => revivedState(e.state)), interned,
    };
  };

  for (;;) {
    const levels = await Promise.all(handles.map((h) => h.call('runLevel')));
    const found = levels.findIndex((l) => l.violation !== undefined);
    if (found >= 0) {
      counts = await Promise.all(handles.map((h) => h.call('deliver', []).then((d) => d.counts)));
      return finish('violation', await counterexample(opts, handles, levels[found]!.violation!));
    }
    const delivered = await Promise.all(handles.map((h, to) =>
      h.call('deliver', levels.flatMap((l) => (l.outbox[to] === undefined ? [] : [l.outbox[to]!])))));
    counts = delivered.map((d) => d.counts);
    interned = delivered.reduce((a, d) => ({ messages: a.messages + d.interned.messages, nodes: a.nodes + d.interned.nodes }), { messages: 0, nodes: 0 });
    const frontier = delivered.reduce((a, d) => a + d.frontier, 0);
    if (opts.onProgress && performance.now() - lastProgress >= (opts.progressEveryMs ?? 10_000)) {
      lastProgress = performance.now();
      opts.onProgress({ distinct: total((c) => c.distinct), generated: total((c) => c.generated), queued: frontier, depth: Math.max(...counts.map((c) => c.depth)), seconds: (lastProgress - started) / 1000 });
    }
    if (frontier === 0) return finish('pass');
    if (opts.maxStates !== undefined && total((c) => c.distinct) >= opts.maxStates) return finish('limit');
  }
}

/** The behaviour from Init to a part's violation, rebuilt here from every part's parents and fingerprints. */
async function counterexample(opts: ParallelOptions, handles: PartHandle[], v: NonNullable<LevelResult['violation']>): Promise<Violation> {
  const columns = await Promise.all(handles.map((h) => h.call('columns')));
  const path: Array<[number, number]> = [];
  for (let at = v.at; at.id >= 0;) {
    const c = columns[at.part]!;
    path.push([c.fpHi[at.id]!, c.fpLo[at.id]!]);
    at = { part: c.parentPart[at.id]!, id: c.parentId[at.id]! };
  }
  path.reverse();
  const m = exploreModel(loadModel(opts.cfgPath), { ...(opts.mutant !== undefined ? { mutant: opts.mutant } : {}), ...(opts.only !== undefined ? { only: opts.only } : {}) });
  const successors = successorsFor(m.mutant);
  const codec = new StateCodec(m.cfg.N);
  const trace: TraceStep[] = traceAlong(m.cfg, codec, successors, (x) => codec.fingerprintOf(x), path);
  if (v.kind !== 'step') return { property: v.property, kind: v.kind, detail: v.detail, trace };
  // The part's step is the first successor of the last state that breaks the property.
  const bounds = boundsOf(m.cfg, m.mutant);
  const s = trace[trace.length - 1]!.state;
  const property = m.stepProperties[v.property]!;
  for (const step of successors(m.cfg, s)) {
    const detail = property(bounds, s, step);
    if (detail !== undefined) return { property: v.property, kind: 'step', detail, trace: [...trace, { action: step.action, step, state: stateAfter(s, step) }] };
  }
  throw new Error(`counterexample: no step of the rebuilt state breaks ${v.property} (the parts disagree with this thread)`);
}
