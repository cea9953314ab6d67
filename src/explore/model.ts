/**
 * A model config (spec/<name>.cfg) as the explorer takes it: the constants as the fast
 * encoding's SpecConfig, the Mutant, and the cfg's INVARIANT, CONSTRAINT and CHECK_DEADLOCK
 * mapped to the TypeScript properties of the same names. A cfg the explorer cannot honour
 * exactly (another module, ACTION_CONSTRAINT, VIEW, SYMMETRY, a property it does not know)
 * is refused with a sentence saying why; temporal PROPERTYs are listed as not checked.
 */
import type { ModelInfo } from '../modelcheck/cfg/models.js';
import { parseTlaValue } from '../modelcheck/values/tlaValue.js';
import type { SpecConstants } from '../trace/format/types.js';
import { type SpecConfig, configFromConstants } from '../trace/spec/specState.js';
import { STATE_INVARIANTS, STEP_PROPERTIES, type StateConstraint, type StateInvariant, type StepProperty, boundsOf } from './properties.js';
import { STATE_CONSTRAINTS } from './constraints.js';
import { isFastMutant } from './mutantSteps.js';

export type ConstantValue = number | string | readonly number[];

/**
 * Models CI checks with the explorer only: too big for the embedded engine in CI time (TLC
 * confirms their counts; their conformance is sampled, src/explore/sampledConformance.ts).
 */
export const FAST_ONLY_MODELS: readonly string[] = ['ci-race', 'ci-race-ballots', 'ci-race-retry', 'ci-promise-parts', 'ci-preempt-three', 'ci-reproposes', 'ci-promise-parts-two', 'ci-welcome-batch'];

/**
 * The ones CI's check-fast searches by default: ci-race-retry keeps every state of
 * ci-race-ballots (its constraint is RaceShape less a conjunct), so that one is left to
 * npm test and to CI's AdoptLowestBallot search. ci-preempt-three is ci-preempt with three
 * acceptors: 35,708 states, over three minutes on the embedded engine and under a second here.
 */
export const CI_FAST_ONLY_MODELS: readonly string[] = [
  'ci-race', 'ci-race-retry', 'ci-promise-parts', 'ci-preempt-three',
  // Shapes no embedded CI model has, each added for a bug that passed every other model: a request
  // decided in two slots (ci-reproposes), a Promise in parts whose pvalues decide between two values
  // (ci-promise-parts-two), a Welcome in parts carrying a history of two requests (ci-welcome-batch).
  'ci-reproposes', 'ci-promise-parts-two', 'ci-welcome-batch',
  // A Promise in two parts carrying a pvalue in each (ci-promise-parts-slots: 2,996 states, 28 s on the embedded engine).
  'ci-promise-parts-slots',
  // A commander of an older ballot waiting while its leader is active at a newer one (ci-race-rescout: 13,524 states).
  'ci-race-rescout',
];

/** The constraints the explorer knows (constraints.ts, the racing ones of raceShapes.ts among them). */
const CONSTRAINTS: Record<string, StateConstraint> = STATE_CONSTRAINTS;

export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface ExploreModel {
  name: string;
  constants: Record<string, ConstantValue>;
  cfg: SpecConfig;
  mutant: string;
  invariants: Record<string, StateInvariant>;
  stepProperties: Record<string, StepProperty>;
  constraints: Record<string, StateConstraint>;
  checkDeadlock: boolean;
  /** Temporal properties of the cfg, which the explorer does not check. */
  unchecked: string[];
}

/** The cfg's constants as numbers, sets of numbers and strings (the only kinds MultiPaxos takes). */
export function constantsOf(m: ModelInfo): Record<string, ConstantValue> {
  const out: Record<string, ConstantValue> = {};
  const num = (x: unknown): number | undefined => (x && typeof x === 'object' && '#bigint' in x ? Number((x as { '#bigint': string })['#bigint']) : undefined);
  for (const c of m.cfg.constants) {
    if (c.value === undefined) throw new ModelError(`model ${m.name}: constant ${c.name} is substituted, not a value`);
    const v = parseTlaValue(c.value) as unknown;
    if (typeof v === 'string') out[c.name] = v;
    else if (num(v) !== undefined) out[c.name] = num(v)!;
    else if (v && typeof v === 'object' && '#set' in v && (v as { '#set': unknown[] })['#set'].every((x) => num(x) !== undefined)) {
      out[c.name] = (v as { '#set': unknown[] })['#set'].map((x) => num(x)!).sort((a, b) => a - b);
    } else throw new ModelError(`model ${m.name}: constant ${c.name} = ${c.value} is not a number, set of numbers or string`);
  }
  return out;
}

const pick = <T>(table: Record<string, T>, names: readonly string[]): Record<string, T> =>
  Object.fromEntries(names.filter((n) => Object.prototype.hasOwnProperty.call(table, n)).map((n) => [n, table[n]!]));

/**
 * The explorer's view of a model. `mutant` overrides the cfg's Mutant; `only` checks just
 * those invariants or step properties (as the mutant tests do, to name what breaks).
 */
export function exploreModel(m: ModelInfo, opts: { mutant?: string; only?: readonly string[] } = {}): ExploreModel {
  if (m.module !== 'MultiPaxos') throw new ModelError(`model ${m.name} checks module ${m.module}; the explorer runs the fast encoding of MultiPaxos`);
  const spec = m.cfg.specification;
  if (spec !== 'Spec' && spec !== 'LiveSpec' && !(m.cfg.init === 'Init' && m.cfg.next === 'Next')) {
    throw new ModelError(`model ${m.name}: SPECIFICATION ${spec ?? '(none)'} is not Spec or LiveSpec`);
  }
  if (m.cfg.actionConstraints.length > 0) throw new ModelError(`model ${m.name} has an ACTION_CONSTRAINT, which the explorer does not apply`);
  if (m.cfg.view !== undefined || m.cfg.symmetry !== undefined) throw new ModelError(`model ${m.name} declares VIEW or SYMMETRY, which the explorer does not apply (its counts would differ from TLC's)`);
  const constants = constantsOf(m);
  for (const k of ['N', 'LeaderNodes', 'ReplicaNodes', 'Callers', 'RequestsPerCaller', 'Window', 'MaxBallot', 'MaxSlot', 'MaxRestarts', 'CheckpointNodes']) {
    if (constants[k] === undefined) throw new ModelError(`model ${m.name}: constant ${k} is not given`);
  }
  const mutant = opts.mutant ?? (typeof constants.Mutant === 'string' ? constants.Mutant : 'none');
  if (!isFastMutant(mutant)) throw new ModelError(`the explorer has no mutant ${JSON.stringify(mutant)}`);
  const cfg = configFromConstants(constants as unknown as SpecConstants);
  boundsOf(cfg, mutant);
  const invariants = opts.only ?? m.cfg.invariants;
  const unknown = invariants.filter((n) => STATE_INVARIANTS[n] === undefined && STEP_PROPERTIES[n] === undefined);
  if (unknown.length > 0) throw new ModelError(`model ${m.name}: the explorer does not know the invariant${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const unknownConstraints = m.cfg.constraints.filter((n) => CONSTRAINTS[n] === undefined);
  if (unknownConstraints.length > 0) throw new ModelError(`model ${m.name}: the explorer does not know the CONSTRAINT ${unknownConstraints.join(', ')}`);
  return {
    name: m.name, constants: { ...constants, Mutant: mutant }, cfg, mutant,
    invariants: pick(STATE_INVARIANTS, invariants),
    stepProperties: pick(STEP_PROPERTIES, invariants),
    constraints: pick(CONSTRAINTS, m.cfg.constraints),
    // TLC checks deadlock unless the cfg says CHECK_DEADLOCK FALSE.
    checkDeadlock: m.cfg.checkDeadlock ?? true,
    unchecked: opts.only ? [] : [...m.cfg.properties],
  };
}
