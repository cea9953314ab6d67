/**
 * What a correct node sends, its peers take. The simulator trusts its own nodes' outputs
 * (IN_PROCESS_HOST: no schema or validate.ts checks on delivery), so a node that sent what a
 * real peer refuses (a batch over the input bound, a Promise or Welcome part over its limits,
 * a pvalue list a peer reads as contradicting itself) would pass every simulated run and stall
 * a real cluster. Here every node checks every envelope as a node behind a socket does, on
 * fault-injected runs that batch, defer proposals, checkpoint, and send Welcomes and Promises in
 * parts: none may be refused, and the run must be the one the trusting simulator makes.
 */
import { describe, expect, it } from 'vitest';
import type { Limits, NodeEnvironment, Output } from '../../src/node/api.js';
import { Node } from '../../src/node/node.js';
import { type Scenario, runScenario } from '../../src/sim/scenario.js';
import { defaultNodeFactory, type NodeFactory } from '../../src/sim/nodeFactory.js';
import { LONG_RUN_EVERY, faultScenario, withNodeDownForGood } from '../../src/trace/runs/faultScenarios.js';

interface Checked { readonly factory: NodeFactory; readonly nodes: Node[]; readonly refusals: string[] }

/** Nodes that check every envelope (no IN_PROCESS_HOST), with `limits` over the scenario's. */
function checkingNodes(limits: Partial<Limits> = {}): Checked {
  const nodes: Node[] = [];
  const refusals: string[] = [];
  const factory: NodeFactory = (id, peers, options, env) => {
    const { inputs: _trusted, ...untrusting } = env;
    const checking: NodeEnvironment = { ...untrusting, log: (line) => { if (line.includes('dropped invalid input')) refusals.push(line); } };
    const node = new Node(id, peers, checking, { ...options, limits: { ...options.limits, ...limits } });
    nodes.push(node);
    return node;
  };
  return { factory, nodes, refusals };
}

/** Node `victim`'s Accepted to its peers say slot 0 (a Proxy: the simulator then copies its outputs). */
function corrupting(inner: NodeFactory, victim: number): NodeFactory {
  return (id, peers, options, env) => {
    const node = inner(id, peers, options, env);
    if (id !== victim) return node;
    const wrong = (out: Output): Output => ({ ...out, messages: out.messages.map((e) =>
      (e.to !== id && e.message.type === 'Accepted' ? { ...e, message: { ...e.message, slot: 0 } } : e)) });
    return new Proxy(node, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          return typeof out === 'object' && out !== null && Array.isArray((out as Output).messages) ? wrong(out as Output) : out;
        };
      },
    });
  };
}

const trusting = (limits: Partial<Limits>): NodeFactory => (id, peers, options, env) =>
  defaultNodeFactory(id, peers, { ...options, limits: { ...options.limits, ...limits } }, env);

const CASES: { what: string; seeds: number[]; shape: (s: Scenario) => Scenario; limits?: Partial<Limits> }[] = [
  { what: 'fault-injected runs as drawn', seeds: [5002, 5004, 11, 12, 13, 14, 15, 16], shape: (s) => s },
  { what: 'a long run (1,000 commands)', seeds: [LONG_RUN_EVERY * 5], shape: (s) => s },
  { what: 'a node down for good', seeds: [5006, 23], shape: (s) => (s.formation === 'seed' ? s : withNodeDownForGood(s)) },
  { what: 'checkpoints every 2 slots (Welcomes carry images)', seeds: [5002, 5004, 31], shape: (s) => ({ ...s, checkpointEvery: 2 }) },
  { what: 'batches of up to 4, deferred to the next Decision, at most 120 units of input', seeds: [5002, 41, 42],
    shape: (s) => ({ ...s, batchMax: 4, deferProposals: 'decision', batchMaxInput: 120, workload: { ...s.workload, clients: 12 } }) },
  { what: 'batches of up to 4, deferred to the turn\'s end', seeds: [43, 44], shape: (s) => ({ ...s, batchMax: 4, deferProposals: 'turn', workload: { ...s.workload, clients: 12 } }) },
  { what: 'Promises in parts of at most 400 bytes', seeds: [5002, 5004], shape: (s) => ({ ...s, maxPromiseBytes: 400 }) },
  { what: 'Welcomes in parts of at most 1,500 bytes', seeds: [5002, 5004], shape: (s) => ({ ...s, checkpointEvery: 3 }), limits: { maxWelcomeBytes: 1_500 } },
];

describe('every envelope a correct node sends passes its peers\' checks', () => {
  for (const { what, seeds, shape, limits } of CASES) {
    it.each(seeds)(`${what}: seed %i`, (seed) => {
      const s = shape(faultScenario(seed));
      const checked = checkingNodes(limits);
      const run = runScenario(s, { eventLog: false, createNode: checked.factory });
      expect(run.result.nodeError).toBeUndefined();
      expect(run.violations).toEqual([]);
      expect(checked.refusals).toEqual([]);
      expect(checked.nodes.reduce((n, node) => n + node.stats.invalidMessages, 0)).toBe(0);
      // The checks change nothing: the same run as with trusted delivery, answer for answer.
      const trusted = runScenario(s, { eventLog: false, ...(limits ? { createNode: trusting(limits) } : {}) });
      expect(run.result.acks).toEqual(trusted.result.acks);
      expect(run.result.acks.length).toBeGreaterThan(0);
    }, 120_000);
  }

  it('refuses, in this harness, what a node sends wrong (node 2\'s Accepted for slot 0)', () => {
    // The harness's own check: with node 2's outputs corrupted, its peers must refuse them.
    const checked = checkingNodes();
    const run = runScenario(faultScenario(5002), { eventLog: false, createNode: corrupting(checked.factory, 2) });
    expect(run.result.nodeError).toBeUndefined();
    expect(checked.refusals.length).toBeGreaterThan(0);
    expect(checked.refusals.every((l) => l.includes('Accepted message/slot: must be >= 1'))).toBe(true);
  }, 120_000);
});
