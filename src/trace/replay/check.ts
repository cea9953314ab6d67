/**
 * Checking one trace: header against the spec, then per event JSON Schema, per-node order
 * (seq, Lamport clock), and replay against the spec through one or both in-process oracles.
 * Streaming: memory holds the spec state, one line and one read buffer, whatever the trace
 * length. Checking is synchronous (reading included): checkTrace is async only for callers.
 */
import { readFileSync } from 'node:fs';
import type { Proposal, SpecConstants, TraceEnding, TraceEvent, TraceHeader } from '../format/types.js';
import { CLIENT_ACTIONS, TRACE_FORMAT, isTraceEnding } from '../format/types.js';
import { type Located, TraceInputError, isCutLine, traceValues } from '../format/lines.js';
import { type TraceSchemas, loadTraceSchemas } from '../format/schemas.js';
import { headerVersionProblem, needsUpgrade, upgradeEvent } from '../format/versions.js';
import { EmbeddedOracle, FastOracle, type Oracle, type StepVerdict } from './oracles.js';
import { type EventWindow, windowsProblem } from './embeddedWindows.js';
import { type LeaderChange, leaderChangeKind } from './leaderChanges.js';
import { type BatchBounds, batchBoundProblem } from './batchBound.js';
import { ACTIONS, type stepsFor } from '../spec/fastSpec.js';
import { configFromConstants } from '../spec/specState.js';
import { DEFAULT_SPEC_PATH, EngineFailure, declaredConstants, reloadEngine } from './tlaEngine.js';
import { noCoverage, noteCoverage, type TraceCoverage } from './coverage.js';
import { AppReplay, ClientCheckError, RealTimeOrderError, type AppReplayHeld } from '../client/appReplay.js';
import { appStateMachine } from './apps.js';
import { type History, WelcomeHistories } from './welcomeHistories.js';
import { resolveRestart } from './restartHistories.js';
import { ForgottenHistoryError } from '../spec/execSeq.js';
import type { historyBases } from './historyWindow.js';

/**
 * Why a trace failed. `engine`: the embedded engine could not evaluate an event (it trapped,
 * tlaEngine.ts): no verdict on the trace, which fails all the same, and never `oracles-disagree`.
 */
export type FailureKind = 'input' | 'header' | 'schema' | 'order' | 'spec' | 'oracles-disagree' | 'client' | 'linearizability' | 'lifecycle' | 'window' | 'engine';

export interface Failure {
  file: string;
  line: number;
  kind: FailureKind;
  message: string;
  pointer?: string;
  action?: string;
  oracle?: string;
  diff?: string[];
}

export interface TraceVerdict {
  name: string;
  ok: boolean;
  events: number;
  /** Events the embedded oracle replayed (a prefix when embeddedMaxEvents is set, else the windows'). */
  embeddedEvents: number;
  /** Where leaders changed, when asked for (CheckOptions.leaderChanges) and the fast oracle ran. */
  leaderChanges?: LeaderChange[];
  /** The client-level checks, when the header names the application. */
  client?: ClientVerdict;
  /**
   * The fast replay's msgs: the most it held at once, and how many dead messages it forgot
   * (src/trace/spec/deadMessages.ts). With forgetting, the peak follows what is in play, not the run.
   */
  messages?: { peak: number; forgotten: number };
  /**
   * The fast replay's history window (historyWindow.ts), when on: the most requests any
   * history the nodes hold had forgotten at the last sweep, and the most requests their
   * histories held after a sweep (each array once). With the window, the second follows the
   * window's margin and how far the nodes sharing a history lag each other, not the run.
   */
  history?: { forgottenBelow: number; heldPeak: number };
  /** What the trace exercised (coverage.ts), when asked for (CheckOptions.coverage) and the fast oracle ran. */
  coverage?: TraceCoverage;
  failure?: Failure;
}

export interface ClientVerdict {
  /** Requests executed (the length of the replicas' longest history). */
  executed: number;
  /**
   * Client operations (ClientInvoke events), each checked as the events came: its outcome is
   * its execution's output, and the replicas' order respects real time (client/appReplay.ts),
   * which proves the history linearizable.
   */
  operations: number;
  /** What the client checks held at the end: a bound, not a count of the run (AppReplayHeld). */
  held: AppReplayHeld;
}

export interface CheckOptions {
  fast?: boolean;
  /** The fast replay forgets dead messages (default true; off until the last embedded window ends). */
  forget?: boolean;
  /** When it first sweeps msgs for dead messages: once it holds this many (default 4096; 0: after every step). */
  forgetAt?: number;
  /**
   * The fast replay forgets the start of each history once no later step reads it (default
   * true, with `forget` and no embedded window; historyWindow.ts). False (--whole-history):
   * it keeps every request executed, for a trace that reads one past the window.
   */
  historyWindow?: boolean;
  /** Requests the window keeps below its base (default historyWindow.ts RETRY_MARGIN; tests: 0). */
  historyMargin?: number;
  /** Where the window may forget below (default historyWindow.ts historyBase; a test hands a deliberately wrong one). */
  historyBaseOf?: typeof historyBases;
  embedded?: boolean;
  /** Replay only the first K events with the embedded oracle (it costs tens of ms per event). */
  embeddedMaxEvents?: number;
  /**
   * Replay these events with the embedded oracle too (sorted, disjoint), instead of `embedded`:
   * a window that starts after event 0 starts from the state the fast oracle reached there.
   */
  embeddedWindows?: readonly EventWindow[];
  /** Record the events where leaders changed (TraceVerdict.leaderChanges). */
  leaderChanges?: boolean;
  /** Count what the trace exercised (TraceVerdict.coverage). */
  coverage?: boolean;
  /** The fast oracle's encoding of the spec's actions (default: fastSpec's; tests plant bugs in a copy). */
  fastSteps?: typeof stepsFor;
  /** Skip replay: schema and order only (used to measure schema validation alone). */
  schemaOnly?: boolean;
  /** Skip the client-level checks even when the header names the application. */
  noClient?: boolean;
  /**
   * Told each request of the replicated history, in order and once, as the client-level checks
   * establish it (a header that names the application, and not noClient): for a harness that
   * judges the history itself (paxos chaos), whose nodes keep none.
   */
  onHistory?: (request: Proposal) => void;
  specPath?: string;
  schemas?: TraceSchemas;
  onEvents?: (count: number) => void;
}

/** A trace to check: one file, or the per-node part files of one run (merged by clock). */
export interface TraceInput { name: string; files: string[] }

const specCache = new Map<string, { text: string; module: string; constants: string[] }>();
export function loadSpec(path = DEFAULT_SPEC_PATH): { text: string; module: string; constants: string[] } {
  let s = specCache.get(path);
  if (!s) {
    const text = readFileSync(path, 'utf8');
    const module = /-{4,}\s*MODULE\s+(\w+)/.exec(text)?.[1] ?? '';
    s = { text, module, constants: declaredConstants(text) };
    specCache.set(path, s);
  }
  return s;
}

/** Constants every trace header must give (the rest are model bounds or have defaults). */
const REQUIRED_CONSTANTS = ['N', 'Window'];
const BOUND_CONSTANTS = ['RequestsPerCaller', 'MaxBallot', 'MaxSlot', 'MaxRestarts'];

/** The header's problems with respect to the spec, or null. */
export function headerProblem(h: TraceHeader, spec: { module: string; constants: string[] }): { pointer: string; message: string } | null {
  if (h.spec.module !== spec.module) return { pointer: '/spec/module', message: `trace is for module ${h.spec.module}, the spec is ${spec.module}` };
  const c = h.spec.constants as unknown as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!spec.constants.includes(k)) return { pointer: `/spec/constants/${k}`, message: `${k} is not a constant of ${spec.module} (it declares ${spec.constants.join(', ')})` };
  }
  for (const k of REQUIRED_CONSTANTS) if (c[k] === undefined) return { pointer: `/spec/constants`, message: `constant ${k} is missing` };
  const N = h.spec.constants.N;
  const nodes = h.cluster.nodes;
  if (nodes.length !== N || nodes.some((n, i) => n !== i + 1)) {
    return { pointer: '/cluster/nodes', message: `cluster nodes ${JSON.stringify(nodes)} do not map to the spec's Node == 1..N with N = ${N}` };
  }
  const vp = headerVersionProblem(h.format, c);
  if (vp) return vp;
  for (const k of ['LeaderNodes', 'ReplicaNodes', 'Callers', 'CheckpointNodes'] as const) {
    const v = h.spec.constants[k];
    if (v !== undefined && v.some((n) => n < 1 || n > N)) return { pointer: `/spec/constants/${k}`, message: `${k} must be a subset of 1..${N}` };
  }
  for (const k of BOUND_CONSTANTS) {
    const v = c[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= 0)) return { pointer: `/spec/constants/${k}`, message: `${k} must be a natural number` };
  }
  if (c.Mutant !== undefined && c.Mutant !== 'none') {
    return { pointer: '/spec/constants/Mutant', message: 'an implementation trace is checked against the correct spec: Mutant must be "none"' };
  }
  return null;
}

/**
 * Every action name, as this program's own (interned) string. JSON.parse gives each event a
 * fresh copy of a name this long (V8 interns only short values), so every later test of it (a
 * Set, Map or property lookup, a comparison with a literal: a dozen per event) hashed or
 * compared its characters; with the interned one they are pointer comparisons.
 */
const ACTION_NAMES: ReadonlyMap<string, string> = new Map([...ACTIONS, 'Stutter', ...CLIENT_ACTIONS].map((a) => [a, a]));

/** Replaces the event's action name by the interned string of the same text (a name the schema allows always has one). */
function internAction(ev: TraceEvent): void {
  const name = ACTION_NAMES.get(ev.action);
  if (name !== undefined) ev.action = name;
}

class Stop extends Error {
  constructor(readonly failure: Failure) { super(failure.message); }
}

export async function checkTrace(input: TraceInput, opts: CheckOptions = {}): Promise<TraceVerdict> {
  // An engine an earlier trace made trap is replaced first: one trap fails one trace.
  if (opts.embedded === true || (opts.embeddedWindows?.length ?? 0) > 0) await reloadEngine();
  return checkTraceSync(input, opts);
}

/**
 * checkTrace without the wait: for callers of the fast oracle alone (the viewer, benchmarks).
 * It does not replace an embedded engine a trap retired (reloading is asynchronous): an
 * embedded replay then fails at once, kind `engine`, naming the trap. checkTrace replaces it.
 */
export function checkTraceSync(input: TraceInput, opts: CheckOptions = {}): TraceVerdict {
  const verdict: TraceVerdict = { name: input.name, ok: false, events: 0, embeddedEvents: 0 };
  try {
    run(input, opts, verdict);
    verdict.ok = true;
  } catch (e) {
    if (opts.onEvents) opts.onEvents(verdict.events & 1023);
    if (e instanceof Stop) verdict.failure = e.failure;
    else if (e instanceof TraceInputError) verdict.failure = { file: e.file, line: e.line, kind: 'input', message: e.message };
    else if (e instanceof Error && 'code' in e && typeof (e as NodeJS.ErrnoException).path === 'string') {
      verdict.failure = { file: (e as NodeJS.ErrnoException).path!, line: 0, kind: 'input', message: e.message };
    } else throw e;
  }
  return verdict;
}

function run(input: TraceInput, opts: CheckOptions, verdict: TraceVerdict): void {
  const schemas = opts.schemas ?? loadTraceSchemas();
  const spec = loadSpec(opts.specPath);
  const source = traceValues(input.files);
  // The event being checked: a read below the history window fails there, wherever it happens.
  const cursor: { at?: Located } = {};
  try {
    replay(input, opts, verdict, schemas, spec, source, cursor);
  } catch (e) {
    if (!(e instanceof ForgottenHistoryError) || cursor.at === undefined) throw e;
    const at = cursor.at;
    const action = (at.value as { action?: unknown } | null)?.action;
    throw new Stop({ file: at.file, line: at.line, kind: 'window', message: e.message, ...(typeof action === 'string' ? { action } : {}) });
  } finally {
    source.close();
  }
}

function replay(input: TraceInput, opts: CheckOptions, verdict: TraceVerdict, schemas: TraceSchemas,
  spec: ReturnType<typeof loadSpec>, source: ReturnType<typeof traceValues>, cursor: { at?: Located }): void {
  const fail = (at: Located, f: Omit<Failure, 'file' | 'line'>): never => { throw new Stop({ file: at.file, line: at.line, ...f }); };

  // Headers: one per file (its line 1), all describing the same run.
  let header: TraceHeader | null = null;
  const oracles: Oracle[] = [];
  let client: AppReplay | null = null;
  let embedded: EmbeddedOracle | null = null;
  let fast: FastOracle | null = null;
  // The embedded oracle's windows: it replays events from `windows[next].from` until `embeddedUntil`.
  const windows: readonly EventWindow[] = opts.embeddedWindows
    ?? (opts.embedded && opts.embeddedMaxEvents !== 0 ? [{ from: 0, to: opts.embeddedMaxEvents ?? Number.POSITIVE_INFINITY }] : []);
  const badWindows = windowsProblem(windows);
  if (badWindows !== null) throw new Error(`embeddedWindows: ${badWindows}`);
  let nextWindow = 0;
  let embeddedUntil = 0;
  const startEmbedded = (at: Located, from: number, to: number): void => {
    if (from > 0 && fast === null) fail(at, { kind: 'header', message: 'an embedded window after the first event needs the fast oracle to reach it' });
    try {
      embedded = new EmbeddedOracle(spec.text, constants, from === 0 ? undefined : fast!.here());
    } catch (e) {
      if (e instanceof EngineFailure) fail(at, { kind: 'engine', message: `the embedded spec could not start here: ${e.message}` });
      fail(at, { kind: 'header', message: `the embedded spec cannot start with this header's constants: ${(e as Error).message}` });
    }
    oracles.push(embedded!);
    embeddedUntil = to;
  };
  if (opts.leaderChanges) verdict.leaderChanges = [];
  if (opts.coverage) verdict.coverage = noCoverage();
  // Per node (index 1..N): the last seq and Lamport clock seen.
  let lastSeq: number[] = [];
  let lastClock: number[] = [];
  let constants!: SpecConstants;
  let bounds!: BatchBounds;
  let N = 0;
  // A trace in an older format version: each event is read as the current version writes it.
  let legacy = false;
  // Part files: how each ends. With part.lifecycle, each incarnation of its node ends with an
  // end or crash line (or a last line cut mid-write), and the next incarnation starts with NodeRestart.
  const parts = new Map<string, { node: number; lifecycle: boolean; tail: 'header' | 'event' | 'ending' | 'cut'; line: number }>();
  const awaitingRestart = new Set<number>();
  // The fast replay's Welcome parts are ranges of their sender's history (HistorySegment) and
  // its histories forget their start (historyWindow.ts), unless an embedded replay may start
  // from its state (the engine reads whole sequences) or the caller keeps every message.
  const historyWindow = opts.fast !== false && opts.forget !== false && opts.historyWindow !== false && windows.length === 0;
  // A received named Welcome is found in the fast replay's msgs (no second copy of its history).
  const welcomes = new WelcomeHistories(opts.fast === false ? undefined : () => fast?.state.msgs, historyWindow);
  // A history named by length (a Welcome's, a restart's) is taken from the fast replay of its node. Made once,
  // reading the event from `cursor`: a closure made in the loop over `at` and `ev` made V8 keep
  // both in a context allocated per line, and read them from there all through the loop.
  const historyOf = (n: number): History => {
    if (fast === null) {
      const at = cursor.at!;
      fail(at, { kind: 'header', action: (at.value as TraceEvent).action, message: 'a history named by length (a Welcome\'s, or a restart\'s) needs the fast oracle (its replay holds the node\'s history)' });
    }
    return fast!.state.nodes[n]!.rExecuted;
  };

  for (let at = source.next(); at !== null; at = source.next()) {
    cursor.at = at;
    const v = at.value as { kind?: unknown };
    if (at.line === 1) {
      if (v === null || typeof v !== 'object' || v.kind !== 'header') {
        fail(at, { kind: 'header', message: `the first line must be the trace header ({"kind":"header","format":"${TRACE_FORMAT}",...})` });
      }
      const p = schemas.header(v);
      if (p) fail(at, { kind: 'header', pointer: p.pointer, message: `header ${p.pointer || '(root)'} ${p.message}` });
      const h = v as TraceHeader;
      const hp = headerProblem(h, spec);
      if (hp) fail(at, { kind: 'header', pointer: hp.pointer, message: `header does not match the spec: ${hp.message}` });
      if (input.files.length > 1 && h.part === undefined) fail(at, { kind: 'header', message: 'merging several files needs per-node part files (header.part)' });
      if (header === null) {
        header = h;
        constants = h.spec.constants;
        bounds = { batchMax: constants.BatchMax, batchMaxInput: h.cluster.batchMaxInput };
        N = constants.N;
        legacy = needsUpgrade(h.format);
        lastSeq = new Array<number>(N + 1).fill(0);
        lastClock = new Array<number>(N + 1).fill(0);
        if (!opts.schemaOnly) {
          if (h.app !== undefined && opts.noClient !== true) {
            client = new AppReplay(appStateMachine(h.app), constants.ReplicaNodes ?? Array.from({ length: N }, (_, i) => i + 1));
            client.onAppend = opts.onHistory;
          }
          if (opts.fast !== false) {
            fast = new FastOracle({ ...configFromConstants(constants), ...(historyWindow ? { historyWindow } : {}) }, opts.fastSteps);
            fast.forgetDead = opts.forget !== false && windows.length === 0;
            if (opts.forgetAt !== undefined) fast.sweepMin = opts.forgetAt;
            if (opts.historyMargin !== undefined) fast.historyMargin = opts.historyMargin;
            if (opts.historyBaseOf !== undefined) fast.historyBaseOf = opts.historyBaseOf;
            oracles.push(fast);
          }
          // A window from the first event starts at the spec's Init, checked on the header.
          if (windows[0]?.from === 0) { startEmbedded(at, 0, windows[0].to); nextWindow = 1; }
        }
      } else if (JSON.stringify(h.spec) !== JSON.stringify(header.spec) || h.runId !== header.runId || h.format !== header.format) {
        fail(at, { kind: 'header', message: 'part files of one run must have the same format, spec, constants and runId' });
      } else if (h.cluster.batchMaxInput !== header.cluster.batchMaxInput) {
        // One bound for every batch: a batch travels from the replica that made it to every node.
        fail(at, { kind: 'header', pointer: '/cluster/batchMaxInput', message: `part files of one run must state the same cluster.batchMaxInput (${String(header.cluster.batchMaxInput)} and ${String(h.cluster.batchMaxInput)})` });
      }
      if (h.part !== undefined) parts.set(at.file, { node: h.part.node, lifecycle: h.part.lifecycle === true, tail: 'header', line: 1 });
      continue;
    }
    if (v !== null && typeof v === 'object' && v.kind === 'header') fail(at, { kind: 'header', message: 'a second header line in one trace' });
    // A single-file trace has no parts: no lookup per event.
    const part = parts.size === 0 ? undefined : parts.get(at.file);
    if (isCutLine(v)) {
      // Only a part file's last line reads as cut (lines.ts): its node crashed at its last whole event.
      if (part !== undefined) { part.tail = 'cut'; part.line = at.line; }
      continue;
    }
    if (isTraceEnding(v)) {
      const p = schemas.ending(v);
      if (p) fail(at, { kind: 'schema', pointer: p.pointer, message: `${p.pointer || '(root)'} ${p.message}` });
      const e = v as TraceEnding;
      if (part === undefined || !part.lifecycle) fail(at, { kind: 'lifecycle', message: `a ${e.kind} line in a file whose header does not set part.lifecycle` });
      if (e.node !== part!.node || e.node > N) fail(at, { kind: 'lifecycle', message: `a ${e.kind} line for node ${e.node} in the part of node ${part!.node}` });
      if (e.seq !== lastSeq[e.node] || (e.seq > 0 && e.clock !== lastClock[e.node])) {
        fail(at, { kind: 'lifecycle', message: `node ${e.node}'s ${e.kind} line says its last event was seq ${e.seq} (clock ${e.clock}); the part's last event is seq ${lastSeq[e.node]} (clock ${lastClock[e.node]}): events were lost` });
      }
      part!.tail = 'ending';
      part!.line = at.line;
      awaitingRestart.add(e.node);
      continue;
    }
    let value: unknown = v;
    if (legacy) {
      const up = upgradeEvent(v);
      if ('problem' in up) fail(at, { kind: 'schema', pointer: up.problem.pointer, message: `${up.problem.pointer} ${up.problem.message}` });
      else value = up.value;
    }
    const p = schemas.event(value);
    if (p) {
      const action = (value as { action?: unknown }).action;
      fail(at, { kind: 'schema', pointer: p.pointer, message: `${p.pointer || '(root)'} ${p.message}`, ...(typeof action === 'string' ? { action } : {}) });
    }
    let ev = value as TraceEvent;
    internAction(ev);
    // Before anything reads the node's state (a Welcome named by length reads its sender's).
    if (ev.node > N) fail(at, { kind: 'order', pointer: '/node', message: `node ${ev.node} is not in 1..${N}`, action: ev.action });
    // A part holds its own node's events: its lifecycle lines account for that node's incarnations only.
    if (part !== undefined && ev.node !== part.node) fail(at, { kind: 'order', pointer: '/node', message: `an event of node ${ev.node} in the part of node ${part.node}`, action: ev.action });
    const tooLong = batchBoundProblem(ev, bounds);
    if (tooLong) fail(at, { kind: 'schema', pointer: tooLong.pointer, message: tooLong.message, action: ev.action });
    if (oracles.length > 0 || client !== null) {
      const restarted = resolveRestart(ev, historyOf, historyWindow);
      if ('problem' in restarted) fail(at, { kind: 'spec', action: ev.action, oracle: 'fast', message: restarted.problem });
      else ev = restarted;
      const named = welcomes.resolve(ev, historyOf);
      if ('problem' in named) fail(at, { kind: 'spec', action: ev.action, oracle: 'fast', message: named.problem });
      else ev = named;
    }
    const node = ev.node;
    const prevSeq = lastSeq[node]!;
    if (ev.seq !== prevSeq + 1) fail(at, { kind: 'order', pointer: '/seq', action: ev.action, message: `node ${node}: seq ${ev.seq} follows ${prevSeq} (events missing or out of order)` });
    const prevClock = lastClock[node]!;
    if (ev.clock <= prevClock) fail(at, { kind: 'order', pointer: '/clock', action: ev.action, message: `node ${node}: Lamport clock ${ev.clock} does not increase (previous ${prevClock})` });
    lastSeq[node] = ev.seq;
    lastClock[node] = ev.clock;
    if (awaitingRestart.size > 0 && awaitingRestart.delete(node) && ev.action !== 'NodeRestart') {
      fail(at, { kind: 'lifecycle', action: ev.action, message: `node ${node}'s incarnation ended (an end or crash line), but its next event is ${ev.action}, not NodeRestart` });
    }
    if (part !== undefined) { part.tail = 'event'; part.line = at.line; }
    if (embedded && verdict.events >= embeddedUntil) {
      oracles.splice(oracles.indexOf(embedded), 1);
      embedded = null;
      // No embedded replay will start from the fast one's msgs again: it may forget.
      if (nextWindow === windows.length && fast !== null) fast.forgetDead = opts.forget !== false;
    }
    if (opts.schemaOnly !== true && nextWindow < windows.length && windows[nextWindow]!.from === verdict.events) {
      startEmbedded(at, verdict.events, windows[nextWindow]!.to);
      nextWindow++;
    }
    // The acting node before the step (states are replaced, never changed in place).
    const before = fast !== null && verdict.leaderChanges !== undefined ? fast.state.nodes[node] : undefined;
    if (oracles.length === 1) {
      // The usual case (one oracle): no result list.
      const r = oracles[0]!.step(ev);
      if (embedded) verdict.embeddedEvents++;
      if (!r.ok) fail(at, { kind: r.engine ? 'engine' : 'spec', action: ev.action, oracle: oracles[0]!.name, message: r.problem, diff: r.diff });
    } else if (oracles.length > 1) {
      const results = stepEach(oracles, ev);
      if (embedded) verdict.embeddedEvents++;
      // A rejection outranks an engine failure: it is a verdict on the trace, the other is none.
      const bad = results.find(([, r]) => !r.ok && r.engine !== true) ?? results.find(([, r]) => !r.ok);
      if (bad) {
        const [o, r] = bad as [Oracle, Extract<StepVerdict, { ok: false }>];
        if (r.engine) fail(at, { kind: 'engine', action: ev.action, oracle: o.name, message: r.problem });
        const good = results.find(([, x]) => x.ok);
        if (good) {
          fail(at, { kind: 'oracles-disagree', action: ev.action, oracle: o.name,
            message: `the ${good[0].name} oracle accepts this ${ev.action} but the ${o.name} oracle rejects it: ${r.problem}`, diff: r.diff });
        }
        fail(at, { kind: 'spec', action: ev.action, oracle: o.name, message: r.problem, diff: r.diff });
      }
    }
    if (before !== undefined) {
      const kind = leaderChangeKind(ev, before, fast!.state.nodes[node]!);
      // What msgs would hold had nothing been forgotten: an embedded window replays with all of it.
      if (kind !== null) verdict.leaderChanges!.push({ event: verdict.events, kind, messages: fast!.state.msgs.size + fast!.forgotten });
    }
    if (verdict.coverage !== undefined && fast !== null) noteCoverage(verdict.coverage, ev, fast.state.nodes[node]!, constants.BatchMax ?? 1);
    if (client !== null) {
      try {
        client.step(ev);
      } catch (e) {
        if (e instanceof ClientCheckError) fail(at, { kind: e instanceof RealTimeOrderError ? 'linearizability' : 'client', action: ev.action, message: e.message });
        throw e;
      }
    }
    verdict.events++;
    if (opts.onEvents && (verdict.events & 1023) === 0) opts.onEvents(1024);
  }
  if (header === null) throw new TraceInputError(input.files[0] ?? '?', 1, 'empty file: a trace starts with a header line');
  for (const [file, p] of parts) {
    if (p.lifecycle && (p.tail === 'event' || p.tail === 'header')) {
      fail({ file, line: p.line, value: undefined }, { kind: 'lifecycle',
        message: `node ${p.node}'s part ends after its event seq ${lastSeq[p.node] ?? 0} with neither an end line nor a crash (a crash line, or a last line cut mid-write): its tail was lost, or its crash went unrecorded` });
    }
  }
  const replay = fast as FastOracle | null;
  if (replay !== null) verdict.messages = { peak: replay.peakMessages, forgotten: replay.forgotten };
  if (replay !== null && replay.historyWindow) verdict.history = { forgottenBelow: replay.historyForgotten, heldPeak: replay.historyHeldPeak };
  if (client !== null) verdict.client = { executed: client.executed, operations: client.operations, held: client.held };
  if (opts.onEvents) opts.onEvents(verdict.events & 1023);
}

/** Every oracle's verdict on the event (a loop, not a closure over `ev`: see historyOf in replay). */
function stepEach(oracles: readonly Oracle[], ev: TraceEvent): [Oracle, StepVerdict][] {
  const out: [Oracle, StepVerdict][] = [];
  for (const o of oracles) out.push([o, o.step(ev)]);
  return out;
}

export function formatVerdict(v: TraceVerdict): string {
  if (v.ok) {
    const client = v.client === undefined ? '' : `, ${v.client.operations} client operations linearizable, in the replicas' order`;
    return `PASS ${v.name} (${v.events} events${v.embeddedEvents > 0 ? `, ${v.embeddedEvents} also through the embedded spec` : ''}${client})`;
  }
  const f = v.failure!;
  const lines = [`FAIL ${v.name}`, `  ${f.file}:${f.line}: ${f.kind}${f.action ? ` (action ${f.action}${f.oracle ? `, ${f.oracle} oracle` : ''})` : ''}: ${f.message}`];
  if (f.diff && f.diff.length > 0) lines.push('  difference (spec vs trace):', ...f.diff.map((d) => '  ' + d));
  return lines.join('\n');
}
