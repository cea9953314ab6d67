/**
 * Why the embedded sample is drawn around leader changes (issue 10). A bug planted in a copy of
 * the fast encoding (a new leader adopts, per slot, the pvalue of the LOWEST ballot instead of
 * the highest) passes the fast path on a trace made to agree with it, and the former sample
 * (the first 150 events through the embedded spec) passes it too: the run's first leader
 * adopts nothing to choose among. The windows around leader changes reach the second
 * adoption, start there from the state the fast replay reached, and the .tla rejects it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { DEFAULT_SAMPLE, chooseWindows, windowEvents } from '../../src/trace/replay/embeddedWindows.js';
import { fastOracleFor, paramOf } from '../../src/trace/replay/oracles.js';
import { type Step, applyStep, stepsFor } from '../../src/trace/spec/fastSpec.js';
import { nodeToJson, setKey, type SpecState } from '../../src/trace/spec/specState.js';
import { messageKey } from '../../src/trace/format/keys.js';
import { successorsFor } from '../../src/explore/mutantSteps.js';
import { sortedSet } from '../../src/trace/format/canonical.js';
import type { TraceEvent, TraceHeader } from '../../src/trace/format/types.js';
import { type Fault, scheduleOf } from '../../src/sim/schedule.js';
import type { Scenario } from '../../src/sim/scenario.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';

/** The former sample: the first 150 events of a run through the embedded spec. */
const PREFIX_EVENTS = 150;

/**
 * fastSpec's stepsFor with LeaderReceiveAdopted's PMax reversed (per slot, the lowest ballot's
 * pvalue wins): the explorer's version of the spec mutant AdoptLowestBallot, whose
 * counterexamples the engine confirms on the .tla.
 */
const adoptLowestBallot = successorsFor('AdoptLowestBallot');
const lowestBallotWins: typeof stepsFor = (cfg, s, action, n, param) => {
  if (action !== 'LeaderReceiveAdopted' || !('message' in param)) return stepsFor(cfg, s, action, n, param);
  const key = messageKey(param.message);
  return adoptLowestBallot(cfg, s).filter((st) =>
    st.action === action && st.n === n && st.param !== undefined && 'message' in st.param && messageKey(st.param.message) === key);
};

interface Planted { header: TraceHeader; events: TraceEvent[]; at: number; seed: number }

/**
 * A simulated run that keeps changing leaders: 5 nodes under loss, the leader isolated for
 * 200 ms every 250 ms, six times. An adoption where the planted bug shows needs two leaders
 * to have had different values accepted for one slot (a leader cut off after a minority
 * accepted its value): about one run in a hundred of validate-traces' has one, about one in
 * ten of these (measured on the simulator of November 2026), far fewer since leaders skip
 * heartbeats to the peers their commanders reached (see FIRST_CHURN_SEED).
 */
function leaderChurn(seed: number): Scenario {
  const faults: Fault[] = Array.from({ length: 6 }, (_, i) => ({ kind: 'isolateLeader', at: 100 + 250 * i, heal: 300 + 250 * i }));
  return { seed, nodes: 5, app: 'kv', workload: { clients: 3, ops: 6 }, schedule: scheduleOf({ loss: 0.2, duplicate: 0.1, reorder: 0.2, reorderMs: 20 }, faults) };
}
/**
 * The seeds scanned, from FIRST_CHURN_SEED. Runs whose planted adoption the sample reaches in a
 * window of its own are rare (258 the first of 1..300 since leaders skip heartbeats to peers
 * their commanders reached, which made leader changes fewer; 428 the first of 240..428 since
 * an adopted leader leaves the slots its replica executed, which the bug can no longer
 * change); a scan that finds none fails.
 */
const FIRST_CHURN_SEED = 428;
const CHURN_SEEDS = 60;

/**
 * The first adoption of a simulated run (full-state events) past the former sample's prefix
 * where the planted bug changes what the leader proposes; the run up to it, that event
 * rewritten to what the buggy encoding allows (so it agrees with the buggy fast path, and the
 * rest of the run, which followed the correct adoption, is left out).
 */
function* plantedTraces(dir: string): Generator<Planted> {
  for (let seed = FIRST_CHURN_SEED; seed < FIRST_CHURN_SEED + CHURN_SEEDS; seed++) {
    const scenario = leaderChurn(seed);
    const path = join(dir, `churn-${seed}.ndjson`);
    traceScenario(scenario, path, { eventLog: false }, 'test/trace/leaderChangeSample.test.ts', false);
    const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TraceEvent & TraceHeader);
    const events = lines.filter((l) => typeof l.action === 'string') as TraceEvent[];
    const fast = fastOracleFor(header!.spec.constants);
    const cfg = { N: header!.spec.constants.N, Window: header!.spec.constants.Window, bounds: {} };
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      if (ev.action === 'LeaderReceiveAdopted' && i >= PREFIX_EVENTS) {
        const s: SpecState = fast.state;
        const [right] = stepsFor(cfg, s, ev.action, ev.node, paramOf(ev));
        const [wrong] = lowestBallotWins(cfg, s, ev.action, ev.node, paramOf(ev));
        if (right !== undefined && wrong !== undefined && setKey(right.node.lProposals) !== setKey(wrong.node.lProposals)) {
          yield { header: header!, events: [...events.slice(0, i), rewritten(ev, s, wrong)], at: i, seed };
          break;
        }
      }
      const v = fast.step(ev);
      if (!v.ok) throw new Error(`seed ${seed}: the simulated run fails the fast path at event ${i}: ${v.problem}`);
    }
  }
}

function rewritten(ev: TraceEvent, before: SpecState, step: Step): TraceEvent {
  const after = nodeToJson(applyStep(before, step), ev.node);
  // An adoption changes no Requester's memory: the event's own `invoked` stands.
  return { ...ev, sent: sortedSet(step.sent), state: { ...after, invoked: ev.state!.invoked } };
}

describe('the embedded sample around leader changes', () => {
  it('rejects a planted adoption bug that the fast path and the former prefix sample both pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leader-change-sample-'));
    const buggy = { fastSteps: lowestBallotWins, noClient: true };
    // The first run whose planted adoption the sample reaches in a window of its own, started
    // after the prefix (a window around an earlier leader change may reach back into it).
    let found: { planted: Planted; path: string } | undefined;
    for (const planted of plantedTraces(dir)) {
      const path = join(dir, `planted-${planted.seed}.ndjson`);
      writeFileSync(path, [planted.header, ...planted.events].map((x) => JSON.stringify(x)).join('\n') + '\n');
      const pass = checkTraceSync({ name: path, files: [path] }, { ...buggy, leaderChanges: true });
      if (!pass.ok) continue;
      const windows = chooseWindows([{ name: path, events: pass.events, leaderChanges: pass.leaderChanges! }], { seed: 1, ...DEFAULT_SAMPLE }).windows.get(path)!;
      const window = windows.find((w) => w.from <= planted.at && planted.at < w.to);
      if (window !== undefined && window.from > PREFIX_EVENTS) {
        found = { planted, path };
        break;
      }
    }
    if (found === undefined) throw new Error(`none of ${CHURN_SEEDS} leader-churn runs has an adoption that the planted bug changes, in a window past the prefix: the simulator changed, the scenario must too`);
    const { planted, path } = found;
    const input = { name: path, files: [path] };

    // The trace is wrong (the real fast path rejects it), and the buggy fast path passes it.
    expect(checkTraceSync(input, { noClient: true }).failure?.line).toBe(planted.at + 2);
    const firstPass = checkTraceSync(input, { ...buggy, leaderChanges: true });
    expect(firstPass.ok, formatVerdict(firstPass)).toBe(true);

    // The former sample replays the prefix through the embedded spec and passes it.
    const prefix = checkTraceSync(input, { ...buggy, embedded: true, embeddedMaxEvents: PREFIX_EVENTS });
    expect(prefix.ok, formatVerdict(prefix)).toBe(true);
    expect(prefix.embeddedEvents).toBe(PREFIX_EVENTS);

    // validate-traces' sample of this run: windows around where leaders changed.
    expect(firstPass.leaderChanges!.find((c) => c.event === planted.at)?.kind).toBe('adopted-rival');
    const sample = chooseWindows([{ name: path, events: firstPass.events, leaderChanges: firstPass.leaderChanges! }], { seed: 1, ...DEFAULT_SAMPLE });
    const windows = sample.windows.get(path)!;
    const windowed = checkTraceSync(input, { ...buggy, embeddedWindows: windows });
    expect(windowed.ok).toBe(false);
    expect(windowed.failure).toMatchObject({ kind: 'oracles-disagree', oracle: 'embedded', action: 'LeaderReceiveAdopted', line: planted.at + 2 });
    // The window holding the adoption started after the prefix, from the fast replay's state.
    const window = windows.find((w) => w.from <= planted.at && planted.at < w.to)!;
    expect(window.from).toBeGreaterThan(PREFIX_EVENTS);
    expect(windowed.embeddedEvents).toBeLessThanOrEqual(windowEvents(windows));
  }, 300_000);
});
