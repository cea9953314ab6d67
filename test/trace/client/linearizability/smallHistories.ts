/**
 * fast-check arbitraries for small histories (a handful of operations) whose verdict the
 * brute-force oracle can compute: a real sequential run cut into concurrent intervals, some
 * operations unanswered, then possibly one fault (a wrong output, or an effect applied twice).
 */
import fc from 'fast-check';
import { bank } from '../../../../src/statemachines/bank.js';
import { kv } from '../../../../src/statemachines/kv.js';
import type { AppStateMachine } from '../../../../src/statemachines/types.js';
import type { Operation } from '../../../../src/trace/client/linearizability/index.js';

const amount = fc.integer({ min: 1, max: 3 });
/** Inputs the machine rejects before reading the state (BadInput). */
const junk = fc.constantFrom<unknown>(42, null, { op: 'deposit', account: 'a', amount: -1 }, { op: 'nope' }, { op: 'get' }, { op: 'transfer', from: 'a', to: 'a', amount: 1 });

function bankInput(...names: string[]): fc.Arbitrary<unknown> {
  const account = fc.constantFrom(...names);
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('open'), account }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('deposit'), account, amount }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('transfer'), from: account, to: account, amount }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('balance'), account }), weight: 3 },
    { arbitrary: junk, weight: 1 },
  );
}

function kvInput(...keys: string[]): fc.Arbitrary<unknown> {
  const key = fc.constantFrom(...keys);
  const value = fc.constantFrom('1', '2');
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('get'), key }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('set'), key, value }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('cas'), key, expected: fc.option(value, { nil: null }), value }), weight: 3 },
    { arbitrary: junk, weight: 1 },
  );
}

export type Fault =
  | { readonly kind: 'none' }
  /** An answered operation gets the output the machine gives from another state of the run, where it differs. */
  | { readonly kind: 'wrong-output'; readonly pick: number }
  /** Operation `victim` takes effect twice in a row (one invoke, executed twice). */
  | { readonly kind: 'twice'; readonly victim: number };

interface Planned {
  readonly input: unknown;
  readonly call: number;
  readonly length: number;
  /** Where in its interval it takes effect, 0..1 (an unanswered one may take effect up to 3 lengths later). */
  readonly at: number;
  readonly fate: 'answered' | 'unanswered-took-effect' | 'unanswered-no-effect';
}

const planned = (input: fc.Arbitrary<unknown>, lastCall: number): fc.Arbitrary<Planned> =>
  fc.record({
    input,
    call: fc.integer({ min: 0, max: lastCall }),
    length: fc.integer({ min: 0, max: 8 }),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    fate: fc.constantFrom('answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'unanswered-took-effect', 'unanswered-no-effect'),
  });

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { arbitrary: fc.constant<Fault>({ kind: 'none' }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('wrong-output' as const), pick: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('twice' as const), victim: fc.nat() }), weight: 1 },
);

function build<S>(machine: AppStateMachine<S, unknown>, plans: readonly Planned[], f: Fault): Operation[] {
  const effectAt = (p: Planned) => p.call + p.at * p.length * (p.fate === 'answered' ? 1 : 3);
  const effective = plans.map((p, i) => ({ p, i })).filter(({ p }) => p.fate !== 'unanswered-no-effect');
  effective.sort((a, b) => effectAt(a.p) - effectAt(b.p) || a.i - b.i);
  const states: S[] = [machine.initial()];
  const outputs = new Map<number, unknown>();
  for (const [k, { p, i }] of effective.entries()) {
    let [state, output] = machine.apply(states[k]!, p.input);
    if (f.kind === 'twice' && f.victim % plans.length === i) [state] = machine.apply(state, p.input);
    outputs.set(i, output);
    states.push(state);
  }
  if (f.kind === 'wrong-output') {
    // Every (answered operation, output it gives from another state of the run) that differs from its own.
    const swaps = plans.flatMap((p, i) => {
      if (p.fate !== 'answered') return [];
      const truth = JSON.stringify(outputs.get(i));
      return states.map((state) => machine.apply(state, p.input)[1]).filter((output) => JSON.stringify(output) !== truth).map((output) => ({ i, output }));
    });
    const swap = swaps[f.pick % Math.max(1, swaps.length)];
    if (swap !== undefined) outputs.set(swap.i, swap.output);
  }
  return plans.map((p, i): Operation => {
    const base = { id: `op${i}`, client: `c${i % 3}`, input: p.input, call: p.call };
    return p.fate === 'answered' ? { ...base, ret: p.call + p.length, output: outputs.get(i) } : base;
  });
}

/** Histories of up to `maxLength` operations, with calls spread over 6 time units per operation. */
function historyOf<S>(machine: AppStateMachine<S, unknown>, input: fc.Arbitrary<unknown>, minLength: number, maxLength: number): fc.Arbitrary<Operation[]> {
  const plans = fc.array(planned(input, 6 * maxLength), { minLength, maxLength, size: 'max' });
  return fc.tuple(plans, fault).map(([p, f]) => build(machine, p, f));
}

/** Small enough for the brute-force oracle. */
export const smallBankHistory = historyOf(bank, bankInput('a', 'b', 'c'), 1, 7);
export const smallKvHistory = historyOf(kv, kvInput('x', 'y'), 1, 7);
/** Too large for brute force; for comparing the checker with its own optimisations off. */
export const mediumBankHistory = historyOf(bank, bankInput('a', 'b', 'c', 'd', 'e', 'f'), 10, 40);
export const mediumKvHistory = historyOf(kv, kvInput('x', 'y', 'z'), 10, 40);
