/**
 * Random command sequences for the snapshot tests. Names mix a few fixed ones (with
 * "__proto__", which a state must keep as plain data) and arbitrary UTF-16 strings, lone
 * surrogates included, which a snapshot must carry without loss.
 */
import fc from 'fast-check';
import { MAX_NAME_LENGTH } from '../../src/statemachines/types.js';

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const name: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('alice', 'bob', 'carol', '__proto__', 'constructor', 'b', 'B', 'é'),
  fc.string({ unit: codeUnit, minLength: 1, maxLength: MAX_NAME_LENGTH }),
);

export const bankInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ op: fc.constant('open'), account: name }),
  fc.record({ op: fc.constant('deposit'), account: name, amount: fc.integer({ min: -5, max: 1_000_000 }) }),
  fc.record({ op: fc.constant('transfer'), from: name, to: name, amount: fc.integer({ min: 1, max: 1_000 }) }),
  fc.record({ op: fc.constant('balance'), account: name }),
);

const value = fc.oneof(fc.constantFrom('', '0', '1'), fc.string({ unit: codeUnit, maxLength: 40 }));

export const kvInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ op: fc.constant('set'), key: name, value }),
  fc.record({ op: fc.constant('cas'), key: name, expected: fc.oneof(fc.constant(null), value), value }),
  fc.record({ op: fc.constant('get'), key: name }),
);

/** Applies inputs in order from `state`; returns the last state and every output. */
export function run<S>(app: { apply(state: S, input: unknown): [S, unknown] }, state: S, inputs: readonly unknown[]): [S, unknown[]] {
  const outputs: unknown[] = [];
  for (const input of inputs) {
    const [next, output] = app.apply(state, input);
    outputs.push(output);
    state = next;
  }
  return [state, outputs];
}
