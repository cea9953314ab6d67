/**
 * What a malformed message from a peer would do to a Node if validate.ts let it in: each of
 * these passes the JSON Schemas, so the boundary's own checks are all that keep the node safe.
 * - A Promise in parts with a part numbered past its count: the scout holds two parts (1 and 3)
 *   of a Promise in 2, takes it as whole and reads part 2, which is not there: the node threw.
 * - A Promise from an acceptor id outside the cluster: the scout counts acceptors by that id,
 *   so a made-up id completes a majority and the leader sends Accepts on a quorum that never
 *   promised (two values could then be chosen for a slot).
 * - A Join for a node outside the cluster: answered with a Welcome sent to that id.
 * - A Promise one peer signs as another acceptor of the cluster: one node completes a majority
 *   alone; a Join one peer sends for another: that one is sent a Welcome it did not ask for.
 * Each case also checks the legitimate twin goes through, so dropping everything cannot pass.
 */
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/node/node.js';
import { counter } from '../roles/fake-host.js';

const FIRST_BALLOT = { num: 0, leader: 1 };

/** Node 1 of `peers`, its scout out for FIRST_BALLOT (a client request started it). */
function nodeWithScout(peers: number[]) {
  const logs: string[] = [];
  const node = new Node(1, peers, { durable: undefined, log: (l) => logs.push(l) }, { stateMachine: counter });
  node.start();
  expect(node.invoke(1, 'x').messages.map((e) => e.message)).toContainEqual({ type: 'Prepare', ballot: FIRST_BALLOT });
  return { node, logs };
}

const promiseFrom = (from: number, fields: Record<string, unknown>) => ({
  from, to: 1, clock: 1, message: { type: 'Promise', acceptor: from, ballot: FIRST_BALLOT, promised: FIRST_BALLOT, accepted: [], ...fields },
});
const accepts = (out: { messages: readonly { message: { type: string } }[] }) => out.messages.filter((e) => e.message.type === 'Accept');

describe('a Node fed schema-valid but impossible input from a peer', () => {
  it('drops a Promise part numbered past its count instead of assembling a Promise with a part missing', () => {
    const { node } = nodeWithScout([1, 2, 3]);
    node.receive(promiseFrom(2, { part: 1, parts: 2 }));
    expect(() => node.receive(promiseFrom(2, { part: 3, parts: 2 }))).not.toThrow();
    expect(node.stats.invalidMessages).toBe(1);
    // The real part 2 completes the Promise: with its own acceptor's, a majority of 3.
    expect(accepts(node.receive(promiseFrom(2, { part: 2, parts: 2 })))).not.toHaveLength(0);
  });

  it('does not count a Promise from an acceptor id outside the cluster toward a majority', () => {
    const { node } = nodeWithScout([1, 2, 3, 4, 5]);
    expect(accepts(node.receive(promiseFrom(2, {})))).toHaveLength(0); // its own and 2: two of five
    const forged = promiseFrom(2, { acceptor: 9 });
    expect(accepts(node.receive(forged))).toHaveLength(0);
    expect(node.stats.invalidMessages).toBe(1);
    expect(accepts(node.receive(promiseFrom(3, {})))).not.toHaveLength(0); // a real third yes
  });

  it('does not welcome a node outside the cluster', () => {
    const { node } = nodeWithScout([1, 2, 3]);
    const out = node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Join', node: 9 } });
    expect(out.messages.filter((e) => e.to === 9)).toEqual([]);
    expect(node.stats.invalidMessages).toBe(1);
    expect(node.receive({ from: 3, to: 1, clock: 1, message: { type: 'Join', node: 3 } }).messages.map((e) => e.message.type)).toContain('Welcome');
  });

  it('does not count a Promise one peer signs as another acceptor of the cluster', () => {
    const { node } = nodeWithScout([1, 2, 3, 4, 5]);
    expect(accepts(node.receive(promiseFrom(2, {})))).toHaveLength(0); // its own and 2: two of five
    // Node 2 again, as acceptor 3: with it the scout would hold three of five.
    expect(accepts(node.receive(promiseFrom(2, { acceptor: 3 })))).toHaveLength(0);
    expect(node.stats.invalidMessages).toBe(1);
    expect(accepts(node.receive(promiseFrom(3, {})))).not.toHaveLength(0); // 3 itself
  });

  it('does not welcome a node on behalf of another one', () => {
    const { node } = nodeWithScout([1, 2, 3]);
    const out = node.receive({ from: 2, to: 1, clock: 1, message: { type: 'Join', node: 3 } });
    expect(out.messages.filter((e) => e.message.type === 'Welcome')).toEqual([]);
    expect(node.stats.invalidMessages).toBe(1);
  });
});
