import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/node/node.js';
import { DEFAULT_LIMITS } from '../../src/protocol/limits.js';
import { counter } from '../roles/fake-host.js';

function memberNode() {
  const logs: string[] = [];
  const node = new Node(1, [1, 2, 3], { durable: undefined, log: (l) => logs.push(l) }, { stateMachine: counter });
  node.start();
  return { node, logs };
}
const B = { num: 1, leader: 2 };
const P = { caller: 2, clientId: 1, input: 'x' };
const env = (message: unknown, extra: Record<string, unknown> = {}) => ({ from: 2, to: 1, clock: 3, message, ...extra });
const pvalues = (n: number) => Array.from({ length: n }, (_, i) => ({ ballot: B, slot: i + 1, prop: P }));

/** [what is wrong, the input, a fragment the logged reason must contain] */
const malformed: [string, unknown, string][] = [
  ['not an object', 'hello', 'envelope: expected an object'],
  ['null', null, 'envelope: expected an object, got null'],
  ['an array', [1, 2], 'envelope: expected an object, got an array'],
  ['an unknown envelope field', { ...env({ type: 'Prepare', ballot: B }), extra: 1 }, 'unexpected property "extra"'],
  ['a fractional sender', env({ type: 'Prepare', ballot: B }, { from: 2.5 }), 'envelope/from'],
  ['a negative clock', env({ type: 'Prepare', ballot: B }, { clock: -1 }), 'envelope/clock'],
  ['the wrong `to`', env({ type: 'Prepare', ballot: B }, { to: 2 }), 'envelope/to: addressed to node 2, this is node 1'],
  ['a sender outside the cluster', env({ type: 'Prepare', ballot: B }, { from: 9 }), 'envelope/from: 9 is not another node'],
  ['itself as sender', env({ type: 'Prepare', ballot: B }, { from: 1 }), 'envelope/from: 1'],
  ['a message that is not an object', env(42), 'message: expected an object'],
  ['an unknown message type', env({ type: 'Nominate', ballot: B }), 'unknown message type "Nominate"'],
  ['a missing type', env({ ballot: B }), 'unknown message type undefined'],
  ['a missing field', env({ type: 'Accept', ballot: B, slot: 1 }), "Accept message: must have required property 'prop'"],
  ['a string where a number belongs', env({ type: 'Prepare', ballot: { num: '1', leader: 2 } }), 'Prepare message/ballot/num: must be integer'],
  ['slot 0', env({ type: 'Decision', slot: 0, prop: P }), 'Decision message/slot: must be >= 1'],
  ['an extra field', env({ type: 'Join', node: 2, admin: true }), 'must NOT have additional properties (admin)'],
  ['an input beyond maxInputLength', env({ type: 'Propose', slot: 1, prop: { ...P, input: 'x'.repeat(DEFAULT_LIMITS.maxInputLength + 1) } }), 'Propose message/prop/input: must NOT have more than 65536 characters'],
  ['more pvalues than maxPValues', env({ type: 'Promise', acceptor: 2, ballot: B, promised: B, accepted: pvalues(DEFAULT_LIMITS.maxPValues + 1) }), `Promise message/accepted: must NOT have more than ${DEFAULT_LIMITS.maxPValues} items`],
  ['a ballot led by a node outside the cluster', env({ type: 'Prepare', ballot: { num: 1, leader: 7 } }), 'ballot.leader 7 is not a node of this cluster'],
  ['a ballot led by node 0 above <<0, 0>>', env({ type: 'Accept', ballot: { num: 3, leader: 0 }, slot: 1, prop: P }), 'leader 0 only in the bottom ballot'],
  ['caller 0 that is not the no-op', env({ type: 'Decision', slot: 1, prop: { caller: 0, clientId: 5, input: 'x' } }), 'caller 0 is only for the no-op'],
  ['an Invoked for the no-op', env({ type: 'Invoked', replica: 1, prop: { caller: 0, clientId: 0, input: 'noop' }, index: 1 }), 'Invoked message/prop/caller: must be >= 1'],
  ['a node-local Preempted from another node', env({ type: 'Preempted', leader: 1, ballot: B }), 'Preempted message: node-local'],
  ['a node-local Invoke from another node', env({ type: 'Invoke', replica: 1, prop: P }), 'Invoke message: node-local'],
  ['a Welcome with two decisions for one slot', env({ type: 'Welcome', node: 1, slot: 2, decisions: [{ slot: 1, prop: P }, { slot: 1, prop: { ...P, clientId: 2 } }], executed: [], state: { app: 0, outputs: [] } }), 'two decisions for slot 1'],
  ['a Welcome whose outputs do not match executed', env({ type: 'Welcome', node: 1, slot: 2, decisions: [], executed: [P], state: { app: 0, outputs: [] } }), 'state/outputs: 0 outputs for 1 executed'],
];

describe('a Node receiving invalid input', () => {
  it.each(malformed)('drops, counts and logs %s', (_what, input, reason) => {
    const { node, logs } = memberNode();
    const before = node.specState();

    const out = node.receive(input);

    expect(out).toEqual({ durable: [], messages: [], timers: [], results: [] });
    expect(node.stats.invalidMessages).toBe(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('dropped invalid input');
    expect(logs[0]).toContain(reason);
    expect(node.specState()).toEqual(before);
  });

  it('accepts the same messages once they are well formed', () => {
    const { node, logs } = memberNode();

    const out = node.receive(env({ type: 'Prepare', ballot: B }));

    expect(logs).toEqual([]);
    expect(node.stats.invalidMessages).toBe(0);
    expect(out.messages.map((m) => m.message.type)).toEqual(['Promise']);
  });

  it('never throws on arbitrary JSON, and never changes state for it', () => {
    const { node } = memberNode();
    const before = node.specState();
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.record({ from: fc.integer({ min: 2, max: 3 }), to: fc.constant(1), clock: fc.nat(), message: fc.jsonValue() }),
      fc.record({
        from: fc.constant(2), to: fc.constant(1), clock: fc.nat(),
        message: fc.record({ type: fc.constantFrom('Prepare', 'Accept', 'Promise', 'Welcome', 'Decision'), ballot: fc.jsonValue(), slot: fc.jsonValue(), prop: fc.jsonValue() }, { requiredKeys: ['type'] }),
      }),
    );

    fc.assert(fc.property(anything, (input) => {
      node.receive(input);
    }), { numRuns: 200 });

    const after = node.specState();
    expect(after.rSlotOut).toBe(before.rSlotOut);
    expect(node.stats.invalidMessages).toBeGreaterThan(150);
  });
});
