/**
 * Linearizability of what clients saw. A history lists every client operation with its
 * input, output, call time and return time (or none, when the client never heard back);
 * it is linearizable when the operations can be put in one order that respects real time
 * (an operation that returned before another was called comes first) and in which running
 * the application's real state machine, one operation after another, gives every client
 * exactly the output it saw, each operation taking effect at most once (one that never
 * returned may take effect once, or never). The checker is Porcupine's design in small: a
 * sequential model (`model.ts`, `models.ts`); a split of the history into independent
 * parts by the names (accounts, keys) each operation touches (`partition.ts`); and per part
 * a depth-first search for such an order with a memo of (operations placed, state), which
 * tries next only the operations that touch the names of the one that must come soonest
 * (`search.ts`). `explain` turns a failure into the operation, the output it got, the output
 * the model gives and the state. To port it, read `history.ts`, then `search.ts`.
 */
export { checkLinearizable, type CheckOptions, type LinearizabilityResult, type StuckOperation } from './check.js';
export { explain } from './explain.js';
export { assertValidHistory, hasReturned, historyProblems, InvalidHistoryError, MAX_OPERATIONS, type Operation } from './history.js';
export { jsonEqual, stateMachineModel, type Model, type Outcome, type StateMachineModelSpec, type StepResult } from './model.js';
export { bankFootprints, bankModel, kvFootprints, kvModel, modelFor } from './models.js';
export { partitionByFootprint, type FootprintOf } from './partition.js';
export { checkWitness, type WitnessVerdict } from './witness.js';
