/**
 * The pieces of incremental trace emission: the journaled maps roles keep their spec sets in,
 * and the event `state` a node builds only when a sink reads it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../src/node/api.js';
import { JournaledMap } from '../../src/node/journaledMap.js';
import { Node } from '../../src/node/node.js';
import { nodeDeltaOf } from '../../src/trace/format/nodeDelta.js';
import { NdjsonTraceFile } from '../../src/trace/format/ndjsonWriter.js';
import { TRACE_FORMAT, type FullTraceEvent as FileEvent } from '../../src/trace/format/types.js';
import type { Promise as PromiseMessage } from '../../src/protocol/messages.js';
import { Scout, SCOUT_RETRANSMIT_TIMER } from '../../src/roles/scout.js';
import { counter } from '../roles/fake-host.js';

const dir = mkdtempSync(join(tmpdir(), 'incremental-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drained = <K, V>(m: JournaledMap<K, V>): [K, V | undefined, V | undefined][] => {
  const out: [K, V | undefined, V | undefined][] = [];
  m.drain((k, before, after) => out.push([k, before, after]));
  return out;
};

describe('JournaledMap', () => {
  it('reports each changed key once, with its value at the previous drain and now', () => {
    const m = new JournaledMap<number, string>();
    m.set(1, 'a');
    m.startJournal(); // {1: a} is the baseline
    m.set(1, 'b');
    m.set(1, 'c');
    m.set(2, 'x');
    m.delete(2);
    m.set(3, 'y');
    expect(drained(m)).toEqual([[1, 'a', 'c'], [2, undefined, undefined], [3, undefined, 'y']]);
    expect(drained(m)).toEqual([]);
    m.clear();
    expect(drained(m)).toEqual([[1, 'c', undefined], [3, 'y', undefined]]);
  });

  it('journals nothing until startJournal (tracing off)', () => {
    const m = new JournaledMap<number, string>();
    m.set(1, 'a');
    m.delete(1);
    expect(drained(m)).toEqual([]);
  });
});

const welcome = (slot: number, executed: string[]) => ({
  from: 2, to: 1, clock: 1,
  message: {
    type: 'Welcome', node: 1, slot, executed: executed.map((input, i) => ({ caller: 3, clientId: 100 + i, input })),
    decisions: [], state: { app: 0, outputs: executed.map(() => 0) },
  },
});
const decision = (slot: number, clientId: number, input: string) => ({
  from: 2, to: 1, clock: 1, message: { type: 'Decision', slot, prop: { caller: 2, clientId, input } },
});

/** One node fed `inputs`, its events written compact: from its deltas, or by diffing whole states. */
function compactTrace(inputs: unknown[], fullDiff: boolean): string {
  const path = join(dir, `node-${fullDiff}.ndjson`);
  const header = { kind: 'header' as const, format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: { N: 3, Window: 3 } }, cluster: { nodes: [1, 2, 3] } };
  const file = new NdjsonTraceFile(path, header, { compact: true, fullDiff });
  const node = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => file.emit(e as unknown as FileEvent) }, { stateMachine: counter });
  node.start();
  for (const input of inputs) node.receive(input);
  file.close();
  return readFileSync(path, 'utf8');
}

describe('a node\'s events', () => {
  it('rExecuted: a Welcome whose history does not extend the replica\'s resets it, as a diff of whole states does', () => {
    // Slot 1 executed (rExecuted [p1]), then a Welcome to slot 3 with another history; then one appended.
    const inputs = [decision(1, 1, '1'), welcome(3, ['7', '8']), decision(3, 2, '2')];
    const text = compactTrace(inputs, false);
    expect(text).toBe(compactTrace(inputs, true));
    const deltas = text.trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { delta: { rExecuted?: unknown } }).delta.rExecuted);
    expect(deltas.filter((d) => d !== undefined).map((d) => Object.keys(d as object)[0])).toEqual(['append', 'reset', 'append']);
  });

  it('keep their state for a sink that keeps them, and refuse it once a compact writer took the delta', () => {
    const kept: TraceEvent[] = [];
    const seen: string[] = [];
    const node = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => { kept.push(e); seen.push(JSON.stringify(e.state)); } }, { stateMachine: counter });
    node.start();
    node.invoke(1, '5');
    expect(kept.length).toBeGreaterThan(3);
    // Built when the sink read it: the state of that step, not of a later one.
    expect(kept.map((e) => JSON.stringify(e.state))).toEqual(seen);

    const taken: TraceEvent[] = [];
    const other = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => { const d = nodeDeltaOf(e as unknown as FileEvent); if (d?.delta !== undefined) d.taken = true; taken.push(e); } }, { stateMachine: counter });
    other.start();
    other.invoke(1, '5');
    expect(() => taken.at(-1)!.state).toThrow(/took its delta/);
  });

  it('of a sink that reads nothing still hold the state of their step', () => {
    const kept: TraceEvent[] = [];
    const node = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => kept.push(e) }, { stateMachine: counter });
    const reference: string[] = [];
    const twin = new Node(1, [1, 2, 3], { durable: undefined, trace: (e) => reference.push(JSON.stringify(e)) }, { stateMachine: counter });
    for (const n of [node, twin]) { n.start(); n.invoke(1, '5'); n.receive(decision(2, 9, '3')); }
    expect(kept.map((e) => JSON.stringify(e))).toEqual(reference);
  });
});

/**
 * A scout (a role the node routes messages to) that changes its state after the event its
 * handler emitted: a mutant may, and its trace must still show what it did. The node looks at
 * such a role again after its handler returns (Node.dispatch), so the change is in the delta
 * of the node's next event, where a diff of whole states puts it too.
 */
class LateMarkScout extends Scout {
  override receivePromise(m: PromiseMessage): void {
    super.receivePromise(m);
    if (this.acks.size === 2) this.mark = 4;
  }
}

function fiveNodeTrace(fullDiff: boolean): string {
  const path = join(dir, `late-scout-${fullDiff}.ndjson`);
  const header = { kind: 'header' as const, format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: { N: 5, Window: 3 } }, cluster: { nodes: [1, 2, 3, 4, 5] } };
  const file = new NdjsonTraceFile(path, header, { compact: true, fullDiff });
  const node = new Node(1, [1, 2, 3, 4, 5], { durable: undefined, trace: (e) => file.emit(e as unknown as FileEvent) }, { stateMachine: counter, roles: { Scout: LateMarkScout } });
  node.start();
  node.invoke(1, '5'); // spawns the scout; its own acceptor's promise is its first ack
  const ballot = { num: 0, leader: 1 };
  node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Promise', acceptor: 2, ballot, promised: ballot, accepted: [] } }); // two of five: no quorum
  node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Decision', slot: 1, prop: { caller: 2, clientId: 1, input: '1' } } }); // the next event
  file.close();
  return readFileSync(path, 'utf8');
}

describe('a routed role that changes after its own event', () => {
  it('shows the change at the node\'s next event, as a diff of whole states does', () => {
    const text = fiveNodeTrace(false);
    expect(text).toBe(fiveNodeTrace(true));
    expect(text).toContain('"mark":4');
  });
});

/**
 * A scout whose retransmit timer changes its state and records an action in that handler (a
 * mutant may). The node must look at a routed role before handing it a timer, as it does
 * before a message: the action's own event must show the change, as a diff of whole states
 * does, not the event after it.
 */
class TimerMarkScout extends Scout {
  override onTimer(name: string, key: string | undefined): void {
    super.onTimer(name, key);
    this.mark = 3;
    this.host.action('Scout', 'ScoutReceivePromise');
  }
}

function timerScoutTrace(fullDiff: boolean): string {
  const path = join(dir, `timer-scout-${fullDiff}.ndjson`);
  const header = { kind: 'header' as const, format: TRACE_FORMAT, spec: { module: 'MultiPaxos', constants: { N: 5, Window: 3 } }, cluster: { nodes: [1, 2, 3, 4, 5] } };
  const file = new NdjsonTraceFile(path, header, { compact: true, fullDiff });
  const node = new Node(1, [1, 2, 3, 4, 5], { durable: undefined, trace: (e) => file.emit(e as unknown as FileEvent) }, { stateMachine: counter, roles: { Scout: TimerMarkScout } });
  node.start();
  node.invoke(1, '5'); // spawns the scout at <<0, 1>>: one ack of five, no quorum
  // Another role's event: the scout's changes so far are written, and it is untouched since.
  node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Decision', slot: 1, prop: { caller: 2, clientId: 1, input: '1' } } });
  node.fireTimer(SCOUT_RETRANSMIT_TIMER, '0.1');
  file.close();
  return readFileSync(path, 'utf8');
}

describe('a routed role that changes in its own timer handler', () => {
  it('shows the change at that handler\'s event, as a diff of whole states does', () => {
    const text = timerScoutTrace(false);
    expect(text).toBe(timerScoutTrace(true));
    const last = JSON.parse(text.trim().split('\n').at(-1)!) as { params: { timer?: string }; delta: { scout?: { mark: number } } };
    expect(last.params.timer).toBe(SCOUT_RETRANSMIT_TIMER);
    expect(last.delta.scout?.mark).toBe(3);
  });
});
