/**
 * Long traces for the viewer's tests, valid by construction and fast to make: a scripted run
 * of the spec's TypeScript encoding (src/trace/spec/fastSpec.ts) with a FIFO network. Node 1
 * becomes leader; clients keep invoking requests round robin; every message is delivered to
 * the nodes that take it. A quarter of the way in node 3 crashes and restarts (Join,
 * Welcome); half-way node 1 crashes and node 2 takes over (a new scout, preempting node 1's
 * old ballot). Events are written compact (state deltas), computed from what each step
 * changed, so a step costs what it changes whatever the run's length. The simulator of the
 * real implementation traces about 100 events per second; this writes 100,000 in seconds.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ballotKey, messageKey } from '../../src/trace/format/keys.js';
import { sortedSet } from '../../src/trace/format/canonical.js';
import { TRACE_FORMAT, type Proposal, type SpecMessage, type StateDelta, type TraceHeader } from '../../src/trace/format/types.js';
import { MESSAGE_ACTIONS, type ActionName, type Param, type Step, stepsFor } from '../../src/trace/spec/fastSpec.js';
import { PMap } from '../../src/trace/spec/pmap.js';
import { addInvoked } from '../../src/trace/spec/requestIds.js';
import { ROLE_OF } from '../../src/trace/spec/specWalk.js';
import { type NodeSpec, type SpecConfig, type SpecState, type VSet, initialState, scoutKey } from '../../src/trace/spec/specState.js';

const RECEIVER: Record<string, ActionName> = Object.fromEntries(
  Object.entries(MESSAGE_ACTIONS).map(([action, type]) => [type, action as ActionName]),
);

interface Delivery { to: number; from: number; message: SpecMessage; clock: number }

const scoutJson = (x: NodeSpec): unknown => (x.scout === null ? null
  : { ballot: x.scout.ballot, acks: [...x.scout.acks].sort((a, b) => a - b), pvalues: [...x.scout.pvalues.values()], mark: x.scout.mark });
const commanderJson = (c: { ballot: unknown; slot: number; prop: Proposal; acks: ReadonlySet<number> }): unknown =>
  ({ ...c, acks: [...c.acks].sort((a, b) => a - b) });

/** What changed in one set field: keys from the persistent map's history when it has one. */
function setChange<T>(before: VSet<T>, after: VSet<T>, json: (x: T) => unknown): { add?: unknown[]; remove?: unknown[] } | null {
  if (before === after) return null;
  const keys = before instanceof PMap && after instanceof PMap ? (after as PMap<T>).changedKeys(before as PMap<T>) : null;
  const add: unknown[] = []; const remove: unknown[] = [];
  if (keys === null) {
    // Versions far apart (a step that changed many elements): compare plain copies, since
    // alternating lookups in two distant versions of one persistent map re-root it each time.
    const a = new Map(before.entries()); const b = new Map(after.entries());
    for (const [k, v] of b) if (!a.has(k)) add.push(json(v));
    for (const [k, v] of a) if (!b.has(k)) remove.push(json(v));
  } else {
    for (const k of keys) {
      const had = before.has(k); const has = after.has(k);
      if (has && !had) add.push(json(after.get(k)!));
      if (had && !has) remove.push(json(before.get(k)!));
    }
  }
  if (add.length === 0 && remove.length === 0) return null;
  return { ...(add.length > 0 ? { add } : {}), ...(remove.length > 0 ? { remove } : {}) };
}

function nodeDelta(x: NodeSpec, y: NodeSpec, invokedAdd: Proposal | undefined, invokedRemove: Proposal[]): StateDelta {
  const d: Record<string, unknown> = {};
  if (ballotKey(x.aBallot) !== ballotKey(y.aBallot)) d.aBallot = y.aBallot;
  if (ballotKey(x.lBallot) !== ballotKey(y.lBallot)) d.lBallot = y.lBallot;
  if (x.lActive !== y.lActive) d.lActive = y.lActive;
  // An adoption raises the mark to the slots its replica executed (no checkpoints here).
  if (x.lMark !== y.lMark) d.lMark = y.lMark;
  if (x.rSlotIn !== y.rSlotIn) d.rSlotIn = y.rSlotIn;
  if (x.rSlotOut !== y.rSlotOut) d.rSlotOut = y.rSlotOut;
  if (x.scout !== y.scout && scoutKey(x.scout) !== scoutKey(y.scout)) d.scout = scoutJson(y);
  const sets: Array<[string, VSet<unknown>, VSet<unknown>, (v: never) => unknown]> = [
    ['aAccepted', x.aAccepted, y.aAccepted, (v) => v], ['lProposals', x.lProposals, y.lProposals, (v) => v],
    ['commanders', x.commanders, y.commanders, commanderJson], ['rRequests', x.rRequests, y.rRequests, (v) => v],
    ['rProposals', x.rProposals, y.rProposals, (v) => v], ['rDecisions', x.rDecisions, y.rDecisions, (v) => v],
  ];
  for (const [f, a, b, json] of sets) {
    const c = setChange(a, b, json as (v: unknown) => unknown);
    if (c !== null) d[f] = c;
  }
  if (x.rExecuted !== y.rExecuted) {
    // Versions of one backing share their prefix without a walk (an execute appends to it).
    const xs = x.rExecuted; const ys = y.rExecuted;
    const shared = ys.sharedPrefix(xs);
    let prefix = ys.length >= xs.length;
    for (let i = shared; prefix && i < xs.length; i++) prefix = ys.get(i) === xs.get(i);
    if (!prefix) d.rExecuted = { reset: ys.toArray() };
    else if (ys.length > xs.length) d.rExecuted = { append: ys.slice(xs.length, ys.length) };
  }
  if (invokedAdd !== undefined || invokedRemove.length > 0) {
    d.invoked = { ...(invokedAdd !== undefined ? { add: [invokedAdd] } : {}), ...(invokedRemove.length > 0 ? { remove: invokedRemove } : {}) };
  }
  return d as StateDelta;
}

export interface SteadyRunOptions { events: number; nodes?: number; window?: number }

/** Writes a steady run of at least `events` events to `path` (compact NDJSON); returns how many. */
export function writeSteadyRun(path: string, opts: SteadyRunOptions): number {
  const N = opts.nodes ?? 3;
  const cfg: SpecConfig = { N, Window: opts.window ?? 3, bounds: {} };
  const s0 = initialState(cfg);
  // Mutated in place: old states are never looked at again, and copying msgs per step is quadratic.
  const s = { msgs: new Map(s0.msgs), invoked: new Map(s0.invoked), restarts: 0, nodes: [...s0.nodes] } as SpecState & {
    msgs: Map<string, SpecMessage>; invoked: Map<string, Proposal>; nodes: NodeSpec[];
  };
  const clock = new Array<number>(N + 1).fill(0);
  const seq = new Array<number>(N + 1).fill(0);
  const incarnationInvoked = Array.from({ length: N + 1 }, () => [] as Proposal[]);
  const queue: Delivery[] = [];
  let head = 0;
  let written = 0;
  let requests = 0;
  // Each caller numbers its requests 1, 2, 3, ..., as a client does (its ids stay one range).
  const clientIds = new Array<number>(N + 1).fill(0);
  const fd = openSync(path, 'w');
  let buffer: string[] = [];
  const flush = (): void => { if (buffer.length > 0) { writeSync(fd, buffer.join('')); buffer = []; } };
  const header: TraceHeader = {
    kind: 'header', format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: { N, Window: cfg.Window } },
    cluster: { nodes: Array.from({ length: N }, (_, i) => i + 1) }, runId: 'steady-run', generator: 'test/viewer/steadyRun.ts',
  };
  buffer.push(JSON.stringify(header) + '\n');

  const take = (step: Step, from: number | undefined, recvClock: number): void => {
    const n = step.n;
    const x = s.nodes[n]!;
    let invokedRemove: Proposal[] = [];
    if (step.restart) { invokedRemove = incarnationInvoked[n]!; incarnationInvoked[n] = []; }
    // addInvoked keeps the ids RequesterInvoke's guard reads up to date (a plain set recomputes them: O(run) per request).
    if (step.invoke) { addInvoked(s.invoked, step.invoke); incarnationInvoked[n]!.push(step.invoke); }
    if (step.restart) s.restarts++;
    s.nodes[n] = step.node;
    clock[n] = Math.max(clock[n]!, recvClock) + 1;
    seq[n] = seq[n]! + 1;
    for (const m of step.sent) {
      s.msgs.set(messageKey(m), m);
      const action = RECEIVER[m.type];
      if (action === undefined) continue;
      for (let to = 1; to <= N; to++) queue.push({ to, from: n, message: m, clock: clock[n]! });
    }
    const params: Record<string, unknown> = {};
    if (step.param && 'message' in step.param) { params.from = from; params.message = step.param.message; }
    if (step.param && 'proposal' in step.param) params.proposal = step.param.proposal;
    const event = {
      node: n, seq: seq[n], clock: clock[n], role: ROLE_OF[step.action], action: step.action, params,
      sent: sortedSet(step.sent), delta: nodeDelta(x, step.node, step.invoke, invokedRemove),
    };
    buffer.push(JSON.stringify(event) + '\n');
    written++;
    if (buffer.length >= 4096) flush();
  };
  const tryStep = (action: ActionName, n: number, param: Param, from?: number, recvClock = 0): boolean => {
    const steps = stepsFor(cfg, s, action, n, param);
    if (steps.length === 0) return false;
    take(steps[0]!, from, recvClock);
    return true;
  };
  /** The steps a node takes on its own after an input: propose what waits, execute what is decided. */
  const settle = (n: number): void => {
    for (let k = 0; k < 8; k++) {
      const x = s.nodes[n]!;
      const req = x.rRequests.values().next();
      if (!req.done && tryStep('ReplicaPropose', n, { proposal: req.value })) continue;
      if (tryStep('ReplicaExecute', n, {})) continue;
      if (tryStep('ReplicaSkipSlot', n, {})) continue;
      break;
    }
  };

  tryStep('LeaderSpawnScout', 1, {});
  let crashedFollower = false; let leaderChanged = false;
  while (written < opts.events) {
    if (!crashedFollower && written >= opts.events / 4) {
      crashedFollower = true;
      tryStep('NodeRestart', N, {});
    }
    if (!leaderChanged && written >= opts.events / 2) {
      leaderChanged = true;
      tryStep('NodeRestart', 1, {});
      tryStep('LeaderSpawnScout', 2, {});
    }
    // A client request whenever the network is nearly idle, so several are in flight at once.
    if (queue.length - head < 3 * N) {
      requests++;
      const caller = 1 + (requests % N);
      const clientId = ++clientIds[caller]!;
      tryStep('RequesterInvoke', caller, { proposal: { caller, clientId, input: `op-${requests}` } });
    }
    const d = queue[head++];
    if (d === undefined) break;
    if (head > 65_536) { queue.splice(0, head); head = 0; }
    if (tryStep(RECEIVER[d.message.type]!, d.to, { message: d.message }, d.from, d.clock)) settle(d.to);
  }
  flush();
  closeSync(fd);
  return written;
}

