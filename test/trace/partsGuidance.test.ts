/**
 * The fast replay hands the spec's steps what the event shows after a message in parts is taken
 * whole: the decisions after a Welcome's install, the pvalues after a Promise is counted. Without
 * them the step lists every choice of parts, which a long run's Welcomes made 2^45
 * (test/trace/welcome/welcomeInstalling.test.ts, test/trace/promise/promiseGiving.test.ts test the
 * steps; this tests that the replay asks them so).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../src/trace/replay/check.js';
import { faultScenario } from '../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../src/trace/runs/simTrace.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/sim/nodeFactory.js';
import { type MessageParam, stepsFor } from '../../src/trace/spec/fastSpec.js';
import { pvalueKey, slotPropKey } from '../../src/trace/format/keys.js';

// A seed whose run restarts nodes, welcomes them and changes leaders (partsSimTraces.test.ts).
const SEED = 5004;
const small: NodeFactory = (id, peers, options, env) =>
  defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxWelcomeBytes: 1_500, maxPromiseBytes: 400 } }, env);

describe('the fast replay of Welcomes and Promises in parts', () => {
  it('passes the steps the decisions and pvalues the events show', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'parts-guidance-')), 'trace.ndjson');
    traceScenario(faultScenario(SEED), path, { eventLog: false, checkpointEvery: 3, createNode: small }, 'test/trace/partsGuidance.test.ts', true);
    const seen = { installs: 0, gives: 0, without: [] as string[] };
    const recording: typeof stepsFor = (cfg, s, action, n, param) => {
      const steps = stepsFor(cfg, s, action, n, param);
      const p = param as Partial<MessageParam>;
      if (action === 'ReplicaReceiveWelcome') {
        if (p.installs === undefined) seen.without.push(action);
        // What the step found leaves exactly the decisions it was given.
        else { seen.installs++; for (const st of steps) expect([...st.node.rDecisions.values()].map(slotPropKey).sort()).toEqual([...p.installs].sort()); }
      }
      if (action === 'ScoutReceivePromise') {
        if (p.gives === undefined) seen.without.push(action);
        else {
          seen.gives++;
          for (const st of steps) {
            const adopted = st.sent.find((m) => m.type === 'Adopted');
            const pvs = st.node.scout !== null ? [...st.node.scout.pvalues.values()] : adopted?.type === 'Adopted' ? adopted.pvalues : null;
            if (pvs !== null) expect(pvs.map(pvalueKey).sort()).toEqual([...p.gives].sort());
          }
        }
      }
      return steps;
    };
    const v = checkTraceSync({ name: path, files: [path] }, { fastSteps: recording });
    expect(v.ok, formatVerdict(v)).toBe(true);
    expect(seen.without).toEqual([]);
    expect(seen.installs).toBeGreaterThan(0);
    expect(seen.gives).toBeGreaterThan(0);
  }, 120_000);
});
