/**
 * The embedded engine, tla-checker (WebAssembly): engine.ts maps a check to a ModelResult
 * (after the structural checks of ../tla), worker.ts runs it in a worker thread, trace.ts reads
 * its counterexamples, witness.ts replays behaviours written as actions.
 */
export { checkEmbedded, EMBEDDED_DEFAULT_MAX_DEPTH, EMBEDDED_DEFAULT_MAX_STATES, prepareEmbeddedModule, type EmbeddedRequest } from './engine.js';
export { EmbeddedTimeout, runEmbeddedJob, type EmbeddedJob, type EmbeddedRawResult } from './worker.js';
export { evalInState, listWitnesses, readWitness, replayWitness, WitnessError, type ReplayResult, type Witness, type WitnessStep } from './witness.js';
export { loadTlaChecker, tlaCheckerPaths, type TlaChecker } from './wasm.js';
export {
  engineStateGraph, itfToEmbeddedJson, linesOf, parseStateGraph, parseStateLabel, readStateGraph, stateToEmbeddedJson,
  StateGraphError, type EngineStateGraph, type GraphItem, type GraphVars, type StateGraph, type ValueCache,
} from './stateGraph.js';
