/**
 * fromJson: a Welcome sent without checkpoints carries the application state itself, as JSON
 * from the network. kv and bank read it back into their persistent maps (equal to the state
 * sent, same digest, same answers to every later command), and refuse, naming what is wrong,
 * a value that no sequence of their commands could have built; the replica then drops the
 * Welcome as a lost message and keeps its own state.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bank, MAX_AMOUNT } from '../../src/statemachines/bank.js';
import { kv, MAX_VALUE_LENGTH } from '../../src/statemachines/kv.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import { canonicalJson, stateDigest } from '../../src/statemachines/digest.js';
import { MAX_NAME_LENGTH, type SnapshottableApp } from '../../src/statemachines/types.js';
import { Replica } from '../../src/roles/replica.js';
import { FakeHost, prop, specOf } from '../roles/fake-host.js';
import { bankInput, kvInput, run } from './snapshotArbitraries.js';

const apps = [
  { label: 'bank', app: bank as SnapshottableApp<unknown, unknown>, input: bankInput },
  { label: 'kv', app: kv as SnapshottableApp<unknown, unknown>, input: kvInput },
] as const;

describe.each(apps)('$label fromJson', ({ app, input }) => {
  it('property: the state read back from its JSON text equals it, digests as it, and answers every later command as it does', () => {
    fc.assert(fc.property(fc.array(input, { maxLength: 60 }), fc.array(input, { maxLength: 30 }), (before, after) => {
      const [state] = run(app, app.initial(), before);
      const back = app.fromJson!(JSON.parse(JSON.stringify(state)));
      expect(canonicalJson(back)).toBe(canonicalJson(state));
      expect(stateDigest(back)).toBe(stateDigest(state));
      const [stateEnd, stateOutputs] = run(app, state, after);
      const [backEnd, backOutputs] = run(app, back, after);
      expect(backOutputs).toEqual(stateOutputs);
      expect(canonicalJson(backEnd)).toBe(canonicalJson(stateEnd));
    }), { numRuns: 200 });
  });
});

describe('fromJson refuses what no commands could build', () => {
  const name65 = 'n'.repeat(MAX_NAME_LENGTH + 1);
  it.each([
    ['not an object', null, /an object with one field "entries"/],
    ['an array', [], /an object with one field "entries"/],
    ['another field beside entries', { entries: {}, extra: 1 }, /has a field "extra"/],
    ['entries not an object', { entries: ['a'] }, /"entries" must be an object/],
    ['an empty key', { entries: { '': 'x' } }, /is not of 1\.\.64 characters/],
    ['a key too long', { entries: { [name65]: 'x' } }, /is not of 1\.\.64 characters/],
    ['a value that is not a string', { entries: { k: 1 } }, /the value of "k" is not a string/],
    ['a value too long', { entries: { k: 'x'.repeat(MAX_VALUE_LENGTH + 1) } }, /the value of "k" is not a string of at most 4096/],
  ])('kv: %s', (_, value, message) => {
    expect(() => kv.fromJson!(value)).toThrow(message);
  });

  it.each([
    ['no accounts field', { entries: {} }, /has a field "entries"/],
    ['a negative balance', { accounts: { a: -1 } }, /the value of "a" is not a balance/],
    ['a balance that is not an integer', { accounts: { a: 1.5 } }, /the value of "a" is not a balance/],
    ['a balance past 2^53', { accounts: { a: 2 ** 53 } }, /the value of "a" is not a balance/],
    ['a balance as text', { accounts: { a: '5' } }, /the value of "a" is not a balance/],
    ['a total past 2^53 - 1', { accounts: { a: Number.MAX_SAFE_INTEGER, b: 1 } }, /total of balances/],
  ])('bank: %s', (_, value, message) => {
    expect(() => bank.fromJson!(value)).toThrow(message);
  });

  it('bank: the largest exact total is a state (a deposit then fails with Overflow, as on the state built by commands)', () => {
    const state = bank.fromJson!({ accounts: { a: Number.MAX_SAFE_INTEGER - MAX_AMOUNT, b: MAX_AMOUNT } });
    expect(bank.apply(state, { op: 'deposit', account: 'b', amount: 1 })[1]).toMatchObject({ ok: false, error: 'Overflow' });
  });
});

describe("a replica installing a Welcome's JSON state (no checkpoints)", () => {
  const sm = toNodeStateMachine(kv);
  const replicaOn = () => {
    const host = new FakeHost({ self: 2, stateMachine: sm });
    const replica = new Replica(host);
    host.addRole(replica);
    host.clear();
    return { host, replica };
  };
  const set = (key: string, value: string) => JSON.stringify({ op: 'set', key, value });
  const welcome = (app: unknown) => ({
    type: 'Welcome' as const, node: 2, slot: 2,
    decisions: [{ slot: 1, prop: prop(3, 1, set('a', '1')) }],
    executed: [prop(3, 1, set('a', '1'))],
    state: { app, outputs: [{ ok: true, op: 'set', key: 'a' }] },
  });

  it("reads it back into the app's own state, which later commands extend", () => {
    const { host, replica } = replicaOn();
    replica.receive(3, welcome(JSON.parse(JSON.stringify(sm.apply(sm.initial(), set('a', '1'))[0]))));
    expect(host.actions()).toEqual(['ReplicaReceiveWelcome']);
    replica.receive(3, { type: 'Decision', slot: 2, prop: prop(3, 2, set('b', '2')) });
    const state = replica.appState as ReturnType<typeof kv.initial>;
    expect(state.entries.toJSON()).toEqual({ a: '1', b: '2' });
  });

  it.each([
    ['a state of another app', { accounts: { a: 1 } }],
    ['a value no set could store', { entries: { a: 7 } }],
    ['no state at all', 'garbage'],
  ])('drops one carrying %s, logs why, and keeps its own state', (_, app) => {
    const { host, replica } = replicaOn();
    const before = replica.appState;
    replica.receive(3, welcome(app));
    expect(host.actions()).toEqual([]);
    expect(replica.appState).toBe(before);
    expect(specOf(replica)).toMatchObject({ rSlotOut: 1, rExecuted: [] });
    expect(host.logs.join('\n')).toMatch(/dropped a Welcome for slot 2: its state is not one of the application's/);
  });
});
