/**
 * The page's model in Node (no browser): each node's state after an event, expanded from
 * compact deltas with checkpoints, against the trace decoder, for every event and whichever
 * event is opened first.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical } from '../../src/trace/format/canonical.js';
import { DeltaDecoder } from '../../src/trace/format/deltaEncoder.js';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { readTrace } from '../../src/viewer/readTrace.js';
import { type PageModel, openModel } from './pageModel.js';
import { writeSteadyRun } from './steadyRun.js';

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
