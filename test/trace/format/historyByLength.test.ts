/**
 * A whole state that names its history by length (Node.traceState, for a replica that keeps
 * none): the trace writer turns it into a delta, and writes it whole only as a NodeRestart
 * that starts a part a process appends to (its writer knows no earlier state).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeltaEncoder, initialNodeJson } from '../../../src/trace/format/deltaEncoder.js';
import { NdjsonTraceFile } from '../../../src/trace/format/ndjsonWriter.js';
import type { FullTraceEvent, NodeStateJson, Proposal, TraceHeader } from '../../../src/trace/format/types.js';
import { historyByLength } from '../../../src/node/stateChanges.js';
import type { TraceEvent as NodeTraceEvent } from '../../../src/node/api.js';
import { runScenario } from '../../../src/sim/scenario.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { headerFor } from '../../../src/trace/runs/simTrace.js';

const req = (clientId: number): Proposal => ({ caller: 1, clientId, input: `r${clientId}` });
const event = (seq: number, state: NodeStateJson): FullTraceEvent =>
  ({ node: 1, seq, clock: seq, role: 'Node', action: 'NodeRestart', params: {}, sent: [], state }) as FullTraceEvent;
const withHistory = (rExecuted: Proposal[], snap: Proposal[], slot = 1): NodeStateJson =>
  ({ ...initialNodeJson(1), rSlotIn: slot, rSlotOut: slot, rExecuted, rSnap: { slot, executed: snap } });

describe('a history by length in a whole state', () => {
  it('becomes truncate when it keeps a prefix, nothing when it keeps all, and rSnap its length', () => {
    const encoder = new DeltaEncoder(1);
    encoder.encode(event(1, withHistory([req(1), req(2), req(3)], [])));
    const cut = encoder.encode(event(2, withHistory(historyByLength(2), historyByLength(2), 3)));
    expect(cut.delta).toMatchObject({ rExecuted: { truncate: 2 }, rSnap: { slot: 3, executedLength: 2 } });
    const same = encoder.encode(event(3, withHistory(historyByLength(2), historyByLength(2), 3)));
    expect(same.delta?.rExecuted).toBeUndefined();
  });

  it('is refused when it names more than the node had, or would be written whole', () => {
    const encoder = new DeltaEncoder(1);
    encoder.encode(event(1, withHistory([req(1)], [])));
    expect(() => encoder.encode(event(2, withHistory(historyByLength(2), historyByLength(0))))).toThrow(/first 2 requests; it had 1/);
    const file = new NdjsonTraceFile(join(mkdtempSync(join(tmpdir(), 'by-length-')), 't.ndjson'),
      { kind: 'header', format: 'paxos-trace/3', spec: { module: 'MultiPaxos', constants: { N: 1, Window: 1 } }, cluster: { nodes: [1] } } as TraceHeader);
    expect(() => file.emit(event(1, withHistory(historyByLength(0), historyByLength(0))))).toThrow(/its sink must take deltas/);
    file.close();
  });

  it('is written whole as the first event a process appends to a part, in a NodeRestart only', () => {
    const header = { kind: 'header', format: 'paxos-trace/3', spec: { module: 'MultiPaxos', constants: { N: 1, Window: 1 } }, cluster: { nodes: [1] } } as TraceHeader;
    const path = join(mkdtempSync(join(tmpdir(), 'by-length-')), 't.ndjson');
    new NdjsonTraceFile(path, header, { compact: true }).close();
    const restarted = new NdjsonTraceFile(path, header, { compact: true, append: true });
    restarted.emit(event(1, withHistory(historyByLength(2), historyByLength(2), 3)));
    // The next event is a delta from it.
    restarted.emit(event(2, withHistory([req(1), req(2), req(3)], historyByLength(2), 3)));
    restarted.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FullTraceEvent & { delta?: unknown });
    expect(lines[1]!.state).toMatchObject({ rExecuted: { historyLength: 2 }, rSnap: { slot: 3, executed: { historyLength: 2 } } });
    expect(lines[2]!.delta).toBeDefined();
    const other = new NdjsonTraceFile(path, header, { compact: true, append: true });
    expect(() => other.emit({ ...event(3, withHistory(historyByLength(2), historyByLength(2), 3)), action: 'ReplicaExecute' } as FullTraceEvent)).toThrow(/only a NodeRestart may/);
    other.close();
  });
});

describe('the state of an event whose replica keeps no history', () => {
  it('cannot be read by a sink that takes deltas: an error that says why, never rExecuted as []', () => {
    const s = faultScenario(5001);
    const file = new NdjsonTraceFile(join(mkdtempSync(join(tmpdir(), 'by-length-')), 't.ndjson'), headerFor(s, 3, 'test', true, 3), { compact: true });
    const errors: string[] = [];
    const emptied: number[] = [];
    // A sink that also looks at each state (as a debugging sink might) before writing the event.
    const sink = Object.assign((ev: NodeTraceEvent): void => {
      try {
        const state = ev.state;
        if (state.rSlotOut > 1 && state.rExecuted.length === 0) emptied.push(ev.seq);
      } catch (e) {
        errors.push((e as Error).message);
      }
      file.emit(ev as unknown as FullTraceEvent);
    }, { takesDeltas: true });
    try {
      runScenario(s, { eventLog: false, checkpointEvery: 3, trace: () => sink });
    } finally {
      file.close();
    }
    expect(emptied).toEqual([]);
    expect(errors.length).toBeGreaterThan(100);
    for (const m of new Set(errors.map((e) => e.replace(/^trace event \d+/, 'trace event N')))) {
      expect(m).toBe('trace event N: its state was not built (its node\'s replica keeps no history, which the sink takes by length with each delta (docs/trace-format.md, "Histories by length"): read the delta)');
    }
  });
});
