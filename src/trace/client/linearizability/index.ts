/**
 * Linearizability of what clients saw. A history lists every client operation with its
 * input, output, call time and return time (or none, when the client never heard back);
 * it is linearizable when the operations can be put in one order that respects real time
 * (an operation that returned before another was called comes first) and in which running
 * the application's real state machine, one operation after another, gives every client
 * exactly the output it saw, each operation taking effect at most once. The checker is
 * Porcupine's design in small: a sequential model (`model.ts`, `models.ts`), a split of the
 * history into independent parts when the model's state allows it (`partition.ts`), and per
 * part a depth-first search for such an order with a memo of (operations placed, state)
 * (`search.ts`); `explain` turns a failure into the operation, output and state to look at.
 * To port it, start with `history.ts`, then `search.ts`; the rest is plumbing.
 */
export { checkLinearizable, type CheckOptions, type LinearizabilityResult, type StuckOperation } from './check.js';
export { explain } from './explain.js';
export { assertValidHistory, hasReturned, historyProblems, InvalidHistoryError, MAX_OPERATIONS, type Operation } from './history.js';
export { jsonEqual, stateMachineModel, type Model, type Outcome, type StepResult } from './model.js';
export { bankFootprints, bankModel, kvFootprints, kvModel, modelFor } from './models.js';
export { partitionByFootprint, type FootprintOf } from './partition.js';
