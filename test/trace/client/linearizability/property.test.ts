/**
 * Property tests. Small random histories: the checker, with and without each of its
 * optimisations, agrees with a brute-force search written from the definition. Larger
 * histories of a real sequential run cut into concurrent client operations pass, with a
 * witness that an independent verifier accepts; with one fault injected, they fail.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '../../../../src/sim/prng.js';
import { bank, type BankState } from '../../../../src/statemachines/bank.js';
import { kv } from '../../../../src/statemachines/kv.js';
import {
  bankModel,
  checkLinearizable,
  explain,
  kvModel,
  type CheckOptions,
  type Model,
  type Operation,
} from '../../../../src/trace/client/linearizability/index.js';
import {
  bankFinalReads,
  bankWorkload,
  kvWorkload,
  synthesizeHistory,
  type SyntheticHistory,
} from '../../../../src/trace/client/linearizability/synthetic.js';
import { bruteForceLinearizable, witnessProblem } from './oracle.js';
import { mediumBankHistory, mediumKvHistory, smallBankHistory, smallKvHistory } from './smallHistories.js';

// A fixed seed: some random bank histories with many unanswered operations make the search
// exponential (see search.ts), so a random seed could make this file hang in CI. Run with
// FC_SEED=<n> to explore others.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261130) });

const VARIANTS: readonly CheckOptions[] = [{}, { partition: false }, { reduce: false }, { memo: false }, { partition: false, reduce: false, memo: false }];

function agreesWithBruteForce<S>(model: Model<S>, history: fc.Arbitrary<Operation[]>): { linearizable: number; not: number } {
  const seen = { linearizable: 0, not: 0 };
  fc.assert(
    fc.property(history, (ops) => {
      const truth = bruteForceLinearizable(model, ops);
      seen[truth ? 'linearizable' : 'not']++;
      for (const opts of VARIANTS) {
        const result = checkLinearizable(model, ops, opts);
        expect(result.ok, `${JSON.stringify(opts)}: ${explain(result)}`).toBe(truth);
        if (result.ok === true) expect(witnessProblem(model, ops, result.linearizations)).toBeUndefined();
      }
      // The order of the operations in the array means nothing.
      expect(checkLinearizable(model, [...ops].reverse()).ok).toBe(truth);
    }),
    { numRuns: Number(process.env.LIN_RUNS ?? 400) },
  );
  return seen;
}

describe('small histories: the checker agrees with brute force, with every optimisation on or off', () => {
  it('bank', () => {
    const seen = agreesWithBruteForce(bankModel, smallBankHistory);
    // Both verdicts must be well represented, or the property says little.
    expect(seen.linearizable).toBeGreaterThan(100);
    expect(seen.not).toBeGreaterThan(40);
  });

  it('kv', () => {
    const seen = agreesWithBruteForce(kvModel, smallKvHistory);
    expect(seen.linearizable).toBeGreaterThan(100);
    expect(seen.not).toBeGreaterThan(40);
  });
});

describe('medium histories: the optimisations do not change the verdict', () => {
  // The plain search (one part, no reduction, memo on) is the reference here.
  const agree = <S,>(model: Model<S>, history: fc.Arbitrary<Operation[]>) => {
    const seen = { linearizable: 0, not: 0 };
    fc.assert(
      fc.property(history, (ops) => {
        const plain = checkLinearizable(model, ops, { partition: false, reduce: false });
        seen[plain.ok ? 'linearizable' : 'not']++;
        for (const opts of [{}, { partition: false }, { reduce: false }]) expect(checkLinearizable(model, ops, opts).ok, JSON.stringify(opts)).toBe(plain.ok);
      }),
      { numRuns: Number(process.env.LIN_RUNS ?? 150) },
    );
    return seen;
  };

  it('bank', () => {
    const seen = agree(bankModel, mediumBankHistory);
    expect(seen.linearizable).toBeGreaterThan(30);
    expect(seen.not).toBeGreaterThan(30);
  });

  it('kv', () => {
    const seen = agree(kvModel, mediumKvHistory);
    expect(seen.linearizable).toBeGreaterThan(30);
    expect(seen.not).toBeGreaterThan(30);
  });
});

interface Shape {
  readonly seed: number;
  readonly clients: number;
  readonly operations: number;
  readonly names: number;
  readonly unknownRate: number;
}

const shape = (maxUnknownRate: number, maxOperations = 300): fc.Arbitrary<Shape> =>
  fc.record({
    seed: fc.integer(),
    clients: fc.integer({ min: 1, max: 8 }),
    operations: fc.integer({ min: 1, max: maxOperations }),
    names: fc.integer({ min: 1, max: 12 }),
    unknownRate: maxUnknownRate === 0 ? fc.constant(0) : fc.double({ min: 0, max: maxUnknownRate, noNaN: true }),
  });

function random(seed: number): () => number {
  const prng = Prng.fromSeed(seed);
  return () => prng.next();
}

type BankSystem = (state: BankState, input: unknown, index: number) => readonly [BankState, unknown];

function bankRun(s: Shape, apply: BankSystem = (state, input) => bank.apply(state, input), finalReads = false): SyntheticHistory {
  return synthesizeHistory({
    initial: bank.initial(), apply, nextInput: bankWorkload(s.names), clients: s.clients, operations: s.operations,
    random: random(s.seed), unknownRate: s.unknownRate, finalInputs: finalReads ? bankFinalReads : undefined,
  });
}

function kvRun(s: Shape): SyntheticHistory {
  return synthesizeHistory({
    initial: kv.initial(), apply: (state, input) => kv.apply(state, input), nextInput: kvWorkload(s.names), clients: s.clients,
    operations: s.operations, random: random(s.seed), unknownRate: s.unknownRate,
  });
}

function expectPass<S>(model: Model<S>, h: SyntheticHistory): void {
  expect(witnessProblem(model, h.ops, [h.order])).toBeUndefined(); // the generator's own witness
  const result = checkLinearizable(model, h.ops);
  expect(result.ok, explain(result)).toBe(true);
  if (result.ok === true) expect(witnessProblem(model, h.ops, result.linearizations)).toBeUndefined();
}

describe('concurrent executions of a real sequential run', () => {
  // Few unanswered operations for the bank: its accounts form one part, and each unanswered
  // transfer can multiply the search (see "Cost" in search.ts).
  it('bank: linearizable, with unanswered operations that took effect and some that did not', () => {
    fc.assert(fc.property(shape(0.02, 200), (s) => expectPass(bankModel, bankRun(s))), { numRuns: 60 });
  });

  it('kv: linearizable, with unanswered operations that took effect and some that did not', () => {
    fc.assert(fc.property(shape(0.2), (s) => expectPass(kvModel, kvRun(s))), { numRuns: 60 });
  });
});

/** A returned operation of the history picked by `pick`, among those `want` accepts. */
function pickOp(ops: readonly Operation[], pick: number, want: (op: Operation) => boolean): Operation | undefined {
  const eligible = ops.filter((op) => op.ret !== undefined && want(op));
  return eligible.length === 0 ? undefined : eligible[pick % eligible.length];
}

function withOutput(ops: readonly Operation[], victim: Operation, output: unknown): Operation[] {
  return ops.map((op) => (op === victim ? { ...op, output } : op));
}

const isOk = (output: unknown, op: string) => (output as { ok?: unknown; op?: unknown }).ok === true && (output as { op?: unknown }).op === op;

describe('one fault injected: the history fails', () => {
  it('kv: a read returns a value nobody wrote', () => {
    fc.assert(
      fc.property(shape(0.2), fc.nat(), (s, pick) => {
        const { ops } = kvRun(s);
        const read = pickOp(ops, pick, (op) => isOk(op.output, 'get'));
        fc.pre(read !== undefined);
        const forged = withOutput(ops, read!, { ...(read!.output as object), value: 'never written' });
        expect(checkLinearizable(kvModel, forged).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('bank: a balance above all the money ever deposited', () => {
    fc.assert(
      fc.property(shape(0.02, 200), fc.nat(), (s, pick) => {
        const { ops } = bankRun(s);
        const read = pickOp(ops, pick, (op) => isOk(op.output, 'balance'));
        fc.pre(read !== undefined);
        const deposited = ops.reduce((sum, op) => sum + ((op.input as { op: string }).op === 'deposit' ? (op.input as { amount: number }).amount : 0), 0);
        const forged = withOutput(ops, read!, { ...(read!.output as object), balance: deposited + 1 });
        expect(checkLinearizable(bankModel, forged).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  // With every operation answered and every balance read at the end, the final balances follow
  // from the outputs alone, whatever the order; an extra or a missing effect changes them.
  for (const fault of ['applied twice', 'never applied'] as const) {
    it(`bank: one successful transfer or deposit ${fault} (exactly once)`, () => {
      fc.assert(
        fc.property(shape(0), fc.nat(), (s, victimIndex) => {
          let faulty = false;
          const apply = (state: BankState, input: unknown, index: number): readonly [BankState, unknown] => {
            const [next, output] = bank.apply(state, input);
            const effectful = isOk(output, 'transfer') || isOk(output, 'deposit');
            if (faulty || !effectful || index < victimIndex % Math.max(1, s.operations)) return [next, output];
            if (fault === 'never applied') {
              faulty = true;
              return [state, output];
            }
            const [twice, again] = bank.apply(next, input);
            if ((again as { ok: boolean }).ok) faulty = true;
            return [faulty ? twice : next, output];
          };
          const h = bankRun(s, apply, true);
          fc.pre(faulty);
          expect(checkLinearizable(bankModel, h.ops).ok).toBe(false);
        }),
        { numRuns: 40 },
      );
    });
  }
});
