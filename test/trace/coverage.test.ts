/**
 * The coverage counts of src/trace/replay/coverage.ts, which scripts/validate-sim-traces.ts
 * requires: each counts its path where a run takes it, and only there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrace, formatVerdict } from '../../src/trace/replay/check.js';
import { type TraceCoverage, addCoverage, noCoverage, noteCoverage } from '../../src/trace/replay/coverage.js';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { initialState, configFromConstants } from '../../src/trace/spec/specState.js';

const dir = mkdtempSync(join(tmpdir(), 'coverage-test-'));

/** A batched run of 12 clients on 3 nodes (4 a node) with batches of up to `batchMax`: its coverage, and its largest batch. */
async function batchedRun(batchMax: number, over: Partial<Scenario> = {}): Promise<{ full: number; cut: number; largest: number }> {
  const f = faultScenario(2);
  expect(f.nodes).toBe(3);
  const s = { ...f, batchMax, workload: { ...f.workload, clients: 12 }, ...over };
  const path = join(dir, `batch-${batchMax}-${JSON.stringify(over).replace(/\W/g, '')}.ndjson`);
  traceScenario(s, path, { eventLog: false }, 'test/trace/coverage.test.ts', true);
  const v = await checkTrace({ name: path, files: [path] }, { coverage: true });
  expect(v.ok, formatVerdict(v)).toBe(true);
  let largest = 0;
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line.includes('"action":"ReplicaPropose"')) continue;
    const p = (JSON.parse(line) as TraceEvent).params.proposal as { batch?: unknown[] } | undefined;
    largest = Math.max(largest, p?.batch?.length ?? 1);
  }
  return { full: v.coverage!.fullBatchesWithMoreWaiting, cut: v.coverage!.batchesCutByInput, largest };
}

describe('trace coverage', () => {
  it('counts a full batch only when more requests waited: bound 2 with 4 clients a node, not bound 4', async () => {
    const two = await batchedRun(2);
    expect(two.largest).toBe(2);
    expect(two.full).toBeGreaterThan(0);
    // Batches of 4 are proposed, but a node's 4 clients never leave a fifth request waiting.
    const four = await batchedRun(4);
    expect(four.largest).toBe(4);
    expect(four.full).toBe(0);
    expect(four.cut).toBe(0);
  }, 120_000);

  it('counts a batch the input bound cut only under a bound a batch reaches: 120 units, not the default', async () => {
    // Deferred to the next Decision, a replica's requests wait together; inputs are 30 to 80 units.
    const small = await batchedRun(4, { deferProposals: 'decision', batchMaxInput: 120 });
    expect(small.cut).toBeGreaterThan(0);
    const wide = await batchedRun(4, { deferProposals: 'decision' });
    expect(wide.largest).toBeGreaterThan(2);
    expect(wide.cut).toBe(0);
  }, 120_000);

  it('counts a Welcome installed from parts under a small maxWelcomeBytes, none with the default', async () => {
    // Seed 5004 restarts a node and welcomes it (see checkpointSimTraces.test.ts).
    const welcomes = async (over: Partial<Scenario>): Promise<number> => {
      const s = { ...faultScenario(5004), checkpointEvery: 3, ...over };
      const path = join(dir, `welcome-${JSON.stringify(over).replace(/\W/g, '')}.ndjson`);
      traceScenario(s, path, { eventLog: false }, 'test/trace/coverage.test.ts', true);
      const v = await checkTrace({ name: path, files: [path] }, { coverage: true });
      expect(v.ok, formatVerdict(v)).toBe(true);
      return v.coverage!.welcomesFromParts;
    };
    expect(await welcomes({ maxWelcomeBytes: 1_000 })).toBeGreaterThan(0);
    expect(await welcomes({})).toBe(0);
  }, 120_000);

  it('adds each count of a run to the same count of the total, and to no other', () => {
    // validate-sim-traces sums the runs' counts with addCoverage and fails on a zero: a count
    // summed into another field would claim a path that no run took.
    const total = noCoverage();
    const keys = Object.keys(total) as (keyof TraceCoverage)[];
    const run = (scale: number): TraceCoverage => {
      const c = noCoverage();
      keys.forEach((k, i) => { c[k] = scale * (i + 1); });
      return c;
    };
    addCoverage(total, run(1));
    addCoverage(total, run(10));
    expect(total).toEqual(run(11));
    // A run with only one path taken leaves every other total at zero.
    for (const k of keys) {
      const sum = noCoverage();
      addCoverage(sum, { ...noCoverage(), [k]: 3 });
      expect(sum).toEqual({ ...noCoverage(), [k]: 3 });
    }
  });

  it('counts a ReplicaReceiveInvoke that answers from the table, not one that queues the request', () => {
    const node = initialState(configFromConstants({ N: 3, Window: 5 })).nodes[1]!;
    const prop = { caller: 1, clientId: 7, input: 'x' };
    const receive = (sent: TraceEvent['sent']): TraceEvent => ({ node: 1, seq: 2, clock: 2, role: 'Replica', action: 'ReplicaReceiveInvoke',
      params: { message: { type: 'Invoke', replica: 1, prop } }, sent, delta: {} } as unknown as TraceEvent);
    const c = noCoverage();
    noteCoverage(c, receive([]), node, 1);
    expect(c.retryAnswers).toBe(0);
    noteCoverage(c, receive([{ type: 'Invoked', replica: 1, prop, index: 3 }] as TraceEvent['sent']), node, 1);
    expect(c.retryAnswers).toBe(1);
  });

  it('counts a Promise part a scout received, not a Promise sent whole', () => {
    const node = initialState(configFromConstants({ N: 3, Window: 5 })).nodes[1]!;
    const b = { num: 1, leader: 1 };
    const promise = (parts: object): TraceEvent => ({ node: 1, seq: 2, clock: 2, role: 'Scout', action: 'ScoutReceivePromise',
      params: { message: { type: 'Promise', acceptor: 2, ballot: b, promised: b, accepted: [], ...parts } }, sent: [], delta: {} } as unknown as TraceEvent);
    const c = noCoverage();
    noteCoverage(c, promise({}), node, 1);
    expect(c.promisePartsReceived).toBe(0);
    noteCoverage(c, promise({ part: 1, parts: 2 }), node, 1);
    noteCoverage(c, promise({ part: 2, parts: 2 }), node, 1);
    expect(c.promisePartsReceived).toBe(2);
  });

  it('counts a refusal a commander or scout received (promised above the ballot), not a yes', () => {
    const node = initialState(configFromConstants({ N: 3, Window: 5 })).nodes[1]!;
    const b = { num: 1, leader: 1 };
    const higher = { num: 2, leader: 2 };
    const sameNumber = { num: 1, leader: 2 };
    const accepted = (promised: object): TraceEvent => ({ node: 1, seq: 2, clock: 2, role: 'Commander', action: 'CommanderReceiveAccepted',
      params: { message: { type: 'Accepted', acceptor: 2, ballot: b, slot: 1, promised } }, sent: [], delta: {} } as unknown as TraceEvent);
    const promise = (promised: object): TraceEvent => ({ node: 1, seq: 2, clock: 2, role: 'Scout', action: 'ScoutReceivePromise',
      params: { message: { type: 'Promise', acceptor: 2, ballot: b, promised, accepted: [] } }, sent: [], delta: {} } as unknown as TraceEvent);
    const c = noCoverage();
    noteCoverage(c, accepted(b), node, 1);
    noteCoverage(c, promise(b), node, 1);
    expect([c.acceptRefusals, c.promiseRefusals]).toEqual([0, 0]);
    noteCoverage(c, accepted(higher), node, 1);
    // A ballot with the same number from another leader is another ballot: a refusal too.
    noteCoverage(c, accepted(sameNumber), node, 1);
    noteCoverage(c, promise(higher), node, 1);
    expect([c.acceptRefusals, c.promiseRefusals]).toEqual([2, 1]);
  });

  it('counts an adoption with two values for one slot, and apart those at one ballot number', () => {
    const node = initialState(configFromConstants({ N: 3, Window: 5 })).nodes[1]!;
    const pv = (num: number, leader: number, slot: number, input: string) => ({ ballot: { num, leader }, slot, prop: { caller: 1, clientId: slot, input } });
    const adopted = (pvalues: unknown[]): TraceEvent => ({ node: 1, seq: 2, clock: 2, role: 'Leader', action: 'LeaderReceiveAdopted',
      params: { message: { type: 'Adopted', ballot: { num: 5, leader: 1 }, pvalues } }, sent: [], delta: {} } as unknown as TraceEvent);
    const c = noCoverage();
    // One value per slot; two ballots of one value: nothing to choose between.
    noteCoverage(c, adopted([pv(1, 2, 1, 'a'), pv(2, 3, 2, 'b')]), node, 1);
    noteCoverage(c, adopted([pv(1, 2, 1, 'a'), pv(1, 3, 1, 'a')]), node, 1);
    expect([c.rivalAdoptions, c.rivalTies]).toEqual([0, 0]);
    // Two values at ballot numbers 1 and 2: a rival, decided by the number.
    noteCoverage(c, adopted([pv(1, 2, 1, 'a'), pv(2, 3, 1, 'b')]), node, 1);
    expect([c.rivalAdoptions, c.rivalTies]).toEqual([1, 0]);
    // Two values at number 2 (leaders 2 and 3) above a third at 1: a tie that the leader id breaks.
    noteCoverage(c, adopted([pv(1, 4, 1, 'c'), pv(2, 3, 1, 'a'), pv(2, 2, 1, 'b')]), node, 1);
    // Two values at number 1 under a single value at 2: the number decides, no tie.
    noteCoverage(c, adopted([pv(1, 2, 1, 'a'), pv(1, 3, 1, 'b'), pv(2, 2, 1, 'a')]), node, 1);
    expect([c.rivalAdoptions, c.rivalTies]).toEqual([3, 1]);
  });
});
