/**
 * The page's model in Node (no browser): each node's state after an event, expanded from
 * compact deltas with checkpoints, against the trace decoder, for every event and whichever
 * event is opened first.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical } from '../../src/trace/format/canonical.js';
import { DeltaDecoder } from '../../src/trace/format/deltaEncoder.js';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { readTrace } from '../../src/viewer/readTrace.js';
import { type PageModel, openModel } from './pageModel.js';
import { writeSteadyRun } from './steadyRun.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

type Obj = Record<string, unknown>;

let model: PageModel;
let events: number;
/** Per event: the node's state after it and before it, as the checker's decoder gives them. */
let after: Obj[];
let before: Obj[];

beforeAll(async () => {
  const trace = join(mkdtempSync(join(tmpdir(), 'viewer-model-')), 'steady.ndjson');
  // Enough events for two checkpoints (every 256 events of a lane) on each of the three lanes.
  events = writeSteadyRun(trace, { events: 1800 });
  const decoder = new DeltaDecoder(3);
  const run = readTrace(trace, [trace]);
  const last = new Map<number, Obj>(Object.entries(run.initialStates).map(([n, s]) => [Number(n), s as Obj]));
  after = []; before = [];
  for (const l of readFileSync(trace, 'utf8').trimEnd().split('\n').slice(1)) {
    const e = decoder.decode(JSON.parse(l) as TraceEvent);
    before.push(last.get(e.node)!);
    after.push(e.state as unknown as Obj);
    last.set(e.node, e.state as unknown as Obj);
  }
  ({ model } = await openModel(run));
});

/** The fields whose values differ, compared as spec values (sets in any order). */
const changedFields = (a: Obj, b: Obj): string[] => Object.keys(b).filter((k) => canonical(a[k], k === 'rExecuted') !== canonical(b[k], k === 'rExecuted')).sort();

function expectShown(i: number): void {
  const shown = model.stateAfter(i);
  expect(shown.problems, `event #${i + 1}`).toEqual([]);
  expect(canonical(shown.state), `event #${i + 1}: state after`).toBe(canonical(after[i]));
  // What the details mark as changed, and what each field was: the step's own change.
  expect(canonical(shown.before), `event #${i + 1}: state before`).toBe(canonical(before[i]));
  expect([...shown.changed].sort(), `event #${i + 1}: fields changed`).toEqual(changedFields(before[i]!, after[i]!));
}

describe('the page\'s model', () => {
  it('has lanes long enough for checkpoints', () => {
    expect(model.count).toBe(events);
    for (const lane of model.laneEvents) expect(lane.length).toBeGreaterThan(2 * 256);
  });

  it('expands an event\'s state, what it was and what changed, also from the checkpoints a click further on made', () => {
    // The last event of each lane first: the walk there leaves checkpoints that later clicks start from.
    for (const lane of model.laneEvents) expectShown(lane[lane.length - 1]!);
    // Then, on each lane, the events around each checkpoint (the one it holds the state after, and its
    // neighbours) and a sample of the others, twice: the second time every click starts from a checkpoint.
    for (const pass of [1, 2]) {
      for (const lane of model.laneEvents) {
        lane.forEach((i, p) => { if (p % 256 <= 2 || p % 256 >= 253 || p % 17 === pass) expectShown(i); });
      }
    }
  });
});

describe('the page\'s model on a compact trace of a run with checkpoints, restarts and Welcomes', () => {
  // As node processes write theirs: histories by length (a snapshot's `executedLength`, a
  // restart's `truncate`, a Welcome installed by `historyLength`, a restart written whole with
  // its histories by length). The same run traced with whole states is the truth each expanded
  // state is compared with (the simulator is deterministic, so the two runs take the same
  // steps). The page once ignored all four forms and showed a replica's history as it was
  // before them.
  const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Obj);
  const id = (e: Obj) => `${String(e.node)}:${String(e.seq)}:${String(e.action)}`;

  /** The run traced twice: compact (header first) and with whole states (events only). */
  function traced(seed: number): { compact: Obj[]; truth: Obj[] } {
    const dir = mkdtempSync(join(tmpdir(), 'viewer-model-compact-'));
    const [compact, whole] = [join(dir, 'compact.ndjson'), join(dir, 'whole.ndjson')];
    traceScenario(faultScenario(seed), compact, { eventLog: false, checkpointEvery: 3 }, 'test/viewer/pageModel.test.ts', true);
    traceScenario(faultScenario(seed), whole, { eventLog: false, checkpointEvery: 3 }, 'test/viewer/pageModel.test.ts', false);
    const c = lines(compact); const truth = lines(whole).slice(1);
    expect(truth.map(id)).toEqual(c.slice(1).map(id));
    return { compact: c, truth };
  }

  async function expectTruth(compact: Obj[], truth: Obj[]): Promise<void> {
    const path = join(mkdtempSync(join(tmpdir(), 'viewer-model-compact-')), 'shown.ndjson');
    writeFileSync(path, compact.map((v) => JSON.stringify(v)).join('\n') + '\n');
    const { model: m } = await openModel(readTrace(path, [path]));
    expect(m.count).toBe(truth.length);
    for (let i = 0; i < truth.length; i++) {
      const shown = m.stateAfter(i);
      expect(shown.problems, `event #${i + 1}`).toEqual([]);
      expect(changedFields(shown.state!, truth[i]!.state as Obj), `event #${i + 1} (${String(truth[i]!.action)}): fields shown otherwise`).toEqual([]);
    }
  }

  it.each([5002, 5004])('seed %i: every event\'s state is the one the whole-state trace shows', async (seed) => {
    const { compact, truth } = traced(seed);
    const deltas = compact.slice(1).map((e) => (e.delta ?? {}) as Record<string, Obj>);
    // The forms this test is about, each present.
    expect(deltas.some((d) => d.rSnap?.executedLength !== undefined)).toBe(true);
    expect(deltas.some((d) => d.rExecuted !== undefined && !Array.isArray(d.rExecuted.reset) && d.rExecuted.reset !== undefined)).toBe(true);
    if (seed === 5004) expect(deltas.some((d) => d.rExecuted?.truncate !== undefined)).toBe(true);
    await expectTruth(compact, truth);
  }, 60_000);

  it('a restart written whole, its histories by length (as a new process writes its first event)', async () => {
    const { compact, truth } = traced(5004);
    const at = compact.findIndex((e, i) => i > 0 && e.action === 'NodeRestart' && (e.delta as Obj | undefined)?.rExecuted !== undefined);
    expect(at).toBeGreaterThan(0);
    const state = structuredClone(truth[at - 1]!.state) as { rExecuted: unknown[]; rSnap: { executed: unknown[] } };
    expect(state.rSnap.executed.length).toBeGreaterThan(0);
    const { delta: _delta, ...event } = compact[at]!;
    compact[at] = { ...event, state: { ...state, rExecuted: { historyLength: state.rExecuted.length }, rSnap: { ...state.rSnap, executed: { historyLength: state.rSnap.executed.length } } } };
    await expectTruth(compact, truth);
  }, 60_000);
});
