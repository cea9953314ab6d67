/**
 * Traces of the real implementation whose Welcomes go in parts: fault-injected simulations
 * with checkpoints, every node's maxWelcomeBytes lowered so that the Welcomes they send are
 * split (src/protocol/welcomeParts.ts). The traces show Joins answered in several parts and a
 * replica installing from parts, and pass the spec replay (fast oracle, and the embedded spec
 * on one) and the client-level checks; no message on the network is larger than the limit.
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
const dir = mkdtempSync(join(tmpdir(), 'welcome-parts-sim-traces-'));
const MAX_WELCOME_BYTES = 1_500;
const smallWelcomes: NodeFactory = (id, peers, options, env) =>
  defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, maxWelcomeBytes: MAX_WELCOME_BYTES } }, env);
// Seeds whose runs restart nodes and welcome them (see checkpointSimTraces.test.ts).
const SEEDS = [5004, 5002];

describe('traces of simulations whose Welcomes go in parts pass the checker', () => {
  let installedFromParts = 0;
  SEEDS.forEach((seed, r) => {
    it(`seed ${seed}`, () => {
      const s = faultScenario(seed);
      const path = join(dir, `sim-${seed}.ndjson`);
      const traced = traceScenario(s, path, { eventLog: false, checkpointEvery: 3, createNode: smallWelcomes }, 'test/trace/welcome/welcomePartsSimTraces.test.ts');
      const events = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Json);
      const welcomes = events.flatMap((e) => (e.sent as Json[] | undefined ?? []).filter((m) => m.type === 'Welcome'));
      expect(welcomes.some((m) => (m.parts as number | undefined ?? 1) > 1)).toBe(true);
      installedFromParts += events.filter((e) => e.action === 'ReplicaReceiveWelcome' && ((e.params as Json).message as Json).parts !== undefined).length;
      const v = checkTraceSync({ name: path, files: [path] }, r === 0 ? { embedded: true, embeddedMaxEvents: 150 } : {});
      expect(v.ok, `${formatVerdict(v)}\n${replayCommand(s)}`).toBe(true);
      expect(v.events).toBe(traced.events);
      expect(v.client?.executed).toBeGreaterThan(0);
    }, 300_000);
  });
  it('saw a replica install a Welcome from its parts', () => {
    expect(installedFromParts).toBeGreaterThan(0);
  });
});
