/** Programmatic API of the model-checking driver behind `npm run check-spec`. */
export type { Counterexample, CounterexampleState, Engine, ModelResult, Progress, Verdict } from './shared/types.js';
export { checkModel, defaultEngine, defaultSpecDir, repoRoot, type CheckModelOptions } from './check.js';
export { listModels, loadModel, selectModels, UnknownModel, type ModelInfo } from './models.js';
export { formatResultsTable, formatCounterexample, verdictText } from './report/table.js';
export { declaredActions } from './tla/nextActions.js';
export { parseCfg, printCfg, withConstants, CfgError, type TlcConfig, type ModelMeta } from './cfg/cfg.js';
export { flattenModule, FlattenError, STANDARD_MODULES } from './tla/flatten.js';
export { counterexampleToItf, formatItf, type ItfDocument, type ItfValue } from './values/itf.js';
export { parseTlaValue } from './values/tlaValue.js';
export { parseTlcTranscript, TlcOutputReader } from './tlc/output.js';
export { EngineUnavailable, findJar, findJava, requireTlc } from './tlc/setup.js';
export { formatCoverageTable, formatModuleCoverage, type ModuleCoverage } from './report/coverageReport.js';
export { listWitnesses, readWitness, replayWitness, evalInState, WitnessError, type Witness } from './embedded/witness.js';
