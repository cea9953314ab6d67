/** Which spec mutant (`CONSTANT Mutant`) breaks which property, and the model that shows it. */

export interface SpecMutant {
  mutant: string;
  /** A model config under test/spec/models/ or spec/ (without .cfg). */
  model: string;
  property: string;
  kind: 'invariant' | 'liveness';
}

/** Every property the spec states; each must be broken by at least one mutant. */
export const SPEC_PROPERTIES = [
  'TypeOK', 'Agreement', 'Validity', 'ReplicaConsistency', 'AcceptorMonotonicity', 'RefinesLog', 'EventuallyExecuted',
];

export const SPEC_MUTANTS: SpecMutant[] = [
  { mutant: 'SmallQuorum', model: 'two-proposers', property: 'Agreement', kind: 'invariant' },
  { mutant: 'SmallQuorum', model: 'two-proposers', property: 'RefinesLog', kind: 'invariant' },
  { mutant: 'AcceptLowerBallot', model: 'two-proposers', property: 'AcceptorMonotonicity', kind: 'invariant' },
  { mutant: 'PromiseOmitsAccepted', model: 'two-proposers', property: 'Agreement', kind: 'invariant' },
  { mutant: 'ScoutIgnoresAccepted', model: 'two-proposers', property: 'Agreement', kind: 'invariant' },
  { mutant: 'ExecuteOwnProposal', model: 'two-proposers', property: 'ReplicaConsistency', kind: 'invariant' },
  { mutant: 'NoRedrive', model: 'liveness', property: 'EventuallyExecuted', kind: 'liveness' },
  { mutant: 'VolatileAcceptor', model: 'ci-restart', property: 'AcceptorMonotonicity', kind: 'invariant' },
  { mutant: 'ReplicaCorruptsRequest', model: 'ci-normal', property: 'Validity', kind: 'invariant' },
  { mutant: 'ProposeSlotZero', model: 'ci-normal', property: 'TypeOK', kind: 'invariant' },
];
