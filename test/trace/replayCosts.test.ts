/**
 * What the fast replay (src/trace/replay/oracles.ts FastOracle) pays per event must not grow
 * with the trace: a checker that replays a long-lived cluster's trace meets millions of events,
 * and a cost of O(run so far) per event makes it quadratic while every verdict stays right, so
 * no verdict test sees it. Each test replays a small seeded simulation (3 nodes, kv, 3 clients,
 * a reliable network) and bounds one cost by a constant, or by what a sweep may amortize:
 *  - sweeps of dead messages come at twice what the last one kept (O(1) per message sent);
 *  - msgs is updated in place, never copied at a step;
 *  - a replay that forgets holds what is live, not every message of the run;
 *  - a node's set field is compared by the keys that changed, not element by element;
 *  - an Accept replaces its slot's pvalue through the slot's bucket, not a scan of aAccepted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../../src/trace/format/types.js';
import { checkTraceSync, formatVerdict, type CheckOptions, type TraceVerdict } from '../../src/trace/replay/check.js';
import { FastOracle, type StepVerdict } from '../../src/trace/replay/oracles.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { PMap } from '../../src/trace/spec/pmap.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'replay-costs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A compact trace of a fault-free run: 3 nodes, kv, 3 clients of `ops` requests. */
function trace(name: string, ops: number, checkpointEvery = 0): string {
  const s: Scenario = { seed: 7, nodes: 3, app: 'kv', workload: { clients: 3, ops }, schedule: scheduleOf(), ...(checkpointEvery > 0 ? { checkpointEvery } : {}) };
  const path = join(dir, `${name}.ndjson`);
  const traced = traceScenario(s, path, { eventLog: false, checkpointEvery }, 'test/trace/replayCosts.test.ts', true);
  expect(traced.run.violations).toEqual([]);
  return path;
}

function check(path: string, opts: CheckOptions = {}): TraceVerdict {
  const v = checkTraceSync({ name: path, files: [path] }, opts);
  expect(v.ok, formatVerdict(v)).toBe(true);
  return v;
}

// FastOracle's private sweep, to count its calls and what each looks at.
type Sweeping = { sweep(this: FastOracle): void };
// The PMap methods that walk a whole map (its iterator and forEach go through entries).
const WALKS = ['entries', 'keys', 'values'] as const;

describe('replay costs', () => {
  // No checkpoints: nothing becomes dead, so msgs and every node's sets grow with the run (some
  // 2,700 events, 1,500 messages): a per-event cost of O(run) shows as hundreds per event.
  let noCheckpoints = '';
  beforeAll(() => { noCheckpoints = trace('no-checkpoints', 50); });

  it('sweeps msgs at twice what the last sweep kept: the messages sweeps look at are O(messages sent), not O(events x messages)', () => {
    const proto = FastOracle.prototype as unknown as Sweeping;
    const sweep = proto.sweep;
    let sweeps = 0;
    let looked = 0;
    const spy = vi.spyOn(proto, 'sweep').mockImplementation(function (this: FastOracle) {
      sweeps++;
      looked += this.state.msgs.size;
      sweep.call(this);
    });
    let v: TraceVerdict;
    try {
      // A first sweep at 64 messages (not 4,096), so that a short run sweeps many times.
      v = check(noCheckpoints, { forgetAt: 64 });
    } finally {
      spy.mockRestore();
    }
    const sent = v.messages!.peak + v.messages!.forgotten;
    expect(sent).toBeGreaterThan(1_000); // the run is long enough to tell O(n) from O(n^2)
    // Each sweep looks at what msgs holds, at least twice what the previous one kept: the sizes
    // add up to at most about twice the last (a sweep after every step: messages x steps).
    expect(looked, `${sweeps} sweeps looked at ${looked} messages, of ${sent} sent`).toBeLessThanOrEqual(4 * sent);
  });

  it('commits a step into msgs in place: one Map for the whole replay, not a copy per step', () => {
    const proto = FastOracle.prototype as unknown as { step(this: FastOracle, ev: TraceEvent): StepVerdict };
    const step = proto.step;
    const held = new Set<object>();
    const spy = vi.spyOn(proto, 'step').mockImplementation(function (this: FastOracle, ev: TraceEvent) {
      const verdict = step.call(this, ev);
      held.add(this.state.msgs);
      return verdict;
    });
    let v: TraceVerdict;
    try {
      v = check(noCheckpoints);
    } finally {
      spy.mockRestore();
    }
    expect(v.events).toBeGreaterThan(1_000);
    // Copying msgs at a step is O(messages sent so far) per event: quadratic over the run.
    expect(held.size, `msgs was ${held.size} different maps over ${v.events} events`).toBeLessThanOrEqual(4);
  });

  it('a replay that forgets holds the live messages only: its peak does not grow with the run', () => {
    // Checkpoints every 10 slots: Accepts, Accepteds and Decisions below the marks are dead.
    const path = trace('checkpoints', 100, 10);
    const v = check(path, { forgetAt: 64 });
    // What is live stays bounded (in flight, above the marks: about 170 here); a message the
    // sweep wrongly keeps stays for good, and the peak then grows with the run.
    expect(v.messages!.forgotten).toBeGreaterThan(2_000);
    expect(v.messages!.peak, `peak ${v.messages!.peak} of ${v.messages!.peak + v.messages!.forgotten} sent`).toBeLessThanOrEqual(400);
  });

  it("compares a node's set fields by the keys changed since they last matched: a few lookups per event, not the whole sets", () => {
    // Every set field the replay holds is a PMap (or a PSet over one): count its lookups.
    const has = vi.spyOn(PMap.prototype, 'has');
    let v: TraceVerdict;
    let lookups = 0;
    try {
      v = check(noCheckpoints);
      lookups = has.mock.calls.length;
    } finally {
      has.mockRestore();
    }
    // About 1.2 per event; a comparison of whole sets is one per element of rDecisions,
    // aAccepted and the rest, which hold hundreds here (and the whole run's in a long one).
    const perEvent = lookups / v.events;
    expect(perEvent, `${lookups} lookups over ${v.events} events`).toBeLessThanOrEqual(16);
  });

  it("an Accept replaces its slot's pvalue through the slot's bucket: nothing of aAccepted is walked", () => {
    const proto = FastOracle.prototype as unknown as { step(this: FastOracle, ev: TraceEvent): StepVerdict };
    const step = proto.step;
    let accepts = 0;
    let walked = 0;
    let inAccept = false;
    const spies = [
      vi.spyOn(proto, 'step').mockImplementation(function (this: FastOracle, ev: TraceEvent) {
        inAccept = ev.action === 'AcceptorReceiveAccept';
        if (inAccept) accepts++;
        try { return step.call(this, ev); } finally { inAccept = false; }
      }),
      // Only the size matters: how many entries a walk during an Accept's step goes over.
      ...WALKS.map((m) => {
        const walk = PMap.prototype[m];
        return vi.spyOn(PMap.prototype, m).mockImplementation(function (this: PMap<unknown>) {
          if (inAccept) walked += this.size;
          return walk.call(this) as never;
        });
      }),
    ];
    try {
      check(noCheckpoints);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    expect(accepts).toBeGreaterThan(200);
    // Without checkpoints aAccepted holds a pvalue for every slot so far: a scan per Accept
    // is O(slots of the run), some 75 entries on average here.
    expect(walked, `${walked} entries walked over ${accepts} Accepts`).toBeLessThanOrEqual(2 * accepts);
  });
});
