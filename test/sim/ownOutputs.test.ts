/**
 * The simulator delivers a Node's own output envelope without copying it once more (its
 * first copy; a duplicate is copied): safe because a Node keeps nothing of what it returns.
 * What must still hold: no envelope object reaches two deliveries, and a receiver that
 * scribbles on what it got changes no other delivery.
 */
import { describe, expect, it } from 'vitest';
import type { Envelope, NodeEnvironment, NodeOptions, Output } from '../../src/node/api.js';
import { Node, type CheckpointOptions } from '../../src/node/node.js';
import { runScenario, type Scenario } from '../../src/sim/scenario.js';
import { scheduleOf } from '../../src/sim/schedule.js';
import type { NodeFactory } from '../../src/sim/simulator.js';

describe('Node.ownsItsOutputs', () => {
  const node = new Node(1, [1, 2, 3], { durable: undefined }, { stateMachine: { initial: () => 0, apply: (s: number) => [s, null] } });

  it('is true for a Node (and a subclass) and false for a wrapper around one or anything else', () => {
    class Sub extends Node {}
    expect(Node.ownsItsOutputs(node)).toBe(true);
    expect(Node.ownsItsOutputs(new Sub(2, [1, 2, 3], { durable: undefined }, { stateMachine: { initial: () => 0, apply: (s: number) => [s, null] } }))).toBe(true);
    expect(Node.ownsItsOutputs(new Proxy(node, {}))).toBe(false);
    expect(Node.ownsItsOutputs({ ...node })).toBe(false);
    expect(Node.ownsItsOutputs(null)).toBe(false);
    expect(Node.ownsItsOutputs(7)).toBe(false);
  });
});

describe('uncopied delivery of a Node\'s envelopes', () => {
  const scenario: Scenario = {
    seed: 11, nodes: 3, app: 'bank', workload: { clients: 3, ops: 8 },
    schedule: scheduleOf({ loss: 0.05, duplicate: 0.3, reorder: 0.2, reorderMs: 20 }, [{ kind: 'killLeader', at: 60, restart: 900 }]),
  };

  it('gives each delivery its own object, and a receiver scribbling on it changes no other (the run stays safe)', () => {
    const received = new Set<unknown>();
    let deliveries = 0;
    const sent = new Set<Envelope>();
    /** A Node itself (a subclass keeps the brand), not a wrapper: the path that skips the copy. */
    class ScribblingNode extends Node {
      override receive(raw: unknown): Output {
        deliveries++;
        received.add(raw);
        const out = this.noteSent(super.receive(raw));
        (raw as { message: { type: string } }).message.type = 'Scribbled';
        return out;
      }

      override fireTimer(name: string, key?: string): Output {
        return this.noteSent(super.fireTimer(name, key));
      }

      private noteSent(out: Output): Output {
        for (const e of out.messages) sent.add(e);
        return out;
      }
    }
    const factory: NodeFactory = (id, peers, options: NodeOptions & CheckpointOptions, env: NodeEnvironment) => new ScribblingNode(id, peers, env, options);
    const run = runScenario(scenario, { createNode: factory });
    expect(run.violations).toEqual([]);
    expect(run.result.completed).toBe(true);
    expect(run.result.stats.duplicated).toBeGreaterThan(0);
    expect(received.size).toBe(deliveries);
    // The copy was skipped: some delivered envelopes are the very objects a Node returned.
    expect([...received].some((r) => sent.has(r as Envelope))).toBe(true);
  });
});
