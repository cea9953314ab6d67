import { describe, expect, it } from 'vitest';
import { toSpecMessage, toTraceMessage } from '../../src/protocol/projection.js';
import { ballotLess, compareBallots, isQuorum, maxBallot, NOOP, isNoop } from '../../src/protocol/values.js';

const P = { caller: 2, clientId: 1, input: 'x' };

describe('spec projection of wire messages', () => {
  it('drops the fields the spec does not model', () => {
    expect(toSpecMessage({ type: 'Invoked', replica: 2, prop: P, index: 3, output: 42 })).toEqual({ type: 'Invoked', replica: 2, prop: P, index: 3 });
    expect(toSpecMessage({ type: 'Welcome', node: 2, slot: 1, decisions: [], executed: [P], state: { app: 1, outputs: [1] } }))
      .toEqual({ type: 'Welcome', node: 2, slot: 1, decisions: [], executed: [P] });
  });

  it('gives messages equal in the spec the same JSON text: fixed key order, sets sorted and deduplicated', () => {
    const pv = (slot: number) => ({ slot, prop: { input: 'x', clientId: 1, caller: 2 }, ballot: { leader: 1, num: 0 } });
    const a = toSpecMessage({ type: 'Promise', acceptor: 1, ballot: { leader: 1, num: 0 }, promised: { num: 0, leader: 1 }, accepted: [pv(2), pv(1), pv(2)] });
    const b = toSpecMessage({ type: 'Promise', promised: { leader: 1, num: 0 }, accepted: [pv(1), pv(2)], acceptor: 1, ballot: { num: 0, leader: 1 } } as never);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).toBe('{"type":"Promise","acceptor":1,"ballot":{"num":0,"leader":1},"promised":{"num":0,"leader":1},"accepted":[{"ballot":{"num":0,"leader":1},"slot":1,"prop":{"caller":2,"clientId":1,"input":"x"}},{"ballot":{"num":0,"leader":1},"slot":2,"prop":{"caller":2,"clientId":1,"input":"x"}}]}');
  });

  it('keeps the order of Welcome.executed: it is a sequence', () => {
    const q = { ...P, clientId: 2 };
    expect(toSpecMessage({ type: 'Welcome', node: 2, slot: 3, decisions: [], executed: [q, P], state: { app: 0, outputs: [0, 0] } }))
      .toMatchObject({ executed: [q, P] });
  });

  it('has no spec message for Active, Accepting and CatchUp; traces show them as they are', () => {
    expect(toSpecMessage({ type: 'Active', ballot: { num: 1, leader: 2 } })).toBeUndefined();
    expect(toSpecMessage({ type: 'CatchUp', replica: 2, slot: 4 })).toBeUndefined();
    expect(toTraceMessage({ type: 'Accepting', leader: 3 })).toEqual({ type: 'Accepting', leader: 3 });
  });
});

describe('values', () => {
  it('orders ballots lexicographically by (num, leader), <<0, 0>> lowest', () => {
    expect(ballotLess({ num: 0, leader: 0 }, { num: 0, leader: 1 })).toBe(true);
    expect(ballotLess({ num: 1, leader: 1 }, { num: 0, leader: 3 })).toBe(false);
    expect(ballotLess({ num: 1, leader: 1 }, { num: 1, leader: 2 })).toBe(true);
    expect(compareBallots({ num: 2, leader: 2 }, { num: 2, leader: 2 })).toBe(0);
    expect(maxBallot({ num: 1, leader: 3 }, { num: 2, leader: 1 })).toEqual({ num: 2, leader: 1 });
  });

  it('counts a strict majority as a quorum', () => {
    expect([1, 2, 3].map((n) => isQuorum(n, 3))).toEqual([false, true, true]);
    expect([2, 3].map((n) => isQuorum(n, 4))).toEqual([false, true]);
  });

  it('knows the no-op', () => {
    expect(isNoop({ caller: 0, clientId: 0, input: 'noop' })).toBe(true);
    expect(isNoop({ caller: 0, clientId: 0, input: 'nop' })).toBe(false);
    expect(Object.isFrozen(NOOP)).toBe(true);
  });
});
