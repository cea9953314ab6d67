/**
 * The simulator's replicas all execute the same command strings through one state machine;
 * apps that promise to only read their input (bank, kv) share one frozen decode of each.
 */
import { describe, expect, it } from 'vitest';
import { bank } from '../../src/statemachines/bank.js';
import { toNodeStateMachine } from '../../src/statemachines/codec.js';
import type { AppStateMachine } from '../../src/statemachines/types.js';

/** An app that records the input objects it is given and (wrongly) writes to them. */
function scribbler(readsInputOnly: boolean) {
  const seen: unknown[] = [];
  const app: AppStateMachine<number, unknown> & { readsInputOnly?: true } = {
    ...(readsInputOnly ? { readsInputOnly: true as const } : {}),
    initial: () => 0,
    apply(state, input) {
      seen.push(input);
      (input as { touched?: boolean }).touched = true;
      return [state + 1, state];
    },
  };
  return { app, seen };
}

describe('toNodeStateMachine decoding', () => {
  it('an app with the promise is given one frozen decode of a command, however many replicas execute it', () => {
    const seen: unknown[] = [];
    const reader: AppStateMachine<number, unknown> & { readsInputOnly: true } = {
      readsInputOnly: true, initial: () => 0, apply: (state, input) => { seen.push(input); return [state, null]; },
    };
    const sm = toNodeStateMachine(reader);
    for (let replica = 0; replica < 5; replica++) sm.apply(0, '{"op":"open","account":"alice"}');
    expect(new Set(seen).size).toBe(1);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('bank keeps its outputs with shared decodes', () => {
    const sm = toNodeStateMachine(bank);
    const input = JSON.stringify({ op: 'open', account: 'alice' });
    const [state, first] = sm.apply(sm.initial(), input);
    expect(first).toEqual({ ok: true, op: 'open', account: 'alice' });
    expect(sm.apply(sm.initial(), input)[1]).toEqual(first);
    expect(sm.apply(state, input)[1]).toMatchObject({ ok: false, error: 'AccountExists' });
  });

  it('an app without the promise gets a fresh, writable parse per execution', () => {
    const { app, seen } = scribbler(false);
    const sm = toNodeStateMachine(app);
    sm.apply(0, '{"op":"x"}');
    sm.apply(0, '{"op":"x"}');
    expect(seen[0]).not.toBe(seen[1]);
    expect(seen[1]).toEqual({ op: 'x', touched: true });
  });

  it('an app that breaks the promise throws instead of changing what the next replica executes', () => {
    const { app, seen } = scribbler(true);
    const sm = toNodeStateMachine(app);
    expect(() => sm.apply(0, '{"op":"x","nested":{"a":1}}')).toThrow(TypeError);
    expect(Object.isFrozen((seen[0] as { nested: object }).nested)).toBe(true);
  });

  it('still answers BadInput for a string that is not JSON', () => {
    const sm = toNodeStateMachine(bank);
    expect(sm.apply(sm.initial(), '{not json')[1]).toMatchObject({ ok: false, error: 'BadInput' });
  });
});
