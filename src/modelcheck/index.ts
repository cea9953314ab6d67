/**
 * Programmatic API of the model-checking driver behind `npm run check-spec`. One folder per
 * concern, each with an index.ts that says what it holds: cfg/ (models), tla/ (reading
 * modules), values/ (TLA+ values, ITF), embedded/ (tla-checker), tlc/ (TLC), report/ (what is
 * printed), cli/ (the command), shared/ (result types, started processes). check.ts checks one
 * model with either engine.
 */
export type { Counterexample, CounterexampleState, Engine, ErrorKind, ModelResult, Progress, TlcMode, Verdict } from './shared/index.js';
export { checkModel, defaultEngine, defaultSpecDir, repoRoot, type CheckModelOptions, type DistributedOptions } from './check.js';
export { listModels, loadModel, selectModels, UnknownModel, type ModelInfo } from './cfg/models.js';
export { formatResultsTable, formatCounterexample, verdictText, formatCoverageTable, formatModuleCoverage, type ModuleCoverage } from './report/index.js';
export { declaredActions, flattenModule, FlattenError, STANDARD_MODULES, checkModuleStructure } from './tla/index.js';
export { parseCfg, printCfg, withConstants, CfgError, type TlcConfig, type ModelMeta } from './cfg/index.js';
export { counterexampleToItf, formatItf, parseTlaValue, type ItfDocument, type ItfValue } from './values/index.js';
export { parseTlcTranscript, TlcOutputReader, EngineUnavailable, findJar, findJava, requireTlc, exitCodeMeaning } from './tlc/index.js';
export { listWitnesses, readWitness, replayWitness, evalInState, WitnessError, type Witness } from './embedded/index.js';
