/**
 * Breadth-first explicit-state search over the fast encoding of the spec: from Init, every
 * successor fastSpec gives (or a mutant's, mutantSteps.ts), each distinct state once (by its
 * 64-bit fingerprint, fingerprints.ts), with the model's invariants checked on every state, the
 * step properties on every transition, and its state constraints applied as TLC applies a
 * CONSTRAINT (a successor outside it is neither counted nor checked nor expanded).
 *
 * Memory per distinct state: its fingerprint (8 bytes in the set, at most half full) and, to
 * rebuild a counterexample, its parent's number and its own fingerprint again (12 bytes);
 * the queue holds the encoded states of the frontier only (stateCodec.ts), packed in chunks.
 * A counterexample is rebuilt by walking the parents back to Init and then forward again,
 * at each step taking the successor with the next fingerprint on the path.
 */
import type { Step } from '../trace/spec/fastSpec.js';
import { type SpecConfig, type SpecState, initialState } from '../trace/spec/specState.js';
import { FingerprintSet, collisionProbability } from './fingerprints.js';
import { StateCodec } from './stateCodec.js';
import { Column, VectorQueue } from './vectorStore.js';
import { type StateConstraint, type StateInvariant, type StepProperty, boundsOf } from './properties.js';
import { type SuccessorFn, successorsFor } from './mutantSteps.js';
import { applyStep } from '../trace/spec/fastSpec.js';
import { mulberry32 as mulberry } from '../util/mulberry32.js';
import type { SpecMessage } from '../trace/format/types.js';

export interface ExploreOptions {
  cfg: SpecConfig;
  /** The spec's Mutant constant ("none" by default): the successors, and IsQuorum in the properties. */
  mutant?: string;
  /** Replaces the successors of `mutant` (tests plant a wrong encoding this way). */
  successors?: SuccessorFn;
  invariants?: Record<string, StateInvariant>;
  stepProperties?: Record<string, StepProperty>;
  constraints?: Record<string, StateConstraint>;
  /** TLC's CHECK_DEADLOCK: a state without successors is a violation. */
  checkDeadlock?: boolean;
  /** Stop (verdict "limit") once this many distinct states are found. */
  maxStates?: number;
  /** Keep a uniform random sample of this many distinct states (reservoir sampling). */
  sample?: { size: number; seed: number };
  /**
   * Also keep, for every distinct message that some step receives, one state from which a step
   * receives it (the first found). A uniform sample misses rare cases (on ci-race-ballots, 3
   * states in 4,000 receive an Adopted whose pvalues hold two ballots for one slot); this one
   * has every message's handling in it.
   */
  samplePerMessage?: boolean;
  onProgress?: (p: Progress) => void;
  progressEveryMs?: number;
}

export interface Progress { distinct: number; generated: number; queued: number; depth: number; seconds: number }

export interface TraceStep { action: string; step?: Step; state: SpecState }

export interface Violation {
  property: string;
  kind: 'invariant' | 'step' | 'deadlock';
  detail: string;
  /** From Init (action "Init") to the state that violates the property, or the step that does. */
  trace: TraceStep[];
}

export interface ExploreResult {
  verdict: 'pass' | 'violation' | 'limit';
  distinct: number;
  /** Successors generated (TLC's "states generated" less the initial state). */
  generated: number;
  /** Length of the longest shortest path from Init (TLC's "depth" minus one). */
  depth: number;
  seconds: number;
  perAction: Record<string, number>;
  violation?: Violation;
  /** Upper bound on the chance that two distinct states shared a fingerprint. */
  collisionProbability: number;
  sample: SpecState[];
  /** With samplePerMessage: one state for each distinct message some step receives. */
  messageSample: SpecState[];
  /** Interned messages and node states (how much memory the search used besides the fingerprints). */
  interned: { messages: number; nodes: number };
}

export function explore(opts: ExploreOptions): ExploreResult {
  const mutant = opts.mutant ?? 'none';
  const bounds = boundsOf(opts.cfg, mutant);
  const successors = opts.successors ?? successorsFor(mutant);
  const invariants = Object.entries(opts.invariants ?? {});
  const stepProperties = Object.entries(opts.stepProperties ?? {});
  const constraints = Object.entries(opts.constraints ?? {});
  const codec = new StateCodec(opts.cfg.N);
  const seen = new FingerprintSet(1 << 16);
  /** Successors found outside the constraints (TLC neither counts nor expands them). */
  const outside = new FingerprintSet(1 << 10);
  let outsideCount = 0;
  const parent = new Column(new Int32Array(1024), (n) => new Int32Array(n));
  const fpHi = new Column(new Uint32Array(1024), (n) => new Uint32Array(n));
  const fpLo = new Column(new Uint32Array(1024), (n) => new Uint32Array(n));
  const depthOf = new Column(new Int32Array(1024), (n) => new Int32Array(n));
  const perAction: Record<string, number> = {};
  const queue = new VectorQueue();
  const started = performance.now();
  const random = opts.sample ? mulberry(opts.sample.seed) : undefined;
  const sample: Int32Array[] = [];
  // By message object: the messages of a state's msgs are the codec's interned ones, one object
  // per message, so a step's received message is its key (not its text built and hashed per transition).
  const perMessage = new Map<SpecMessage, Int32Array>();
  let distinct = 0;
  let generated = 0;
  let maxDepth = 0;
  let lastProgress = started;

  const result = (verdict: ExploreResult['verdict'], violation?: Violation): ExploreResult => ({
    verdict, distinct, generated, depth: maxDepth, seconds: (performance.now() - started) / 1000, perAction,
    ...(violation ? { violation } : {}), collisionProbability: collisionProbability(distinct + outsideCount),
    sample: sample.map((v) => codec.decode(v)), messageSample: [...perMessage.values()].map((v) => codec.decode(v)), interned: { messages: codec.messages.size, nodes: codec.nodes.size },
  });

  /** Records a new state; false if it was seen before. */
  const fingerprint = (v: Int32Array): [number, number] => codec.fingerprintOf(v);
  const admit = (v: Int32Array, from: number, depth: number, [hi, lo] = fingerprint(v)): number | undefined => {
    if (!seen.add(hi, lo)) return undefined;
    const id = distinct++;
    parent.set(id, from);
    fpHi.set(id, hi);
    fpLo.set(id, lo);
    depthOf.set(id, depth);
    if (depth > maxDepth) maxDepth = depth;
    if (random !== undefined) reservoir(sample, opts.sample!.size, distinct, v, random);
    return id;
  };

  const rebuild = (id: number): TraceStep[] => rebuildTrace(opts.cfg, codec, successors, fingerprint, id, parent, fpHi, fpLo);
  const checkState = (id: number, s: SpecState): Violation | undefined => {
    for (const [name, inv] of invariants) {
      const bad = inv(bounds, s);
      if (bad !== undefined) return { property: name, kind: 'invariant', detail: bad, trace: rebuild(id) };
    }
    return undefined;
  };

  const init = initialState(opts.cfg);
  for (const [name, c] of constraints) if (!c(bounds, init)) throw new Error(`the initial state violates the constraint ${name}`);
  const initVector = codec.encode(init);
  admit(initVector, -1, 0);
  queue.push(0, initVector);
  while (queue.length > 0) {
    const [id, v] = queue.shift();
    const s = codec.view(v);
    const bad = checkState(id, s);
    if (bad) return result('violation', bad);
    const steps = successors(opts.cfg, s);
    if (steps.length === 0 && opts.checkDeadlock) {
      return result('violation', { property: 'Deadlock', kind: 'deadlock', detail: 'no action is enabled', trace: rebuild(id) });
    }
    const depth = depthOf.get(id) + 1;
    for (const step of steps) {
      generated++;
      if (opts.samplePerMessage && step.param !== undefined && 'message' in step.param) {
        if (!perMessage.has(step.param.message)) perMessage.set(step.param.message, v);
      }
      for (const [name, p] of stepProperties) {
        const broken = p(bounds, s, step);
        if (broken !== undefined) {
          const trace = rebuild(id);
          trace.push({ action: step.action, step, state: applyTo(codec.decode(v), step) });
          return result('violation', { property: name, kind: 'step', detail: broken, trace });
        }
      }
      // Overwritten by the next step's encoding: copied only if the state is new.
      const child = codec.encodeStepInPlace(v, s, step);
      const fp = fingerprint(child);
      // A state seen before was inside the constraints then (states are values: the verdict
      // cannot change), and one found outside is remembered, so each distinct successor is
      // decoded and judged once, not once per transition into it.
      const known = seen.has(fp[0], fp[1]);
      if (!known && constraints.length > 0) {
        if (outside.has(fp[0], fp[1])) continue;
        const cs = codec.view(child);
        if (!constraints.every(([, c]) => c(bounds, cs))) { outside.add(fp[0], fp[1]); outsideCount++; continue; }
      }
      perAction[step.action] = (perAction[step.action] ?? 0) + 1;
      if (known) continue;
      const childId = admit(child.slice(), id, depth, fp);
      if (childId === undefined) continue;
      queue.push(childId, child);
      if (opts.maxStates !== undefined && distinct >= opts.maxStates) return result('limit');
    }
    if (opts.onProgress && performance.now() - lastProgress >= (opts.progressEveryMs ?? 10_000)) {
      lastProgress = performance.now();
      opts.onProgress({ distinct, generated, queued: queue.length, depth: maxDepth, seconds: (lastProgress - started) / 1000 });
    }
  }
  return result('pass');
}

const applyTo = (s: SpecState, step: Step): SpecState => applyStep(s, step);

/** Init, then each step to state `id`: the parents give the fingerprints on the way. */
function rebuildTrace(cfg: SpecConfig, codec: StateCodec, successors: SuccessorFn, fingerprint: (v: Int32Array) => [number, number], id: number,
  parent: Column<Int32Array>, fpHi: Column<Uint32Array>, fpLo: Column<Uint32Array>): TraceStep[] {
  const path: Array<[number, number]> = [];
  for (let i = id; i >= 0; i = parent.get(i)) path.push([fpHi.get(i), fpLo.get(i)]);
  path.reverse();
  return traceAlong(cfg, codec, successors, fingerprint, path);
}

/**
 * The behaviour through the states of the given fingerprints, Init's first: at each state the
 * successor whose fingerprint is the next one on the path.
 */
export function traceAlong(cfg: SpecConfig, codec: StateCodec, successors: SuccessorFn, fingerprint: (v: Int32Array) => [number, number],
  path: ReadonlyArray<readonly [number, number]>): TraceStep[] {
  let s = initialState(cfg);
  let v = codec.encode(s);
  const trace: TraceStep[] = [{ action: 'Init', state: s }];
  for (const [i, [nextHi, nextLo]] of path.slice(1).entries()) {
    const found = successors(cfg, s).find((step) => {
      const [hi, lo] = fingerprint(codec.encodeStep(v, s, step));
      return hi === nextHi && lo === nextLo;
    });
    if (found === undefined) throw new Error(`counterexample: no successor leads to step ${i + 1}'s state (the search is not deterministic)`);
    v = codec.encodeStep(v, s, found);
    s = codec.decode(v);
    trace.push({ action: found.action, step: found, state: s });
  }
  return trace;
}

/** Algorithm R: after `seen` items, each is in the sample with probability size / seen. */
function reservoir(sample: Int32Array[], size: number, seen: number, v: Int32Array, random: () => number): void {
  if (sample.length < size) { sample.push(v); return; }
  const j = Math.floor(random() * seen);
  if (j < size) sample[j] = v;
}
