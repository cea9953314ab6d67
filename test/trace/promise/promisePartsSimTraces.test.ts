/**
 * Traces of the real implementation whose Promises go in parts: fault-injected simulations,
 * every node's maxPromiseBytes lowered so that a Promise carrying pvalues is split
 * (src/protocol/promiseParts.ts). The traces show Prepares answered in several parts and a
 * scout counting an acceptor from its parts, and pass the spec replay (fast oracle, and the
 * embedded spec on one) and the client-level checks.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTraceSync, formatVerdict } from '../../../src/trace/replay/check.js';
import { faultScenario } from '../../../src/trace/runs/faultScenarios.js';
import { traceScenario } from '../../../src/trace/runs/simTrace.js';
import { replayCommand } from '../../../src/sim/scenario.js';
import { defaultNodeFactory, type NodeFactory } from '../../../src/sim/nodeFactory.js';

type Json = Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'promise-parts-sim-traces-'));
const MAX_PROMISE_BYTES = 400;
const smallPromises: NodeFactory = (id, peers, options, env) =>
  defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxPromiseBytes: MAX_PROMISE_BYTES } }, env);
// Seeds whose runs change leaders (see welcomePartsSimTraces.test.ts).
const SEEDS = [5004, 5002];

describe('traces of simulations whose Promises go in parts pass the checker', () => {
  let countedFromParts = 0;
  SEEDS.forEach((seed, r) => {
    it(`seed ${seed}`, () => {
      const s = faultScenario(seed);
      const path = join(dir, `sim-${seed}.ndjson`);
      const traced = traceScenario(s, path, { eventLog: false, checkpointEvery: 3, createNode: smallPromises }, 'test/trace/promise/promisePartsSimTraces.test.ts');
      const events = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Json);
      const promises = events.flatMap((e) => (e.sent as Json[] | undefined ?? []).filter((m) => m.type === 'Promise'));
      expect(promises.some((m) => (m.parts as number | undefined ?? 1) > 1)).toBe(true);
      countedFromParts += events.filter((e) => e.action === 'ScoutReceivePromise' && ((e.params as Json).message as Json).parts !== undefined).length;
      const v = checkTraceSync({ name: path, files: [path] }, r === 0 ? { embedded: true, embeddedMaxEvents: 150 } : {});
      expect(v.ok, `${formatVerdict(v)}\n${replayCommand(s)}`).toBe(true);
      expect(v.events).toBe(traced.events);
      expect(v.client?.executed).toBeGreaterThan(0);
    }, 300_000);
  });
  it('saw a scout count an acceptor from the parts of its Promise', () => {
    expect(countedFromParts).toBeGreaterThan(0);
  });
});
