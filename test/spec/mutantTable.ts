/**
 * Spec mutants (`CONSTANT Mutant`) that exhaustive search finds in test time (the embedded
 * engine's, or the explorer's confirmed on the .tla: `search`), with the property each breaks
 * and the model that shows it. The mutants whose
 * violations lie deeper are in counterexamples/ (TLC behaviours replayed on the embedded engine).
 */

export interface SpecMutant {
  mutant: string;
  /** A model config under test/spec/models/ or spec/ (without .cfg). */
  model: string;
  property: string;
  kind: 'invariant' | 'liveness';
  /**
   * Who searches the model for the violation: the embedded engine (test/spec/mutants.test.ts,
   * the default), or the explorer over the fast encoding with the counterexample then replayed on
   * the .tla by the engine (test/explore/specMutantSearch.test.ts): the same fact shown (the .tla
   * with this Mutant breaks the property), in about a second where the engine took up to 16 s
   * (a batch or Welcome mutant) or 30 s (ProposeBelowMark, ExecuteTwice). The engine keeps the
   * mutants the explorer has no version of, the liveness one, and CompactUndecided and
   * AdoptMarkFromSlotIn, so that its own search still runs on a checkpoint model.
   */
  search?: 'engine' | 'explorer';
}

/** Every property the spec states; each must be broken by at least one mutant. */
export const SPEC_PROPERTIES = [
  'TypeOK', 'Agreement', 'Validity', 'ReplicaConsistency', 'ClientAnswers', 'AcceptorMonotonicity', 'RefinesLog',
  'EventuallyExecuted', 'NothingNeededDiscarded', 'SnapshotsSound', 'AcceptsSafe', 'ProposesAboveSnapshot', 'HistoriesSound',
  'PromiseCoversAccepted', 'ProposalsAhead', 'DecisionsChosen', 'PromisesReport', 'PhaseOneFirst', 'OneValuePerBallot', 'AdoptionsReport', 'AcceptsAsAdopted',
];

export const SPEC_MUTANTS: SpecMutant[] = [
  { mutant: 'ProposeSlotZero', model: 'ci-normal', property: 'TypeOK', kind: 'invariant' },
  { mutant: 'ReplicaCorruptsRequest', model: 'ci-normal', property: 'Validity', kind: 'invariant' },
  { mutant: 'VolatileAcceptor', model: 'ci-restart', property: 'AcceptorMonotonicity', kind: 'invariant' },
  { mutant: 'NoRedrive', model: 'liveness', property: 'EventuallyExecuted', kind: 'liveness' },
  { mutant: 'AnswerOnDecision', model: 'client-answers', property: 'ClientAnswers', kind: 'invariant' },
  { mutant: 'AnswerLatestIndex', model: 'client-answers', property: 'ClientAnswers', kind: 'invariant' },
  { mutant: 'ExecuteTwice', model: 'restart-reproposes', property: 'ReplicaConsistency', kind: 'invariant', search: 'explorer' },
  // Checkpoints: one node that snapshots, compacts and restarts (test/spec/models/checkpoint-restart),
  // and two proposers racing for a slot that is then compacted (checkpoint-two-proposers).
  { mutant: 'CompactUndecided', model: 'checkpoint-restart', property: 'NothingNeededDiscarded', kind: 'invariant' },
  { mutant: 'SnapshotWrongSlot', model: 'checkpoint-restart', property: 'SnapshotsSound', kind: 'invariant', search: 'explorer' },
  { mutant: 'PromiseOmitsAtMark', model: 'checkpoint-restart', property: 'AcceptsSafe', kind: 'invariant', search: 'explorer' },
  { mutant: 'ProposeBelowMark', model: 'checkpoint-two-proposers', property: 'AcceptsSafe', kind: 'invariant', search: 'explorer' },
  // Batches (BatchMax = 2, spec/ci-batch.cfg). DedupeWholeBatch needs a restart (a request decided
  // in two slots): spec/ci-batch-redecided, the shape of test/spec/models/batch-restart that
  // constraint RedecidedInBatch keeps (467 states; the explorer found it after 114,244 states of batch-restart).
  { mutant: 'DedupeWholeBatch', model: 'ci-batch-redecided', property: 'ReplicaConsistency', kind: 'invariant' },
  { mutant: 'ExecuteBatchAnyOrder', model: 'ci-batch', property: 'ReplicaConsistency', kind: 'invariant', search: 'explorer' },
  { mutant: 'LeaderSplitsBatch', model: 'ci-batch', property: 'Validity', kind: 'invariant', search: 'explorer' },
  { mutant: 'AnswerBatchLastIndex', model: 'ci-batch', property: 'ClientAnswers', kind: 'invariant', search: 'explorer' },
  { mutant: 'SnapshotKeepsSlotIn', model: 'checkpoint-two-proposers', property: 'ProposesAboveSnapshot', kind: 'invariant', search: 'explorer' },
  { mutant: 'ForgetAboveSnapshot', model: 'checkpoint-two-proposers', property: 'ProposesAboveSnapshot', kind: 'invariant', search: 'explorer' },
  { mutant: 'WelcomeMixesParts', model: 'ci-welcome-parts', property: 'HistoriesSound', kind: 'invariant', search: 'explorer' },
  { mutant: 'WelcomeMissingPart', model: 'ci-welcome-parts', property: 'HistoriesSound', kind: 'invariant', search: 'explorer' },
  // Promise parts: a scout counts an acceptor's Promise from its first part. The embedded engine
  // needs 48-61 s for it, the explorer about a second.
  { mutant: 'ScoutCountsPartialPromise', model: 'promise-parts-restart', property: 'AcceptsSafe', kind: 'invariant', search: 'explorer' },
  // Bugs an outside review wrote (session 41) that broke no property then: each passed every CI model.
  { mutant: 'AcceptKeepsPromise', model: 'ci-normal', property: 'PromiseCoversAccepted', kind: 'invariant', search: 'explorer' },
  { mutant: 'WelcomeOverProposals', model: 'ci-restart', property: 'ProposalsAhead', kind: 'invariant', search: 'explorer' },
  // An adopted leader leaves the slots its replica executed (the stall without checkpoints, session 44).
  { mutant: 'AdoptMarkFromSlotIn', model: 'ci-checkpoint', property: 'NothingNeededDiscarded', kind: 'invariant' },
  // An outside review's (session 55): it passed every CI model, ci-checkpoint not checking HistoriesSound then.
  { mutant: 'RestartLosesHistory', model: 'ci-checkpoint', property: 'HistoriesSound', kind: 'invariant', search: 'explorer' },
  // An outside review's four (session 55) that passed every CI model, each breaking Agreement only
  // with two leaders, two slots and three ballots: the invariants stated for them break at once.
  { mutant: 'CommanderIgnoresSlot', model: 'ci-slots', property: 'DecisionsChosen', kind: 'invariant', search: 'explorer' },
  { mutant: 'PromiseHighestBallotOnly', model: 'ci-reproposes', property: 'PromisesReport', kind: 'invariant', search: 'explorer' },
  { mutant: 'PreemptedStaysActive', model: 'ci-preempt', property: 'PhaseOneFirst', kind: 'invariant', search: 'explorer' },
  { mutant: 'AdoptIgnoresMark', model: 'ci-adopt-mark', property: 'PhaseOneFirst', kind: 'invariant', search: 'explorer' },
  // Written for PromisesReport's first half, which it passed: only ci-race-retry caught it, at 31
  // steps (AcceptorMonotonicity); the second half (a Promise carries only votes) at 12.
  { mutant: 'PromiseRelabelsBallot', model: 'ci-reproposes', property: 'PromisesReport', kind: 'invariant', search: 'explorer' },
  // Written for OneValuePerBallot (session 57): caught at its second Accept (15 states deep), where
  // AcceptorMonotonicity took 16. A second review's bug it was stated for, a commander retrying under
  // its leader's newer ballot, needed a shape no CI model had until ci-race-rescout (below).
  { mutant: 'LeaderDrivesSlotTwice', model: 'ci-slots', property: 'OneValuePerBallot', kind: 'invariant', search: 'explorer' },
  // A second outside review's (session 57): it passed every CI model (on ci-adopt-mark it changed
  // the state count, 7,301 to 44,421, and broke no property); Agreement on a model with three
  // nodes, checkpoints and two leaders, 32 steps. AdoptionsReport (session 58) catches it at 24.
  { mutant: 'ScoutKeepsLastMark', model: 'ci-adopt-mark', property: 'AdoptionsReport', kind: 'invariant', search: 'explorer' },
  // Another of that review's: no CI model had a no-op adopted where the leader held a request of
  // its own. ci-noop-readopt is that shape (1,819 states); AcceptsAsAdopted catches it at 28 steps,
  // RefinesLog (slot 1 chosen twice) at 35.
  { mutant: 'AdoptPrefersOwnOverNoOp', model: 'ci-noop-readopt', property: 'AcceptsAsAdopted', kind: 'invariant', search: 'explorer' },
  // Another of that review's: answers indexed by place in the batch show only where a batch
  // holds a request executed before, which no CI model had (only batch-restart, 168,684 states
  // to the violation). ci-batch-redecided is that shape: ClientAnswers at 24 steps.
  { mutant: 'AnswerIndexInBatch', model: 'ci-batch-redecided', property: 'ClientAnswers', kind: 'invariant' },
  // Two more of that review's, which need checkpoints beside a second slot or a second ballot: every
  // CI model with checkpoints had one slot, and none answered a Prepare between a snapshot and the
  // compaction to it. ci-compact-slots (2,555 states, unconstrained) and ci-snapshot-promise
  // (constraint PromiseBeforeCompact, 629 states; 17,886 without) are those shapes.
  { mutant: 'CompactThroughMark', model: 'ci-compact-slots', property: 'AcceptorMonotonicity', kind: 'invariant' },
  { mutant: 'PromiseFromSnapshot', model: 'ci-snapshot-promise', property: 'PromisesReport', kind: 'invariant' },
  // And one that needs Promise parts beside two slots: with one slot, part 1 of a Promise in two
  // parts is always empty. ci-promise-parts-slots (constraint PartsOverTwoSlots, 2,996 states;
  // more than 4.1 million without) has a pvalue in each part.
  { mutant: 'ScoutSkipsFirstPart', model: 'ci-promise-parts-slots', property: 'AdoptionsReport', kind: 'invariant' },
  // The last of that review's that passed every CI model: it needs a commander of a leader's older
  // ballot still waiting once the leader is active at a newer one, which RaceShape's one scout per
  // result rules out. ci-race-rescout (constraint RaceRescout, 13,524 states) lets leader 1's
  // second scout at 0.1 be preempted while its commander waits: OneValuePerBallot, 33 steps.
  { mutant: 'CommanderRetriesAtLeaderBallot', model: 'ci-race-rescout', property: 'OneValuePerBallot', kind: 'invariant', search: 'explorer' },
  // Written for that model: a commander counting Accepteds of its leader's newer ballot decides
  // its own value without a quorum at any ballot (DecisionsChosen, 29 steps). Of the other CI
  // models only ci-race-retry catches it (24 steps: a restarted leader's commander counting an
  // Accepted of its older ballot, 194,543 states in).
  { mutant: 'CommanderIgnoresBallot', model: 'ci-race-rescout', property: 'DecisionsChosen', kind: 'invariant', search: 'explorer' },
];
