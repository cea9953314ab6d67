/**
 * The TypeScript encoding of the spec's actions (src/trace/spec/fastSpec.ts) against the .tla on a
 * model no CI state graph covers: two leaders, a window of two, ballots up to 1, a restart and checkpoints on both nodes
 * (SMALL_MODEL), where ReplicaProposeNoop is reachable. graphConformance.test.ts compares
 * every state of a CI model; this samples states of the larger model: at each visited state
 * the set of (action, successor) pairs the encoding produces must equal the set tla-checker's
 * explore_next gives. States come from (1) one guided path per action, so every action is
 * compared in a state where it is enabled, and (2) a seeded random exploration.
 * CONFORMANCE_STATES raises the size of (2) for a longer run.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/trace/spec/fastSpec.js';
import { SMALL_MODEL, checkConformance, checkGuidedPaths } from './conformanceModel.js';

const RANDOM_STATES = Number(process.env.CONFORMANCE_STATES ?? 200);

describe('fast spec encoding conforms to spec/MultiPaxos.tla', () => {
  it('has the same successors on a guided path to every action', () => {
    const r = checkGuidedPaths(1);
    console.log(`conformance (guided): ${r.states} states, ${r.transitions} spec transitions compared`);
    expect(r.mismatches).toEqual([]);
    expect(r.unreached).toEqual([]);
    expect([...r.actionsSeen].sort()).toEqual([...ACTIONS].sort());
  }, 600_000);

  it('has the same successors with leaders and replicas on different nodes', () => {
    // LeaderNodes and ReplicaNodes restrict which nodes Next lets act: a model where they differ.
    const r = checkConformance(120, 3, { ...SMALL_MODEL, LeaderNodes: [1], ReplicaNodes: [2], Callers: [2] });
    expect(r.mismatches).toEqual([]);
    expect(r.states).toBe(120);
  }, 600_000);

  it(`has the same successors on ${RANDOM_STATES} randomly explored states`, () => {
    const r = checkConformance(RANDOM_STATES, 2);
    console.log(`conformance (random): ${r.states} states, ${r.transitions} spec transitions compared, ${r.actionsSeen.size} actions`);
    expect(r.mismatches).toEqual([]);
    expect(r.states).toBe(RANDOM_STATES);
  }, 600_000);
});
